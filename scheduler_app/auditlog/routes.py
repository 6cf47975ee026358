"""The audit log search page."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user

from scheduler_app.auditlog.forms import AuditSearchForm
from scheduler_app.auditlog.services import ACTION_LABELS, AuditQuery, known_actions, record_label, search_audit
from scheduler_app.auth.services import require, roles_required
from scheduler_app.models import Role
from scheduler_app.permissions import Permission

bp = Blueprint("auditlog", __name__)


@bp.route("/")
@roles_required(Role.MANAGER, Role.ADMIN)
def index():
    """Search who viewed, exported or changed what, and every login and refusal, newest first."""
    require(Permission.AUDIT)
    form = AuditSearchForm(request.args)
    actions = known_actions(current_user.organisation_id)
    form.action.choices = [("", "—")] + [(a, ACTION_LABELS.get(a, a)) for a in actions]
    valid = form.validate()
    query = AuditQuery(username=(form.username.data or "").strip(), action=form.action.data or "",
                       child_code=(form.child.data or "").strip(),
                       since=form.since.data if valid else None, until=form.until.data if valid else None)
    result = search_audit(current_user.organisation_id, query, page=form.page.data or 1)
    args = {k: v for k, v in request.args.items() if k != "page"}
    return render_template("auditlog/index.html", form=form, result=result, args=args, labels=ACTION_LABELS,
                           record_label=record_label, time_zone=current_user.organisation.time_zone)
