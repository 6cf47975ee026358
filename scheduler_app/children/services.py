"""Finding children, opening a child's record (every opening is audited) and a child's history."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, or_

from scheduler_app import audit
from scheduler_app.extensions import db
from scheduler_app.models import (
    DAYS,
    Assignment,
    AssignmentKind,
    Child,
    ConsentCategory,
    DiaryEntry,
    DiaryStatus,
    Roster,
    RosterStatus,
    Site,
    Village,
    Week,
)
from scheduler_app.permissions import Permission
from scheduler_app.permissions import has as has_permission
from scheduler_app.privacy.services import readable_categories
from scheduler_app.records.children import CHILD
from scheduler_app.records.editing import find

PAGE_SIZE = 25
HISTORY_WEEKS = 12  # the profile shows the last term's worth of visits and sessions


@dataclass(frozen=True)
class ChildPage:
    """One page of a children search."""

    children: list[Child]
    total: int
    page: int
    pages: int


@dataclass(frozen=True)
class ChildFilter:
    """What the coordinator is looking for."""

    q: str = ""
    min_risk: int | None = None
    site_id: int | None = None
    subject: str = ""
    needs_trained: bool = False
    include_inactive: bool = False


def search_children(organisation_id: int, wanted: ChildFilter, page: int = 1) -> ChildPage:
    """The organisation's children matching the filter, by code, one page at a time."""
    stmt = (db.select(Child).outerjoin(Village, Child.village_id == Village.id)
            .outerjoin(Site, Child.site_id == Site.id).where(Child.organisation_id == organisation_id))
    if not wanted.include_inactive:
        stmt = stmt.where(Child.active)
    if wanted.q:
        like = f"%{wanted.q}%"
        stmt = stmt.where(or_(Child.name.ilike(like), Child.code.ilike(like), Village.name.ilike(like),
                              Village.township.ilike(like), Site.name.ilike(like), Site.code.ilike(like)))
    if wanted.min_risk:
        stmt = stmt.where(Child.risk_level >= wanted.min_risk)
    if wanted.site_id:
        stmt = stmt.where(Child.site_id == wanted.site_id)
    if wanted.needs_trained:
        stmt = stmt.where(Child.needs_trained)
    stmt = stmt.order_by(Child.code)
    if wanted.subject:
        # Subjects are a JSON list: filtered here, the same way on SQLite and PostgreSQL.
        matching = [c for c in db.session.execute(stmt).scalars() if wanted.subject in (c.subjects or [])]
        total = len(matching)
    else:
        total = db.session.execute(db.select(func.count()).select_from(stmt.subquery())).scalar_one()
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    if wanted.subject:
        children = matching[(page - 1) * PAGE_SIZE:page * PAGE_SIZE]
    else:
        children = list(db.session.execute(stmt.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).scalars())
    return ChildPage(children=children, total=total, page=page, pages=pages)


def organisation_sites(organisation_id: int) -> list[Site]:
    """The organisation's sites by code, for filters."""
    return list(db.session.execute(db.select(Site).where(Site.organisation_id == organisation_id)
                                   .order_by(Site.code)).scalars())


def open_child(organisation_id: int, child_id: int) -> Child | None:
    """Load one of the organisation's children and audit the viewing; None if it is not theirs."""
    child = find(CHILD, organisation_id, child_id)
    if child is None:
        return None
    audit.record("child_viewed", "child", child.id)
    db.session.commit()
    return child


@dataclass(frozen=True)
class ServiceDay:
    """One day of the child's history: a home visit, or a tutoring session at the child's site."""

    day: dt.date
    kind: AssignmentKind
    start: dt.time
    end: dt.time
    volunteers: tuple[str, ...]


def child_history(child: Child, today: dt.date) -> list[ServiceDay]:
    """The visits made to the child and the sessions held on the child's days at the child's site, in the
    published rosters of the last weeks, newest first."""
    since = today - dt.timedelta(weeks=HISTORY_WEEKS)
    stmt = (db.select(Assignment, Week.start_date).join(Roster, Assignment.roster_id == Roster.id)
            .join(Week, Roster.week_id == Week.id)
            .where(Week.organisation_id == child.organisation_id, Week.start_date >= since,
                   Week.start_date <= today, Roster.status == RosterStatus.PUBLISHED))
    targets = [Assignment.child_id == child.id]
    if child.site_id is not None and child.attends:
        targets.append((Assignment.site_id == child.site_id)
                       & Assignment.day_index.in_([DAYS.index(d) for d in child.attends]))
    days: dict[tuple, list[str]] = {}
    for assignment, week_start in db.session.execute(stmt.where(or_(*targets))):
        day = week_start + dt.timedelta(days=assignment.day_index)
        if day > today:
            continue
        key = (day, assignment.kind, assignment.start, assignment.end)
        days.setdefault(key, []).append(assignment.volunteer.name)
    return [ServiceDay(day, kind, start, end, tuple(sorted(names)))
            for (day, kind, start, end), names in sorted(days.items(), key=lambda item: item[0][0], reverse=True)]


@dataclass(frozen=True)
class SensitiveShown:
    """Which sensitive parts of a child's record a user may see now, and why a hidden one is hidden."""

    home: bool  # guardian's phone and exact home point
    observations: bool  # background and diary observations
    permitted: bool  # the account holds the sensitive-data permission (else no consent is the reason)


def sensitive_shown(user: object, child: Child, today: dt.date) -> SensitiveShown:
    """Sensitive fields are shown only to an account with that permission, and only as far as a guardian's
    consent in force covers them."""
    readable = readable_categories(user, [child.id], today)[child.id]
    return SensitiveShown(home=ConsentCategory.HOME.value in readable,
                          observations=ConsentCategory.OBSERVATIONS.value in readable,
                          permitted=has_permission(user, Permission.CHILD_SENSITIVE))


def child_observations(child: Child) -> list[DiaryEntry]:
    """Diary entries about the child that were handed in (submitted or approved), newest first."""
    return list(db.session.execute(
        db.select(DiaryEntry).where(DiaryEntry.child_id == child.id,
                                    DiaryEntry.status.in_([DiaryStatus.SUBMITTED, DiaryStatus.APPROVED]))
        .order_by(DiaryEntry.served_on.desc())).scalars())
