"""What each day of a week really is: public holidays and make-up working days (调休), school terms, a site's
closures and a child's days away; the week's instance and the roster page read it from here, so a rule about a
day is written once."""

from __future__ import annotations

import datetime as dt
import enum
import functools
from collections.abc import Iterable
from dataclasses import dataclass, field

import chinese_calendar
from flask_babel import lazy_gettext as _l

from scheduler_app.extensions import db
from scheduler_app.models import (
    DAYS,
    Assignment,
    AssignmentKind,
    AssignmentStatus,
    CalendarDay,
    Child,
    ChildAway,
    Roster,
    SchoolTerm,
    Site,
    SiteClosure,
)

# The package's holiday names (its English), as people here name them.
HOLIDAY_NAMES = {
    "New Year's Day": _l("New Year's Day"),
    "Spring Festival": _l("Spring Festival"),
    "Tomb-sweeping Day": _l("Tomb-sweeping Day"),
    "Labour Day": _l("Labour Day"),
    "Dragon Boat Festival": _l("Dragon Boat Festival"),
    "National Day": _l("National Day"),
    "Mid-autumn Festival": _l("Mid-autumn Festival"),
    "Anti-Fascist 70th Day": _l("Victory Day"),
}
SCHOOL_HOLIDAY = _l("School holiday")
DEFAULT_FOLLOWS = 0  # a make-up day nobody can pair with a holiday keeps Monday's timetable
PAIRING_DAYS = 70    # a make-up day pays back a day off of the same holiday within this many days


def known_until() -> int:
    """The last year whose public holidays and make-up days the chinese-calendar package knows."""
    return max(chinese_calendar.holidays).year


class OffKind(enum.StrEnum):
    """Why a day has no session or no visit."""

    HOLIDAY = "holiday"                # a public holiday (the package's, or the admin's own day off)
    SCHOOL_HOLIDAY = "school_holiday"  # outside every school term
    CLOSED = "closed"                  # the site is closed
    AWAY = "away"                      # the child is not at home


@dataclass(frozen=True)
class DayOff:
    """Why a date has no session (or a child no visit): the kind and the name or reason written down."""

    kind: OffKind
    name: str = ""

    def __post_init__(self) -> None:
        if self.kind in (OffKind.CLOSED, OffKind.AWAY) and not self.name:
            raise ValueError(f"a {self.kind} day needs its reason")

    @property
    def label(self) -> str:
        """What the page says, in the reader's language ("国庆节", "学校放假", "在父母处")."""
        if self.kind == OffKind.HOLIDAY:
            return str(HOLIDAY_NAMES.get(self.name, self.name))
        if self.kind == OffKind.SCHOOL_HOLIDAY:
            return str(SCHOOL_HOLIDAY)
        return self.name


def _package_detail(day: dt.date) -> tuple[bool, str | None] | None:
    """The package's (day off, holiday name) for a date, or None past the years it knows."""
    if day.year > known_until() or day.year < min(chinese_calendar.holidays).year:
        return None
    on_holiday, name = chinese_calendar.get_holiday_detail(day)
    return bool(on_holiday), name


@functools.cache
def default_follows(day: dt.date) -> int:
    """The weekday whose timetable a make-up working day keeps: the weekday of the day off it pays back (the
    package's in-lieu days of the same holiday, paired in date order with its make-up days), else Monday; a
    weekday that is a working day keeps its own."""
    if day.weekday() < 5:
        return day.weekday()
    detail = _package_detail(day)
    if detail is None or detail[0] or detail[1] is None:
        return DEFAULT_FOLLOWS
    name = detail[1]
    near = [day + dt.timedelta(days=n) for n in range(-PAIRING_DAYS, PAIRING_DAYS + 1)]
    known = [d for d in near if _package_detail(d) is not None]
    in_lieu = [d for d in known if chinese_calendar.is_in_lieu(d) and _package_detail(d) == (True, name)]
    make_up = [d for d in known if d.weekday() >= 5 and _package_detail(d) == (False, name)]
    index = make_up.index(day)
    return in_lieu[index].weekday() if index < len(in_lieu) else DEFAULT_FOLLOWS


def _covering(spans: Iterable[SiteClosure | ChildAway], day: dt.date) -> DayOff | None:
    for span in spans:
        if span.first_day <= day <= span.last_day:
            return DayOff(OffKind.CLOSED if isinstance(span, SiteClosure) else OffKind.AWAY, span.reason)
    return None


