"""Safeguarding cases: a worrying observation opens (or joins) the child's case, with its actions, referrals,
mandatory report, case plan and timeline; volunteers raise concerns and see that they were received."""

from flask import Blueprint

bp = Blueprint("cases", __name__)

from scheduler_app.cases import routes  # noqa: E402,F401
