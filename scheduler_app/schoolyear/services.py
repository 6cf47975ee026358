"""The school year's records: the admin's own calendar days, terms, sites' closures and children's days away;
each write names the published activities it cancels."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_babel import gettext as _

from scheduler_app import audit
from scheduler_app.extensions import db
from scheduler_app.messages.events import activities_cancelled
from scheduler_app.models import (
    Assignment,
    AssignmentKind,
    AssignmentStatus,
    CalendarDay,
    Child,
    ChildAway,
    Roster,
    RosterStatus,
    SchoolTerm,
    Site,
    SiteClosure,
    Week,
)
from scheduler_app.weekly import week_start_of

MAX_SPAN_DAYS = 366  # a closure, a term or days away longer than a year is a typing mistake


class SchoolYearError(ValueError):
    """A record that cannot be saved; ``field`` names the form field, the message says why."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Cancelled:
    """What a new closure or absence did to weeks already published: the activities it cancels, and the weeks
    to re-plan."""

    assignments: tuple[Assignment, ...]
    weeks: tuple[dt.date, ...]

    def __post_init__(self) -> None:
        if any(w.weekday() != 0 for w in self.weeks):
            raise ValueError("a week to re-plan starts on a Monday")


def _span(first_day: dt.date, last_day: dt.date, reason: str | None) -> str:
    """Check a date range (and its reason, when it has one); returns the reason, trimmed."""
    if last_day < first_day:
        raise SchoolYearError("last_day", _("The last day is before the first day."))
    if (last_day - first_day).days >= MAX_SPAN_DAYS:
        raise SchoolYearError("last_day", _("At most a year at a time."))
    text = (reason or "").strip()
    if reason is not None and not text:
        raise SchoolYearError("reason", _("Say why, e.g. 在父母处 or 学校放假."))
    return text


def save_calendar_day(organisation_id: int, day: dt.date, working: bool, name: str,
                      follows_day_index: int | None) -> CalendarDay:
    """Record the admin's own entry for a date (replacing an earlier one): a day off with its name, or a working
    day following a weekday's timetable."""
    name = name.strip()
    if not working and not name:
        raise SchoolYearError("name", _("Name the day off, e.g. 国庆节."))
    if follows_day_index is not None and not 0 <= follows_day_index <= 6:
        raise SchoolYearError("follows", _("Choose a weekday."))
    entry = db.session.execute(db.select(CalendarDay).where(CalendarDay.organisation_id == organisation_id,
                                                            CalendarDay.day == day)).scalar_one_or_none()
    if entry is None:
        entry = CalendarDay(organisation_id=organisation_id, day=day)
        db.session.add(entry)
    entry.working, entry.name = working, name
    entry.follows_day_index = follows_day_index if working else None
    db.session.flush()
    audit.record("calendar_day_saved", "calendar_day", entry.id, day=day.isoformat(), working=working)
    db.session.commit()
    return entry


def save_term(organisation_id: int, name: str, first_day: dt.date, last_day: dt.date) -> SchoolTerm:
    """Record a school term."""
    _span(first_day, last_day, None)
    if not name.strip():
        raise SchoolYearError("name", _("Name the term, e.g. 秋季学期."))
    term = SchoolTerm(organisation_id=organisation_id, name=name.strip(), first_day=first_day, last_day=last_day)
    db.session.add(term)
    db.session.flush()
    audit.record("school_term_added", "school_term", term.id)
    db.session.commit()
    return term


def add_closure(organisation_id: int, site_id: int, first_day: dt.date, last_day: dt.date,
                reason: str) -> Cancelled:
    """Close a site for days, with the reason; returns the published sessions it cancels."""
    site = db.session.execute(db.select(Site).where(Site.id == site_id, Site.organisation_id == organisation_id)
                              ).scalar_one_or_none()
    if site is None:
        raise SchoolYearError("site", _("Choose one of the organisation's sites."))
    closure = SiteClosure(site=site, first_day=first_day, last_day=last_day,
                          reason=_span(first_day, last_day, reason))
    db.session.add(closure)
    db.session.flush()
    cancelled = cancelled_by(organisation_id, first_day, last_day, site_id=site.id)
    activities_cancelled(cancelled.assignments, closure.reason)
    audit.record("site_closure_added", "site", site.id, first_day=first_day.isoformat(),
                 last_day=last_day.isoformat(), cancelled=len(cancelled.assignments))
    db.session.commit()
    return cancelled


