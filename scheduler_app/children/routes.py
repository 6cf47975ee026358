"""Children list and profile."""

from __future__ import annotations

import datetime as dt

from flask import abort, render_template, request
from flask_login import current_user

from scheduler_app.auth.services import roles_required
from scheduler_app.children import bp
from scheduler_app.children.forms import ChildSearchForm
from scheduler_app.children.services import open_child, search_children
from scheduler_app.models import Role


@bp.route("/")
@roles_required(Role.COORDINATOR, Role.MANAGER)
def index():
    """Search the organisation's children."""
    form = ChildSearchForm(request.args)
    form.validate()
    result = search_children(current_user.organisation_id, q=(form.q.data or "").strip(),
                             min_risk=int(form.min_risk.data) if form.min_risk.data else None,
                             page=form.page.data or 1)
    return render_template("children/index.html", form=form, result=result)


@bp.route("/<int:child_id>")
@roles_required(Role.COORDINATOR, Role.MANAGER)
def view(child_id: int):
    """A child's profile; the viewing is written to the audit log."""
    child = open_child(current_user.organisation_id, child_id)
    if child is None:
        abort(404)
    response = render_template("children/view.html", child=child, age=child.age_on(dt.date.today()))
    return response, 200, {"Cache-Control": "no-store"}
