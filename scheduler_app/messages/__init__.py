"""Messages that reach people outside the app: the organisation's channels, the outbox, its sender and the
delivery log."""

from flask import Blueprint

bp = Blueprint("messages", __name__)

from scheduler_app.messages import routes  # noqa: E402,F401
