"""Confirm or decline one's own assignment."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from scheduler_app.auth.services import roles_required
from scheduler_app.me import bp
from scheduler_app.me.forms import ConfirmForm, DeclineForm
from scheduler_app.me.services import confirm, decline, my_assignment
from scheduler_app.models import Role


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
