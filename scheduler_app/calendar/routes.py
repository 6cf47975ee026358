"""The calendar feed: no login (calendar apps cannot log in); the secret in the link is the key."""

from __future__ import annotations

from flask import Blueprint, Response, abort

from scheduler_app.calendar.services import calendar_feed

bp = Blueprint("calendar", __name__)


@bp.route("/<token>.ics")
def feed(token: str):
    """The volunteer's published assignments as iCalendar; 404 for an unknown or revoked link."""
    body = calendar_feed(token)
    if body is None:
        abort(404)
    return Response(body, mimetype="text/calendar", headers={"Cache-Control": "private, no-store",
                                                             "Referrer-Policy": "no-referrer"})
