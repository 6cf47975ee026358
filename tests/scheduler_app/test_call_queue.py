"""The week's call plan on Redis + RQ, like a roster's solve: Plan queues it, a real `flask solve-worker` process
plans it and stores it, and the page follows it; a job that fails leaves the last good plan as it was."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

from rq.job import Job, JobStatus

from scheduler_app.calls.planning import JOB_SLACK_S, QUEUED_PLAN_SECONDS, job_id
from scheduler_app.extensions import db
from scheduler_app.jobqueue import solve_queue
from scheduler_app.models import CallPlan, FamilyCall
from tests.conftest import post_form
from tests.scheduler_app.conftest import REDIS
from tests.scheduler_app.test_calls import EN, MONDAY, _set_up, _world

ROOT = Path(__file__).resolve().parents[2]
WEEK_PAGE = f"/calls/?week={MONDAY.isoformat()}"
WORKER_TIMEOUT_S = 180




def _drain(app) -> None:
    """Run `flask solve-worker --burst` on the test's database and queue until the queue is empty."""
    db.session.rollback()  # on SQLite an open read would hold up the worker's writes
    env = {**os.environ, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "REDIS_URL": REDIS,
           "PEIBAN_SOLVE_QUEUE": app.config["PEIBAN_SOLVE_QUEUE"], "PEIBAN_SECRET_KEY": "worker-test",
           "FLASK_APP": "scheduler_app:create_app()"}
    worker = subprocess.run([sys.executable, "-m", "flask", "solve-worker", "--burst"], env=env, cwd=ROOT,  # noqa: S603
                            capture_output=True, text=True, timeout=WORKER_TIMEOUT_S, check=False)
    assert worker.returncode == 0, worker.stdout + worker.stderr


def _plans() -> list[tuple[int, object, list[int]]]:
    """Every stored plan as (id, when planned, its calls' ids), read in a transaction ended at once."""
    db.session.rollback()
    found = [(p.id, p.planned_at, [c.id for c in p.calls])
             for p in db.session.execute(db.select(CallPlan).order_by(CallPlan.id)).scalars()]
    db.session.rollback()
    return found


def _press_plan(client) -> str:
    return post_form(client, "/calls/plan", {"week": MONDAY.isoformat()}, page=WEEK_PAGE, headers=EN,
                     follow_redirects=True).get_data(as_text=True)


def test_a_plan_queued_through_rq_is_applied_when_the_job_ends(queued, make_org, make_site, make_child,
                                                               make_volunteer, make_user, login) -> None:
    """With REDIS_URL set, Plan queues the week instead of solving it in the request; the page follows the job
    and, once a worker has run it, shows the sisters' Wednesday call."""
    _org, site, children, client = _world(make_org, make_site, make_child, make_volunteer, make_user, login)
    _set_up(client, site, children)
    page = _press_plan(client)
    assert "being planned on the solve workers" in page and "data-progress=" in page
    assert _plans() == [] and solve_queue(queued).count == 1
    assert client.get(f"/calls/progress.json?week={MONDAY}", headers=EN).get_json()["running"] is True
    _drain(queued)
    [(_id, _when, [call_id])] = _plans()
    assert sorted(db.session.get(FamilyCall, call_id).child_ids) == sorted(c.id for c in children[:2])
    assert client.get(f"/calls/progress.json?week={MONDAY}", headers=EN).get_json()["running"] is False
    shown = client.get(WEEK_PAGE, headers=EN).get_data(as_text=True)
    assert "王欣怡, 王欣悦" in shown and "data-progress=" not in shown


def test_a_failing_planning_job_leaves_the_previous_plan_and_the_page_says_why(
        queued, make_org, make_site, make_child, make_volunteer, make_user, login) -> None:
    """A week planned in the request (no Redis yet); planned again on the queue, but before a worker takes it
    the younger sister moves to another site, so the job fails: the first plan is there as it was, and the page
    gives the job's reason."""
    org, site, children, client = _world(make_org, make_site, make_child, make_volunteer, make_user, login)
    _set_up(client, site, children)
    queued.config["REDIS_URL"] = ""
    assert "Planned 1 calls" in _press_plan(client)
    before = _plans()
    assert len(before) == 1 and len(before[0][2]) == 1
    queued.config["REDIS_URL"] = REDIS
    assert "being planned on the solve workers" in _press_plan(client)
    other = make_site(org, "S2", name="白果小学")
    post_form(client, f"/calls/rooms/{other.id}", {"lines": "1", "hours": "wed 18:30-20:30"})
    children[1].site_id = other.id
    db.session.commit()
    _drain(queued)
    assert _plans() == before
    shown = client.get(WEEK_PAGE, headers=EN).get_data(as_text=True)
    assert "The planning failed:" in shown and "family WANG calls from the site of C1" in shown
    assert "The plan was not changed." in shown and "王欣怡, 王欣悦" in shown


def test_a_planning_whose_worker_died_says_so_and_can_be_queued_again(queued, make_org, make_site, make_child,
                                                                      make_volunteer, make_user, login) -> None:
    """A job left 'started' past its time (its worker was killed, nobody will end it): the page stops waiting,
    says the plan was not changed, and Plan queues the week again instead of refusing it as already running."""
    org, site, children, client = _world(make_org, make_site, make_child, make_volunteer, make_user, login)
    _set_up(client, site, children)
    _press_plan(client)
    assert "already" in _press_plan(client)  # a second press while it waits is refused
    job = Job.fetch(job_id(org.id, MONDAY), connection=solve_queue(queued).connection)
    job.set_status(JobStatus.STARTED)
    job.started_at = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=QUEUED_PLAN_SECONDS + JOB_SLACK_S + 5)
    job.save()
    shown = client.get(WEEK_PAGE, headers=EN).get_data(as_text=True)
    assert "stopped without finishing" in shown and "data-progress=" not in shown
    assert Job.fetch(job.id, connection=solve_queue(queued).connection).get_status() == JobStatus.CANCELED
    assert "being planned on the solve workers" in _press_plan(client)
    assert solve_queue(queued).job_ids.count(job_id(org.id, MONDAY)) == 1  # queued once, run once
    _drain(queued)
    assert len(_plans()) == 1


def test_a_planning_no_worker_took_is_taken_off_the_queue(queued, make_org, make_site, make_child,
                                                          make_volunteer, make_user, login) -> None:
    """A job waiting past its time: the page says the plan was not changed, and it is taken off the queue, so a
    worker starting late does not change the plan after all."""
    org, site, children, client = _world(make_org, make_site, make_child, make_volunteer, make_user, login)
    _set_up(client, site, children)
    _press_plan(client)
    job = Job.fetch(job_id(org.id, MONDAY), connection=solve_queue(queued).connection)
    job.enqueued_at = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=queued.config["PEIBAN_QUEUE_WAIT_SECONDS"] + 5)
    job.save()
    assert "No solve worker took the planning in time" in client.get(WEEK_PAGE, headers=EN).get_data(as_text=True)
    assert job_id(org.id, MONDAY) not in solve_queue(queued).job_ids
    _drain(queued)
    assert _plans() == []
