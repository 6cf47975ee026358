"""A yardstick for the bench, never used by the app: the contract written straight into one CP-SAT model.

One Boolean per possible assignment and one start time for each, a circuit through home for each
volunteer's availability interval (so travel is exact), no decomposition, no split into parts, no greedy
start, and the four levels weighted into one objective so that each outweighs everything after it. It is
what a competent engineer would write in an afternoon; the solver must never do worse than it on any level,
compared lexicographically, at the same time limit.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass

from ortools.sat.python import cp_model

from solver.candidates import build_candidates
from solver.instance import Instance
from solver.places import Geography
from solver.roster import Roster, TutoringAssignment, Visit
from solver.timeutil import DAYS
from solver.validate import SHORTFALL_WEIGHT_TUTOR

TRAVEL_UNIT_KM = 0.01  # travel in the objective in tens of metres
FAIRNESS_SCALE = 1000


@dataclass(frozen=True)
class YardstickResult:
    """The yardstick's roster (None when CP-SAT found none in time), its status and its wall time."""

    roster: Roster | None
    status: str
    seconds: float


def solve_yardstick(instance: Instance, time_limit_s: float, workers: int = 0, seed: int = 0) -> YardstickResult:
    """Solve the week in one CP-SAT model within the time limit; the roster's ``unmet`` is left empty (the
    bench compares levels, which the checker computes)."""
    t0 = time.monotonic()
    geo = Geography(instance)
    cands = build_candidates(instance, geo)
    model = cp_model.CpModel()
    take = {c.index: model.new_bool_var("") for c in cands}
    start = {c.index: model.new_int_var_from_domain(cp_model.Domain.FromIntervals([list(r) for r in c.starts]), "")
             for c in cands}
    by_child_day: dict[tuple[str, str], list] = defaultdict(list)
    by_child: dict[str, list] = defaultdict(list)
    by_session: dict[tuple[str, str], list] = defaultdict(list)
    by_route: dict[tuple, list] = defaultdict(list)
    sessions_of: dict[str, list] = defaultdict(list)
    visits_of: dict[str, list] = defaultdict(list)
    visits_on: dict[tuple[str, str], list] = defaultdict(list)
    for c in cands:
        by_route[(c.volunteer, c.interval)].append(c)
        if c.kind == "visit":
            by_child_day[(c.target, c.day)].append(take[c.index])
            by_child[c.target].append(take[c.index])
            visits_of[c.volunteer].append(take[c.index])
            visits_on[(c.volunteer, c.day)].append(take[c.index])
        else:
            by_session[(c.target, c.day)].append(c)
            sessions_of[c.volunteer].append(take[c.index])
    for lits in by_child_day.values():
        model.add_at_most_one(lits)
    shortfall = []
    for child in instance.children:
        if child.visits_per_week:
            model.add(sum(by_child[child.id]) <= child.visits_per_week)
            shortfall.append(child.priority * (child.visits_per_week - sum(by_child[child.id])))
    for site in instance.sites:
        for session in site.sessions:
            need = instance.required_tutors(site, session.day)
            if not need:
                continue
            staff = by_session[(site.id, session.day)]
            gap = model.new_int_var(0, need, "")
            model.add(gap >= need - sum(take[c.index] for c in staff))
            shortfall.append(SHORTFALL_WEIGHT_TUTOR * gap)
            for subject in instance.needed_subjects(site, session.day):
                uncovered = model.new_bool_var("")
                model.add_bool_or([uncovered, *(take[c.index] for c in staff
                                              if subject in instance.volunteer_by_id[c.volunteer].subjects)])
                shortfall.append(uncovered)
    for v in instance.volunteers:
        model.add(sum(sessions_of[v.id]) <= v.max_sessions_per_week)
        model.add(sum(visits_of[v.id]) <= v.max_visits_per_week)
        for day in DAYS:
            model.add(sum(visits_on[(v.id, day)]) <= v.max_visits_per_day)
    for pin in instance.pinned:
        model.add_bool_or([take[c.index] for c in cands if (c.kind, c.volunteer, c.target, c.day)
                         == (pin.kind, pin.volunteer, pin.target, pin.day)] or [model.new_constant(0)])
    continuity = [take[c.index] for c in cands if c.kind == "visit"
                  and instance.child_by_id[c.target].primary_volunteer not in (None, c.volunteer)]
    for ref in {(p.kind, p.volunteer, p.target, p.day if p.kind == "tutoring" else None) for p in instance.previous}:
        kind, vid, target, on_day = ref
        kept = [take[c.index] for c in cands if (c.kind, c.volunteer, c.target) == (kind, vid, target)
                and (on_day is None or c.day == on_day)]
        lost = model.new_bool_var("")
        model.add_bool_or([lost, *kept])
        continuity.append(lost)
    travel = []
    # The most travel any roster can have, so that the weights stay within CP-SAT's 64-bit objective (the sum
    # of every arc's km made medium weeks MODEL_INVALID): a run uses at most one arc more than it has visits.
    travel_max = 1
    for (vid, _interval), route in by_route.items():
        home = geo.home(vid)
        longest = max(max(c.km_from_home, geo.km(c.place, home), *(geo.km(c.place, d.place) for d in route))
                      for c in route)
        sessions = sum(c.kind == "tutoring" for c in route)
        most = sessions + min(len(route) - sessions, instance.volunteer_by_id[vid].max_visits_per_day)
        travel_max += (most + 1) * round(longest / TRAVEL_UNIT_KM)
        arcs: list[cp_model.ArcT] = [(0, 0, model.new_bool_var(""))]
        for n, c in enumerate(route, start=1):
            out, back = model.new_bool_var(""), model.new_bool_var("")
            arcs += [(n, n, take[c.index].Not()), (0, n, out), (n, 0, back)]
            model.add_implication(arcs[0][2], take[c.index].Not())
            travel += [(out, c.km_from_home), (back, geo.km(c.place, home))]
            for m, d in enumerate(route, start=1):
                if c is d:
                    continue
                gap = c.duration + geo.minutes(c.place, d.place)
                if c.earliest + gap > d.latest:
                    continue
                lit = model.new_bool_var("")
                arcs.append((n, m, lit))
                model.add(start[d.index] >= start[c.index] + gap).OnlyEnforceIf(lit)
                travel.append((lit, geo.km(c.place, d.place)))
        model.add_circuit(arcs)
    top = model.new_int_var(0, FAIRNESS_SCALE, "")
    for v in instance.volunteers:
        cap = (v.max_sessions_per_week if v.is_tutor() else 0) + (v.max_visits_per_week if v.is_visitor() else 0)
        if cap:
            model.add(cap * top >= FAIRNESS_SCALE * (sum(sessions_of[v.id]) + sum(visits_of[v.id])))
    travel_units = sum(round(km / TRAVEL_UNIT_KM) * lit for lit, km in travel)
    w_travel = FAIRNESS_SCALE + 1
    w_continuity = w_travel * travel_max
    w_shortfall = w_continuity * (len(continuity) + 1)
    model.minimize(w_shortfall * sum(shortfall) + w_continuity * sum(continuity) + w_travel * travel_units + top)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.1, time_limit_s - (time.monotonic() - t0))
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    status = solver.solve(model)
    name = solver.status_name(status)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return YardstickResult(None, name, time.monotonic() - t0)
    chosen = [c for c in cands if solver.value(take[c.index])]
    tutoring = tuple(TutoringAssignment(c.volunteer, c.target, c.day, c.earliest, c.earliest + c.duration)
                     for c in chosen if c.kind == "tutoring")
    visits = tuple(Visit(c.volunteer, c.target, c.day, solver.value(start[c.index]),
                         solver.value(start[c.index]) + c.duration) for c in chosen if c.kind == "visit")
    return YardstickResult(Roster(week_start=instance.week_start, tutoring=tutoring, visits=visits), name,
                           time.monotonic() - t0)
