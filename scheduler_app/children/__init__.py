"""Children: the list coordinators and managers search, and each child's profile."""

from flask import Blueprint

bp = Blueprint("children", __name__)

from scheduler_app.children import routes  # noqa: E402,F401
