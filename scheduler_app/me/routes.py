"""A volunteer's own pages (a social worker's too, on her linked record): answer assignments, keep availability
and dates away current."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import force_locale, format_date, get_locale
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from scheduler_app import audit, tabular
from scheduler_app.auth.services import roles_required
from scheduler_app.calendar.services import change_calendar_link, feed_links
from scheduler_app.contract.roster import is_interview
from scheduler_app.extensions import db
from scheduler_app.me.forms import ACTIVITIES, DIMENSIONS, ConfirmForm, DeclineForm, DiaryForm, PeriodForm
from scheduler_app.me.services import (
    DiaryConflictError,
    DiaryError,
    certificate,
    confirm,
    decline,
    diary_for,
    my_assignment,
    my_hours,
    national_header,
    national_rows,
    round_trip_minutes,
    save_diary,
)
from scheduler_app.models import Assignment, ConsentCategory, Volunteer
from scheduler_app.names import first_name
from scheduler_app.offline import kept_on_phone
from scheduler_app.outbox import Delivery, Outcome, assignment_seen, from_phone, on_screen, take
from scheduler_app.privacy.services import consented
from scheduler_app.records.editing import EditConflictError, save
from scheduler_app.records.fields import Lookups, RecordInvalidError
from scheduler_app.records.forms import record_form, set_choices
from scheduler_app.records.views import entered, show
from scheduler_app.records.volunteers import VOLUNTEER
from scheduler_app.roles import SELF_SERVICE_ROLES
from scheduler_app.volunteers.forms import CalendarLinkForm, DateAwayForm, RemoveForm
from scheduler_app.volunteers.services import remove_date_away

bp = Blueprint("me", __name__)


def _answer(delivery: Delivery):  # JSON, or a redirect
    """The phone's script gets JSON; a plain form post gets the message flashed and goes on."""
    if from_phone():
        if on_screen() and delivery.outcome == Outcome.DONE:
            flash(delivery.message, "success")  # the page goes on to delivery.next_url, which shows it
        return delivery.reply()
    flash(delivery.message, "success" if delivery.outcome == Outcome.DONE else "error")
    return redirect(delivery.next_url or url_for("main.home"))


def _form_errors(form: FlaskForm) -> tuple[str, ...]:
    """A form's errors, each with its field's label, for the phone to show."""
    return tuple(f"{form[name].label.text}: {message}" for name, messages in form.errors.items()
                 for message in messages)


def _gone() -> Delivery:
    """The answer to an item about an assignment that is no longer the volunteer's (a 404 for a plain post)."""
    if not from_phone():
        abort(404)
    return Delivery(Outcome.CONFLICT, _("This activity is no longer in your week: it was removed or given to "
                                        "someone else. Please look at your week again."), url_for("main.home"))


def _moved(assignment: Assignment, seen: str | None) -> Delivery | None:
    """A conflict when the page the answer was given on showed other times, or another answer, than the
    assignment has now."""
    now = assignment_seen(assignment)
    if not seen or seen == now:
        return None
    if seen.rsplit(":", 1)[0] == now.rsplit(":", 1)[0]:  # the same day and times: only the answer differs
        return Delivery(Outcome.CONFLICT, _("You answered this activity meanwhile on another page; this answer "
                                            "changed nothing. Please look at your week again."), url_for("main.home"))
    return Delivery(Outcome.CONFLICT, _("This activity was changed after you opened the page: it is now on "
                                        "%(day)s %(start)s–%(end)s. Please look at your week again.",
                                        day=format_date(assignment.date), start=assignment.start.strftime("%H:%M"),
                                        end=assignment.end.strftime("%H:%M")), url_for("main.home"))


@bp.route("/assignments/<int:assignment_id>/confirm", methods=["POST"])
@roles_required(*SELF_SERVICE_ROLES)
def confirm_assignment(assignment_id: int):
    """Confirm one of my assignments (once per outbox item, and not when it changed since the page was read)."""
    def act() -> Delivery:
        assignment = my_assignment(current_user.volunteer, assignment_id)
        if assignment is None:
            return _gone()
        form = ConfirmForm()
        if not form.validate_on_submit():
            if not from_phone():
                abort(400)
            return Delivery(Outcome.REFUSED, _("Please open the page again and send once more."))
        moved = _moved(assignment, form.seen.data)
        if moved is not None:
            return moved
        confirm(assignment)
        return Delivery(Outcome.DONE, _("Confirmed. Thank you!"), url_for("main.home"))
    return _answer(take(current_user, "confirm", act))


