"""The organisation's programmes beyond tutoring and home visits: one-off activities (museum visits, competitions)."""

from flask import Blueprint

bp = Blueprint("programmes", __name__)

from scheduler_app.programmes import routes  # noqa: E402,F401
