"""Class teachers: each child's class and class teacher, and the teachers' home visits (the warning when a semester
went by without one is in scheduler_app.semesters)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_babel import gettext as _

from scheduler_app import audit
from scheduler_app.extensions import db
from scheduler_app.models import Child, ChildClass, TeacherVisit, User
from scheduler_app.semesters import Semester, last_teacher_visits, semesters_of


class ClassTeacherError(ValueError):
    """A class or a teacher's visit that cannot be recorded; the message names the field."""


def class_of(child: Child) -> ChildClass | None:
    """The child's class and class teacher, if recorded."""
    return db.session.execute(db.select(ChildClass).where(ChildClass.child_id == child.id)).scalar_one_or_none()


def save_class(child: Child, class_name: str, teacher_name: str, teacher_phone: str) -> ChildClass:
    """Record (or change) the child's class and class teacher; audited."""
    record = class_of(child) or ChildClass(child_id=child.id)
    record.class_name, record.teacher_name, record.teacher_phone = class_name, teacher_name, teacher_phone
    db.session.add(record)
    db.session.flush()
    audit.record("class_teacher_saved", "child", child.id)
    db.session.commit()
    return record


def teacher_visits(child: Child) -> list[TeacherVisit]:
    """The teachers' home visits to the child, newest first."""
    return list(db.session.execute(db.select(TeacherVisit).where(TeacherVisit.child_id == child.id)
                                   .order_by(TeacherVisit.visited_on.desc(), TeacherVisit.id.desc())).scalars())


def record_visit(child: Child, visited_on: dt.date, teacher_name: str, notes: str, by: User,
                 today: dt.date | None = None) -> TeacherVisit:
    """Record a class teacher's home visit that has taken place; audited."""
    today = today or dt.date.today()
    if visited_on > today:
        raise ClassTeacherError(_("Date of the visit: it is in the future."))
    visit = TeacherVisit(child_id=child.id, visited_on=visited_on, teacher_name=teacher_name, notes=notes,
                         recorded_by_id=by.id)
    db.session.add(visit)
    db.session.flush()
    audit.record("teacher_visit_recorded", "child", child.id, visit_id=visit.id)
    db.session.commit()
    return visit


def find_visit(organisation_id: int, visit_id: int) -> TeacherVisit | None:
    """One of the organisation's teacher visits, or None."""
    return db.session.execute(db.select(TeacherVisit).join(Child).where(
        TeacherVisit.id == visit_id, Child.organisation_id == organisation_id)).scalar_one_or_none()


def remove_visit(visit: TeacherVisit) -> None:
    """Take back a teacher's visit entered in error; the audit log keeps what it said (date, teacher)."""
    child_id = visit.child_id
    audit.record("teacher_visit_removed", "child", child_id, visit_id=visit.id,
                 visited_on=visit.visited_on.isoformat(), teacher_name=visit.teacher_name)
    db.session.delete(visit)
    db.session.commit()


@dataclass(frozen=True)
class ClassLine:
    """One child on the class-teachers page: her class, and the teacher's last visit (this semester or not)."""

    child: Child
    record: ChildClass | None
    last_visit: dt.date | None
    visited_this_semester: bool


@dataclass(frozen=True)
class ClassPage:
    """The class-teachers page: the semester it counts visits in (the organisation's terms), and every child."""

    semester: Semester
    lines: tuple[ClassLine, ...]

    @property
    def unvisited(self) -> int:
        """How many children with a class teacher on record have had no visit this semester."""
        return sum(1 for line in self.lines if line.record and line.record.teacher_name
                   and not line.visited_this_semester)


def class_page(organisation_id: int, today: dt.date | None = None) -> ClassPage:
    """Every active child with her class, teacher and the teacher's last home visit, by code, in the semester of
    ``today`` as the organisation's school terms have it."""
    today = today or dt.date.today()
    semester = semesters_of(organisation_id).of(today)
    children = list(db.session.execute(db.select(Child).where(Child.organisation_id == organisation_id,
                                                              Child.active).order_by(Child.code)).scalars())
    ids = [c.id for c in children]
    records = {r.child_id: r for r in db.session.execute(
        db.select(ChildClass).where(ChildClass.child_id.in_(ids))).scalars()} if ids else {}
    last = last_teacher_visits(ids)
    return ClassPage(semester, tuple(ClassLine(c, records.get(c.id), last.get(c.id),
                                               last.get(c.id) is not None and last[c.id] >= semester.first_day)
                                     for c in children))