@bp.route("/assignments/<int:assignment_id>/decline", methods=["GET", "POST"])
@roles_required(*SELF_SERVICE_ROLES)
def decline_assignment(assignment_id: int):
    """Decline one of my assignments, with a reason for the coordinator."""
    form = DeclineForm()

    def act() -> Delivery:
        assignment = my_assignment(current_user.volunteer, assignment_id)
        if assignment is None:
            return _gone()
        moved = _moved(assignment, form.seen.data)
        if moved is not None:
            return moved
        away = decline(assignment, form.reason.data, free_then=form.when.data == "this")
        said = _("Declined. The coordinator will find someone else.") if away is None else _(
            "Declined. You are marked away on %(day)s %(start)s–%(end)s, so nothing else is planned for you then; "
            "the coordinator will find someone else.", day=format_date(away.first_day),
            start=f"{away.start:%H:%M}", end=f"{away.end:%H:%M}")
        return Delivery(Outcome.DONE, said, url_for("main.home"))

    if form.validate_on_submit():
        return _answer(take(current_user, "decline", act))
    if from_phone():
        return Delivery(Outcome.REFUSED, _("Please give a reason."), errors=_form_errors(form)).reply()
    assignment = my_assignment(current_user.volunteer, assignment_id)
    if assignment is None:
        abort(404)
    if request.method == "GET":
        form.seen.data = assignment_seen(assignment)
    if form.errors:
        return render_template("me/decline.html", assignment=assignment, form=form), 422
    return kept_on_phone(render_template("me/decline.html", assignment=assignment, form=form))


@bp.route("/availability", methods=["GET", "POST"])
@roles_required(*SELF_SERVICE_ROLES)
def availability():
    """My weekly availability and my dates away; changes reach the next week's roster."""
    volunteer = current_user.volunteer
    lookups = Lookups.load(volunteer.organisation_id)
    form = record_form(VOLUNTEER)()
    away_form = DateAwayForm(prefix="away")
    if request.method == "GET":
        show(form, VOLUNTEER, volunteer, lookups)
    set_choices(form, VOLUNTEER, lookups)
    if request.method == "POST" and "away-submit" in request.form:
        if away_form.record_for(volunteer):
            flash(_("Dates away added."), "success")
            return redirect(url_for("me.availability"))
    elif request.method == "POST" and form.validate_on_submit():
        try:
            mine, version = entered(form, VOLUNTEER)
            # Only the availability is the volunteer's to change; every other field stays as it is.
            values = {**VOLUNTEER.read(volunteer), "availability": mine["availability"]}
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
@roles_required(*SELF_SERVICE_ROLES)
def remove_away(away_id: int):
    """Remove one of my dates away."""
    if not RemoveForm().validate_on_submit():
        abort(400)
    if not remove_date_away(current_user.volunteer, away_id):
        abort(404)
    flash(_("Dates away removed."), "success")
    return redirect(url_for("me.availability"))


def _saved_diary(volunteer: Volunteer, assignment: Assignment, values: dict, hand_in: bool,
                 version: int | None) -> Delivery:
    """Save the diary; a change made elsewhere is a conflict, a wrong time a refusal."""
    try:
        save_diary(volunteer, assignment, values, hand_in=hand_in, version=version)
    except DiaryConflictError as exc:
        return Delivery(Outcome.CONFLICT, str(exc))
    except DiaryError as exc:
        return Delivery(Outcome.REFUSED, str(exc), errors=(str(exc),))
    return Delivery(Outcome.DONE, _("Handed in. Thank you!") if hand_in else _("Draft saved."), url_for("main.home"))


