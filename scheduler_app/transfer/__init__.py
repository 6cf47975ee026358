"""Spreadsheets in and out: import villages, sites, volunteers and children; export them; blank templates."""

from flask import Blueprint

bp = Blueprint("transfer", __name__)

from scheduler_app.transfer import routes  # noqa: E402,F401
