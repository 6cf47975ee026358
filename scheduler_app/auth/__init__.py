"""Logging in and out, and the role checks every route uses."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from scheduler_app.auth import routes  # noqa: E402,F401  - routes attach to bp
