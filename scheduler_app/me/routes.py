"""A volunteer's own pages: answer assignments, keep availability and dates away current."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from scheduler_app.auth.services import roles_required
from scheduler_app.me import bp
from scheduler_app.me.forms import ConfirmForm, DeclineForm
from scheduler_app.me.services import confirm, decline, my_assignment
from scheduler_app.models import Role
from scheduler_app.records.editing import EditConflictError, save, snapshot
from scheduler_app.records.fields import Lookups, RecordInvalidError
from scheduler_app.records.forms import fill, record_form, set_choices
from scheduler_app.records.forms import read as read_form
from scheduler_app.records.volunteers import VOLUNTEER
from scheduler_app.volunteers.forms import DateAwayForm, RemoveForm
from scheduler_app.volunteers.services import DatesAwayError, add_date_away, remove_date_away


@bp.route("/assignments/<int:assignment_id>/confirm", methods=["POST"])
@roles_required(Role.VOLUNTEER)
def confirm_assignment(assignment_id: int):
    """Confirm one of my assignments."""
    assignment = my_assignment(current_user.volunteer, assignment_id)
    if assignment is None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    confirm(assignment)
    flash(_("Confirmed. Thank you!"), "success")
    return redirect(url_for("main.home"))


@bp.route("/assignments/<int:assignment_id>/decline", methods=["GET", "POST"])
@roles_required(Role.VOLUNTEER)
def decline_assignment(assignment_id: int):
    """Decline one of my assignments, with a reason for the coordinator."""
    assignment = my_assignment(current_user.volunteer, assignment_id)
    if assignment is None:
        abort(404)
    form = DeclineForm()
    if form.validate_on_submit():
        decline(assignment, form.reason.data)
        flash(_("Declined. The coordinator will find someone else."), "success")
        return redirect(url_for("main.home"))
    return render_template("me/decline.html", assignment=assignment, form=form), 422 if form.errors else 200


@bp.route("/availability", methods=["GET", "POST"])
@roles_required(Role.VOLUNTEER)
def availability():
    """My weekly availability and my dates away; changes reach the next week's roster."""
    volunteer = current_user.volunteer
    lookups = Lookups.load(volunteer.organisation_id)
    form = record_form(VOLUNTEER)()
    away_form = DateAwayForm(prefix="away")
    if request.method == "GET":
        values = VOLUNTEER.read(volunteer)
        fill(form, VOLUNTEER, values)
        form.version.data, form.snapshot.data = str(volunteer.version_id), snapshot(VOLUNTEER, values, lookups)
    set_choices(form, VOLUNTEER, lookups)
    if request.method == "POST" and "away-submit" in request.form:
        if away_form.validate_on_submit():
            try:
                add_date_away(volunteer, away_form.first_day.data, away_form.last_day.data, away_form.reason.data or "")
            except DatesAwayError as exc:
                away_form.last_day.errors = [*away_form.last_day.errors, str(exc)]
            else:
                flash(_("Dates away added."), "success")
                return redirect(url_for("me.availability"))
    elif request.method == "POST" and form.validate_on_submit():
        entered, row_errors = read_form(form, VOLUNTEER)
        values = {**VOLUNTEER.read(volunteer), "availability": entered["availability"]}
        version = int(form.version.data) if (form.version.data or "").isdigit() else None
        try:
            if row_errors:
                raise RecordInvalidError(row_errors)
            save(VOLUNTEER, volunteer.organisation_id, volunteer.id, values, version=version,
                 token=form.snapshot.data)
        except RecordInvalidError as exc:
            form.availability.errors = [exc.errors.get("availability") or "; ".join(exc.errors.values())]
        except EditConflictError:
            flash(_("Your coordinator changed your record meanwhile; here it is as it is now. Enter your "
                    "times again."), "error")
            return redirect(url_for("me.availability"))
        else:
            flash(_("Saved: the next roster uses these times."), "success")
            return redirect(url_for("me.availability"))
    failed = request.method == "POST"
    return render_template("me/availability.html", form=form, away_form=away_form, volunteer=volunteer,
                           remove=RemoveForm()), 422 if failed else 200


@bp.route("/away/<int:away_id>/remove", methods=["POST"])
@roles_required(Role.VOLUNTEER)
def remove_away(away_id: int):
    """Remove one of my dates away."""
    if not RemoveForm().validate_on_submit():
        abort(400)
    if not remove_date_away(current_user.volunteer, away_id):
        abort(404)
    flash(_("Dates away removed."), "success")
    return redirect(url_for("me.availability"))
