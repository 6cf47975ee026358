"""The week page: generate in the background, follow progress, review, publish."""

from __future__ import annotations

import datetime as dt

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from scheduler_app.auth.services import roles_required
from scheduler_app.contract import ContractError
from scheduler_app.main.services import week_start_of
from scheduler_app.models import Role, RosterStatus
from scheduler_app.rosters import bp
from scheduler_app.rosters.forms import GenerateForm, PublishForm, ReplanForm
from scheduler_app.rosters.jobs import ACTIVE, RunInProgressError, latest_run, run_message, start_solve
from scheduler_app.rosters.review import review
from scheduler_app.rosters.services import (
    RosterError,
    current_roster,
    find_roster,
    publish,
    replan_absence,
    roster_diff,
    rosters_of,
    week_of,
)
from scheduler_app.weekly import day_label


def _replan_form(roster) -> ReplanForm:  # noqa: ANN001
    form = ReplanForm()
    people = {a.volunteer.id: a.volunteer for a in roster.assignments} if roster is not None else {}
    form.volunteer.choices = [(v.id, f"{v.code} {v.name}") for v in sorted(people.values(), key=lambda v: v.code)]
    form.from_day.choices = [(i, day_label(i)) for i in range(7)]
    return form


def _monday(text: str) -> dt.date:
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        abort(404)
    return week_start_of(day)


@bp.route("/")
@roles_required(Role.COORDINATOR, Role.MANAGER)
def index():
    """This week's page."""
    return redirect(url_for("rosters.week", week_start=week_start_of(dt.date.today()).isoformat()))


@bp.route("/<week_start>")
@roles_required(Role.COORDINATOR, Role.MANAGER)
def week(week_start: str):
    """The week: its solve in progress (the page refreshes itself), its roster versions and the review of
    the current one (or of ``?roster=ID``)."""
    monday = _monday(week_start)
    if monday.isoformat() != week_start:
        return redirect(url_for("rosters.week", week_start=monday.isoformat()))
    organisation_id = current_user.organisation_id
    the_week = week_of(organisation_id, monday)
    run = latest_run(the_week)
    versions = rosters_of(the_week)
    wanted = request.args.get("roster", type=int)
    if wanted:
        shown = find_roster(organisation_id, wanted)
    elif run is not None and run.roster is not None and run.roster.status == RosterStatus.DRAFT:
        shown = run.roster  # what the coordinator just generated is what they want to review
    else:
        shown = current_roster(the_week)
    if wanted and (shown is None or shown.week_id != getattr(the_week, "id", None)):
        abort(404)
    compare = request.args.get("compare", type=int)
    base = find_roster(organisation_id, compare) if compare else None
    if base is None and shown is not None and run is not None and run.roster_id == shown.id and run.replan_of_id:
        base = run.replan_of  # a fresh re-plan is shown with what it changed
    changes = roster_diff(base, shown) if base is not None and shown is not None and base.id != shown.id else None
    current = current_roster(the_week)
    elapsed = None
    if run is not None and run.started_at is not None:
        started = run.started_at if run.started_at.tzinfo else run.started_at.replace(tzinfo=dt.UTC)
        elapsed = int((dt.datetime.now(dt.UTC) - started).total_seconds())
    return render_template(
        "rosters/week.html", monday=monday, run=run, running=run is not None and run.state in ACTIVE,
        run_message=run_message(run) if run is not None else "", elapsed=elapsed, versions=versions,
        shown=shown, review=review(shown) if shown is not None and shown.instance else None,
        generate=GenerateForm(), publish_form=PublishForm(), can_edit=current_user.role == Role.COORDINATOR,
        replan=_replan_form(current), current=current, base=base, changes=changes,
        previous_week=(monday - dt.timedelta(days=7)).isoformat(),
        next_week=(monday + dt.timedelta(days=7)).isoformat())


@bp.route("/<week_start>/generate", methods=["POST"])
@roles_required(Role.COORDINATOR)
def generate(week_start: str):
    """Start a background solve of the week; the page then follows it."""
    monday = _monday(week_start)
    form = GenerateForm()
    if not form.validate_on_submit():
        flash(_("Choose a time limit."), "error")
    else:
        try:
            start_solve(current_user.organisation_id, monday, current_user.id, form.time_limit.data)
        except ContractError as exc:
            flash(_("The week cannot be solved as the records stand: %(problem)s", problem=str(exc)), "error")
        except RunInProgressError:
            flash(_("A roster for this week is already being generated."), "error")
        else:
            flash(_("Generating the roster. You can leave this page and come back."), "success")
    return redirect(url_for("rosters.week", week_start=monday.isoformat()))


@bp.route("/<week_start>/rosters/<int:roster_id>/publish", methods=["POST"])
@roles_required(Role.COORDINATOR)
def publish_roster(week_start: str, roster_id: int):
    """Publish a draft to the volunteers."""
    monday = _monday(week_start)
    form = PublishForm()
    if not form.validate_on_submit() or not (form.version.data or "").isdigit():
        flash(_("The page was out of date; look at the roster again before publishing."), "error")
        return redirect(url_for("rosters.week", week_start=monday.isoformat()))
    try:
        publish(current_user.organisation_id, roster_id, int(form.version.data))
    except LookupError:
        abort(404)
    except RosterError as exc:
        flash(str(exc), "error")
    else:
        flash(_("Roster published: volunteers now see their week."), "success")
    return redirect(url_for("rosters.week", week_start=monday.isoformat(), roster=roster_id))


@bp.route("/<week_start>/replan", methods=["POST"])
@roles_required(Role.COORDINATOR)
def replan(week_start: str):
    """A volunteer cannot serve from a day on: record it and re-plan only their activities from then."""
    monday = _monday(week_start)
    form = _replan_form(current_roster(week_of(current_user.organisation_id, monday)))
    if not form.validate_on_submit():
        flash(_("Choose the volunteer and the first day they cannot serve."), "error")
        return redirect(url_for("rosters.week", week_start=monday.isoformat()))
    try:
        replan_absence(current_user.organisation_id, monday, current_user.id, form.volunteer.data,
                       form.from_day.data, form.time_limit.data)
    except LookupError:
        abort(404)
    except (RosterError, ContractError) as exc:
        flash(str(exc), "error")
    except RunInProgressError:
        flash(_("A roster for this week is already being generated."), "error")
    else:
        flash(_("Re-planning: only that volunteer's activities from that day can change."), "success")
    return redirect(url_for("rosters.week", week_start=monday.isoformat()))
