"""Commands cron runs: scan-warnings (and case escalations), purge-expired, send-messages."""

from __future__ import annotations

import datetime as dt

import click
from flask import current_app
from flask.cli import with_appcontext

from scheduler_app.models import utcnow
from scheduler_app.operations.cron import scan_and_escalate, send_due
from scheduler_app.privacy.services import purge_expired


@click.command("scan-warnings")
@with_appcontext
def scan_warnings() -> None:
    """Bring every organisation's warning list up to date (for cron; the warnings page scans too)."""
    done = scan_and_escalate(current_app, utcnow())
    for scanned in done.scans:
        click.echo(f"{scanned.name}: {scanned.new} new warnings")
    click.echo(f"{done.escalations} case escalations (overdue actions, missing mandatory reports)")


@click.command("purge-expired")
@click.option("--dry-run", is_flag=True, help="List what would be anonymised; change nothing.")
@with_appcontext
def purge_expired_command(dry_run: bool) -> None:
    """Anonymise children who left longer ago than their organisation's retention setting (for cron)."""
    for result in purge_expired(dt.date.today(), dry_run=dry_run):
        verb = "would anonymise" if dry_run else "anonymised"
        click.echo(f"{result.organisation} (kept {result.retention_years} years): {verb} "
                   f"{len(result.child_codes)} children {' '.join(result.child_codes)}".rstrip())


@click.command("send-messages")
@with_appcontext
def send_messages() -> None:
    """Put the reminders, missing-diary requests and digests now due in the outbox, then send every message
    due (for cron, every few minutes; safe to run twice at once)."""
    done = send_due(utcnow())
    click.echo(f"{done.sent} sent, {done.retrying} to try again later, {done.failed} given up")


COMMANDS = (scan_warnings, purge_expired_command, send_messages)
