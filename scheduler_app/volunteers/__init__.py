"""Volunteers: tutors and volunteer mothers, their reach, load limits, availability and dates away."""

from flask import Blueprint

bp = Blueprint("volunteers", __name__)

from scheduler_app.volunteers import routes  # noqa: E402,F401
