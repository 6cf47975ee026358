"""Administration: user accounts."""
