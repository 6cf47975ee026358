"""Listing the organisation's sites and villages."""

from __future__ import annotations

from sqlalchemy import func
from sqlalchemy.orm import selectinload

from scheduler_app.extensions import db
from scheduler_app.models import Child, Site, Village


def list_sites(organisation_id: int) -> list[tuple[Site, int]]:
    """Every site of the organisation by code, with how many active children attend it."""
    counts = dict(db.session.execute(
        db.select(Child.site_id, func.count()).where(Child.organisation_id == organisation_id, Child.active)
        .group_by(Child.site_id)).tuples().all())
    sites = db.session.execute(db.select(Site).where(Site.organisation_id == organisation_id)
                               .options(selectinload(Site.sessions)).order_by(Site.code)).scalars()
    return [(s, counts.get(s.id, 0)) for s in sites]


def list_villages(organisation_id: int) -> list[Village]:
    """Every village of the organisation, by township and name."""
    return list(db.session.execute(db.select(Village).where(Village.organisation_id == organisation_id)
                                   .order_by(Village.township, Village.name)).scalars())