@dataclass(frozen=True)
class WeekCalendar:
    """One organisation's week day by day: which days are off for everyone (and why), whose timetable each
    working day keeps, and each site's closed days and each child's days away."""

    week_start: dt.date
    off: tuple[DayOff | None, ...]          # per day of the week, for the whole organisation
    follows: tuple[int, ...]                # per day: the weekday whose sessions it holds
    closed: dict[int, tuple[DayOff | None, ...]] = field(default_factory=dict)  # site id → per day
    away: dict[int, tuple[DayOff | None, ...]] = field(default_factory=dict)    # child id → per day

    def __post_init__(self) -> None:
        if self.week_start.weekday() != 0:
            raise ValueError(f"week_start {self.week_start.isoformat()} is not a Monday")
        if len(self.off) != 7 or len(self.follows) != 7 or any(not 0 <= f <= 6 for f in self.follows):
            raise ValueError("a week has seven days, each following one of the seven weekdays")
        if any(len(days) != 7 for days in (*self.closed.values(), *self.away.values())):
            raise ValueError("closures and days away are given for each of the seven days")

    def date(self, day_index: int) -> dt.date:
        """The calendar date of a day of the week."""
        return self.week_start + dt.timedelta(days=day_index)

    def site_off(self, site_id: int, day_index: int) -> DayOff | None:
        """Why the site holds no session that day (the organisation's day off first, then its closure)."""
        return self.off[day_index] or self.closed.get(site_id, (None,) * 7)[day_index]

    def child_away(self, child_id: int, day_index: int) -> DayOff | None:
        """Why the child is not at home that day, or None."""
        return self.away.get(child_id, (None,) * 7)[day_index]

    def sessions(self, site: Site) -> list[tuple[int, dt.time, dt.time]]:
        """The site's sessions this week as (day, start, end): none on a day off or closed, and on a make-up
        working day those of the weekday it follows."""
        timetable = {s.day_index: s for s in site.sessions}
        held = []
        for day_index in range(7):
            session = timetable.get(self.follows[day_index])
            if session is not None and self.site_off(site.id, day_index) is None:
                held.append((day_index, session.start, session.end))
        return held

    def attends(self, child: Child, held_days: set[int]) -> list[str]:
        """The days the child comes to her site's session this week: a day it holds one, whose weekday she
        attends (for a make-up day, the weekday it follows), unless she is away."""
        usual = set(child.attends or [])
        return [DAYS[d] for d in range(7) if d in held_days and DAYS[self.follows[d]] in usual
                and self.child_away(child.id, d) is None]

    def cancels(self, assignment: Assignment) -> DayOff | None:
        """Why the calendar takes a planned activity away (its site closed or a day off, the child away), or
        None."""
        if assignment.kind == AssignmentKind.VISIT:
            return None if assignment.child_id is None else self.child_away(assignment.child_id,
                                                                             assignment.day_index)
        return None if assignment.site_id is None else self.site_off(assignment.site_id, assignment.day_index)

    def visit_days(self, child: Child) -> set[int]:
        """The days of the week the child is at home for a visit."""
        return {d for d in range(7) if self.child_away(child.id, d) is None}


def week_calendar(organisation_id: int, week_start: dt.date) -> WeekCalendar:
    """The organisation's week as it really is, from the package's public holidays, the admin's own days, the
    school terms, the sites' closures and the children's days away."""
    last = week_start + dt.timedelta(days=6)
    own = {d.day: d for d in db.session.execute(db.select(CalendarDay).where(
        CalendarDay.organisation_id == organisation_id, CalendarDay.day >= week_start,
        CalendarDay.day <= last)).scalars()}
    terms = list(db.session.execute(db.select(SchoolTerm).where(
        SchoolTerm.organisation_id == organisation_id)).scalars())
    off: list[DayOff | None] = []
    follows: list[int] = []
    for day_index in range(7):
        day = week_start + dt.timedelta(days=day_index)
        reason, keeps = _day(day, own.get(day), terms)
        off.append(reason)
        follows.append(keeps)
    closures = db.session.execute(db.select(SiteClosure).join(Site).where(
        Site.organisation_id == organisation_id, SiteClosure.first_day <= last,
        SiteClosure.last_day >= week_start)).scalars().all()
    aways = db.session.execute(db.select(ChildAway).join(Child).where(
        Child.organisation_id == organisation_id, ChildAway.first_day <= last,
        ChildAway.last_day >= week_start)).scalars().all()
    days = [week_start + dt.timedelta(days=d) for d in range(7)]
    closed = {site_id: tuple(_covering([c for c in closures if c.site_id == site_id], d) for d in days)
              for site_id in {c.site_id for c in closures}}
    away = {child_id: tuple(_covering([a for a in aways if a.child_id == child_id], d) for d in days)
            for child_id in {a.child_id for a in aways}}
    return WeekCalendar(week_start, tuple(off), tuple(follows), closed, away)


