"""Finding volunteers and keeping their dates away."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import or_

from scheduler_app import audit
from scheduler_app.database import paged
from scheduler_app.extensions import db
from scheduler_app.models import DateAway, Volunteer

PAGE_SIZE = 25
MAX_DAYS_AWAY = 366  # a longer absence is an inactive volunteer, not dates away


@dataclass(frozen=True)
class VolunteerPage:
    """One page of a volunteer search."""

    volunteers: list[Volunteer]
    total: int
    page: int
    pages: int


def search_volunteers(organisation_id: int, q: str = "", role: str = "", include_inactive: bool = False,
                      page: int = 1) -> VolunteerPage:
    """The organisation's volunteers matching name, code or affiliation text and a role, by code."""
    stmt = db.select(Volunteer).where(Volunteer.organisation_id == organisation_id)
    if not include_inactive:
        stmt = stmt.where(Volunteer.active)
    if q:
        like = f"%{q}%"
        stmt = stmt.where(or_(Volunteer.name.ilike(like), Volunteer.code.ilike(like),
                              Volunteer.affiliation.ilike(like)))
    if role == "tutor":
        stmt = stmt.where(Volunteer.is_tutor)
    elif role == "visitor":
        stmt = stmt.where(Volunteer.is_visitor)
    volunteers, total, page, pages = paged(stmt.order_by(Volunteer.code), page, PAGE_SIZE)
    return VolunteerPage(volunteers=volunteers, total=total, page=page, pages=pages)


class DatesAwayError(ValueError):
    """The dates cannot be recorded; the message says why."""


def add_date_away(volunteer: Volunteer, first_day: dt.date, last_day: dt.date, reason: str,
                  start: dt.time | None = None, end: dt.time | None = None) -> DateAway:
    """Record days the volunteer cannot serve, whole or (with ``start`` and ``end``) a stretch of each: the
    last day not before the first, at most a year, a stretch's end after its start, and not overlapping dates
    already recorded (which would hide a typing mistake)."""
    if last_day < first_day:
        raise DatesAwayError(_("The last day is before the first day."))
    if (last_day - first_day).days >= MAX_DAYS_AWAY:
        raise DatesAwayError(_("At most %(days)d days; mark a volunteer who stops as inactive instead.",
                               days=MAX_DAYS_AWAY))
    if (start is None) != (end is None):
        raise DatesAwayError(_("Give both times of the stretch away, or neither for whole days."))
    if start is not None and end is not None and end <= start:
        raise DatesAwayError(_("The stretch away ends before it starts."))
    away = DateAway(first_day=first_day, last_day=last_day, start=start, end=end,
                    reason=reason.strip()[:DateAway.REASON_MAX])
    # Whole days away take in the stretches of those days (a decline's "not then"): they say more.
    absorbed = [o for o in volunteer.dates_away if away.whole_days and not o.whole_days
                and first_day <= o.first_day and o.last_day <= last_day]
    other = overlapping(volunteer, away, besides=absorbed)
    if other is not None:
        raise DatesAwayError(_("These days overlap dates away already recorded (%(first)s to %(last)s).",
                               first=other.first_day.isoformat(), last=other.last_day.isoformat()))
    for stretch in absorbed:
        volunteer.dates_away.remove(stretch)
    volunteer.dates_away.append(away)
    db.session.flush()
    audit.record("dates_away_added", "volunteer", volunteer.id, first=first_day.isoformat(),
                 last=last_day.isoformat(), start=start.strftime("%H:%M") if start else None,
                 end=end.strftime("%H:%M") if end else None)
    db.session.commit()
    return away


def overlapping(volunteer: Volunteer, away: DateAway, besides: Sequence[DateAway] = ()) -> DateAway | None:
    """The first of the volunteer's dates away (other than ``besides``) that shares a moment with ``away``."""
    return next((other for other in volunteer.dates_away
                 if other is not away and other not in besides and other.overlaps(away)), None)


def remove_date_away(volunteer: Volunteer, date_away_id: int) -> bool:
    """Remove one of the volunteer's dates away; False if it is not theirs."""
    away = next((a for a in volunteer.dates_away if a.id == date_away_id), None)
    if away is None:
        return False
    volunteer.dates_away.remove(away)
    audit.record("dates_away_removed", "volunteer", volunteer.id, first=away.first_day.isoformat(),
                 last=away.last_day.isoformat())
    db.session.commit()
    return True
