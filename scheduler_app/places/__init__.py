"""Sites (where the 4:30 classroom meets) and villages (where homes are)."""

from flask import Blueprint

bp = Blueprint("places", __name__)

from scheduler_app.places import routes  # noqa: E402,F401
