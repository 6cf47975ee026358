"""The school year: public holidays and make-up days, terms, site closures, children away, and attendance."""

from flask import Blueprint

bp = Blueprint("schoolyear", __name__)

from scheduler_app.schoolyear import routes  # noqa: E402,F401
