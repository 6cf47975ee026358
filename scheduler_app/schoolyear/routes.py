"""The school-year page: the calendar's own days and terms (admins), closures and children away
(coordinators), what the public-holiday calendar knows."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from scheduler_app.auth.services import roles_required
from scheduler_app.extensions import db
from scheduler_app.messages.events import activity_line
from scheduler_app.models import CalendarDay, Child, ChildAway, Role, SchoolTerm, Site, SiteClosure
from scheduler_app.schooldays import known_until
from scheduler_app.schoolyear.attendance import (
    AttendanceError,
    SessionAttendance,
    record_attendance,
    session_attendance,
    tutoring_of,
)
from scheduler_app.schoolyear.forms import (
    AttendanceForm,
    CalendarDayForm,
    ChildAwayForm,
    ClosureForm,
    RemoveForm,
    TermForm,
)
from scheduler_app.schoolyear.services import (
    Cancelled,
    SchoolYearError,
    add_child_away,
    add_closure,
    remove,
    save_calendar_day,
    save_term,
    school_year,
)

bp = Blueprint("schoolyear", __name__)

LOOK_BACK = dt.timedelta(days=31)  # entries that ended within this are still listed


def _closure_form() -> ClosureForm:
    """The closure form, its sites the organisation's active ones."""
    form = ClosureForm(prefix="closure")
    form.site.choices = [(s.id, f"{s.code} {s.name}") for s in db.session.execute(
        db.select(Site).where(Site.organisation_id == current_user.organisation_id, Site.active)
        .order_by(Site.code)).scalars()]
    return form


def _away_form() -> ChildAwayForm:
    """The days-away form, its children the organisation's active ones."""
    form = ChildAwayForm(prefix="away")
    form.child.choices = [(c.id, f"{c.code} {c.name}") for c in db.session.execute(
        db.select(Child).where(Child.organisation_id == current_user.organisation_id, Child.active)
        .order_by(Child.code)).scalars()]
    return form


def _page(status: int = 200, **forms: object):
    """The page with its lists and forms (a refused form with its errors)."""
    shown = {"day_form": CalendarDayForm(prefix="day"), "term_form": TermForm(prefix="term"),
             "closure_form": _closure_form(), "away_form": _away_form(), **forms}
    return render_template("schoolyear/index.html", year=school_year(current_user.organisation_id,
                                                                     dt.date.today() - LOOK_BACK),
                           known_until=known_until(), remove_form=RemoveForm(),
                           can_admin=current_user.role == Role.ADMIN,
                           can_coordinate=current_user.role == Role.COORDINATOR, **shown), status


@bp.route("/")
@roles_required(Role.ADMIN, Role.COORDINATOR, Role.MANAGER)
def index():
    """The organisation's school year: own calendar days, terms, closures, children away."""
    return _page()


def _refused(form: FlaskForm, exc: SchoolYearError, name: str):
    """The page again with the refused form, the field named."""
    db.session.rollback()
    getattr(form, exc.field).errors.append(str(exc))
    return _page(422, **{name: form})


def _say_cancelled(cancelled: Cancelled) -> None:
    """Name the published activities a closure or absence cancels, and where to re-plan them."""
    if cancelled.assignments:
        flash(_("This cancels activities already published: %(list)s. The Roster page of that week offers a "
                "re-plan of what is left; its volunteers are told when it is published.",
                list="; ".join(f"{a.volunteer.name}: {activity_line(a)}" for a in cancelled.assignments)), "warning")


@bp.route("/days", methods=["POST"])
@roles_required(Role.ADMIN)
def add_day():
    """Record the admin's own entry for a date (a day off, or a working day following a weekday)."""
    form = CalendarDayForm(prefix="day")
    if not form.validate_on_submit():
        return _page(422, day_form=form)
    try:
        save_calendar_day(current_user.organisation_id, form.day.data, form.working.data == "working",
                          form.name.data or "", form.follows.data)
    except SchoolYearError as exc:
        return _refused(form, exc, "day_form")
    flash(_("Day saved."), "success")
    return redirect(url_for("schoolyear.index"))


@bp.route("/terms", methods=["POST"])
@roles_required(Role.ADMIN)
def add_term():
    """Record a school term."""
    form = TermForm(prefix="term")
    if not form.validate_on_submit():
        return _page(422, term_form=form)
    try:
        save_term(current_user.organisation_id, form.name.data or "", form.first_day.data, form.last_day.data)
    except SchoolYearError as exc:
        return _refused(form, exc, "term_form")
    flash(_("Term added."), "success")
    return redirect(url_for("schoolyear.index"))


