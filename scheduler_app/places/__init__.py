"""Sites (where the 4:30 classroom meets) and villages (where homes are)."""
