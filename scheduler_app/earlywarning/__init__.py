"""Early warnings: children not visited for too long, repeated concerns, struggling volunteers."""
