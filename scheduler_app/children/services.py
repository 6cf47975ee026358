"""Finding children and opening a child's record (every opening is audited)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_

from scheduler_app import audit
from scheduler_app.extensions import db
from scheduler_app.models import Child, Site, Village

PAGE_SIZE = 25


@dataclass(frozen=True)
class ChildPage:
    """One page of a children search."""

    children: list[Child]
    total: int
    page: int
    pages: int


def search_children(organisation_id: int, q: str = "", min_risk: int | None = None, page: int = 1) -> ChildPage:
    """The organisation's active children matching name/village/site text and a minimum risk, by name."""
    stmt = (db.select(Child).outerjoin(Village, Child.village_id == Village.id)
            .outerjoin(Site, Child.site_id == Site.id)
            .where(Child.organisation_id == organisation_id, Child.active))
    if q:
        like = f"%{q}%"
        stmt = stmt.where(or_(Child.name.ilike(like), Child.code.ilike(like), Village.name.ilike(like),
                              Site.name.ilike(like), Site.code.ilike(like)))
    if min_risk:
        stmt = stmt.where(Child.risk_level >= min_risk)
    total = db.session.execute(db.select(func.count()).select_from(stmt.subquery())).scalar_one()
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    rows = db.session.execute(stmt.order_by(Child.code).limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).scalars()
    return ChildPage(children=list(rows), total=total, page=page, pages=pages)


def open_child(organisation_id: int, child_id: int) -> Child | None:
    """Load one of the organisation's children and audit the viewing; None if it is not theirs."""
    child = db.session.get(Child, child_id)
    if child is None or child.organisation_id != organisation_id:
        return None
    audit.record("child_viewed", "child", child.id)
    db.session.commit()
    return child
