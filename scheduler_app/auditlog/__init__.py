"""The audit log page: managers search who viewed or changed what."""