@bp.route("/closures", methods=["POST"])
@roles_required(Role.COORDINATOR)
def add_site_closure():
    """Close a site for some days; the published sessions it cancels are named."""
    form = _closure_form()
    if not form.validate_on_submit():
        return _page(422, closure_form=form)
    try:
        cancelled = add_closure(current_user.organisation_id, form.site.data, form.first_day.data,
                                   form.last_day.data, form.reason.data or "")
    except SchoolYearError as exc:
        return _refused(form, exc, "closure_form")
    flash(_("Closure recorded."), "success")
    _say_cancelled(cancelled)
    return redirect(url_for("schoolyear.index"))


@bp.route("/away", methods=["POST"])
@roles_required(Role.COORDINATOR)
def add_away():
    """Record days a child is away; the published visits they cancel are named."""
    form = _away_form()
    if not form.validate_on_submit():
        return _page(422, away_form=form)
    try:
        cancelled = add_child_away(current_user.organisation_id, form.child.data, form.first_day.data,
                                      form.last_day.data, form.reason.data or "")
    except SchoolYearError as exc:
        return _refused(form, exc, "away_form")
    flash(_("Days away recorded."), "success")
    _say_cancelled(cancelled)
    return redirect(url_for("schoolyear.index"))


def _removed(kind: type[CalendarDay | SchoolTerm | SiteClosure | ChildAway], record_id: int):
    """Remove one entry of the organisation's (404 for anything else) and go back to the page."""
    if not RemoveForm().validate_on_submit():
        abort(400)
    if not remove(current_user.organisation_id, kind, record_id):
        abort(404)
    flash(_("Removed."), "success")
    return redirect(url_for("schoolyear.index"))


@bp.route("/days/<int:day_id>/remove", methods=["POST"])
@roles_required(Role.ADMIN)
def remove_day(day_id: int):
    """Remove the admin's own entry for a date (the public calendar applies again)."""
    return _removed(CalendarDay, day_id)


@bp.route("/terms/<int:term_id>/remove", methods=["POST"])
@roles_required(Role.ADMIN)
def remove_term(term_id: int):
    """Remove a school term."""
    return _removed(SchoolTerm, term_id)


@bp.route("/closures/<int:closure_id>/remove", methods=["POST"])
@roles_required(Role.COORDINATOR)
def remove_closure(closure_id: int):
    """Remove a site's closure."""
    return _removed(SiteClosure, closure_id)


@bp.route("/away/<int:child_away_id>/remove", methods=["POST"])
@roles_required(Role.COORDINATOR)
def remove_away(child_away_id: int):
    """Remove a child's days away."""
    return _removed(ChildAway, child_away_id)


def _session_for(site_id: int, held_on: str) -> SessionAttendance:
    """The session the reader may open: a site of her organisation, a real date, a session the week holds; a
    volunteer only for a session she tutors. 404 otherwise."""
    try:
        day = dt.date.fromisoformat(held_on)
    except ValueError:
        abort(404)
    site = db.session.execute(db.select(Site).where(Site.id == site_id,
                                                    Site.organisation_id == current_user.organisation_id)
                              ).scalar_one_or_none()
    if site is None:
        abort(404)
    if current_user.role == Role.VOLUNTEER and (
            current_user.volunteer_id is None or tutoring_of(current_user.volunteer_id, site.id, day) is None):
        abort(404)
    session = session_attendance(current_user, site, day)
    if session is None:
        abort(404)
    return session


@bp.route("/attendance/<int:site_id>/<held_on>", methods=["GET", "POST"])
@roles_required(Role.COORDINATOR, Role.VOLUNTEER)
def attendance(site_id: int, held_on: str):
    """Who came to a session (its tutor on her phone, or a coordinator): the children enrolled that day, ticked
    until unticked; an absent child with the reason. It can be changed later."""
    session = _session_for(site_id, held_on)
    form = AttendanceForm()
    errors: dict[str, str] = {}
    if form.validate_on_submit():
        present = {r.child_id for r in session.rows if request.form.get(f"present-{r.child_id}")}
        reasons = {r.child_id: request.form.get(f"reason-{r.child_id}", "") for r in session.rows}
        try:
            came = record_attendance(session, present, reasons, current_user.id)
        except AttendanceError as exc:
            db.session.rollback()
            errors[exc.field] = str(exc)
        else:
            flash(_("Attendance saved: %(came)d of %(all)d came.", came=came, all=len(session.rows)), "success")
            return redirect(url_for("schoolyear.attendance", site_id=site_id, held_on=held_on))
    return render_template("schoolyear/attendance.html", session=session, form=form, errors=errors,
                           posted=request.form if errors else None), 422 if errors else 200


@bp.route("/attendance/<int:site_id>/<held_on>/sheet")
@roles_required(Role.COORDINATOR, Role.MANAGER, Role.VOLUNTEER)
def sign_in_sheet(site_id: int, held_on: str):
    """The printable sign-in sheet (签到表) of a session: the children's names as the reader may see them, and
    lines for the tutors' signatures."""
    return render_template("schoolyear/sheet.html", session=_session_for(site_id, held_on))
