"""Commands that keep a deployment running: cron (every scheduled job that is due) and doctor (what to fix)."""

from __future__ import annotations

import sys
import time

import click
from flask.cli import with_appcontext

from scheduler_app.extensions import this_app
from scheduler_app.operations.cron import CronError, run_due
from scheduler_app.operations.doctor import examine


@click.command("cron")
@click.option("--every", type=click.IntRange(min=0), default=0, metavar="SECONDS",
              help="Keep running, once every SECONDS (in a container, where no timer starts it); 0: once.")
@with_appcontext
def cron(every: int) -> None:
    """Run the scheduled jobs now due (backup, warnings, purge, messages; schedules in PEIBAN_CRON_*), one line
    each; run it every minute or five. Exit 1 when a job failed (the others still ran)."""
    app = this_app()
    while True:
        try:
            done = run_due(app)
        except CronError as exc:
            if not every:
                raise click.ClickException(str(exc)) from None
            click.echo(str(exc), err=True)
            done = ()
        for run in done:
            click.echo(run.line)
        if not every:
            break
        time.sleep(every)
    if any(run.state == "failed" for run in done):
        sys.exit(1)


@click.command("doctor")
@with_appcontext
def doctor() -> None:
    """Check this deployment (secret key, HTTPS, HSTS, debug, migrations, translations, backups, workers, disk)
    and say what to fix; exit 1 when something must be fixed."""
    findings = examine(this_app())
    for finding in findings:
        click.echo(finding.line)
    to_fix = [finding for finding in findings if not finding.ok]
    click.echo(f"{len(to_fix)} to fix." if to_fix else "Nothing to fix.")
    if to_fix:
        sys.exit(1)


COMMANDS = (cron, doctor)