def add_child_away(organisation_id: int, child_id: int, first_day: dt.date, last_day: dt.date,
                   reason: str) -> Cancelled:
    """Record days a child is not at home (e.g. the summer with her parents); returns the published visits they
    cancel."""
    child = db.session.execute(db.select(Child).where(Child.id == child_id,
                                                      Child.organisation_id == organisation_id, Child.active)
                               ).scalar_one_or_none()
    if child is None:
        raise SchoolYearError("child", _("Choose one of the organisation's children."))
    away = ChildAway(child=child, first_day=first_day, last_day=last_day, reason=_span(first_day, last_day, reason))
    db.session.add(away)
    db.session.flush()
    cancelled = cancelled_by(organisation_id, first_day, last_day, child_id=child.id)
    activities_cancelled(cancelled.assignments, None)
    audit.record("child_away_added", "child", child.id, first_day=first_day.isoformat(),
                 last_day=last_day.isoformat(), cancelled=len(cancelled.assignments))
    db.session.commit()
    return cancelled


def cancelled_by(organisation_id: int, first_day: dt.date, last_day: dt.date, *, site_id: int | None = None,
                 child_id: int | None = None) -> Cancelled:
    """The activities of published rosters between the two days that a site's closure (tutoring there) or a
    child's absence (visits to her) cancels, and their weeks."""
    rows = db.session.execute(
        db.select(Assignment, Week.start_date).join(Roster, Assignment.roster_id == Roster.id)
        .join(Week, Roster.week_id == Week.id)
        .where(Week.organisation_id == organisation_id, Roster.status == RosterStatus.PUBLISHED,
               Assignment.status != AssignmentStatus.DECLINED,
               Week.start_date >= week_start_of(first_day), Week.start_date <= last_day,
               (Assignment.site_id == site_id) & (Assignment.kind == AssignmentKind.TUTORING) if site_id is not None
               else (Assignment.child_id == child_id) & (Assignment.kind == AssignmentKind.VISIT))
        .order_by(Week.start_date, Assignment.day_index, Assignment.start)).all()
    hit = [(a, monday) for a, monday in rows if first_day <= monday + dt.timedelta(days=a.day_index) <= last_day]
    return Cancelled(tuple(a for a, _ in hit), tuple(dict.fromkeys(monday for _, monday in hit)))


def remove(organisation_id: int, kind: type[CalendarDay | SchoolTerm | SiteClosure | ChildAway],
           record_id: int) -> bool:
    """Remove one of the organisation's calendar days, terms, closures or days away; False when it is not one."""
    query = db.select(kind).where(kind.id == record_id)
    if issubclass(kind, SiteClosure):
        query = query.join(Site).where(Site.organisation_id == organisation_id)
    elif issubclass(kind, ChildAway):
        query = query.join(Child).where(Child.organisation_id == organisation_id)
    else:
        query = query.where(kind.organisation_id == organisation_id)
    record = db.session.execute(query).scalar_one_or_none()
    if record is None:
        return False
    db.session.delete(record)
    audit.record(f"{kind.__tablename__}_removed", kind.__tablename__, record_id)
    db.session.commit()
    return True


@dataclass(frozen=True)
class SchoolYear:
    """The organisation's school-year records, as the page lists them."""

    days: tuple[CalendarDay, ...]
    terms: tuple[SchoolTerm, ...]
    closures: tuple[SiteClosure, ...]
    away: tuple[ChildAway, ...]


def school_year(organisation_id: int, since: dt.date) -> SchoolYear:
    """The organisation's own calendar days, terms, closures and days away ending on or after ``since``."""
    days = db.session.execute(db.select(CalendarDay).where(CalendarDay.organisation_id == organisation_id,
                                                           CalendarDay.day >= since)
                              .order_by(CalendarDay.day)).scalars().all()
    terms = db.session.execute(db.select(SchoolTerm).where(SchoolTerm.organisation_id == organisation_id,
                                                           SchoolTerm.last_day >= since)
                               .order_by(SchoolTerm.first_day)).scalars().all()
    closures = db.session.execute(db.select(SiteClosure).join(Site).where(
        Site.organisation_id == organisation_id, SiteClosure.last_day >= since)
        .order_by(SiteClosure.first_day)).scalars().all()
    away = db.session.execute(db.select(ChildAway).join(Child).where(
        Child.organisation_id == organisation_id, ChildAway.last_day >= since)
        .order_by(ChildAway.first_day)).scalars().all()
    return SchoolYear(tuple(days), tuple(terms), tuple(closures), tuple(away))
