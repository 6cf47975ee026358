"""Build the solver's roster-instance/1 document for one organisation and week from the database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import selectinload

from scheduler_app.contract.roster import interval, interview_code
from scheduler_app.extensions import db
from scheduler_app.models import (
    Assignment,
    AssignmentKind,
    AssignmentStatus,
    CasePlan,
    CaseStatus,
    Child,
    Organisation,
    Roster,
    RosterStatus,
    SafeguardingCase,
    Site,
    Volunteer,
    Week,
)
from scheduler_app.schooldays import WeekCalendar, week_calendar
from solver.instance import MAX_ID_LENGTH, SCHEMA, parse_instance
from solver.timeutil import DAYS


class ContractError(ValueError):
    """The database cannot be turned into a valid instance; the message names the record and field."""


def build_instance(organisation_id: int, week_start: dt.date, replan_of: Roster | None = None,
                   keep: Callable[[Assignment], bool] | None = None) -> dict[str, Any]:
    """The week as the solver sees it: active sites, children and volunteers, dates away applied,
    the week's pins and forbidden pairs, and last week's published roster as ``previous``.

    For a re-plan, ``replan_of`` (a roster of this week) is the ``previous`` instead, each of its
    assignments that ``keep`` accepts is pinned, so only the rest can change, and each one its volunteer
    declined is forbidden.

    The result is checked with the solver's own parser, so a returned document is always valid.
    """
    if week_start.weekday() != 0:
        raise ContractError(f"week_start {week_start.isoformat()} is not a Monday")
    org = db.session.get(Organisation, organisation_id)
    if org is None:
        raise ContractError(f"no organisation {organisation_id}")
    sites = list(db.session.execute(
        db.select(Site).where(Site.organisation_id == organisation_id, Site.active)
        .options(selectinload(Site.sessions)).order_by(Site.code)).scalars())
    volunteers = list(db.session.execute(
        db.select(Volunteer).where(Volunteer.organisation_id == organisation_id, Volunteer.active)
        .options(selectinload(Volunteer.availability), selectinload(Volunteer.dates_away),
                 selectinload(Volunteer.village)).order_by(Volunteer.code)).scalars())
    children = list(db.session.execute(
        db.select(Child).where(Child.organisation_id == organisation_id, Child.active)
        .options(selectinload(Child.visit_windows), selectinload(Child.village), selectinload(Child.site),
                 selectinload(Child.primary_volunteer)).order_by(Child.code)).scalars())
    site_codes = {s.id: s.code for s in sites}
    # The school calendar decides which sessions the week holds (holidays, make-up days, terms, closures) and
    # which days each child is at home; the contract is unchanged, sessions and visit windows are only left out.
    calendar = week_calendar(organisation_id, week_start)
    held = {s.id: calendar.sessions(s) for s in sites}
    session_days = {s.id: {d for d, _, _ in held[s.id]} for s in sites}
    volunteer_codes = {v.id: v.code for v in volunteers if v.roles}
    plans = plan_needs(organisation_id, week_start)
    codes = Codes(volunteer_codes, site_codes, {c.id: c.code for c in children},
                  {c.id: interview_code(c.code) for c in children if c.social_worker_id is not None},
                  frozenset(v.id for v in volunteers if v.is_social_worker and v.roles))

    doc: dict[str, Any] = {
        "schema": SCHEMA,
        "name": f"{org.name} {week_start.isoformat()}",
        "week_start": week_start.isoformat(),
        "settings": {"visit_minutes": org.visit_minutes, "speed_kmh": org.speed_kmh, "road_factor": org.road_factor},
        "sites": [_site(s, held[s.id]) for s in sites],
        "children": [_with_plans(_child(c, site_codes, session_days, volunteer_codes, calendar), plans.get(c.id, []),
                                 volunteer_codes) for c in children]
        + [_interview(c, codes, calendar) for c in children if c.id in codes.interviews],
        "volunteers": [_volunteer(v, week_start) for v in volunteers if v.roles],
    }
    week = db.session.execute(db.select(Week).where(Week.organisation_id == organisation_id,
                                                    Week.start_date == week_start)).scalar_one_or_none()
    doc["pinned"], doc["forbidden"] = [], []
    for rule in (week.rules if week else []):
        ref = codes.ref(rule.kind, rule.volunteer_id, rule.site_id, rule.child_id, rule.day_index)
        if ref is None:
            raise ContractError(f"{rule.rule} rule {rule.id} names an inactive volunteer, site or child")
        doc[rule.rule].append(ref)
    if replan_of is None:
        doc["previous"] = _previous(organisation_id, week_start - dt.timedelta(days=7), codes)
    else:
        base = sorted(replan_of.assignments, key=lambda a: a.id)
        doc["previous"] = [r for r in (codes.ref(a.kind, a.volunteer_id, a.site_id, a.child_id, a.day_index)
                                       for a in base) if r]
        children_by_code = {c["id"]: c for c in doc["children"]}
        for a in base:
            ref = codes.ref(a.kind, a.volunteer_id, a.site_id, a.child_id, a.day_index)
            if ref is not None and a.status == AssignmentStatus.DECLINED and ref not in doc["forbidden"]:
                doc["forbidden"].append(ref)  # a volunteer who declined is not given the same thing again
                continue
            # An activity the calendar now cancels (a closure, a child away) is not kept: a re-plan drops it.
            if keep is None or not keep(a) or ref is None or calendar.cancels(a) is not None:
                continue
            if ref not in doc["pinned"]:
                doc["pinned"].append(ref)
            if a.kind == AssignmentKind.VISIT:
                # A kept visit keeps its time too: that day the child's window is exactly the visit, so
                # nobody whose week did not change needs telling.
                child = children_by_code[ref["child"]]
                child["visit_windows"] = [w for w in child["visit_windows"] if w["day"] != ref["day"]] + \
                    [interval(a.day_index, a.start, a.end)]
    doc["forbidden"] += _interviews_apart(doc, codes)
    try:
        parse_instance(doc)
    except ValueError as exc:
        raise ContractError(str(exc)) from exc
    return doc


def plan_needs(organisation_id: int, week_start: dt.date) -> dict[int, list[CasePlan]]:
    """The case plans of cases not closed in force on some day of the week, by child, oldest first: they change
    the child's needs for that week, and a plan past its last day changes nothing (it ends by itself)."""
    sunday = week_start + dt.timedelta(days=6)
    rows = db.session.execute(
        db.select(CasePlan).join(SafeguardingCase, CasePlan.case_id == SafeguardingCase.id)
        .where(SafeguardingCase.organisation_id == organisation_id, SafeguardingCase.status != CaseStatus.CLOSED,
               CasePlan.first_day <= sunday, CasePlan.last_day >= week_start)
        .order_by(CasePlan.first_day, CasePlan.id)).scalars()
    found: dict[int, list[CasePlan]] = {}
    for plan in rows:
        found.setdefault(plan.child_id, []).append(plan)
    return found


