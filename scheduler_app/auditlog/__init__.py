"""The audit log page: managers search who viewed or changed what."""

from flask import Blueprint

bp = Blueprint("auditlog", __name__)

from scheduler_app.auditlog import routes  # noqa: E402,F401
