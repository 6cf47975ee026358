"""A child's privacy: guardian consent, the child's data on request, anonymisation with a second approval."""

from flask import Blueprint

bp = Blueprint("privacy", __name__)

from scheduler_app.privacy import routes  # noqa: E402,F401
