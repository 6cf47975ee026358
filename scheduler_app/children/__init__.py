"""Children: the list coordinators and managers search, and each child's profile."""
