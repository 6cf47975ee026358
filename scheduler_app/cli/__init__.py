"""Peiban's ``flask`` commands, one module per group: accounts (organisations and their admins), database
(prepare, backup, restore), upkeep (warnings, retention, messages), workers (the solve and message
queues) and operations (cron, doctor). The demo data has
commands of its own, outside the app: ``python -m seed``."""

from __future__ import annotations

from flask import Flask

from scheduler_app.cli import accounts, database, operations, upkeep, workers

GROUPS = (accounts, database, upkeep, workers, operations)


def register(app: Flask) -> None:
    """Attach every group's commands to ``flask``."""
    for group in GROUPS:
        for command in group.COMMANDS:
            app.cli.add_command(command)