def _with_plans(child: dict[str, Any], plans: list[CasePlan], volunteer_codes: dict[int, str]) -> dict[str, Any]:
    """A child's needs as her case plans change them: at least the plan's visits a week, a trained visitor,
    the plan's regular visitor (the latest plan naming one, when she is in the week), tutoring in the plan's
    subjects too (when the child attends a site)."""
    for plan in plans:
        if plan.visits_per_week is not None:
            child["visits_per_week"] = max(child["visits_per_week"], plan.visits_per_week)
        child["needs_trained"] = child["needs_trained"] or plan.needs_trained
        if plan.regular_visitor_id is not None and plan.regular_visitor_id in volunteer_codes:
            child["primary_volunteer"] = volunteer_codes[plan.regular_visitor_id]
        if child["site"] and plan.subjects:
            child["subjects"] = sorted(set(child["subjects"]) | set(plan.subjects))
    return child


def _site(site: Site, held: list[tuple[int, dt.time, dt.time]]) -> dict[str, Any]:
    return {"id": site.code, "name": site.name, "lat": site.lat, "lon": site.lon,
            "sessions": [interval(day, start, end) for day, start, end in held],
            "children_per_tutor": site.children_per_tutor, "min_tutors": site.min_tutors}


def _child(child: Child, site_codes: dict[int, str], session_days: dict[int, set[int]],
           volunteer_codes: dict[int, str], calendar: WeekCalendar) -> dict[str, Any]:
    point = child.home_point
    if point is None:
        raise ContractError(f"child {child.code}: no home point and no village")
    site_code = site_codes.get(child.site_id) if child.site_id else None
    # Only days the (active) site holds a session this week count as attendance, and not while she is away.
    held = session_days[child.site_id] if child.site_id is not None and site_code else set()
    attends = calendar.attends(child, held)
    at_home = calendar.visit_days(child)
    return {
        "id": child.code, "name": child.name, "grade": child.grade, "lat": point[0], "lon": point[1],
        "site": site_code, "attends": attends, "subjects": sorted(set(child.subjects or [])) if site_code else [],
        "visits_per_week": child.visits_per_week,
        "visit_windows": [interval(w.day_index, w.start, w.end) for w in child.visit_windows
                          if w.day_index in at_home],
        "priority": child.risk_level, "needs_trained": child.needs_trained,
        "primary_volunteer": volunteer_codes.get(child.primary_volunteer_id) if child.primary_volunteer_id else None,
    }


