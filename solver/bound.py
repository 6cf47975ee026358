"""Lower bounds on shortfall: flow relaxations that keep eligibility, one visit per child a day and the
load caps, and the LP relaxation of the assignment model; all drop timing and travel between activities."""

from __future__ import annotations

from collections import defaultdict

from ortools.graph.python import min_cost_flow

from solver.backend import MipBackend
from solver.candidates import Candidate
from solver.instance import Instance
from solver.places import Geography
from solver.rules.children import add_child_rules
from solver.rules.load import add_load_rules
from solver.rules.objectives import shortfall_expr
from solver.rules.runs import add_energy_rules
from solver.rules.sessions import add_session_rules
from solver.validate import SHORTFALL_WEIGHT_TUTOR as TUTOR_WEIGHT
from solver.variables import RosterVars

LP_SOLVER = "GLOP"


def _max_weighted_flow(arcs: list[tuple[str, str, int, int]], source: str, sink: str, supply: int) -> int:
    """Send up to ``supply`` units from source to sink; return −(min cost), i.e. the weight delivered.

    A zero-cost bypass arc lets flow skip the network, so the problem is always feasible.
    """
    if supply == 0:
        return 0
    flow = min_cost_flow.SimpleMinCostFlow()
    ids: dict[str, int] = {}

    def node(name: str) -> int:
        return ids.setdefault(name, len(ids))

    for tail, head, capacity, cost in arcs:
        flow.add_arc_with_capacity_and_unit_cost(node(tail), node(head), capacity, cost)
    flow.add_arc_with_capacity_and_unit_cost(node(source), node(sink), supply, 0)
    flow.set_node_supply(node(source), supply)
    flow.set_node_supply(node(sink), -supply)
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"flow relaxation failed with status {status}")
    return -flow.optimal_cost()


def visit_bound(instance: Instance, candidates: list[Candidate]) -> int:
    """Least possible Σ priority × missing visits: volunteer (week cap) → volunteer-day (day cap) →
    child-day (one visit) → child (visits_per_week, worth its priority)."""
    arcs: list[tuple[str, str, int, int]] = []
    pairs = {(c.volunteer, c.target, c.day) for c in candidates if c.kind == "visit"}
    volunteers = {v for v, _, _ in pairs}
    days = {(v, d) for v, _, d in pairs}
    child_days = {(c, d) for _, c, d in pairs}
    children = {c for c, _ in child_days}
    for vid in volunteers:
        arcs.append(("S", f"v:{vid}", instance.volunteer_by_id[vid].max_visits_per_week, 0))
    for vid, day in days:
        arcs.append((f"v:{vid}", f"vd:{vid}:{day}", instance.volunteer_by_id[vid].max_visits_per_day, 0))
    for vid, cid, day in pairs:
        arcs.append((f"vd:{vid}:{day}", f"cd:{cid}:{day}", 1, 0))
    for cid, day in child_days:
        arcs.append((f"cd:{cid}:{day}", f"c:{cid}", 1, 0))
    for cid in children:
        child = instance.child_by_id[cid]
        arcs.append((f"c:{cid}", "T", child.visits_per_week, -child.priority))
    demand = sum(c.priority * c.visits_per_week for c in instance.children)
    supply = sum(c.visits_per_week for c in instance.children)
    return demand - _max_weighted_flow(arcs, "S", "T", supply)


def tutor_bound(instance: Instance, candidates: list[Candidate]) -> int:
    """Least possible 2 × Σ missing tutors: tutor (week cap) → session (one place each) → required places."""
    arcs: list[tuple[str, str, int, int]] = []
    pairs = {(c.volunteer, c.target, c.day) for c in candidates if c.kind == "tutoring"}
    for vid in {v for v, _, _ in pairs}:
        arcs.append(("S", f"t:{vid}", instance.volunteer_by_id[vid].max_sessions_per_week, 0))
    for vid, site_id, day in pairs:
        arcs.append((f"t:{vid}", f"s:{site_id}:{day}", 1, 0))
    required = 0
    for site in instance.sites:
        for session in site.sessions:
            need = instance.required_tutors(site, session.day)
            required += need
            if need:
                arcs.append((f"s:{site.id}:{session.day}", "T", need, -TUTOR_WEIGHT))
    return TUTOR_WEIGHT * required - _max_weighted_flow(arcs, "S", "T", required)


def subject_bound(instance: Instance, candidates: list[Candidate]) -> int:
    """Needed subjects that no eligible tutor of the session teaches: uncovered in every roster."""
    teachers: dict[tuple[str, str], set[str]] = defaultdict(set)
    for c in candidates:
        if c.kind == "tutoring":
            teachers[(c.target, c.day)] |= set(instance.volunteer_by_id[c.volunteer].subjects)
    return sum(1 for site in instance.sites for session in site.sessions
               for subject in instance.needed_subjects(site, session.day)
               if instance.required_tutors(site, session.day) and subject not in teachers[(site.id, session.day)])


def shortfall_bound(instance: Instance, candidates: list[Candidate]) -> int:
    """A value no roster can beat on level 1 (candidates must be the unpruned set)."""
    return visit_bound(instance, candidates) + tutor_bound(instance, candidates) + subject_bound(instance, candidates)


def lp_relaxation(instance: Instance, geo: Geography, candidates: list[Candidate], seconds: float
                  ) -> tuple[float | None, dict[int, float]]:
    """The LP relaxation of the assignment model on the given candidates (all that the pins leave possible):
    eligibility, one visit per child a day, visits needed, load limits, tutors and subjects per session, and what
    fits in each stretch of a run; without the pair rows (too many at county size, and the bound stays valid
    without them).

    Returns the bound (None when the LP is not solved in time) and each candidate's LP value, which
    guides the first roster."""

    m = MipBackend(solver=LP_SOLVER)
    xs = RosterVars(m, candidates)
    children = sorted({c.target for c in candidates if c.kind == "visit"})
    sessions = sorted({(c.target, c.day) for c in candidates if c.kind == "tutoring"})
    missing_visits = add_child_rules(m, xs, instance, children)
    missing_tutors, uncovered = add_session_rules(m, xs, instance, sessions)
    add_load_rules(m, xs, instance)
    add_energy_rules(m, xs, geo)
    outcome = m.solve(shortfall_expr(instance, missing_visits, missing_tutors, uncovered), seconds)
    if outcome.status != "OPTIMAL":
        return None, {}
    values = {c.index: xs.take[c.index].solution_value() for c in candidates}
    return outcome.objective + unserved_shortfall(instance, candidates), values


def unserved_shortfall(instance: Instance, candidates: list[Candidate]) -> int:
    """Shortfall no roster can avoid: children no candidate can visit and sessions no candidate can
    staff are short by their whole need (a model over the candidates does not see them)."""
    children = {c.target for c in candidates if c.kind == "visit"}
    sessions = {(c.target, c.day) for c in candidates if c.kind == "tutoring"}
    fixed = sum(c.priority * c.visits_per_week for c in instance.children if c.id not in children)
    for site in instance.sites:
        for session in site.sessions:
            need = instance.required_tutors(site, session.day)
            if need and (site.id, session.day) not in sessions:
                fixed += TUTOR_WEIGHT * need + len(instance.needed_subjects(site, session.day))
    return fixed
