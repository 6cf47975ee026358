"""Home page per role, and the language switch."""

from __future__ import annotations

import datetime as dt

from flask import abort, redirect, render_template, session, url_for
from flask_login import current_user, login_required

from scheduler_app.auth.services import roles_required
from scheduler_app.i18n import SESSION_KEY
from scheduler_app.main import bp
from scheduler_app.main.forms import LanguageForm, ReadForm
from scheduler_app.main.services import (
    mark_notifications_read,
    organisation_overview,
    published_week_for,
    unread_notifications,
    users_by_role,
)
from scheduler_app.me.forms import ConfirmForm
from scheduler_app.me.services import diaries_due, my_week
from scheduler_app.models import Role
from scheduler_app.weekly import week_start_of


@bp.route("/")
@login_required
def home():
    """Each role lands on the page it needs first."""
    today = dt.date.today()
    week_start = week_start_of(today)
    if current_user.role == Role.VOLUNTEER:
        volunteer = current_user.volunteer
        next_week = week_start + dt.timedelta(days=7)
        return render_template("main/home_volunteer.html", volunteer=volunteer, week_start=week_start,
                               assignments=my_week(volunteer, published_week_for(volunteer, week_start)),
                               next_week=next_week,
                               next_assignments=my_week(volunteer, published_week_for(volunteer, next_week)),
                               notifications=unread_notifications(volunteer), read_form=ReadForm(),
                               due=diaries_due(volunteer, today),
                               confirm_form=ConfirmForm())
    overview = organisation_overview(current_user.organisation_id)
    if current_user.role == Role.ADMIN:
        return render_template("main/home_admin.html", overview=overview,
                               users=users_by_role(current_user.organisation_id))
    template = "main/home_manager.html" if current_user.role == Role.MANAGER else "main/home_coordinator.html"
    return render_template(template, overview=overview, week_start=week_start)


@bp.route("/language", methods=["POST"])
def set_language():
    """Remember the chosen language for this browser session; no login needed (the login page has it too)."""
    form = LanguageForm()
    if form.validate_on_submit():
        session[SESSION_KEY] = form.lang.data
    target = form.next.data or ""
    if not target.startswith("/") or target.startswith("//"):
        target = url_for("main.home")
    return redirect(target)


@bp.route("/notifications/read", methods=["POST"])
@roles_required(Role.VOLUNTEER)
def read_notifications():
    """The volunteer has seen their notifications."""
    if not ReadForm().validate_on_submit():
        abort(400)
    mark_notifications_read(current_user.volunteer)
    return redirect(url_for("main.home"))
