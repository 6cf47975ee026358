"""The call window's pages: the week's calls per site and day, planning them, a site's room, a child's parents,
a call's record."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from scheduler_app.auth.services import roles_required
from scheduler_app.calls.forms import ParentsForm, PlanForm, RecordForm, RoomForm, SendSlotsForm, WeekForm
from scheduler_app.calls.planning import planning_of, start_planning
from scheduler_app.calls.services import (
    CallsError,
    ParentsMessages,
    calls_readable,
    contact_of,
    naming_for,
    own_call,
    own_child,
    own_site,
    parent_channels,
    plan_of,
    record_call,
    room_of,
    save_parents,
    save_room,
    send_week_slots,
    week_calls,
)
from scheduler_app.extensions import this_app
from scheduler_app.models import Role
from scheduler_app.solver_text import say_stored
from scheduler_app.weekly import Interval, format_intervals, week_start_of

bp = Blueprint("calls", __name__)


def _week() -> tuple[WeekForm, dt.date]:
    form = WeekForm(request.args)
    day = form.week.data if form.validate() and form.week.data else dt.date.today()
    return form, week_start_of(day)


@bp.route("/")
@roles_required(Role.COORDINATOR, Role.MANAGER)
def week():
    """The week's calls per site and day, the children left short with the reason, and the plan button."""
    form, start = _week()
    shown = week_calls(current_user, current_user.organisation_id, start)
    name = naming_for(current_user.organisation_id)
    unmet = [(u, say_stored(u.get("reason"), u.get("text", ""), name))
             for u in (shown.plan.unmet if shown.plan else [])]
    planning = planning_of(this_app(), current_user.organisation_id, start, shown.plan)
    return render_template("calls/week.html", form=form, week_start=start, shown=shown, unmet=unmet,
                           planning=planning,
                           plan_form=PlanForm(week=start.isoformat()),
                           send_form=SendSlotsForm(week=start.isoformat()), days=range(7),
                           week_days={i: start + dt.timedelta(days=i) for i in range(7)})


def _posted_week(form: PlanForm | SendSlotsForm) -> dt.date | None:
    """The Monday of the week a posted button names, or None (said in a flash) when it is not a date; 400 for a
    post without the form's token."""
    try:
        start = week_start_of(dt.date.fromisoformat(form.week.data or ""))
    except ValueError:
        flash(_("Week: not a date."), "error")
        return None
    if not form.validate_on_submit():
        abort(400)
    return start


@bp.route("/plan", methods=["POST"])
@roles_required(Role.COORDINATOR)
def plan():
    """Plan the week's calls with the solver (on the solve workers when there is a job queue, else in this
    request), then show them."""
    start = _posted_week(PlanForm())
    if start is None:
        return redirect(url_for("calls.week"))
    try:
        started = start_planning(current_user.organisation_id, start)
    except CallsError as exc:
        flash(str(exc), "error")
        return redirect(url_for("calls.week", week=start.isoformat()))
    if started.outcome is None:
        flash(_("The week's calls are being planned on the solve workers; the page shows the plan when it is "
                "ready."), "success")
    else:
        outcome = started.outcome
        flash(_("Planned %(calls)d calls; %(short)d children short of their calls, %(out)d not in the plan.",
                calls=outcome.calls, short=outcome.short, out=outcome.left_out), "success")
    return redirect(url_for("calls.week", week=start.isoformat()))


@bp.route("/progress.json")
@roles_required(Role.COORDINATOR, Role.MANAGER)
def progress():
    """Whether the week's planning still runs on the queue: the week page polls this (the rosters' progress
    script) and reloads once it has ended."""
    _form, start = _week()
    organisation_id = current_user.organisation_id
    planning = planning_of(this_app(), organisation_id, start, plan_of(organisation_id, start))
    return {"running": planning.running, "text": _("Planning the week's calls…") if planning.running else ""}


@bp.route("/send", methods=["POST"])
@roles_required(Role.COORDINATOR)
def send_slots():
    """Send the planned week's call times to the parents who agreed to messages (again: only what changed)."""
    start = _posted_week(SendSlotsForm())
    if start is None:
        return redirect(url_for("calls.week"))
    try:
        sent = send_week_slots(current_user.organisation_id, start)
    except CallsError as exc:
        flash(str(exc), "error")
        return redirect(url_for("calls.week", week=start.isoformat()))
    flash(_("Call times to the families: sent for the first time %(first)d, sent as an update %(updated)d, "
            "already known %(same)d.",
            first=sent.first, updated=sent.updated, same=sent.unchanged), "success")
    if sent.not_agreed:
        flash(_("Not sent to the parents of %(children)s: they did not agree to messages, or no consent for calls "
                "is in force.", children=", ".join(sent.not_agreed)), "warning")
    if sent.no_address:
        flash(_("Not sent to the parents of %(children)s: no e-mail or SMS channel, or no address on it.",
                children=", ".join(sent.no_address)), "warning")
    return redirect(url_for("calls.week", week=start.isoformat()))


