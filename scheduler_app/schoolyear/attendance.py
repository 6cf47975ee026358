"""Attendance at the 4:30 classroom: who came to a session that took place, recorded by its tutor or a
coordinator, and the printable sign-in sheet (签到表)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

from scheduler_app import audit
from scheduler_app.extensions import db
from scheduler_app.models import (
    DAYS,
    Assignment,
    AssignmentKind,
    AssignmentStatus,
    Attendance,
    Child,
    Role,
    Roster,
    RosterStatus,
    Site,
    Volunteer,
    Week,
    utcnow,
)
from scheduler_app.names import first_name
from scheduler_app.schooldays import week_calendar
from scheduler_app.weekly import week_start_of


class AttendanceError(ValueError):
    """Attendance that cannot be recorded; ``field`` names the form field (and so the child's row)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def shown_name(user: Any, child: Child) -> str:
    """A child's name as the reader may see it: in full for coordinators and managers (it comes with their role),
    her given name for a volunteer, as on every volunteer's page."""
    return child.name if getattr(user, "role", None) in (Role.COORDINATOR, Role.MANAGER) else first_name(child.name)


@dataclass(frozen=True)
class AttendanceRow:
    """One child expected at the session: whether she came (ticked by default until recorded) and why not."""

    child_id: int
    name: str
    present: bool
    reason: str

    def __post_init__(self) -> None:
        if self.present and self.reason:
            raise ValueError("a child who came has no reason for being absent")


@dataclass(frozen=True)
class SessionAttendance:
    """A session that took place at a site on a day: the children enrolled for it, its tutors, and whether
    attendance was recorded."""

    site: Site
    day: dt.date
    times: str
    rows: tuple[AttendanceRow, ...]
    tutors: tuple[str, ...]
    recorded: bool

    @property
    def present(self) -> int:
        """How many children came (as recorded, or as ticked by default)."""
        return sum(r.present for r in self.rows)


def tutoring_of(volunteer_id: int, site_id: int, day: dt.date) -> Assignment | None:
    """The volunteer's published, not declined, tutoring at the site that day, or None."""
    return db.session.execute(
        db.select(Assignment).join(Roster, Assignment.roster_id == Roster.id).join(Week, Roster.week_id == Week.id)
        .where(Assignment.volunteer_id == volunteer_id, Assignment.site_id == site_id,
               Assignment.kind == AssignmentKind.TUTORING, Assignment.status != AssignmentStatus.DECLINED,
               Roster.status == RosterStatus.PUBLISHED, Week.start_date == week_start_of(day),
               Assignment.day_index == day.weekday())).scalars().first()


def session_attendance(user: Any, site: Site, day: dt.date) -> SessionAttendance | None:
    """The session at the site that day with its children and tutors, names as the reader may see them; None
    when the week's calendar holds no session there that day."""
    calendar = week_calendar(site.organisation_id, week_start_of(day))
    held = {d: (start, end) for d, start, end in calendar.sessions(site)}
    day_index = day.weekday()
    if day_index not in held:
        return None
    children = db.session.execute(db.select(Child).where(Child.site_id == site.id, Child.active)
                                  .order_by(Child.code)).scalars().all()
    expected = [c for c in children if DAYS[day_index] in calendar.attends(c, set(held))]
    rows = {a.child_id: a for a in db.session.execute(db.select(Attendance).where(
        Attendance.site_id == site.id, Attendance.held_on == day)).scalars()}
    # A child recorded and since moved elsewhere still shows: the record is a fact of that day.
    extra = [c for c in children if c.id in rows and c not in expected]
    tutors = db.session.execute(
        db.select(Volunteer.name).join(Assignment, Assignment.volunteer_id == Volunteer.id)
        .join(Roster, Assignment.roster_id == Roster.id).join(Week, Roster.week_id == Week.id)
        .where(Assignment.site_id == site.id, Assignment.kind == AssignmentKind.TUTORING,
               Assignment.status != AssignmentStatus.DECLINED, Roster.status == RosterStatus.PUBLISHED,
               Week.start_date == week_start_of(day), Assignment.day_index == day_index)
        .order_by(Volunteer.code)).scalars().all()
    start, end = held[day_index]
    return SessionAttendance(
        site=site, day=day, times=f"{start:%H:%M}–{end:%H:%M}",
        rows=tuple(AttendanceRow(c.id, shown_name(user, c), rows[c.id].present if c.id in rows else True,
                                 rows[c.id].reason if c.id in rows and not rows[c.id].present else "")
                   for c in [*expected, *extra]),
        tutors=tuple(dict.fromkeys(tutors)), recorded=bool(rows))


def record_attendance(session: SessionAttendance, present: set[int], reasons: Mapping[int, str], user_id: int,
                      today: dt.date | None = None) -> int:
    """Record (or change) who came to a session: every expected child, absent ones with a reason. Nothing is
    stored when a row is wrong. Returns how many children came."""
    if session.day > (today or dt.date.today()):
        raise AttendanceError("day", _("Attendance is recorded once the session has taken place."))
    for row in session.rows:
        reason = (reasons.get(row.child_id) or "").strip()
        if row.child_id not in present and not reason:
            raise AttendanceError(f"reason-{row.child_id}", _("Say why %(name)s did not come.", name=row.name))
        if len(reason) > Attendance.REASON_MAX:
            raise AttendanceError(f"reason-{row.child_id}", _("At most %(max)d characters.",
                                                              max=Attendance.REASON_MAX))
    stored = {a.child_id: a for a in db.session.execute(db.select(Attendance).where(
        Attendance.site_id == session.site.id, Attendance.held_on == session.day)).scalars()}
    for row in session.rows:
        came = row.child_id in present
        record = stored.get(row.child_id) or Attendance(site_id=session.site.id, child_id=row.child_id,
                                                       held_on=session.day)
        record.present, record.reason = came, "" if came else (reasons.get(row.child_id) or "").strip()
        record.recorded_by_id, record.recorded_at = user_id, utcnow()
        db.session.add(record)
    came_count = sum(r.child_id in present for r in session.rows)
    audit.record("attendance_recorded", "site", session.site.id, day=session.day.isoformat(), present=came_count,
                 absent=len(session.rows) - came_count)
    db.session.commit()
    return came_count


@dataclass(frozen=True)
class HeldSession:
    """A session the calendar held at a site on a day (up to today), and whether its attendance is recorded."""

    site_id: int
    site: str
    day: dt.date
    recorded: bool


def sessions_held(organisation_id: int, first_day: dt.date, last_day: dt.date,
                  today: dt.date | None = None) -> list[HeldSession]:
    """The sessions held between the two days (not after today): in a published roster with a tutor who did not
    decline, on a day the calendar still holds them; with whether attendance was recorded (reports count those
    recorded and list the others). A session with attendance recorded counts as held whatever the roster says."""
    last_day = min(last_day, today or dt.date.today())
    if last_day < first_day:
        return []
    planned = db.session.execute(
        db.select(Assignment, Week.start_date).join(Roster, Assignment.roster_id == Roster.id)
        .join(Week, Roster.week_id == Week.id)
        .where(Week.organisation_id == organisation_id, Roster.status == RosterStatus.PUBLISHED,
               Assignment.kind == AssignmentKind.TUTORING, Assignment.status != AssignmentStatus.DECLINED,
               Week.start_date >= week_start_of(first_day), Week.start_date <= last_day)).all()
    calendars = {monday: week_calendar(organisation_id, monday) for monday in {m for _, m in planned}}
    held = {(a.site_id, monday + dt.timedelta(days=a.day_index)) for a, monday in planned
            if a.site_id is not None and first_day <= monday + dt.timedelta(days=a.day_index) <= last_day
            and calendars[monday].cancels(a) is None}
    recorded = set(db.session.execute(
        db.select(Attendance.site_id, Attendance.held_on).join(Site, Attendance.site_id == Site.id)
        .where(Site.organisation_id == organisation_id, Attendance.held_on >= first_day,
               Attendance.held_on <= last_day).distinct()).tuples())
    names = {site_id: name for site_id, name in db.session.execute(db.select(Site.id, Site.name).where(
        Site.organisation_id == organisation_id)).tuples()}
    return sorted((HeldSession(site_id, names[site_id], day, (site_id, day) in recorded)
                   for site_id, day in held | recorded), key=lambda h: (h.day, h.site))


ATTENDANCE_WEEKS_BACK = 4  # a tutor is asked for attendance of her sessions of the last few weeks


def attendance_due(volunteer_id: int, today: dt.date | None = None) -> list[Assignment]:
    """The volunteer's published tutoring of the last few weeks that has taken place (the calendar still holding
    it) and whose session has no attendance recorded yet, oldest first."""
    today = today or dt.date.today()
    monday = week_start_of(today)
    rows = db.session.execute(
        db.select(Assignment).join(Roster, Assignment.roster_id == Roster.id).join(Week, Roster.week_id == Week.id)
        .where(Assignment.volunteer_id == volunteer_id, Assignment.kind == AssignmentKind.TUTORING,
               Assignment.status != AssignmentStatus.DECLINED, Roster.status == RosterStatus.PUBLISHED,
               Week.start_date >= monday - dt.timedelta(weeks=ATTENDANCE_WEEKS_BACK), Week.start_date <= monday)
        .order_by(Week.start_date, Assignment.day_index)).scalars().all()
    past = [a for a in rows if a.date <= today and a.site_id is not None]
    if not past:
        return []
    recorded = set(db.session.execute(db.select(Attendance.site_id, Attendance.held_on).where(
        Attendance.site_id.in_({a.site_id for a in past}), Attendance.held_on >= past[0].date,
        Attendance.held_on <= today).distinct()).tuples())
    calendars = {a.roster.week.start_date: week_calendar(a.roster.week.organisation_id, a.roster.week.start_date)
                 for a in past}
    return [a for a in past if (a.site_id, a.date) not in recorded
            and calendars[a.roster.week.start_date].cancels(a) is None]