@bp.route("/assignments/<int:assignment_id>/diary", methods=["GET", "POST"])
@roles_required(*SELF_SERVICE_ROLES)
def diary(assignment_id: int):
    """Write the service diary of one of my activities; save a draft or hand it in (until it is approved)."""
    volunteer = current_user.volunteer
    assignment = my_assignment(volunteer, assignment_id)
    if assignment is None:
        return _answer(_gone())
    entry = diary_for(volunteer, assignment)
    form = DiaryForm(obj=None)
    if request.method == "GET":
        form.started_at.data = entry.started_at if entry else assignment.start
        form.ended_at.data = entry.ended_at if entry else assignment.end
        if entry is not None:
            form.version.data = str(entry.version_id)
            form.activities.data, form.concern.data = entry.activities, entry.concern
            form.what_was_done.data, form.gained.data = entry.what_was_done, entry.gained
            form.took_place.data = "" if entry.took_place else entry.not_held_reason
            form.travel_minutes.data = entry.travel_minutes
            for key in DIMENSIONS:
                form[key].data = entry.observations.get(key, "")
        else:
            form.travel_minutes.data = round_trip_minutes(volunteer, assignment)
    elif form.validate_on_submit():
        values = {"started_at": form.started_at.data, "ended_at": form.ended_at.data,
                  "activities": [k for k in ACTIVITIES if k in (form.activities.data or [])],
                  "what_was_done": (form.what_was_done.data or "").strip(), "gained": (form.gained.data or "").strip(),
                  "observations": {k: (form[k].data or "").strip() for k in DIMENSIONS},
                  "concern": form.concern.data, "not_held_reason": form.took_place.data or "",
                  "travel_minutes": form.travel_minutes.data or 0}
        version = int(form.version.data) if (form.version.data or "").isdigit() else None
        delivery = take(current_user, "diary",
                        lambda: _saved_diary(volunteer, assignment, values, bool(form.send.data), version))
        if from_phone() or delivery.outcome == Outcome.DONE:
            return _answer(delivery)
        flash(delivery.message, "error")
    elif from_phone():
        return Delivery(Outcome.REFUSED, _("Please correct the diary."), errors=_form_errors(form)).reply()
    observable = assignment.child is not None and consented(assignment.child, ConsentCategory.OBSERVATIONS,
                                                            assignment.date)
    page = render_template("me/diary.html", form=form, assignment=assignment, entry=entry, dimensions=DIMENSIONS,
                           day=assignment.date, observable=observable)
    return (page, 422) if request.method == "POST" else kept_on_phone(page)


def _period_form() -> PeriodForm:
    """The period form from the query string, defaulting to this year up to today."""
    today = dt.date.today()
    form = PeriodForm(request.args)
    if not request.args:
        form.first_day.data, form.last_day.data = today.replace(month=1, day=1), today
        form.lang.data = "zh_CN" if get_locale().language == "zh" else "en"  # the page's own language
    return form


def _hours_page(form: PeriodForm, status: int = 200):  # a page
    """My hours by month; the plain page is kept on the phone for reading offline."""
    months = my_hours(current_user.volunteer)
    page = render_template("me/hours.html", months=months, form=form, approved=sum(m.approved for m in months),
                           pending=sum(m.pending for m in months))
    return kept_on_phone(page) if status == 200 else (page, status)


@bp.route("/hours")
@roles_required(*SELF_SERVICE_ROLES)
def hours():
    """My served hours by month: approved, and handed in waiting for approval; a certificate and an export."""
    return _hours_page(_period_form())


@bp.route("/certificate")
@roles_required(*SELF_SERVICE_ROLES)
def certificate_page():
    """A printable certificate of my approved service hours in a period, in Chinese or English."""
    form = _period_form()
    if not form.validate():
        return _hours_page(form, 422)
    stated = certificate(current_user.volunteer, form.first_day.data, form.last_day.data)
    with force_locale(form.lang.data or "zh_CN"):
        return render_template("me/certificate.html", certificate=stated, issued=dt.date.today())


@bp.route("/hours/export.<fmt>")
@roles_required(*SELF_SERVICE_ROLES)
def hours_export(fmt: str):
    """My approved activities in a period, one row each, laid out for the national volunteer-hours system."""
    if fmt not in tabular.FORMATS:
        abort(404)
    form = _period_form()
    if not form.validate():
        return _hours_page(form, 422)
    volunteer = current_user.volunteer
    rows = national_rows(volunteer, form.first_day.data, form.last_day.data)
    audit.record("hours_exported", "volunteer", volunteer.id, rows=len(rows))
    db.session.commit()
    stem = f"hours-{volunteer.code}-{form.first_day.data:%Y%m%d}-{form.last_day.data:%Y%m%d}"
    return tabular.download(fmt, national_header(), rows, title=_("Service hours"), stem=stem)


@bp.route("/calendar", methods=["GET", "POST"])
@roles_required(*SELF_SERVICE_ROLES)
def calendar():
    """My private calendar link: make one (any old link stops working) or revoke it."""
    volunteer = current_user.volunteer
    form = CalendarLinkForm()
    if form.validate_on_submit():
        flash(change_calendar_link(volunteer, revoke=bool(form.revoke.data)), "success")
        return redirect(url_for("me.calendar"))
    return render_template("me/calendar.html", volunteer=volunteer, form=form, feed=feed_links(volunteer))


@bp.app_template_filter("first_name")
def first_name_filter(name: str) -> str:
    """A child's given name, as a volunteer's pages show it."""
    return first_name(name)


# A social worker's visit to a child whose case she holds is a family interview: her pages name it so
# (``a is interview`` in a template), by the same rule the roster's contract uses.
bp.add_app_template_test(is_interview, "interview")
