"""School semesters, from the organisation's recorded school terms where it has them and from the months where it
has none, and the warning sign of a child whom no class teacher visited at home for a whole semester (read by the
warning scan; the records themselves are kept by scheduler_app.programmes.classteachers)."""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func

from scheduler_app.extensions import db
from scheduler_app.models import Child, ChildClass, SchoolTerm, TeacherVisit

NO_TEACHER_VISIT = "no_teacher_visit"  # the warning's kind (scheduler_app.earlywarning.services.KINDS)
SPRING_FIRST_MONTH, AUTUMN_FIRST_MONTH = 2, 8  # without recorded terms: spring February to July, autumn to January
# A recorded term that starts this close to a month boundary (1 February, 1 August) replaces it: the schools' own
# first day (1 September, 20 February) is when their semester starts. Terms starting this close together start one.
SUPERSEDE_DAYS = 75


@dataclass(frozen=True)
class Semester:
    """A school semester: its first and last day, and its name (the recorded term's, else e.g. 2026-autumn).
    The holiday after a term belongs to it, until the next one starts: a visit in the summer holiday counts for the
    spring term."""

    first_day: dt.date
    last_day: dt.date
    label: str

    def __post_init__(self) -> None:
        if self.first_day > self.last_day or not self.label:
            raise ValueError("a semester starts before it ends and has a name")

    @property
    def shown(self) -> str:
        """The name in the reader's language: a recorded term's own, else e.g. "2026年秋季学期"."""
        year, _dash, season = self.label.partition("-")
        if year.isdigit() and season == "spring":
            return _("Spring semester %(year)s", year=year)
        if year.isdigit() and season == "autumn":
            return _("Autumn semester %(year)s", year=year)
        return self.label


@dataclass(frozen=True)
class TermStart:
    """Where a semester starts, and its name."""

    day: dt.date
    label: str


def _month_starts(first_year: int, last_year: int) -> list[TermStart]:
    """1 February (spring) and 1 August (autumn) of each year, named by the year the semester starts in."""
    return [TermStart(dt.date(year, month, 1), f"{year}-{'spring' if month == SPRING_FIRST_MONTH else 'autumn'}")
            for year in range(first_year, last_year + 1) for month in (SPRING_FIRST_MONTH, AUTUMN_FIRST_MONTH)]


@dataclass(frozen=True)
class Semesters:
    """The organisation's semesters: each recorded term starts one (the holiday after it included), and the
    month boundaries no recorded term replaces start the others. With no term recorded: the months alone."""

    terms: tuple[tuple[dt.date, dt.date, str], ...] = ()

    def _starts(self, day: dt.date) -> list[TermStart]:
        """Every semester start from well before ``day`` (and every recorded term) to well after, in order.
        Recorded terms starting within SUPERSEDE_DAYS of each other (two kinds of school, a short summer term
        before the autumn one) start one semester, at the first of them: a week-long semester would warn about
        every child."""
        recorded: list[TermStart] = []
        for first, _last, name in sorted(self.terms):
            if not recorded or (first - recorded[-1].day).days > SUPERSEDE_DAYS:
                recorded.append(TermStart(first, name))
        years = [day.year, *(first.year for first, _last, _name in self.terms)]
        months = _month_starts(min(years) - 2, max(years) + 2)
        kept = [m for m in months if all(abs((r.day - m.day).days) > SUPERSEDE_DAYS for r in recorded)]
        return sorted(recorded + kept, key=lambda s: s.day)

    def of(self, day: dt.date) -> Semester:
        """The semester a day falls in."""
        starts = self._starts(day)
        at = bisect.bisect_right([s.day for s in starts], day) - 1
        return Semester(starts[at].day, starts[at + 1].day - dt.timedelta(days=1), starts[at].label)

    def before(self, semester: Semester) -> Semester:
        """The semester just before this one."""
        return self.of(semester.first_day - dt.timedelta(days=1))


def semesters_of(organisation_id: int) -> Semesters:
    """The organisation's semesters, from its recorded school terms."""
    terms = db.session.execute(db.select(SchoolTerm.first_day, SchoolTerm.last_day, SchoolTerm.name).where(
        SchoolTerm.organisation_id == organisation_id).order_by(SchoolTerm.first_day)).tuples().all()
    return Semesters(tuple(terms))


def last_teacher_visits(child_ids: Iterable[int], until: dt.date | None = None) -> dict[int, dt.date]:
    """Each child's last teacher visit (on or before ``until``)."""
    ids = list(child_ids)
    if not ids:
        return {}
    stmt = db.select(TeacherVisit.child_id, func.max(TeacherVisit.visited_on)).where(TeacherVisit.child_id.in_(ids))
    if until is not None:
        stmt = stmt.where(TeacherVisit.visited_on <= until)
    return dict(db.session.execute(stmt.group_by(TeacherVisit.child_id)).tuples().all())


def no_teacher_visit(organisation_id: int, children: list[Child], today: dt.date
                     ) -> dict[tuple[str, int | None, int | None], dict[str, Any]]:
    """The warning sign: a child with a class teacher on record, registered before the last semester ended,
    whom no class teacher visited at home during that whole semester (the organisation's own terms)."""
    semesters = semesters_of(organisation_id)
    ended = semesters.before(semesters.of(today))
    recorded = set(db.session.execute(db.select(ChildClass.child_id).where(
        ChildClass.child_id.in_([c.id for c in children]), ChildClass.teacher_name != "")).scalars()) \
        if children else set()
    candidates = [c for c in children if c.id in recorded and c.created_at.date() <= ended.last_day]
    last = last_teacher_visits([c.id for c in candidates], until=ended.last_day)
    found: dict[tuple[str, int | None, int | None], dict[str, Any]] = {}
    for child in candidates:
        seen = last.get(child.id)
        if seen is None or seen < ended.first_day:
            found[(NO_TEACHER_VISIT, child.id, None)] = {"semester": ended.label,
                                                          "last": seen.isoformat() if seen else None}
    return found