def _day(day: dt.date, own: CalendarDay | None, terms: list[SchoolTerm]) -> tuple[DayOff | None, int]:
    """A date for the whole organisation: why it is off (or None) and the weekday whose timetable it keeps.
    The admin's own entry wins over the package; a make-up working day keeps the timetable of the weekday it
    pays back; outside every term (when terms are recorded) it is a school holiday."""
    keeps = day.weekday()
    if own is not None:
        if not own.working:
            return DayOff(OffKind.HOLIDAY, own.name), keeps
        keeps = own.follows_day_index if own.follows_day_index is not None else default_follows(day)
    else:
        detail = _package_detail(day)
        if detail is not None and detail[0] and detail[1]:
            return DayOff(OffKind.HOLIDAY, detail[1]), keeps
        if detail is not None and not detail[0] and day.weekday() >= 5:
            keeps = default_follows(day)
    if terms and not any(t.first_day <= day <= t.last_day for t in terms):
        return DayOff(OffKind.SCHOOL_HOLIDAY), keeps
    return None, keeps


def make_up_day(week: WeekCalendar, day_index: int) -> bool:
    """True when a day is a working day keeping another weekday's timetable (a make-up day, 调休)."""
    return week.off[day_index] is None and week.follows[day_index] != day_index


@dataclass(frozen=True)
class Missing:
    """A session or visit the week does not hold, and why: the roster page names it."""

    day: dt.date
    what: str      # the site's name, or the child's name
    reason: str    # in the reader's language

    def __post_init__(self) -> None:
        if not self.what or not self.reason:
            raise ValueError("a missing session or visit names what and why")


@dataclass(frozen=True)
class MakeUpDay:
    """A make-up working day and the weekday whose sessions it holds."""

    day: dt.date
    follows: str  # the contract's day name

    def __post_init__(self) -> None:
        if self.follows not in DAYS:
            raise ValueError(f"unknown day {self.follows!r}")


@dataclass(frozen=True)
class WeekExceptions:
    """What the calendar takes out of a week (and adds: make-up days), as the roster page tells it."""

    sessions: tuple[Missing, ...]
    visits: tuple[Missing, ...]
    make_up: tuple[MakeUpDay, ...]
    no_tutoring: bool  # the sites hold sessions in an ordinary week, and none this week
    beyond_calendar: bool  # the week lies past the years the holiday package knows

    @property
    def reasons(self) -> list[str]:
        """The distinct reasons sessions are missing, in order of first appearance."""
        return list(dict.fromkeys(m.reason for m in self.sessions))


def week_exceptions(organisation_id: int, week_start: dt.date) -> WeekExceptions:
    """The sessions and visits the calendar removes from the organisation's week, with their reasons."""
    week = week_calendar(organisation_id, week_start)
    sites = db.session.execute(db.select(Site).where(Site.organisation_id == organisation_id, Site.active)
                               .order_by(Site.code)).scalars().all()
    sessions = []
    usual = held = 0
    for site in sites:
        timetable = {s.day_index for s in site.sessions}
        usual += len(timetable)
        held += len(week.sessions(site))
        for day_index in sorted(timetable):
            reason = week.site_off(site.id, day_index)
            if reason is not None:
                sessions.append(Missing(week.date(day_index), site.name, reason.label))
    children = db.session.execute(db.select(Child).where(
        Child.organisation_id == organisation_id, Child.active, Child.id.in_(list(week.away)))
        .order_by(Child.code)).scalars().all()
    visits = []
    for child in children:
        for day_index in range(7):
            reason = week.child_away(child.id, day_index)
            if reason is not None:
                visits.append(Missing(week.date(day_index), child.name, reason.label))
    make_up = tuple(MakeUpDay(week.date(d), DAYS[week.follows[d]]) for d in range(7) if make_up_day(week, d))
    return WeekExceptions(tuple(sessions), tuple(visits), make_up, no_tutoring=usual > 0 and held == 0,
                          beyond_calendar=week_start.year > known_until()
                          or (week_start + dt.timedelta(days=6)).year > known_until())


@dataclass(frozen=True)
class CancelledActivity:
    """An activity of a published roster the calendar now takes away, and why."""

    assignment: Assignment
    reason: str  # in the reader's language


def cancelled_in(roster: Roster | None) -> list[CancelledActivity]:
    """The activities of a (published) roster that its week's calendar now cancels: tutoring on a day its site
    holds no session any more (a closure, a day off), a visit to a child away that day."""
    if roster is None:
        return []
    week = week_calendar(roster.week.organisation_id, roster.week.start_date)
    found = []
    for a in sorted(roster.assignments, key=lambda a: (a.day_index, a.start, a.id)):
        reason = week.cancels(a) if a.status != AssignmentStatus.DECLINED else None
        if reason is not None:
            found.append(CancelledActivity(a, reason.label))
    return found
