"""The family call window: a site's call room, a child's parents, and the coordinator's plan of the week's calls."""
