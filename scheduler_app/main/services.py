"""What each role's home page shows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func

from scheduler_app.extensions import db
from scheduler_app.models import (
    Assignment,
    Child,
    DiaryEntry,
    DiaryStatus,
    Notification,
    Roster,
    RosterStatus,
    Site,
    User,
    Volunteer,
    Week,
    utcnow,
)


@dataclass(frozen=True)
class Overview:
    """Counts an organisation's coordinator and manager see first."""

    children: int
    high_risk_children: int
    visits_needed: int
    sites: int
    tutors: int
    visitors: int
    diaries_waiting: int
    high_risk_without_primary: int


def organisation_overview(organisation_id: int) -> Overview:
    """Count the organisation's active children, volunteers and sites and what waits for review."""
    def count(stmt) -> int:
        return db.session.execute(stmt).scalar_one() or 0

    child = db.select(func.count(Child.id)).where(Child.organisation_id == organisation_id, Child.active)
    volunteer = db.select(func.count(Volunteer.id)).where(Volunteer.organisation_id == organisation_id,
                                                           Volunteer.active)
    return Overview(
        children=count(child),
        high_risk_children=count(child.where(Child.risk_level >= 4)),
        visits_needed=count(db.select(func.sum(Child.visits_per_week)).where(
            Child.organisation_id == organisation_id, Child.active)),
        sites=count(db.select(func.count(Site.id)).where(Site.organisation_id == organisation_id, Site.active)),
        tutors=count(volunteer.where(Volunteer.is_tutor)),
        visitors=count(volunteer.where(Volunteer.is_visitor)),
        diaries_waiting=count(db.select(func.count(DiaryEntry.id)).join(Volunteer).where(
            Volunteer.organisation_id == organisation_id, DiaryEntry.status == DiaryStatus.SUBMITTED)),
        high_risk_without_primary=count(child.where(Child.risk_level >= 4, Child.primary_volunteer_id.is_(None))),
    )


def users_by_role(organisation_id: int) -> dict[str, int]:
    """Number of accounts per role in the organisation."""
    rows = db.session.execute(db.select(User.role, func.count(User.id))
                              .where(User.organisation_id == organisation_id).group_by(User.role)).all()
    return {str(role): n for role, n in rows}


def published_week_for(volunteer: Volunteer, week_start: dt.date) -> list[Assignment]:
    """The volunteer's assignments in the published roster of that week, in time order."""
    stmt = (db.select(Assignment).join(Roster).join(Week)
            .where(Assignment.volunteer_id == volunteer.id, Week.start_date == week_start,
                   Week.organisation_id == volunteer.organisation_id, Roster.status == RosterStatus.PUBLISHED)
            .order_by(Assignment.day_index, Assignment.start))
    return list(db.session.execute(stmt).scalars())


def unread_notifications(volunteer: Volunteer) -> list[Notification]:
    """The volunteer's notifications not yet read, newest first."""
    return list(db.session.execute(
        db.select(Notification).where(Notification.volunteer_id == volunteer.id, Notification.read_at.is_(None))
        .order_by(Notification.id.desc())).scalars())


def mark_notifications_read(volunteer: Volunteer) -> int:
    """Mark all the volunteer's notifications read; returns how many were unread."""
    unread = unread_notifications(volunteer)
    for notification in unread:
        notification.read_at = utcnow()
    db.session.commit()
    return len(unread)
