"""Diary review: managers approve service diaries (only approved hours count) or return them with a comment."""

from flask import Blueprint

bp = Blueprint("diaries", __name__)

from scheduler_app.diaries import routes  # noqa: E402,F401
