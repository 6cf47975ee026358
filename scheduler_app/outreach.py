"""Counting the people the programmes reach, for the period report: the guardians who came to parenting groups."""

from __future__ import annotations

import datetime as dt

from scheduler_app.extensions import db
from scheduler_app.models import Child, GroupSession, ParentingGroup


def guardian_key(child: Child) -> tuple[str, int | None] | int:
    """Who the guardian of a child is, for counting people reached: her name and village (grandparents raising
    siblings are one person), or the child when the record names no guardian."""
    name = child.guardian_name.strip()
    return (name, child.village_id) if name else child.id


def guardians_reached(organisation_id: int, first_day: dt.date, last_day: dt.date) -> int:
    """How many guardians came to at least one group session held in the period."""
    sessions = db.session.execute(db.select(GroupSession).join(ParentingGroup).where(
        ParentingGroup.organisation_id == organisation_id, GroupSession.held_on >= first_day,
        GroupSession.held_on <= last_day)).scalars()
    child_ids = {child_id for s in sessions for child_id in s.attended}
    if not child_ids:
        return 0
    children = db.session.execute(db.select(Child).where(Child.id.in_(child_ids))).scalars()
    return len({guardian_key(c) for c in children})
