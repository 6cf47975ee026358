"""The family call window: a site's call room, a child's parents, and the coordinator's plan of the week's calls."""

from flask import Blueprint

bp = Blueprint("calls", __name__)

from scheduler_app.calls import routes  # noqa: E402,F401
