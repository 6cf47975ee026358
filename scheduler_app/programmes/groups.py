"""Parenting-education groups: groups of guardians (each named by a child she or he raises), their sessions (date,
place, facilitator, who came, the handbooks given, notes) and the small library of handbooks (how many guardians
the sessions reached is counted in scheduler_app.outreach)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from scheduler_app import audit
from scheduler_app.database import owned
from scheduler_app.extensions import db
from scheduler_app.models import Child, GroupMember, GroupSession, Handbook, ParentingGroup


class GroupError(ValueError):
    """A group, member, session or handbook that cannot be recorded as asked; the message names the field."""


def handbooks(organisation_id: int) -> list[Handbook]:
    """The organisation's handbooks, by title."""
    return list(db.session.execute(db.select(Handbook).where(Handbook.organisation_id == organisation_id)
                                   .order_by(Handbook.title)).scalars())


def add_handbook(organisation_id: int, title: str, description: str) -> Handbook:
    """Add a handbook to the library (titles are unique)."""
    book = Handbook(organisation_id=organisation_id, title=title, description=description)
    db.session.add(book)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise GroupError(_("Title: the library already has a handbook of that title.")) from None
    audit.record("handbook_added", "handbook", book.id)
    db.session.commit()
    return book


def list_groups(organisation_id: int) -> list[ParentingGroup]:
    """The organisation's parenting groups, by name, with members and sessions."""
    return list(db.session.execute(db.select(ParentingGroup).where(ParentingGroup.organisation_id == organisation_id)
                                   .options(selectinload(ParentingGroup.members),
                                            selectinload(ParentingGroup.sessions))
                                   .order_by(ParentingGroup.name)).scalars())


def find_group(organisation_id: int, group_id: int) -> ParentingGroup | None:
    """One of the organisation's groups, or None."""
    return owned(ParentingGroup, organisation_id, group_id)


def add_group(organisation_id: int, name: str, notes: str) -> ParentingGroup:
    """Start a parenting group (names are unique in the organisation)."""
    group = ParentingGroup(organisation_id=organisation_id, name=name, notes=notes)
    db.session.add(group)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise GroupError(_("Name: there is already a group of that name.")) from None
    audit.record("group_added", "parenting_group", group.id)
    db.session.commit()
    return group


def add_member(group: ParentingGroup, child_id: int) -> GroupMember:
    """The guardian of one of the organisation's children joins the group."""
    child = owned(Child, group.organisation_id, child_id)
    if child is None or not child.active:
        raise GroupError(_("Child: choose one of the organisation's children."))
    if any(m.child_id == child.id for m in group.members):
        raise GroupError(_("The guardian of %(name)s is already in this group.", name=child.name))
    member = GroupMember(group=group, child=child)
    db.session.add(member)
    db.session.flush()
    audit.record("group_member_added", "parenting_group", group.id, child_id=child.id)
    db.session.commit()
    return member


def remove_member(group: ParentingGroup, child_id: int) -> bool:
    """A guardian leaves the group; the sessions she or he came to still count her or him. False when not a
    member."""
    member = next((m for m in group.members if m.child_id == child_id), None)
    if member is None:
        return False
    group.members.remove(member)
    audit.record("group_member_removed", "parenting_group", group.id, child_id=child_id)
    db.session.commit()
    return True


def attendee_names(group: ParentingGroup) -> dict[int, str]:
    """The name shown for each guardian who came to a session (by the child's id), members or since left."""
    ids = {i for s in group.sessions for i in s.attended} | {m.child_id for m in group.members}
    if not ids:
        return {}
    children = db.session.execute(db.select(Child).where(Child.id.in_(ids),
                                                         Child.organisation_id == group.organisation_id)).scalars()
    return {c.id: c.guardian_name or c.name for c in children}


def add_session(group: ParentingGroup, values: dict[str, Any], today: dt.date | None = None) -> GroupSession:
    """Record a session held: who came must be members, the handbooks given must be the library's."""
    today = today or dt.date.today()
    if values["held_on"] > today:
        raise GroupError(_("Date: a session is recorded once it has been held."))
    members = {m.child_id for m in group.members}
    if not set(values["attended"]) <= members:
        raise GroupError(_("Who came: only the group's members."))
    books = {b.id for b in handbooks(group.organisation_id)}
    if not set(values["handbooks"]) <= books:
        raise GroupError(_("Handbooks given: only the library's handbooks."))
    session = GroupSession(group=group, held_on=values["held_on"], place=values["place"],
                           facilitator=values["facilitator"], notes=values["notes"],
                           attended=sorted(values["attended"]), handbooks=sorted(values["handbooks"]))
    db.session.add(session)
    db.session.flush()
    audit.record("group_session_recorded", "parenting_group", group.id, session_id=session.id)
    db.session.commit()
    return session
