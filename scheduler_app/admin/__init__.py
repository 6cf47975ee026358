"""Administration: user accounts."""

from flask import Blueprint

bp = Blueprint("admin", __name__)

from scheduler_app.admin import routes  # noqa: E402,F401
