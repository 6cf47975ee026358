"""School semesters, and the warning sign of a child whom no class teacher visited at home for a whole semester
(read by the warning scan; the records themselves are kept by scheduler_app.programmes.classteachers)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func

from scheduler_app.extensions import db
from scheduler_app.models import Child, ChildClass, TeacherVisit

NO_TEACHER_VISIT = "no_teacher_visit"  # the warning's kind (scheduler_app.earlywarning.services.KINDS)
SPRING_FIRST_MONTH, AUTUMN_FIRST_MONTH = 2, 8  # spring: February to July; autumn: August to January


@dataclass(frozen=True)
class Semester:
    """A school semester: spring (February to July) or autumn (August to the next January)."""

    first_day: dt.date
    last_day: dt.date

    def __post_init__(self) -> None:
        if self.first_day > self.last_day:
            raise ValueError("a semester starts before it ends")

    @property
    def label(self) -> str:
        """e.g. 2026-spring, 2026-autumn (named by the year it starts in)."""
        season = "spring" if self.first_day.month == SPRING_FIRST_MONTH else "autumn"
        return f"{self.first_day.year}-{season}"

    def previous(self) -> Semester:
        """The semester just before."""
        return semester_of(self.first_day - dt.timedelta(days=1))


def semester_of(day: dt.date) -> Semester:
    """The semester a day falls in."""
    if SPRING_FIRST_MONTH <= day.month < AUTUMN_FIRST_MONTH:
        return Semester(dt.date(day.year, SPRING_FIRST_MONTH, 1), dt.date(day.year, AUTUMN_FIRST_MONTH, 1)
                        - dt.timedelta(days=1))
    start_year = day.year if day.month >= AUTUMN_FIRST_MONTH else day.year - 1
    return Semester(dt.date(start_year, AUTUMN_FIRST_MONTH, 1),
                    dt.date(start_year + 1, SPRING_FIRST_MONTH, 1) - dt.timedelta(days=1))


def last_teacher_visits(child_ids: list[int], until: dt.date | None = None) -> dict[int, dt.date]:
    """Each child's last teacher visit (on or before ``until``)."""
    if not child_ids:
        return {}
    stmt = db.select(TeacherVisit.child_id, func.max(TeacherVisit.visited_on)).where(
        TeacherVisit.child_id.in_(child_ids))
    if until is not None:
        stmt = stmt.where(TeacherVisit.visited_on <= until)
    return dict(db.session.execute(stmt.group_by(TeacherVisit.child_id)).tuples().all())


def no_teacher_visit(children: list[Child], today: dt.date) -> dict[tuple[str, int | None, int | None],
                                                                     dict[str, Any]]:
    """The warning sign: a child with a class teacher on record, registered before the last semester ended,
    whom no class teacher visited at home during that whole semester."""
    ended = semester_of(today).previous()
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
