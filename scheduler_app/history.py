"""What was delivered: the activities of published rosters, day by day (shared by warnings and reports)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from scheduler_app.extensions import db
from scheduler_app.models import Assignment, AssignmentStatus, Roster, RosterStatus, Week


@dataclass(frozen=True)
class Delivered:
    """One activity of a published roster on its calendar day; ``held`` unless the volunteer declined."""

    assignment: Assignment
    day: dt.date
    week_start: dt.date

    @property
    def held(self) -> bool:
        """A declined activity did not take place (unless re-planned, which is another assignment)."""
        return self.assignment.status != AssignmentStatus.DECLINED


def published_between(organisation_id: int, first_day: dt.date, last_day: dt.date) -> list[Delivered]:
    """Every assignment of the published rosters whose day lies in [first_day, last_day], in day order."""
    rows = db.session.execute(
        db.select(Assignment, Week.start_date).join(Roster, Assignment.roster_id == Roster.id)
        .join(Week, Roster.week_id == Week.id)
        .where(Week.organisation_id == organisation_id, Roster.status == RosterStatus.PUBLISHED,
               Week.start_date >= first_day - dt.timedelta(days=6), Week.start_date <= last_day)).all()
    found = [Delivered(a, start + dt.timedelta(days=a.day_index), start) for a, start in rows]
    return sorted((d for d in found if first_day <= d.day <= last_day), key=lambda d: (d.day, d.assignment.start))


def published_rosters(organisation_id: int, first_week: dt.date, last_week: dt.date) -> list[tuple[dt.date, Roster]]:
    """The published roster of each week from first_week to last_week (Mondays), oldest first."""
    rows = db.session.execute(
        db.select(Week.start_date, Roster).join(Roster, Roster.week_id == Week.id)
        .where(Week.organisation_id == organisation_id, Roster.status == RosterStatus.PUBLISHED,
               Week.start_date >= first_week, Week.start_date <= last_week)
        .order_by(Week.start_date)).all()
    return [(start, roster) for start, roster in rows]
