"""Private calendar feeds: a volunteer's published assignments as iCalendar, behind a revocable secret link."""

from flask import Blueprint

bp = Blueprint("calendar", __name__)

from scheduler_app.calendar import routes  # noqa: E402,F401