def _volunteer(volunteer: Volunteer, week_start: dt.date) -> dict[str, Any]:
    point = volunteer.home_point
    if point is None:
        raise ContractError(f"volunteer {volunteer.code}: no home point and no village")
    # Dates away remove that day's availability (or the stretch of it they name) for this week only.
    availability = [interval(a.day_index, start, end) for a in volunteer.availability
                    for start, end in volunteer.free_during(week_start + dt.timedelta(days=a.day_index),
                                                             a.start, a.end)]
    return {
        "id": volunteer.code, "name": volunteer.name, "roles": volunteer.roles, "lat": point[0], "lon": point[1],
        "subjects": sorted(set(volunteer.subjects or [])), "trained": volunteer.trained,
        "availability": availability, "max_km": volunteer.max_km,
        "max_sessions_per_week": volunteer.max_sessions_per_week if volunteer.is_tutor else 0,
        "max_visits_per_week": volunteer.max_visits_per_week if volunteer.is_visitor else 0,
        "max_visits_per_day": volunteer.max_visits_per_day if volunteer.is_visitor else 0,
    }


@dataclass(frozen=True)
class Codes:
    """The week's records by id as the instance names them: volunteers (those with a role), sites, children,
    the interviews of the children under one-on-one support, and which volunteers are social workers."""

    volunteers: dict[int, str]
    sites: dict[int, str]
    children: dict[int, str]
    interviews: dict[int, str]
    social_workers: frozenset[int]

    def ref(self, kind: AssignmentKind, volunteer_id: int, site_id: int | None, child_id: int | None,
            day_index: int) -> dict | None:
        """A contract assignment reference, or None when it names something not in this week's instance. A
        social worker's visit to a child under one-on-one support is that child's interview."""
        volunteer = self.volunteers.get(volunteer_id)
        if volunteer is None:
            return None
        if kind == AssignmentKind.TUTORING:
            site = self.sites.get(site_id) if site_id else None
            return None if site is None else {"kind": "tutoring", "volunteer": volunteer, "site": site,
                                              "day": DAYS[day_index]}
        if child_id is not None and volunteer_id in self.social_workers and child_id in self.interviews:
            child: str | None = self.interviews[child_id]
        else:
            child = self.children.get(child_id) if child_id else None
        return None if child is None else {"kind": "visit", "volunteer": volunteer, "child": child,
                                           "day": DAYS[day_index]}


def _interview(child: Child, codes: Codes, calendar: WeekCalendar) -> dict[str, Any]:
    """The weekly family interview of a child under one-on-one support, as a child of the instance: her home and
    windows (not while she is away), one visit a week, her social worker as the regular visitor."""
    code = codes.interviews[child.id]
    if len(code) > MAX_ID_LENGTH:
        raise ContractError(f"child {child.code}: the code is too long for its interview's id {code!r}")
    point = child.home_point
    if point is None:
        raise ContractError(f"child {child.code}: no home point and no village")
    return {
        "id": code, "name": child.name, "grade": child.grade, "lat": point[0], "lon": point[1],
        "site": None, "attends": [], "subjects": [], "visits_per_week": 1,
        "visit_windows": [interval(w.day_index, w.start, w.end) for w in child.visit_windows
                          if w.day_index in calendar.visit_days(child)],
        "priority": child.risk_level, "needs_trained": False,
        "primary_volunteer": codes.volunteers.get(child.social_worker_id) if child.social_worker_id else None,
    }


def _interviews_apart(doc: dict[str, Any], codes: Codes) -> list[dict[str, str]]:
    """Forbidden pairs that keep interviews and home visits apart: only social workers interview, and social
    workers make no other home visits (on the days a child has a window: no other day can be planned)."""
    workers = {codes.volunteers[v] for v in codes.social_workers}
    interviews = set(codes.interviews.values())
    visitors = [v["id"] for v in doc["volunteers"] if "visitor" in v["roles"]]
    pairs = []
    for child in doc["children"]:
        if not child["visits_per_week"]:
            continue
        interview = child["id"] in interviews
        days = sorted({w["day"] for w in child["visit_windows"]}, key=DAYS.index)
        pairs += [{"kind": "visit", "volunteer": v, "child": child["id"], "day": d} for v in visitors
                  if (v in workers) != interview for d in days]
    taken = {(r["volunteer"], r.get("child"), r["day"]) for r in doc["pinned"] + doc["forbidden"]}
    return [p for p in pairs if (p["volunteer"], p["child"], p["day"]) not in taken]


def _previous(organisation_id: int, week_start: dt.date, codes: Codes) -> list[dict]:
    """Assignments of the latest published roster of the week before, for continuity."""
    roster = db.session.execute(
        db.select(Roster).join(Week).where(Week.organisation_id == organisation_id, Week.start_date == week_start,
                                           Roster.status == RosterStatus.PUBLISHED)
        .order_by(Roster.id.desc()).limit(1)).scalar_one_or_none()
    if roster is None:
        return []
    assignments = db.session.execute(db.select(Assignment).where(Assignment.roster_id == roster.id)
                                     .order_by(Assignment.id)).scalars()
    refs = (codes.ref(a.kind, a.volunteer_id, a.site_id, a.child_id, a.day_index) for a in assignments)
    return [r for r in refs if r is not None]
