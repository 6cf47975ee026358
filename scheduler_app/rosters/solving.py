"""The solve use cases: generate a week, re-plan it after an absence, re-plan its declines. Each builds the week's
instance now (so a data problem is reported at once), records a queued run and hands it to the runner."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from flask import Flask
from flask_babel import gettext as _

from scheduler_app import audit
from scheduler_app.contract.instance import build_instance
from scheduler_app.extensions import db, this_app
from scheduler_app.models import Assignment, AssignmentStatus, Roster, RunState, SolveRun, utcnow
from scheduler_app.records.editing import find
from scheduler_app.records.volunteers import VOLUNTEER
from scheduler_app.rosters.runners import runner_for
from scheduler_app.rosters.runs import ACTIVE, RunInProgressError, latest_run
from scheduler_app.rosters.services import RosterError, current_roster, declined, week_made, week_of
from scheduler_app.schooldays import cancelled_in
from scheduler_app.volunteers.services import DatesAwayError, add_date_away


def start_solve(organisation_id: int, week_start: dt.date, user_id: int, time_limit_s: int,
                replan_of: Roster | None = None, keep: Callable[[Assignment], bool] | None = None) -> SolveRun:
    """Build the week's instance, record a queued run and start solving it in the background. For a re-plan,
    the assignments of ``replan_of`` that ``keep`` accepts are pinned. Raises ContractError or
    RunInProgressError."""
    week = week_made(organisation_id, week_start)
    if (run := latest_run(week)) is not None and run.state in ACTIVE:
        raise RunInProgressError(run.id)
    instance = build_instance(organisation_id, week_start, replan_of=replan_of, keep=keep)
    run = SolveRun(organisation_id=organisation_id, week=week, requested_by_id=user_id, time_limit_s=time_limit_s,
                   state=RunState.QUEUED, heartbeat_at=utcnow(), replan_of=replan_of)
    db.session.add(run)
    db.session.flush()
    audit.record("solve_started", "week", week.id, run=run.id, time_limit_s=time_limit_s,
                 replan_of=replan_of.id if replan_of is not None else None)
    db.session.commit()
    # The runner's thread needs the app, not the request's proxy (werkzeug's proxy method, unknown to the stubs).
    app: Flask = this_app()
    runner_for(app).start(app, run.id, instance, time_limit_s)
    return run


def replan_absence(organisation_id: int, week_start: dt.date, user_id: int, volunteer_id: int, from_day: int,
                   time_limit_s: int) -> SolveRun:
    """A volunteer cannot serve from a day to the end of the week (ill, called away): record the dates
    away and re-plan from the week's current roster, pinning every assignment except that volunteer's
    from that day on, so only those move. Returns the started run."""
    week = week_of(organisation_id, week_start)
    base = current_roster(week)
    if base is None:
        raise RosterError(_("There is no roster of this week to re-plan; generate one first."))
    volunteer = find(VOLUNTEER, organisation_id, volunteer_id)
    if volunteer is None:
        raise LookupError(volunteer_id)
    first, last = week_start + dt.timedelta(days=from_day), week_start + dt.timedelta(days=6)
    if not all(volunteer.away_on(first + dt.timedelta(days=i)) for i in range((last - first).days + 1)):
        try:
            add_date_away(volunteer, first, last, _("unavailable (re-plan)"))
        except DatesAwayError as exc:
            raise RosterError(str(exc)) from None
    return start_solve(organisation_id, week_start, user_id, time_limit_s, replan_of=base,
                       keep=lambda a: a.volunteer_id != volunteer_id or a.day_index < from_day)


def replan_cancelled(organisation_id: int, week_start: dt.date, user_id: int, time_limit_s: int) -> SolveRun:
    """Re-plan what is left of the week's current roster after a closure or a child's absence: every activity
    the calendar still allows is kept (pinned), the cancelled ones are dropped (the instance leaves them out),
    and what they freed can be used. Returns the started run."""
    base = current_roster(week_of(organisation_id, week_start))
    if base is None or not cancelled_in(base):
        raise RosterError(_("Nothing in this week's roster is cancelled by the calendar."))
    return start_solve(organisation_id, week_start, user_id, time_limit_s, replan_of=base, keep=lambda a: True)


def replan_declines(organisation_id: int, week_start: dt.date, user_id: int, time_limit_s: int) -> SolveRun:
    """Re-plan the week's current roster keeping everything but the declined assignments (which are also
    forbidden to the volunteers who declined them). Returns the started run."""
    base = current_roster(week_of(organisation_id, week_start))
    if base is None or not declined(base):
        raise RosterError(_("Nothing was declined in this week's roster."))
    return start_solve(organisation_id, week_start, user_id, time_limit_s, replan_of=base,
                       keep=lambda a: a.status != AssignmentStatus.DECLINED)
