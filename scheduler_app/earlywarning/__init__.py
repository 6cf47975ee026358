"""Early warnings: children not visited for too long, repeated concerns, struggling volunteers."""

from flask import Blueprint

bp = Blueprint("earlywarning", __name__)

from scheduler_app.earlywarning import routes  # noqa: E402,F401
