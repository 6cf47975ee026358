"""Logging in and out, and the role checks every route uses."""
