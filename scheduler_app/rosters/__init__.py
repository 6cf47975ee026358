"""The weekly roster: generate it in the background, review it, publish it."""

from flask import Blueprint

bp = Blueprint("rosters", __name__)

from scheduler_app.rosters import routes  # noqa: E402,F401
