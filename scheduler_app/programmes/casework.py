"""One-on-one support: which children a social worker holds the case of (their family interviews are planned in the
week's roster like home visits, see scheduler_app.contract.instance), and what a social worker may open."""

from __future__ import annotations

from flask_babel import gettext as _

from scheduler_app import audit
from scheduler_app.database import commit_or_raise, owned
from scheduler_app.extensions import db
from scheduler_app.models import Child, User, Volunteer


class CaseworkError(ValueError):
    """The support cannot be changed as asked; the message names the field."""


def social_workers(organisation_id: int) -> list[Volunteer]:
    """The organisation's active social workers, by code."""
    return list(db.session.execute(db.select(Volunteer).where(
        Volunteer.organisation_id == organisation_id, Volunteer.active, Volunteer.is_social_worker)
        .order_by(Volunteer.code)).scalars())


def supported_children(organisation_id: int, social_worker_id: int | None = None) -> list[Child]:
    """The active children under one-on-one support (of one social worker, if given), by code."""
    stmt = db.select(Child).where(Child.organisation_id == organisation_id, Child.active,
                                  Child.social_worker_id.is_not(None))
    if social_worker_id is not None:
        stmt = stmt.where(Child.social_worker_id == social_worker_id)
    return list(db.session.execute(stmt.order_by(Child.code)).scalars())


def unsupported_children(organisation_id: int) -> list[Child]:
    """The active children not under one-on-one support, by code (those a coordinator may put under it)."""
    return list(db.session.execute(db.select(Child).where(
        Child.organisation_id == organisation_id, Child.active, Child.social_worker_id.is_(None))
        .order_by(Child.code)).scalars())


def start_support(organisation_id: int, child_id: int, social_worker_id: int) -> Child:
    """Put a child under one-on-one support with a social worker (or hand her case to another one): from the next
    roster on she gets one family interview a week."""
    child = owned(Child, organisation_id, child_id)
    if child is None or not child.active:
        raise CaseworkError(_("Child: choose one of the organisation's children."))
    worker = owned(Volunteer, organisation_id, social_worker_id)
    if worker is None or not worker.active or not worker.is_social_worker:
        raise CaseworkError(_("Social worker: choose one of the organisation's social workers."))
    if not child.visit_windows:
        raise CaseworkError(_("%(name)s has no times when the family can be visited: give them on her record "
                              "first, or no interview can be planned.", name=child.name))
    child.social_worker_id = worker.id
    audit.record("support_started", "child", child.id, social_worker_id=worker.id)
    commit_or_raise(CaseworkError(_("This child's record was changed elsewhere; open the page again.")))
    return child


def end_support(organisation_id: int, child_id: int) -> Child | None:
    """End a child's one-on-one support; None when she is not one of the organisation's supported children."""
    child = owned(Child, organisation_id, child_id)
    if child is None or child.social_worker_id is None:
        return None
    child.social_worker_id = None
    audit.record("support_ended", "child", child.id)
    commit_or_raise(CaseworkError(_("This child's record was changed elsewhere; open the page again.")))
    return child


def open_case(user: User, child_id: int) -> Child | None:
    """A child whose case the social worker holds, the viewing audited; None for any other child."""
    child = owned(Child, user.organisation_id, child_id)
    if child is None or user.volunteer_id is None or child.social_worker_id != user.volunteer_id or not child.active:
        return None
    audit.record("child_viewed", "child", child.id)
    db.session.commit()
    return child
