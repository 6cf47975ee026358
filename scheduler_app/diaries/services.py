"""The review queue of service diaries, and the decisions on them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func

from scheduler_app import audit
from scheduler_app.database import commit_or_raise
from scheduler_app.extensions import db
from scheduler_app.models import Child, DiaryEntry, DiaryStatus, User, Volunteer, utcnow

PAGE_SIZE = 20  # entries per page: a manager reads each one, and ticks a page of them at a time


@dataclass(frozen=True)
class QueueFilter:
    """Which entries to list: by state, volunteer, site (its sessions and the children attending it), the
    week served, and only those with a concern."""

    status: DiaryStatus | None = DiaryStatus.SUBMITTED
    volunteer_id: int | None = None
    site_id: int | None = None
    week_start: dt.date | None = None
    concern_only: bool = False


class ReviewError(ValueError):
    """A decision could not be taken; nothing was changed. The message names the entry and why."""


@dataclass(frozen=True)
class QueuePage:
    """One page of the review queue, with the totals of everything the filter matches."""

    entries: list[DiaryEntry]
    total: int
    minutes: int
    page: int
    pages: int


def queue(organisation_id: int, which: QueueFilter, page: int = 1) -> QueuePage:
    """The organisation's diary entries (never drafts: those are still the volunteer's) matching the filter,
    concerns first, then oldest first; one page of them, a page past the end giving the last."""
    stmt = (db.select(DiaryEntry).join(Volunteer, DiaryEntry.volunteer_id == Volunteer.id)
            .where(Volunteer.organisation_id == organisation_id, DiaryEntry.status != DiaryStatus.DRAFT))
    if which.status is not None:
        stmt = stmt.where(DiaryEntry.status == which.status)
    if which.volunteer_id:
        stmt = stmt.where(DiaryEntry.volunteer_id == which.volunteer_id)
    if which.site_id:
        attending = db.select(Child.id).where(Child.site_id == which.site_id)
        stmt = stmt.where((DiaryEntry.site_id == which.site_id) | DiaryEntry.child_id.in_(attending))
    if which.week_start:
        stmt = stmt.where(DiaryEntry.served_on >= which.week_start,
                          DiaryEntry.served_on < which.week_start + dt.timedelta(days=7))
    if which.concern_only:
        stmt = stmt.where(DiaryEntry.concern)
    matched = stmt.subquery()
    total, minutes = db.session.execute(db.select(func.count(), func.coalesce(func.sum(matched.c.minutes), 0))
                                        .select_from(matched)).one()
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    stmt = (stmt.order_by(DiaryEntry.concern.desc(), DiaryEntry.served_on, DiaryEntry.id)
            .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE))
    entries = list(db.session.execute(stmt).scalars())
    children = sorted({e.child_id for e in entries if e.child_id})
    if children:
        # Diary observations are part of the children's records: reading them is logged like a profile.
        audit.record("diaries_listed", "diary_entry", None, children=children)
        db.session.commit()
    return QueuePage(entries, total, int(minutes), page, pages)


def _entry(organisation_id: int, entry_id: int) -> DiaryEntry | None:
    entry = db.session.get(DiaryEntry, entry_id)
    if entry is None or entry.volunteer.organisation_id != organisation_id:
        return None
    return entry


def approve(organisation_id: int, versions: dict[int, int], user: User) -> int:
    """Approve every entry given as id → the version the reviewer saw, all or none: an entry not handed in,
    changed since, or not the organisation's is refused, naming it. Returns how many were approved."""
    entries = []
    for entry_id, version in sorted(versions.items()):
        entry = _entry(organisation_id, entry_id)
        if entry is None:
            raise ReviewError(_("Diary entry %(id)d was not found.", id=entry_id))
        label = _("%(name)s, %(date)s", name=entry.volunteer.name, date=entry.served_on.isoformat())
        if entry.version_id != version:
            raise ReviewError(_("%(entry)s was changed since the list was opened; nothing was approved.",
                                entry=label))
        if entry.status != DiaryStatus.SUBMITTED:
            raise ReviewError(_("%(entry)s is not waiting for review; nothing was approved.", entry=label))
        entries.append(entry)
    now = utcnow()
    for entry in entries:
        entry.status, entry.reviewed_by_id, entry.reviewed_at = DiaryStatus.APPROVED, user.id, now
        audit.record("diary_approved", "diary_entry", entry.id, minutes=entry.minutes)
    _commit()
    return len(entries)


def send_back(organisation_id: int, entry_id: int, version: int, comment: str, user: User) -> DiaryEntry:
    """Return a handed-in entry to its volunteer with a comment; they can change it and hand it in again."""
    entry = _entry(organisation_id, entry_id)
    if entry is None:
        raise ReviewError(_("Diary entry %(id)d was not found.", id=entry_id))
    if entry.version_id != version or entry.status != DiaryStatus.SUBMITTED:
        raise ReviewError(_("This entry was changed since you opened it, or is no longer waiting for review."))
    entry.status, entry.review_comment = DiaryStatus.RETURNED, comment.strip()
    entry.reviewed_by_id, entry.reviewed_at = user.id, utcnow()
    audit.record("diary_returned", "diary_entry", entry.id)
    _commit()
    return entry


def _commit() -> None:
    """Commit the decisions, or none of them if an entry changed at the same moment."""
    commit_or_raise(ReviewError(_("A diary entry was changed at the same moment; nothing was saved. Try again.")))