@bp.route("/rooms/<int:site_id>", methods=["GET", "POST"])
@roles_required(Role.COORDINATOR)
def room(site_id: int):
    """A site's call equipment (lines at once) and the room's hours."""
    site = own_site(current_user.organisation_id, site_id)
    if site is None:
        abort(404)
    existing = room_of(site)
    form = RoomForm(data={"lines": existing.lines,
                          "hours": format_intervals(Interval(h.day_index, h.start, h.end) for h in existing.hours)}
                    if existing is not None and request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            save_room(site, form.lines.data, form.hours.data or "")
        except CallsError as exc:
            form[exc.field].errors = [str(exc)]
        else:
            flash(_("Call room of %(site)s saved.", site=site.name), "success")
            return redirect(url_for("calls.week"))
    return render_template("calls/room.html", form=form, site=site), 422 if form.errors else 200


@bp.route("/parents/<int:child_id>", methods=["GET", "POST"])
@roles_required(Role.COORDINATOR)
def parents(child_id: int):
    """A child's parents for calls: only with the guardian's consent for calls (sensitive)."""
    child = own_child(current_user.organisation_id, child_id)
    if child is None:
        abort(404)
    if not calls_readable(current_user, child):
        return render_template("calls/no_consent.html", child=child), 403
    existing = contact_of(child)
    data = None
    if existing is not None and request.method == "GET":
        data = {"family": existing.family, "parent_name": existing.parent_name, "works_at": existing.works_at,
                "reach": existing.reach, "calls_per_week": existing.calls_per_week,
                "hours": format_intervals(Interval(h.day_index, h.start, h.end) for h in existing.hours),
                "messages_agreed": existing.messages_agreed, "channel_id": existing.channel_id or 0,
                "address": existing.address, "locale": existing.locale, "quiet_from": existing.quiet_from,
                "quiet_until": existing.quiet_until}
    form = ParentsForm(data=data)
    form.channel_id.choices = [(0, "—"), *((c.id, c.label) for c in parent_channels(current_user.organisation_id))]
    if form.validate_on_submit():
        try:
            save_parents(child, family=form.family.data or "", parent_name=form.parent_name.data or "",
                         works_at=form.works_at.data or "", reach=form.reach.data or "",
                         calls_per_week=form.calls_per_week.data, hours=form.hours.data or "",
                         messages=ParentsMessages(bool(form.messages_agreed.data), form.channel_id.data or None,
                                                  form.address.data or "", form.locale.data or "zh_CN",
                                                  form.quiet_from.data, form.quiet_until.data))
        except CallsError as exc:
            form[exc.field].errors = [str(exc)]
        else:
            flash(_("Parents of %(child)s saved.", child=child.name), "success")
            return redirect(url_for("children.view", child_id=child.id))
    return render_template("calls/parents.html", form=form, child=child), 422 if form.errors else 200


@bp.route("/<int:call_id>/record", methods=["GET", "POST"])
@roles_required(Role.COORDINATOR)
def record(call_id: int):
    """How a call went: it took place, minutes, notes, a conflict flagged for the social worker."""
    call = own_call(current_user.organisation_id, call_id)
    if call is None:
        abort(404)
    form = RecordForm(data={"took_place": bool(call.took_place), "minutes": call.minutes, "notes": call.notes,
                            "conflict": call.conflict} if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            record_call(call, took_place=form.took_place.data, minutes=form.minutes.data,
                        notes=form.notes.data or "", conflict=form.conflict.data)
        except CallsError as exc:
            form[exc.field].errors = [str(exc)]
        else:
            flash(_("Call recorded."), "success")
            return redirect(url_for("calls.week", week=call.plan.week_start.isoformat()))
    shown = week_calls(current_user, current_user.organisation_id, call.plan.week_start)
    return render_template("calls/record.html", form=form, call=call, who=shown.who[call.id]), \
        422 if form.errors else 200
