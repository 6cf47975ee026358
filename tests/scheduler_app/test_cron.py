"""`flask cron`: each job runs when its schedule says, once (a second run in the minute repeats nothing), a
failed job does not stop the others, and each job has its line."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from scheduler_app.cli import upkeep
from scheduler_app.extensions import db
from scheduler_app.models import EarlyWarning
from scheduler_app.operations import cron

NOW = dt.datetime(2026, 12, 1, 18, 15, 20, tzinfo=dt.UTC)  # 02:15 in Shanghai: every job of the defaults due


@pytest.fixture
def scheduled(app, tmp_path: Path):
    """The app with its cron state and backups in the test's folder, and each job replaced by one that records
    its runs (the jobs themselves are the commands' own, tested with them)."""
    app.config.update(PEIBAN_CRON_STATE=str(tmp_path / "cron.json"), PEIBAN_BACKUP_DIR=str(tmp_path / "b"))
    runs: list[str] = []

    def recorder(name):
        def run(app, now):
            runs.append(name)
            return f"{name} done"
        return run

    jobs = tuple(cron.Job(job.name, job.setting, recorder(job.name)) for job in cron.JOBS)
    return app, runs, jobs


def test_a_second_run_in_the_same_minute_repeats_no_job(scheduled, monkeypatch) -> None:
    """The first run runs every job (none ran before); a run 30 s later runs none and says when each is next."""
    app, runs, jobs = scheduled
    monkeypatch.setattr(cron, "JOBS", jobs)
    first = cron.run_due(app, NOW)
    assert [run.state for run in first] == ["ran"] * 4
    again = cron.run_due(app, NOW + dt.timedelta(seconds=30))
    assert [run.state for run in again] == ["not due"] * 4
    assert runs == ["backup", "warnings", "purge", "messages"]
    assert "next at 2026-12-03 02:15" in again[0].line


def test_each_job_runs_when_its_schedule_comes_round(scheduled, monkeypatch) -> None:
    """After a first run at 02:15 (Shanghai), five minutes later only messages (every 5 minutes) is due; at 06:15
    the purge (03:30) and the warnings (06:00) too; the next day at 02:15 the backup again, the purge and the
    warnings not yet."""
    app, runs, jobs = scheduled
    monkeypatch.setattr(cron, "JOBS", jobs)
    cron.run_due(app, NOW)
    runs.clear()
    cron.run_due(app, NOW + dt.timedelta(minutes=5))
    assert runs == ["messages"]
    runs.clear()
    cron.run_due(app, NOW + dt.timedelta(hours=4))
    assert runs == ["warnings", "purge", "messages"]
    runs.clear()
    cron.run_due(app, NOW + dt.timedelta(days=1))
    assert runs == ["backup", "messages"]
    state = json.loads(Path(app.config["PEIBAN_CRON_STATE"]).read_text())
    assert state["backup"]["last_run"] == (NOW + dt.timedelta(days=1)).isoformat()


def test_a_failed_job_does_not_stop_the_others(scheduled, monkeypatch) -> None:
    """A job that raises is reported failed with the error's class; the jobs after it still run, and the
    command exits 1 with a line per job."""
    app, runs, jobs = scheduled

    def broken(app, now):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(cron, "JOBS", (cron.Job("backup", "PEIBAN_CRON_BACKUP", broken), *jobs[1:]))
    done = cron.run_due(app, NOW)
    assert [run.state for run in done] == ["failed", "ran", "ran", "ran"]
    assert done[0].line == "backup: failed (RuntimeError: the disk is full)"
    assert runs == ["warnings", "purge", "messages"]
    Path(app.config["PEIBAN_CRON_STATE"]).unlink()  # the command runs on the real clock: every job due again
    result = app.test_cli_runner().invoke(args=["cron"])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert [line.split(":")[0] for line in lines] == ["backup", "warnings", "purge", "messages"]


def test_an_empty_schedule_turns_a_job_off_and_a_bad_one_is_named(scheduled, monkeypatch) -> None:
    """PEIBAN_CRON_PURGE="" turns the purge off; a schedule that is no cron expression fails naming its
    setting, and the other jobs run."""
    app, runs, jobs = scheduled
    monkeypatch.setattr(cron, "JOBS", jobs)
    app.config.update(PEIBAN_CRON_PURGE="", PEIBAN_CRON_WARNINGS="every morning")
    done = {run.job: run for run in cron.run_due(app, NOW)}
    assert done["purge"].state == "off"
    assert done["warnings"].state == "failed"
    assert "PEIBAN_CRON_WARNINGS='every morning' is not a cron expression" in done["warnings"].line
    assert runs == ["backup", "messages"]


def test_cron_runs_the_real_jobs(app, tmp_path: Path, make_org) -> None:
    """`flask cron` on a real database: the backup is written, the warning scan, purge and messages run, one
    line each, exit 0; run again at once, every job is not due."""
    app.config.update(PEIBAN_CRON_STATE=str(tmp_path / "cron.json"), PEIBAN_BACKUP_DIR=str(tmp_path / "b"))
    make_org("Org A")
    runner = app.test_cli_runner()
    first = runner.invoke(args=["cron"])
    assert first.exit_code == 0, first.output
    lines = first.output.strip().splitlines()
    assert lines[0].startswith("backup: ran (peiban-")
    assert lines[1] == "warnings: ran (0 new warnings in 1 organisations; 0 case escalations)"
    assert lines[2] == "purge: ran (0 children anonymised)"
    assert lines[3] == "messages: ran (0 sent, 0 to try again later, 0 given up)"
    assert len(list((tmp_path / "b").iterdir())) == 1
    second = runner.invoke(args=["cron"])
    assert second.exit_code == 0
    assert all(": not due (next at " in line for line in second.output.strip().splitlines())



def test_the_warning_scan_counts_days_on_the_schedules_date_not_the_servers(app, make_org, make_child,
                                                                           monkeypatch) -> None:
    """At 02:15 in Shanghai (18:15 UTC the day before) `flask scan-warnings` counts the days of an unvisited child
    to the Shanghai date, as the cron job does (the command once counted to the server's UTC date)."""
    org = make_org("甲机构")
    child = make_child(org, "C1")
    child.created_at = dt.datetime(2026, 10, 1, 12, tzinfo=dt.UTC)
    db.session.commit()
    monkeypatch.setattr(upkeep, "utcnow", lambda: NOW)
    result = app.test_cli_runner().invoke(args=["scan-warnings"])
    assert result.exit_code == 0 and "甲机构: 1 new warnings" in result.output
    warning = db.session.execute(db.select(EarlyWarning).where(EarlyWarning.child_id == child.id)).scalar_one()
    assert warning.detail["days"] == (dt.date(2026, 12, 2) - dt.date(2026, 10, 1)).days  # 62, not 61
