"""A volunteer's own pages: answer assignments, keep availability and dates away current."""

from flask import Blueprint

bp = Blueprint("me", __name__)

from scheduler_app.me import routes  # noqa: E402,F401
