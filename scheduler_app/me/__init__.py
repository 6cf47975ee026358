"""A volunteer's own pages: answer assignments (confirm or decline)."""

from flask import Blueprint

bp = Blueprint("me", __name__)

from scheduler_app.me import routes  # noqa: E402,F401
