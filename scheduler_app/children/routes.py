"""Children: list, profile, new and edit."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from scheduler_app.auth.services import require, roles_required
from scheduler_app.children.forms import ChildSearchForm
from scheduler_app.children.services import (
    ChildFilter,
    child_history,
    child_observations,
    open_child,
    organisation_sites,
    search_children,
    sensitive_shown,
)
from scheduler_app.kinship import relationship
from scheduler_app.models import Role
from scheduler_app.permissions import Permission
from scheduler_app.permissions import has as has_permission
from scheduler_app.records.children import CHILD, GENDERS, LEFT_BEHIND
from scheduler_app.records.views import edit_record

bp = Blueprint("children", __name__)

SECTIONS = [
    (_l("Profile"), ("code", "name", "gender", "birth_date", "grade", "school", "active")),
    (_l("Home and family"), ("village_id", "home_lat", "home_lon", "guardian_name", "guardian_relationship",
                             "guardian_phone", "left_behind_type", "parents_work_place", "background")),
    (_l("4:30 classroom"), ("site_id", "attends", "subjects", "academic_notes")),
    (_l("Home visits"), ("visits_per_week", "visit_windows", "risk_level", "needs_trained",
                         "primary_volunteer_id")),
]


@bp.route("/")
@roles_required(Role.COORDINATOR, Role.MANAGER)
def index():
    """Search the organisation's children."""
    form = ChildSearchForm(request.args)
    sites = organisation_sites(current_user.organisation_id)
    form.site.choices = [("", "—")] + [(str(s.id), f"{s.code} {s.name}") for s in sites]
    form.validate()
    wanted = ChildFilter(q=(form.q.data or "").strip(),
                         min_risk=int(form.min_risk.data) if (form.min_risk.data or "").isdigit() else None,
                         site_id=int(form.site.data) if (form.site.data or "").isdigit() else None,
                         subject=form.subject.data or "", needs_trained=bool(form.needs_trained.data),
                         include_inactive=bool(form.inactive.data))
    result = search_children(current_user.organisation_id, wanted, page=form.page.data or 1)
    args = {k: v for k, v in request.args.items() if k != "page"}
    return render_template("children/index.html", form=form, result=result, args=args)


@bp.route("/<int:child_id>")
@roles_required(Role.COORDINATOR, Role.MANAGER)
def view(child_id: int):
    """A child's profile with the visits and sessions of the last weeks; the viewing is audited."""
    child = open_child(current_user.organisation_id, child_id)
    if child is None:
        abort(404)
    today = dt.date.today()
    shown = sensitive_shown(current_user, child, today)
    observations = child_observations(child) if shown.observations else None
    response = render_template("children/view.html", child=child, age=child.age_on(today), relationship=relationship,
                               history=child_history(child, today), observations=observations, shown=shown,
                               genders=GENDERS, left_behind=LEFT_BEHIND,
                               can_edit=current_user.role == Role.COORDINATOR
                               and has_permission(current_user, Permission.CHILD_SENSITIVE))
    return response, 200, {"Cache-Control": "no-store"}


@bp.route("/new", methods=["GET", "POST"])
@roles_required(Role.COORDINATOR)
def new():
    """Add a child."""
    return edit_record(CHILD, None, sections=SECTIONS, title=_("New child"),
                       done=lambda c: url_for("children.view", child_id=c.id), cancel=url_for("children.index"))


@bp.route("/<int:child_id>/edit", methods=["GET", "POST"])
@roles_required(Role.COORDINATOR)
def edit(child_id: int):
    """Edit a child's profile; a concurrent edit by another coordinator is shown, not overwritten. The form holds
    the sensitive fields, so it needs that permission."""
    require(Permission.CHILD_SENSITIVE)
    return edit_record(CHILD, child_id, sections=SECTIONS, title=_("Edit child"),
                       done=lambda c: url_for("children.view", child_id=c.id),
                       cancel=url_for("children.view", child_id=child_id))
