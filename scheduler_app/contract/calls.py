"""Build the call window's call-instance/1 for one organisation and week from the database.

Who is in it: each active child with a parents' record and the guardian's consent for calls in force on the
Monday (the parents' hours are sensitive: without consent they are not used), at a site with a call room.
Siblings share the text of ``family``; the family's hours and site are the first sibling's (by code). A
supervisor is an active volunteer with a home point, at the nearest call room within her reach, with her weekly
availability less her dates away. Last week's plan gives each family its previous slot.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import selectinload

from scheduler_app.contract.instance import ContractError
from scheduler_app.contract.roster import interval
from scheduler_app.extensions import db
from scheduler_app.models import (
    CallPlan,
    CallRoom,
    Child,
    ConsentCategory,
    Organisation,
    ParentContact,
    Site,
    Volunteer,
)
from scheduler_app.privacy.services import consented_categories
from solver.calls.instance import SCHEMA, parse_call_instance
from solver.geo import road_km
from solver.timeutil import DAYS

CALL_MINUTES = 20
STEP_MINUTES = 10


@dataclass(frozen=True)
class CallWorld:
    """The document and what its codes stand for; ``left_out`` the children not in it, each with why
    (``"consent"``: no consent for calls; ``"room"``: her site has no call room)."""

    document: dict[str, Any]
    site_ids: dict[str, int]
    child_ids: dict[str, int]
    volunteer_ids: dict[str, int]
    left_out: dict[int, str]


def _hhmm(moment: dt.time) -> str:
    return f"{moment:%H:%M}"


def build_call_instance(organisation_id: int, week_start: dt.date) -> CallWorld:
    """The week's call-instance/1, checked by the solver's own parser."""
    if week_start.weekday() != 0:
        raise ContractError(f"week_start {week_start.isoformat()} is not a Monday")
    org = db.session.get(Organisation, organisation_id)
    if org is None:
        raise ContractError(f"no organisation {organisation_id}")
    rooms = {r.site_id: r for r in db.session.execute(
        db.select(CallRoom).join(CallRoom.site).where(Site.organisation_id == organisation_id, Site.active)
        .options(selectinload(CallRoom.hours), selectinload(CallRoom.site))).scalars()}
    contacts = list(db.session.execute(
        db.select(ParentContact).join(ParentContact.child)
        .where(Child.organisation_id == organisation_id, Child.active)
        .options(selectinload(ParentContact.hours), selectinload(ParentContact.child)).order_by(Child.code))
        .scalars())
    consent = consented_categories([c.child_id for c in contacts], week_start)
    left_out: dict[int, str] = {}
    families: dict[str, list[ParentContact]] = {}
    for contact in contacts:
        if ConsentCategory.CALLS.value not in consent.get(contact.child_id, set()):
            left_out[contact.child_id] = "consent"
        elif contact.child.site_id not in rooms:
            left_out[contact.child_id] = "room"
        else:
            families.setdefault(contact.family, []).append(contact)
    previous = _previous_slots(organisation_id, week_start)
    doc_families, doc_children = [], []
    for family, members in families.items():
        first = members[0]
        record: dict[str, Any] = {"id": family, "site": rooms[first.child.site_id].site.code,
                                  "parent_hours": [interval(h.day_index, h.start, h.end) for h in first.hours]}
        if family in previous:
            record["previous"] = previous[family]
        doc_families.append(record)
        for m in members:
            if m.child.site_id != first.child.site_id:
                raise ContractError(f"child {m.child.code}: family {family} calls from the site of "
                                    f"{first.child.code}; siblings must share a site")
            doc_children.append({"id": m.child.code, "name": m.child.name, "family": family,
                                 "calls_per_week": m.calls_per_week})
    supervisors = _supervisors(org, organisation_id, week_start, rooms)
    document = {"schema": SCHEMA, "week_start": week_start.isoformat(),
                "settings": {"call_minutes": CALL_MINUTES, "step_minutes": STEP_MINUTES},
                "sites": [{"id": r.site.code, "name": r.site.name, "lines": r.lines,
                           "room_hours": [interval(h.day_index, h.start, h.end) for h in r.hours]}
                          for r in sorted(rooms.values(), key=lambda r: r.site.code)],
                "families": doc_families, "children": doc_children, "supervisors": supervisors}
    try:
        parse_call_instance(document)
    except ValueError as exc:
        raise ContractError(str(exc)) from None
    return CallWorld(document, {r.site.code: r.site_id for r in rooms.values()},
                     {c.child.code: c.child_id for m in families.values() for c in m},
                     {v.code: v.id for v in db.session.execute(
                         db.select(Volunteer).where(Volunteer.organisation_id == organisation_id)).scalars()},
                     left_out)


def _supervisors(org: Organisation, organisation_id: int, week_start: dt.date,
                 rooms: dict[int, CallRoom]) -> list[dict[str, Any]]:
    """Active volunteers at the nearest call room within reach, free when their availability says."""
    out = []
    volunteers = db.session.execute(
        db.select(Volunteer).where(Volunteer.organisation_id == organisation_id, Volunteer.active)
        .options(selectinload(Volunteer.availability), selectinload(Volunteer.dates_away),
                 selectinload(Volunteer.village)).order_by(Volunteer.code)).scalars()
    for v in volunteers:
        point = v.home_point
        if point is None:
            continue
        reach = [(road_km(point, (r.site.lat, r.site.lon), org.road_factor), r.site.code) for r in rooms.values()]
        near = [x for x in reach if x[0] <= v.max_km]
        if not near:
            continue
        hours = [interval(a.day_index, start, end) for a in v.availability
                 for start, end in v.free_during(week_start + dt.timedelta(days=a.day_index), a.start, a.end)]
        out.append({"id": v.code, "name": v.name, "site": min(near)[1], "availability": hours})
    return out


def _previous_slots(organisation_id: int, week_start: dt.date) -> dict[str, dict[str, str]]:
    """Each family's first call of last week's plan, as its previous slot."""
    plan = db.session.execute(db.select(CallPlan).where(
        CallPlan.organisation_id == organisation_id,
        CallPlan.week_start == week_start - dt.timedelta(days=7))).scalar_one_or_none()
    slots: dict[str, dict[str, str]] = {}
    for call in plan.calls if plan is not None else []:
        slots.setdefault(call.family, {"day": DAYS[call.day_index], "start": _hhmm(call.start)})
    return slots
