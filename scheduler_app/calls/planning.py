"""The week's call plan solved like a roster: on the solve queue when REDIS_URL is set (a ``flask solve-worker``
takes it, and the week page follows it with the rosters' progress script), in the request when there is no Redis
or it does not answer. The plan is stored in one transaction at the job's end, so a job that fails or is killed
leaves the last good plan as it was."""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass
from typing import Any

from flask import Flask
from flask_babel import force_locale
from flask_babel import gettext as _
from redis.exceptions import RedisError
from rq import get_current_job
from rq.exceptions import InvalidJobOperation, NoSuchJobError
from rq.job import Job, JobStatus

from scheduler_app import audit
from scheduler_app.calls.services import CallsError, PlanOutcome, plan_week, plannable
from scheduler_app.extensions import db, this_app
from scheduler_app.jobqueue import solve_queue, worker_app
from scheduler_app.models import CallPlan, as_utc, utcnow

QUEUED_PLAN_SECONDS = 60.0  # a worker need not answer a page: a county's week takes under a minute (README)
JOB_SLACK_S = 60            # RQ's own timeout for the job: the solver's limit, and this for start-up and storing
RESULT_TTL_S = 3600
FAILURE_TTL_S = 24 * 3600   # long enough for the coordinator to come back and read why it failed
WAITING = (JobStatus.QUEUED, JobStatus.DEFERRED, JobStatus.SCHEDULED)
ENDED_BADLY = (JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED)


@dataclass(frozen=True)
class Started:
    """What pressing Plan did: the week was put on the queue for a worker, or planned here (with its outcome)."""

    queued: bool
    outcome: PlanOutcome | None = None

    def __post_init__(self) -> None:
        if self.queued != (self.outcome is None):
            raise ValueError("a queued plan has no outcome yet; one planned here has one")


@dataclass(frozen=True)
class Planning:
    """The week's planning on the queue as its page shows it: still running, or the last one failed and why
    (the plan shown is then the one before)."""

    running: bool = False
    failed: str = ""

    def __post_init__(self) -> None:
        if self.running and self.failed:
            raise ValueError("a planning still running has not failed")


def job_id(organisation_id: int, week_start: dt.date) -> str:
    """The queue's id of a week's planning: one at a time per organisation and week."""
    return f"peiban-calls-{organisation_id}-{week_start.isoformat()}"


def start_planning(organisation_id: int, week_start: dt.date) -> Started:
    """Plan the week's calls: queued for a solve worker when there is a job queue (after checking now that the
    week can be planned, so a data problem is said at once), else in this request. A CallsError says why not."""
    app: Flask = this_app()
    if not app.config["REDIS_URL"]:
        return Started(False, plan_week(organisation_id, week_start))
    plannable(organisation_id, week_start)
    try:
        if planning_of(app, organisation_id, week_start, None, strict=True).running:
            raise CallsError("week", _("The week's calls are being planned already; the page shows the plan when "
                                       "it is ready."))
        solve_queue(app).enqueue(plan_job, organisation_id, week_start.isoformat(),
                                 job_id=job_id(organisation_id, week_start),
                                 job_timeout=QUEUED_PLAN_SECONDS + JOB_SLACK_S, result_ttl=RESULT_TTL_S,
                                 failure_ttl=FAILURE_TTL_S)
    except RedisError as exc:
        app.logger.warning("the call plan was not queued (Redis did not answer), planned in the request: %s", exc)
        return Started(False, plan_week(organisation_id, week_start))
    audit.record("calls.plan_queued", "call_plan", None, week=week_start.isoformat())
    db.session.commit()
    return Started(True)


def planning_of(app: Flask, organisation_id: int, week_start: dt.date, plan: CallPlan | None,
                strict: bool = False) -> Planning:
    """The week's planning on the queue: running (unless it waited or ran past its time: its worker is gone),
    or failed after the plan shown was made. Nothing when there is no queue or it does not answer (``strict``:
    a RedisError then)."""
    if not app.config["REDIS_URL"]:
        return Planning()
    try:
        job = Job.fetch(job_id(organisation_id, week_start), connection=solve_queue(app).connection)
        status = job.get_status()
    except NoSuchJobError:
        return Planning()
    except RedisError:
        if strict:
            raise
        return Planning()
    if status in WAITING:
        if _older_than(job.enqueued_at, app.config["PEIBAN_QUEUE_WAIT_SECONDS"]):
            # The page says the plan was not changed: a worker starting late must not change it after all.
            return Planning(failed=_give_up(job, _(
                "No solve worker took the planning in time; the plan was not changed. Ask the administrator to "
                "start the workers, then plan again.")))
        return Planning(running=True)
    if status == JobStatus.STARTED:
        if _older_than(job.started_at, QUEUED_PLAN_SECONDS + JOB_SLACK_S):
            return Planning(failed=_give_up(job, _(
                "The planning stopped without finishing (its worker was stopped); the plan was not changed. Plan "
                "again.")))
        return Planning(running=True)
    ended = job.ended_at
    if status in ENDED_BADLY and (plan is None or ended is None or as_utc(ended) > as_utc(plan.planned_at)):
        reason = str(job.meta.get("reason") or _("the job ended without a plan"))
        return Planning(failed=_("The planning failed: %(reason)s. The plan was not changed.", reason=reason))
    return Planning()


def _give_up(job: Job, why: str) -> str:
    """Take a planning nobody will finish off the queue (RQ then never starts it), keeping why; returns why."""
    with contextlib.suppress(RedisError, InvalidJobOperation):  # already ended, or gone: nothing left to stop
        job.cancel()
    return why


def _older_than(moment: dt.datetime | None, seconds: float) -> bool:
    return moment is not None and (utcnow() - as_utc(moment)).total_seconds() > seconds


def plan_job(organisation_id: int, week: str) -> dict[str, Any]:
    """The RQ job: plan the week in a solve worker (in its app context, which ``flask solve-worker`` pushes). A
    failure's reason is kept on the job for the week page, in the app's default language (a worker has no
    reader), and the job fails with it."""
    app = worker_app()
    try:
        with force_locale(app.config["BABEL_DEFAULT_LOCALE"]):
            try:
                outcome = plan_week(organisation_id, dt.date.fromisoformat(week), QUEUED_PLAN_SECONDS)
            except Exception as exc:
                _keep_reason(str(exc) if isinstance(exc, CallsError) else f"{exc.__class__.__name__}: {exc}")
                raise
    finally:
        db.session.remove()
    return {"calls": outcome.calls, "short": outcome.short, "left_out": outcome.left_out}


def _keep_reason(reason: str) -> None:
    """Write why the job failed on it, where the week page reads it."""
    job = get_current_job()
    if job is not None:
        job.meta["reason"] = reason[:500]
        job.save_meta()
