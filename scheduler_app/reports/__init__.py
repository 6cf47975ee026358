"""Managers' dashboard (charts drawn server-side as SVG) and the funders' report for a month or a term."""

from flask import Blueprint

bp = Blueprint("reports", __name__)

from scheduler_app.reports import routes  # noqa: E402,F401
