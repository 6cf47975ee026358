"""Rule family 4 (load): sessions a week, visits a week and visits a day within each volunteer's limits."""

from __future__ import annotations

from collections import defaultdict

from solver.backend import CpSatBackend, Expr, MipBackend
from solver.candidates import Candidate
from solver.instance import Instance
from solver.variables import RosterVars

Backend = CpSatBackend | MipBackend


def add_load_rules(m: Backend, xs: RosterVars, instance: Instance) -> dict[str, Expr]:
    """Per volunteer: sessions ≤ max_sessions_per_week, visits ≤ max_visits_per_week, visits on a day ≤
    max_visits_per_day. Returns each volunteer's total load (sessions + visits) for the fairness level."""
    sessions: dict[str, list[Candidate]] = defaultdict(list)
    visits: dict[str, list[Candidate]] = defaultdict(list)
    visits_day: dict[tuple[str, str], list[Candidate]] = defaultdict(list)
    for c in xs.candidates:
        if c.kind == "tutoring":
            sessions[c.volunteer].append(c)
        else:
            visits[c.volunteer].append(c)
            visits_day[(c.volunteer, c.day)].append(c)
    for vid, cands in sessions.items():
        cap = instance.volunteer_by_id[vid].max_sessions_per_week
        if len(cands) > cap:
            m.add(xs.taken(cands) <= cap)
    for vid, cands in visits.items():
        cap = instance.volunteer_by_id[vid].max_visits_per_week
        if len(cands) > cap:
            m.add(xs.taken(cands) <= cap)
    for (vid, _day), cands in visits_day.items():
        cap = instance.volunteer_by_id[vid].max_visits_per_day
        if len(cands) > cap:
            m.add(xs.taken(cands) <= cap)
    return {vid: xs.taken(sessions[vid]) + xs.taken(visits[vid]) for vid in set(sessions) | set(visits)}
