"""The review queue: filter, approve (one or many), return with a comment."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from scheduler_app.auth.services import roles_required
from scheduler_app.cases.services import cases_of_entries
from scheduler_app.diaries.forms import ApproveForm, QueueFilterForm, ReturnForm
from scheduler_app.diaries.services import QueueFilter, ReviewError, approve, queue, send_back
from scheduler_app.extensions import db
from scheduler_app.inputs import record_id
from scheduler_app.me.forms import ACTIVITIES, DIMENSIONS, NOT_HELD
from scheduler_app.models import DiaryEntry, DiaryStatus, Role, Site, Volunteer
from scheduler_app.privacy.services import observations_shown
from scheduler_app.weekly import week_start_of

bp = Blueprint("diaries", __name__)


def _filter_form() -> tuple[QueueFilterForm, QueueFilter]:
    org = current_user.organisation_id
    form = QueueFilterForm(request.args)
    form.volunteer.choices = [("", "—")] + [(str(i), f"{code} {name}") for i, code, name in db.session.execute(
        db.select(Volunteer.id, Volunteer.code, Volunteer.name).where(Volunteer.organisation_id == org)
        .order_by(Volunteer.code)).all()]
    form.site.choices = [("", "—")] + [(str(i), name) for i, name in db.session.execute(
        db.select(Site.id, Site.name).where(Site.organisation_id == org).order_by(Site.code)).all()]
    if "status" not in request.args:
        form.status.data = "submitted"
    if not form.validate():
        return form, QueueFilter()
    week = form.week.data
    return form, QueueFilter(
        status=DiaryStatus(form.status.data) if form.status.data else None,
        volunteer_id=int(form.volunteer.data) if (form.volunteer.data or "").isdigit() else None,
        site_id=int(form.site.data) if (form.site.data or "").isdigit() else None,
        week_start=week_start_of(week) if week else None, concern_only=form.concern.data)


@bp.route("/")
@roles_required(Role.MANAGER)
def index():
    """The diary entries matching the filter, waiting for review by default, concerns first; a page at a time."""
    form, which = _filter_form()
    found = queue(current_user.organisation_id, which, page=request.args.get("page", 1, type=record_id))
    pages = {number: url_for("diaries.index", **{**request.args.to_dict(), "page": number})
             for number in range(1, found.pages + 1)}
    return render_template("diaries/index.html", form=form, found=found, entries=found.entries, pages=pages,
                           approve_form=ApproveForm(), activities=ACTIVITIES, dimensions=DIMENSIONS, not_held=NOT_HELD,
                           observable=observations_shown(current_user, found.entries),
                           entry_cases=cases_of_entries([e.id for e in found.entries])), 422 if form.errors else 200


def _versions(values: list[str]) -> dict[int, int] | None:
    """Parse "id:version" pairs from the form; None when one is malformed."""
    versions = {}
    for value in values:
        entry_id, _sep, version = value.partition(":")
        if not (entry_id.isdigit() and version.isdigit()):
            return None
        versions[int(entry_id)] = int(version)
    return versions


@bp.route("/approve", methods=["POST"])
@roles_required(Role.MANAGER)
def approve_entries():
    """Approve one entry (its own button) or every ticked entry; all or none."""
    form = ApproveForm()
    if not form.validate_on_submit():
        abort(400)
    picked = [request.form["one"]] if request.form.get("one") else request.form.getlist("entry")
    versions = _versions(picked)
    if versions is None:
        abort(400)
    if not versions:
        flash(_("Tick the entries to approve."), "error")
    else:
        try:
            count = approve(current_user.organisation_id, versions, current_user)
        except ReviewError as exc:
            flash(str(exc), "error")
        else:
            flash(ngettext("%(num)d diary entry approved.", "%(num)d diary entries approved.", count), "success")
    return redirect(request.form.get("back") if (request.form.get("back") or "").startswith("/diaries/")
                    else url_for("diaries.index"))


@bp.route("/<int:entry_id>/return", methods=["GET", "POST"])
@roles_required(Role.MANAGER)
def return_entry(entry_id: int):
    """Return an entry to its volunteer with a comment saying what to change."""
    entry = db.session.get(DiaryEntry, entry_id)
    if entry is None or entry.volunteer.organisation_id != current_user.organisation_id \
            or entry.status == DiaryStatus.DRAFT:
        abort(404)
    form = ReturnForm()
    if request.method == "GET":
        form.version.data = str(entry.version_id)
    elif form.validate_on_submit() and (form.version.data or "").isdigit():
        try:
            send_back(current_user.organisation_id, entry.id, int(form.version.data), form.comment.data,
                      current_user)
        except ReviewError as exc:
            flash(str(exc), "error")
        else:
            flash(_("Returned to %(name)s.", name=entry.volunteer.name), "success")
            return redirect(url_for("diaries.index"))
    return render_template("diaries/return.html", entry=entry, form=form, activities=ACTIVITIES, not_held=NOT_HELD,
                           dimensions=DIMENSIONS, observable=observations_shown(current_user, [entry])), \
        422 if request.method == "POST" else 200
