"""The audit log: record who viewed or changed what, when and from where."""

from __future__ import annotations

from typing import Any

from flask import has_request_context, request
from flask_login import current_user

from scheduler_app.extensions import db
from scheduler_app.models import AuditEvent


def record(action: str, object_type: str = "", object_id: int | None = None, *,
           user: Any = None, username: str = "", organisation_id: int | None = None,
           **detail: Any) -> AuditEvent:
    """Add an audit event to the current transaction; the caller's commit makes it durable with the change."""
    if user is None and has_request_context() and getattr(current_user, "is_authenticated", False):
        user = current_user
    event = AuditEvent(action=action, object_type=object_type, object_id=object_id, detail=detail,
                       user_id=getattr(user, "id", None),
                       username=getattr(user, "username", "") or username,
                       organisation_id=getattr(user, "organisation_id", None) or organisation_id,
                       remote_addr=(request.remote_addr or "") if has_request_context() else "")
    db.session.add(event)
    return event
