"""Telling staff about a case: a notice in the app (a case alert) and, for those who receive messages, a message on
their own e-mail only (a worry about a named child is never for a group). A message names the child by her given
name and village, never more."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import gettext as _
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from scheduler_app.extensions import db
from scheduler_app.messages.events import KINDS as MESSAGE_KINDS
from scheduler_app.messages.events import child_label
from scheduler_app.messages.services import Text, link, put, staff
from scheduler_app.models import CaseAlert, Role, SafeguardingCase, User, utcnow

KINDS = {kind: MESSAGE_KINDS[kind] for kind in ("case_urgent", "case_overdue", "case_report")}


def managers(organisation_id: int) -> list[User]:
    """The organisation's active managers, who hear of every urgent concern and escalation."""
    return staff(organisation_id, Role.MANAGER)


def alert(people: Iterable[User], case: SafeguardingCase, kind: str, event_key: str) -> int:
    """Give each person a case alert in the app and put the message in the outbox, once per event and person
    (the key makes a repeated scan harmless), in the caller's transaction; returns how many people were told."""
    insert = pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    child = case.child

    def compose() -> Text:
        subjects = {"case_urgent": _("Urgent concern: %(child)s", child=child_label(child)),
                    "case_overdue": _("A case action is past its due date: %(child)s", child=child_label(child)),
                    "case_report": _("Mandatory report still not recorded: %(child)s", child=child_label(child))}
        url = link("cases.view", case_id=case.id)
        lines = [_("Act on it today; the details are in Peiban.")] + ([_("Open the case:") + " " + url] if url else [])
        return Text(subjects[kind], "\n".join(lines))

    told = 0
    for person in {p.id: p for p in people}.values():
        db.session.execute(insert(CaseAlert).values(
            organisation_id=case.organisation_id, user_id=person.id, case_id=case.id, kind=kind,
            event_key=event_key, created_at=utcnow()).on_conflict_do_nothing(index_elements=["event_key", "user_id"]))
        put(person, f"{event_key}:{person.id}", kind, compose, personal=True)
        told += 1
    return told


def unread(user: User) -> list[CaseAlert]:
    """Her case alerts not yet read, newest first."""
    return list(db.session.execute(db.select(CaseAlert).where(
        CaseAlert.user_id == user.id, CaseAlert.read_at.is_(None)).order_by(CaseAlert.created_at.desc(),
                                                                            CaseAlert.id.desc())).scalars())


def unread_count(user: User) -> int:
    """How many case alerts she has not read (the menu badge)."""
    return db.session.execute(db.select(db.func.count(CaseAlert.id)).where(
        CaseAlert.user_id == user.id, CaseAlert.read_at.is_(None))).scalar_one()


def mark_read(user: User, case: SafeguardingCase) -> None:
    """Her alerts about this case are read (she opened it); the caller commits."""
    for item in db.session.execute(db.select(CaseAlert).where(
            CaseAlert.user_id == user.id, CaseAlert.case_id == case.id, CaseAlert.read_at.is_(None))).scalars():
        item.read_at = utcnow()
