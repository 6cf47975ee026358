"""Home pages per role and the language switch."""

from flask import Blueprint

bp = Blueprint("main", __name__)

from scheduler_app.main import routes  # noqa: E402,F401
