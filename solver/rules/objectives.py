"""The contract's four ranking levels as model expressions: shortfall, continuity, travel, fairness."""

from __future__ import annotations

from solver.backend import CpSatBackend, Expr, MipBackend, Var
from solver.instance import Instance
from solver.settings import SolverSettings
from solver.validate import SHORTFALL_WEIGHT_TUTOR
from solver.variables import RosterVars

Backend = CpSatBackend | MipBackend


def shortfall_expr(instance: Instance, missing_visits: dict[str, Expr], missing_tutors: dict[tuple[str, str], Var],
                   uncovered: dict[tuple[str, str, str], Var]) -> Expr:
    """Level 1: Σ priority × missing visits + 2 × Σ missing tutors + Σ uncovered subjects."""
    return (sum(instance.child_by_id[cid].priority * expr for cid, expr in missing_visits.items())
            + SHORTFALL_WEIGHT_TUTOR * sum(missing_tutors.values()) + sum(uncovered.values()))


def continuity_expr(m: Backend, xs: RosterVars, instance: Instance) -> Expr:
    """Level 2: visits to a child with a primary volunteer made by someone else, plus each pair of
    ``previous`` (volunteer–site–day, volunteer–child) that is not repeated."""
    terms = [xs.take[c.index] for c in xs.candidates if c.kind == "visit"
             and instance.child_by_id[c.target].primary_volunteer not in (None, c.volunteer)]
    lost: list[Expr] = []
    tutoring = {(p.volunteer, p.target, p.day) for p in instance.previous if p.kind == "tutoring"}
    visits = {(p.volunteer, p.target) for p in instance.previous if p.kind == "visit"}
    for vid, site, day in sorted(tutoring):
        cands = xs.matching("tutoring", vid, site, day)
        if cands:
            kept = m.bool_var("")
            m.add(kept <= xs.taken(cands))
            lost.append(1 - kept)
    for vid, child in sorted(visits):
        cands = xs.matching("visit", vid, child)
        if cands:
            kept = m.bool_var("")
            m.add(kept <= xs.taken(cands))
            lost.append(1 - kept)
    return sum(terms) + sum(lost)


def travel_expr(xs: RosterVars, settings: SolverSettings) -> Expr:
    """Level 3: total road km of all trips, in whole units of ``travel_unit_m`` metres."""
    unit_km = settings.travel_unit_m / 1000
    return sum(round(km / unit_km) * lit for lit, km in xs.travel_terms)


def fairness_expr(m: Backend, instance: Instance, loads: dict[str, Expr], settings: SolverSettings) -> Var:
    """Level 4: the largest load share (sessions + visits) / (the limits of the roles held), scaled."""
    top = m.int_var(0, settings.fairness_scale, "max_load_share")
    for vid, load in loads.items():
        v = instance.volunteer_by_id[vid]
        cap = (v.max_sessions_per_week if v.is_tutor() else 0) + (v.max_visits_per_week if v.is_visitor() else 0)
        if cap > 0:
            m.add(cap * top >= settings.fairness_scale * load)
    return top
