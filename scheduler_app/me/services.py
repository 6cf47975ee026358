"""A volunteer's answers and diary: only their own assignments in a published roster count."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy.orm.exc import StaleDataError

from scheduler_app import audit
from scheduler_app.extensions import db
from scheduler_app.models import (
    Assignment,
    AssignmentKind,
    AssignmentStatus,
    DiaryEntry,
    DiaryStatus,
    RosterStatus,
    Volunteer,
)


def my_assignment(volunteer: Volunteer, assignment_id: int) -> Assignment | None:
    """The volunteer's own assignment in a published roster, or None (someone else's is treated as missing)."""
    assignment = db.session.get(Assignment, assignment_id)
    if assignment is None or assignment.volunteer_id != volunteer.id \
            or assignment.roster.status != RosterStatus.PUBLISHED:
        return None
    return assignment


def confirm(assignment: Assignment) -> None:
    """The volunteer will come."""
    assignment.status, assignment.decline_reason = AssignmentStatus.CONFIRMED, ""
    audit.record("assignment_confirmed", "assignment", assignment.id)
    db.session.commit()


def decline(assignment: Assignment, reason: str) -> None:
    """The volunteer cannot come; the coordinator's week page lists it with the reason, to re-plan."""
    assignment.status, assignment.decline_reason = AssignmentStatus.DECLINED, reason.strip()
    audit.record("assignment_declined", "assignment", assignment.id)
    db.session.commit()


MAX_DIARY_MINUTES = 12 * 60  # longer than a day's service is a typing mistake


class DiaryError(ValueError):
    """The diary entry cannot be saved; the message says why."""


def diary_for(volunteer: Volunteer, assignment: Assignment) -> DiaryEntry | None:
    """The volunteer's diary entry about this assignment, if written."""
    return db.session.execute(db.select(DiaryEntry).where(DiaryEntry.volunteer_id == volunteer.id,
                                                          DiaryEntry.assignment_id == assignment.id)
                              ).scalar_one_or_none()


def save_diary(volunteer: Volunteer, assignment: Assignment, values: dict[str, Any], hand_in: bool,
               version: int | None, today: dt.date | None = None) -> DiaryEntry:
    """Write (or rewrite) the diary of an activity that has happened: the end after the start, at most
    12 hours; observations and the concern flag only for home visits; an approved entry is final; an
    entry changed since the form was opened (``version``) is not overwritten."""
    today = today or dt.date.today()
    day = assignment.date
    if day > today:
        raise DiaryError(_("This activity has not happened yet."))
    start, end = values["started_at"], values["ended_at"]
    minutes = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
    if minutes <= 0:
        raise DiaryError(_("The end must be after the start."))
    if minutes > MAX_DIARY_MINUTES:
        raise DiaryError(_("At most %(hours)d hours in one entry.", hours=MAX_DIARY_MINUTES // 60))
    entry = diary_for(volunteer, assignment)
    if entry is not None and entry.status == DiaryStatus.APPROVED:
        raise DiaryError(_("This entry is approved and can no longer be changed."))
    if entry is not None and version is not None and entry.version_id != version:
        raise DiaryError(_("This entry was changed elsewhere since you opened it; open it again."))
    if entry is None:
        entry = DiaryEntry(volunteer_id=volunteer.id, assignment_id=assignment.id, child_id=assignment.child_id,
                           site_id=assignment.site_id, served_on=day)
        db.session.add(entry)
    visit = assignment.kind == AssignmentKind.VISIT
    entry.started_at, entry.ended_at, entry.minutes = start, end, minutes
    entry.activities, entry.what_was_done, entry.gained = values["activities"], values["what_was_done"], \
        values["gained"]
    entry.observations = {k: v for k, v in values["observations"].items() if v} if visit else {}
    entry.concern = bool(values["concern"]) and visit
    entry.status = DiaryStatus.SUBMITTED if hand_in else DiaryStatus.DRAFT
    db.session.flush()
    audit.record("diary_submitted" if hand_in else "diary_saved", "diary_entry", entry.id, concern=entry.concern)
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise DiaryError(_("This entry was changed elsewhere since you opened it; open it again.")) from None
    return entry


@dataclass(frozen=True)
class MonthHours:
    """Minutes served in a month: approved (they count) and handed in, waiting for approval."""

    year: int
    month: int
    approved: int
    pending: int


def my_hours(volunteer: Volunteer) -> list[MonthHours]:
    """The volunteer's served minutes by month, newest first; drafts are not counted."""
    totals: dict[tuple[int, int], list[int]] = {}
    entries = db.session.execute(db.select(DiaryEntry).where(
        DiaryEntry.volunteer_id == volunteer.id,
        DiaryEntry.status.in_([DiaryStatus.APPROVED, DiaryStatus.SUBMITTED]))).scalars()
    for entry in entries:
        slot = totals.setdefault((entry.served_on.year, entry.served_on.month), [0, 0])
        slot[0 if entry.status == DiaryStatus.APPROVED else 1] += entry.minutes
    return [MonthHours(y, m, a, p) for (y, m), (a, p) in sorted(totals.items(), reverse=True)]
