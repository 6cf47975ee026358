"""Volunteers: list, profile with dates away, new and edit."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from scheduler_app.admin.forms import ResetPasswordForm
from scheduler_app.admin.services import account_of, login_slip, unlinked_volunteers, volunteer_accounts
from scheduler_app.auth.services import roles_required
from scheduler_app.calendar.services import change_calendar_link, feed_links
from scheduler_app.models import Role
from scheduler_app.records.children import GENDERS
from scheduler_app.records.editing import find
from scheduler_app.records.views import edit_record
from scheduler_app.records.volunteers import VOLUNTEER
from scheduler_app.volunteers.forms import CalendarLinkForm, DateAwayForm, RemoveForm, VolunteerSearchForm
from scheduler_app.volunteers.services import (
    remove_date_away,
    search_volunteers,
)

bp = Blueprint("volunteers", __name__)

SECTIONS = [
    (_l("Profile"), ("code", "name", "gender", "phone", "roles", "affiliation", "active")),
    (_l("Home and reach"), ("village_id", "home_lat", "home_lon", "max_km")),
    (_l("Skills"), ("subjects", "trained", "trained_since")),
    (_l("Load limits"), ("max_sessions_per_week", "max_visits_per_week", "max_visits_per_day")),
    (_l("Weekly availability"), ("availability",)),
]


@bp.route("/")
@roles_required(Role.COORDINATOR, Role.MANAGER)
def index():
    """Search the organisation's volunteers."""
    form = VolunteerSearchForm(request.args)
    form.validate()
    result = search_volunteers(current_user.organisation_id, q=(form.q.data or "").strip(),
                               role=form.role.data or "", include_inactive=bool(form.inactive.data),
                               page=form.page.data or 1)
    args = {k: v for k, v in request.args.items() if k != "page"}
    return render_template("volunteers/index.html", form=form, result=result, args=args,
                           without_account=len(unlinked_volunteers(current_user.organisation_id)),
                           accounts_form=ResetPasswordForm())


@bp.route("/accounts", methods=["POST"])
@roles_required(Role.COORDINATOR)
def make_accounts():
    """Accounts for every active volunteer without one, at once, with one printable sheet of login slips."""
    if not ResetPasswordForm().validate_on_submit():
        abort(400)
    created = volunteer_accounts(current_user.organisation_id)
    if not created:
        flash(_("Every active volunteer has an account already."), "info")
        return redirect(url_for("volunteers.index"))
    slips = [login_slip(user, password, request.url_root) for user, password in created]
    return render_template("admin/slips.html", slips=slips), 200, {"Cache-Control": "no-store"}


@bp.route("/<int:volunteer_id>", methods=["GET", "POST"])
@roles_required(Role.COORDINATOR, Role.MANAGER)
def view(volunteer_id: int):
    """A volunteer's profile, availability and dates away; coordinators add dates away here."""
    volunteer = find(VOLUNTEER, current_user.organisation_id, volunteer_id)
    if volunteer is None:
        abort(404)
    form = DateAwayForm()
    if request.method == "POST":
        if current_user.role != Role.COORDINATOR:
            abort(403)
        if form.record_for(volunteer):
            flash(_("Dates away added."), "success")
            return redirect(url_for("volunteers.view", volunteer_id=volunteer.id))
    account = account_of(volunteer.id)
    return render_template("volunteers/view.html", volunteer=volunteer, form=form, feed=feed_links(volunteer),
                           remove=RemoveForm(),
                           calendar_form=CalendarLinkForm(), account=account, reset=ResetPasswordForm(),
                           genders=GENDERS, can_edit=current_user.role == Role.COORDINATOR), \
        422 if form.errors else 200


@bp.route("/<int:volunteer_id>/away/<int:date_away_id>/remove", methods=["POST"])
@roles_required(Role.COORDINATOR)
def remove_away(volunteer_id: int, date_away_id: int):
    """Remove one period of dates away."""
    volunteer = find(VOLUNTEER, current_user.organisation_id, volunteer_id)
    if volunteer is None:
        abort(404)
    if not RemoveForm().validate_on_submit():
        abort(400)
    if not remove_date_away(volunteer, date_away_id):
        abort(404)
    flash(_("Dates away removed."), "success")
    return redirect(url_for("volunteers.view", volunteer_id=volunteer.id))


@bp.route("/new", methods=["GET", "POST"])
@roles_required(Role.COORDINATOR)
def new():
    """Add a volunteer."""
    return edit_record(VOLUNTEER, None, sections=SECTIONS, title=_("New volunteer"),
                       done=lambda v: url_for("volunteers.view", volunteer_id=v.id),
                       cancel=url_for("volunteers.index"))


@bp.route("/<int:volunteer_id>/edit", methods=["GET", "POST"])
@roles_required(Role.COORDINATOR)
def edit(volunteer_id: int):
    """Edit a volunteer; a concurrent edit by another coordinator is shown, not overwritten."""
    return edit_record(VOLUNTEER, volunteer_id, sections=SECTIONS, title=_("Edit volunteer"),
                       done=lambda v: url_for("volunteers.view", volunteer_id=v.id),
                       cancel=url_for("volunteers.view", volunteer_id=volunteer_id))


@bp.route("/<int:volunteer_id>/calendar", methods=["POST"])
@roles_required(Role.COORDINATOR)
def calendar_link(volunteer_id: int):
    """Create a new private calendar link (revoking any old one), or revoke it."""
    volunteer = find(VOLUNTEER, current_user.organisation_id, volunteer_id)
    if volunteer is None:
        abort(404)
    form = CalendarLinkForm()
    if not form.validate_on_submit():
        abort(400)
    flash(change_calendar_link(volunteer, revoke=bool(form.revoke.data)), "success")
    return redirect(url_for("volunteers.view", volunteer_id=volunteer.id))
