"""Solve a week: split it into independent parts, optimise each level in turn with CP-SAT, and return
a roster the checker accepts, with reasons for whatever is left undone.

Levels are optimised lexicographically: each stage minimises one level with the earlier ones held
at the values found, starting from the previous stage's roster (and the greedy roster at first).
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any

from solver import routing
from solver.backend import HIGHS, MIP_SOLVER, CpSatBackend, MipBackend
from solver.bound import lp_relaxation, shortfall_bound, unserved_shortfall
from solver.candidates import Candidate, build_candidates, prune_candidates, ruled_out_by_pins
from solver.colgen import make_pool, part_weights, solve_by_runs
from solver.columns import RouteKey, enumerate_runs
from solver.disjoint import DisjointSets
from solver.explain import Explainer
from solver.greedy import GreedyState, greedy_roster, state_of
from solver.instance import AssignmentRef, Instance, Interval, Slot
from solver.lns import improve
from solver.messages import DAY_IDS, Message, joined
from solver.model import STAGES, Part, build_model
from solver.places import Geography
from solver.roster import Roster, TutoringAssignment, Unmet, Visit
from solver.rules.columns import add_run_rules
from solver.rules.runs import add_centre_rules, time_runs
from solver.schedule import shortest_runs, tidy_starts
from solver.settings import SolverSettings
from solver.timeutil import DAYS
from solver.validate import (
    SHORTFALL_WEIGHT_TUTOR,
    Levels,
    compute_shortfall,
    levels,
    round_km,
    shortfall_value,
    validate,
)

log = logging.getLogger(__name__)
progress = logging.getLogger("solver.progress")  # the best shortfall known so far, as the solve goes
MIN_STAGE_SECONDS = 0.05
ROUND_GROWTH = 1.5  # a cut loop's next round is started only with this many times the last round's time left
MIN_PART_SECONDS = 0.2  # even the smallest part (one volunteer, one child) gets this long
LP_TAKE_THRESHOLD = 0.5  # an LP value above this marks a candidate the relaxation likes


@dataclass(frozen=True)
class SolveResult:
    """What a solve produced: a status, and either a valid roster or an error naming the pin at fault."""

    status: str  # OPTIMAL | FEASIBLE | GREEDY | PIN_INFEASIBLE
    roster: Roster | None = None
    error: str = ""
    stats: dict[str, Any] = field(default_factory=dict)


def solve(instance: Instance, settings: SolverSettings | None = None) -> SolveResult:
    """Solve the week within settings.time_limit_s; never returns a roster that breaks a hard rule."""
    settings = settings or SolverSettings()
    t0 = time.monotonic()
    deadline = t0 + settings.time_limit_s
    geo = Geography(instance)
    full = build_candidates(instance, geo)
    # One set of what can be done, not a pass over every candidate per pin: a re-plan pins the whole week (1,700
    # pins on a medium week), and that pass took 2.5 s of its 5.
    possible = {c.slot for c in full}
    for n, pin in enumerate(instance.pinned):
        if pin.slot not in possible:
            return SolveResult("PIN_INFEASIBLE", error=Message(
                "pinned[%(n)d] %(pin)s cannot be honoured: %(why)s", n=n, pin=pin.describe(),
                why=_why_no_candidate(instance, geo, pin)))
    # Exact: nothing a roster honouring the pins could take is lost. The bound's relaxation is over these too (every
    # roster returned honours the pins, as the parts' own bounds assume): a re-plan's was over the whole week and took
    # 1.4 s of its 5.
    allowed = ruled_out_by_pins(instance, full)
    cands = prune_candidates(instance, allowed, settings) if len(allowed) > settings.prune_above else allowed
    pruned = len(cands) < len(allowed)
    relaxed, lp_values = lp_relaxation(instance, geo, allowed, settings.time_limit_s * settings.bound_share)
    greedy = _first_roster(instance, geo, allowed, cands, lp_values)
    # A caller watching a long solve (the web app) learns early what the roster will at least achieve.
    first = _shortfall_of(instance, greedy)
    progress.info("shortfall=%g", first, extra={"shortfall": first})
    parts = _split(instance, cands)
    _solve_parts(instance, geo, parts, greedy, settings, deadline - settings.reserve(len(full)))
    conflicts = sorted({n for p in parts for n in p.conflicting_pins})
    if conflicts:
        pins = joined([_pin_name(instance, n) for n in conflicts])
        return SolveResult("PIN_INFEASIBLE", error=Message("these pins cannot all be honoured together: %(pins)s",
                                                           pins=pins))
    greedy_by_index = {c.index: t for c, t in greedy.chosen()}
    chosen: dict[int, int] = {}
    kept: list[Message] = []  # why a part keeps its greedy roster, for the log and the stats
    for part in parts:
        ids = {c.index for c in part.candidates}
        start = {i: t for i, t in greedy_by_index.items() if i in ids}
        if part.chosen is None:
            kept.append(Message("the search found no roster in the time"))
            chosen.update(start)
        elif _holds_pins(part, start) and _part_levels(instance, geo, part, start) < _part_levels(
                instance, geo, part, part.chosen):
            kept.append(Message("the search found no roster better than the greedy one in the time"))
            part.status = "GREEDY"
            chosen.update(start)
        else:
            chosen.update(part.chosen)
    roster = _assemble(instance, geo, cands, full, chosen)
    report = validate(instance, roster)
    log.debug("assembled %d activities: %s, valid=%s", len(chosen), report.levels, report.ok)
    # OPTIMAL is claimed only for the whole problem: every part proven optimal and nothing pruned.
    proven = not pruned and all(p.status == "OPTIMAL" for p in parts)
    status = "GREEDY" if kept else ("OPTIMAL" if proven else "FEASIBLE")
    if not report.ok:  # should not happen; the greedy roster is the safe fallback
        log.error("the search's roster breaks a rule (%s): the greedy roster is returned", report.violations[0])
        roster = _assemble(instance, geo, cands, full, greedy_by_index)
        report, status, kept = validate(instance, roster), "GREEDY", [Message("the search's roster broke a rule")]
        if not report.ok:
            raise AssertionError(f"solver produced an invalid roster: {report.violations[0]}")
    for reason in sorted(set(kept)):
        log.info("greedy roster kept for %d of %d parts: %s", kept.count(reason), len(parts), reason)
    missing_pins = _missing_pins(instance, roster)
    if missing_pins:
        return SolveResult("PIN_INFEASIBLE", error=Message(
            "no roster honouring every pin was found in the time limit: %(pins)s", pins=joined(missing_pins)))
    found = report.levels
    bound = _bound(instance, full, parts, cands, pruned, relaxed)
    stats = {"status": status, "solve_seconds": round(time.monotonic() - t0, 3),
             "shortfall": found.shortfall, "continuity": found.continuity,
             "travel_km": round_km(found.travel_km), "fairness": round(found.fairness, 4),
             "shortfall_bound": bound, "parts": len(parts),
             "candidates": len(cands), "candidates_unpruned": len(full)}
    if kept:
        stats["greedy_reasons"] = sorted(set(kept))
    stats.update(_level_bounds(instance, cands, parts, found, bound, pruned, settings))
    proven_s = _level_proven_s(parts, pruned, t0)
    if proven_s:
        stats["level_proven_s"] = proven_s
    progress.info("shortfall=%g", found.shortfall, extra={"shortfall": found.shortfall})
    return SolveResult(status, roster=_with_stats(roster, stats), stats=stats)


def _first_roster(instance: Instance, geo: Geography, allowed: list[Candidate], cands: list[Candidate],
                  lp_values: dict[int, float]) -> GreedyState:
    """The better (on shortfall) of the plain greedy roster and one that first takes the candidates
    the LP relaxation (over ``allowed``) likes most; the search starts from it."""
    plain = greedy_roster(instance, geo, cands, instance.pinned)
    if not lp_values:
        return plain
    def key(c: Candidate) -> tuple[Slot, Interval]:
        return (c.slot, c.interval)
    value = {key(c): lp_values.get(c.index, 0.0) for c in allowed}
    liked = sorted((c for c in cands if value.get(key(c), 0.0) > LP_TAKE_THRESHOLD),
                   key=lambda c: (-value[key(c)], -_value(instance, c), c.km_from_home))
    guided = greedy_roster(instance, geo, cands, instance.pinned, preferred=liked)
    return min((plain, guided), key=lambda state: _shortfall_of(instance, state))


def _shortfall_of(instance: Instance, state: GreedyState) -> float:
    """Level 1 of a greedy state, without building the explained roster."""
    return shortfall_value(instance, compute_shortfall(instance, _draft(instance, state.chosen())))


def _bound(instance: Instance, full: list[Candidate], parts: list[Part], cands: list[Candidate],
           pruned: bool, relaxed: float | None) -> float:
    """The best valid lower bound: the flow relaxation, the LP relaxation when it was solved in time,
    and the solvers' own bound when the model was complete (nothing pruned)."""
    flow = max(shortfall_bound(instance, full), math.ceil(relaxed - 1e-6) if relaxed is not None else 0)
    bounds = [p.bound for p in parts if p.bound is not None]
    if pruned or len(bounds) < len(parts):
        return flow
    fixed = unserved_shortfall(instance, cands)  # the parts' models do not see these
    return max(flow, math.ceil(sum(bounds) + fixed - 1e-6))


def _holds_pins(part: Part, chosen: dict[int, int]) -> bool:
    """True when the part's roster holds every pin of the part."""
    taken = {c.slot for c in part.candidates if c.index in chosen}
    return all(p.slot in taken for _n, p in part.pins)


def _part_levels(instance: Instance, geo: Geography, part: Part, chosen: dict[int, int]
                 ) -> tuple[float, int, float, float]:
    """The checker's levels of a part's roster on its own (the rest of the week adds the same to any of them)."""
    by_index = {c.index: c for c in part.candidates}
    return levels(instance, _draft(instance, [(by_index[i], t) for i, t in chosen.items()]), geo).as_tuple()


def _level_bounds(instance: Instance, cands: list[Candidate], parts: list[Part], found: Levels, bound: float,
                  pruned: bool, settings: SolverSettings) -> dict[str, float]:
    """Bounds on the later levels at the levels reached: ``continuity_bound`` when the shortfall is proven (no
    roster that short has less continuity lost), then ``travel_km_bound`` when continuity is proven too. Each is
    the parts' own bounds plus what no part's model sees (last week's pairs that cannot be repeated at all)."""
    out: dict[str, float] = {}
    if pruned or found.shortfall > bound or not all("continuity" in p.level_bounds for p in parts):
        return out
    kept = {(c.kind, c.volunteer, c.target, c.day if c.kind == "tutoring" else None) for c in cands}
    unreachable = len({(p.kind, p.volunteer, p.target, p.day if p.kind == "tutoring" else None)
                       for p in instance.previous} - kept)
    out["continuity_bound"] = math.ceil(sum(p.level_bounds["continuity"] for p in parts) + unreachable - 1e-6)
    if found.continuity > out["continuity_bound"] or not all("travel" in p.level_bounds for p in parts):
        return out
    unit_km = settings.travel_unit_m / 1000
    # Each run's km were rounded to whole units in the model: allow half a unit per route.
    routes = len({(c.volunteer, c.interval) for c in cands})
    km = sum(p.level_bounds["travel"] for p in parts) * unit_km - routes * unit_km / 2
    out["travel_km_bound"] = max(0.0, math.floor(km * 100) / 100)
    return out


def _with_stats(roster: Roster, stats: dict[str, Any]) -> Roster:
    return Roster(week_start=roster.week_start, tutoring=roster.tutoring, visits=roster.visits,
                  unmet=roster.unmet, stats=stats)


def _level_proven_s(parts: list[Part], pruned: bool, t0: float) -> dict[str, float]:
    """For the levels every part proved (nothing pruned), the seconds from the solve's start until the last part
    proved it: when the week's level became certain. Levels are ordered, so a level counts only after the ones
    before it (a continuity of 0 is no proof while the shortfall is open)."""
    out: dict[str, float] = {}
    for stage in STAGES if not pruned and parts else ():
        if not all(stage in p.proven_at for p in parts):
            break
        out[stage] = round(max([max(p.proven_at[stage] for p in parts) - t0, *out.values()]), 2)
    return out


def _pin_name(instance: Instance, n: int) -> Message:
    """A pin named by its place in the instance and what it asks, e.g. 'pinned[0] visit V3 → C2 on sat'."""
    return Message("pinned[%(n)d] %(pin)s", n=n, pin=instance.pinned[n].describe())


def _missing_pins(instance: Instance, roster: Roster) -> list[Message]:
    """The pins the roster does not hold, named."""
    tutoring = {(t.volunteer, t.site, t.day) for t in roster.tutoring}
    visits = {(v.volunteer, v.child, v.day) for v in roster.visits}
    return [_pin_name(instance, n) for n, p in enumerate(instance.pinned)
            if (p.volunteer, p.target, p.day) not in (tutoring if p.kind == "tutoring" else visits)]


def _why_no_candidate(instance: Instance, geo: Geography, pin: AssignmentRef) -> Message:
    """A reason a pinned assignment is impossible on its own."""
    v = instance.volunteer_by_id[pin.volunteer]
    day = DAY_IDS[pin.day]
    if pin.kind == "tutoring":
        site = instance.site_by_id[pin.target]
        if not v.is_tutor():
            return Message("%(volunteer)s is not a tutor", volunteer=v.id)
        if v.max_sessions_per_week == 0:
            return Message("%(volunteer)s's max_sessions_per_week is 0", volunteer=v.id)
        if site.session_on(pin.day) is None:
            return Message("%(site)s holds no session on %(day)s", site=site.id, day=day)
        if instance.required_tutors(site, pin.day) == 0:
            return Message("no child attends %(site)s on %(day)s", site=site.id, day=day)
        place = ("site", site.id)
    else:
        child = instance.child_by_id[pin.target]
        if not v.is_visitor():
            return Message("%(volunteer)s does not make home visits", volunteer=v.id)
        if v.max_visits_per_week == 0 or v.max_visits_per_day == 0:
            return Message("%(volunteer)s's visit limits are 0", volunteer=v.id)
        if child.visits_per_week == 0:
            return Message("%(child)s needs no visits", child=child.id)
        if child.needs_trained and not v.trained:
            return Message("%(child)s needs a trained visitor and %(volunteer)s is not trained", child=child.id,
                           volunteer=v.id)
        if not any(w.day == pin.day for w in child.visit_windows):
            return Message("%(child)s has no visit window on %(day)s", child=child.id, day=day)
        place = ("child", child.id)
    if any(f == pin for f in instance.forbidden):
        return Message("it is also forbidden")
    km = geo.km(geo.home(v.id), place)
    if km > v.max_km:
        return Message("%(km).1f km from %(volunteer)s's home, beyond the reach of %(reach)s km", km=km,
                       volunteer=v.id, reach=f"{v.max_km:g}")
    return Message("%(volunteer)s is not available on %(day)s long enough to travel there and back",
                   volunteer=v.id, day=day)


def _split(instance: Instance, cands: list[Candidate]) -> list[Part]:
    """Independent parts: volunteers and the children/sessions they could serve, joined by candidates."""
    sets: DisjointSets[tuple[str, ...]] = DisjointSets()

    def target_key(c: Candidate) -> tuple[str, ...]:
        return ("child", c.target) if c.kind == "visit" else ("session", c.target, c.day)

    for c in cands:
        sets.union(("volunteer", c.volunteer), target_key(c))
    groups: dict[tuple[str, ...], list[Candidate]] = defaultdict(list)
    for c in cands:
        groups[sets.find(("volunteer", c.volunteer))].append(c)
    parts = []
    for group in groups.values():
        children = sorted({c.target for c in group if c.kind == "visit"})
        sessions = sorted({(c.target, c.day) for c in group if c.kind == "tutoring"})
        members = {("volunteer", c.volunteer) for c in group}
        pins = [(n, p) for n, p in enumerate(instance.pinned) if ("volunteer", p.volunteer) in members]
        parts.append(Part(group, children, sessions, pins))
    parts.sort(key=lambda p: -len(p.candidates))
    return parts


def _solve_parts(instance: Instance, geo: Geography, parts: list[Part], greedy: GreedyState,
                 settings: SolverSettings, deadline: float) -> None:
    """Solve the parts in parallel threads (the solvers release the GIL), largest first. Each part, as it starts,
    gets its share (by size) of the time then left for the parts not yet started, so that the time a part did
    not need (it was proven early) goes to those after it."""
    hint = {c.index: t for c, t in greedy.chosen()}
    threads = max(1, min(settings.cores, len(parts)))
    workers_each = max(1, settings.cores // threads)
    waiting = [sum(len(p.candidates) + 1 for p in parts)]
    lock = threading.Lock()

    def run(part: Part) -> None:
        weight = len(part.candidates) + 1
        with lock:
            share = weight / waiting[0]
            waiting[0] -= weight
        left = max(0.0, deadline - time.monotonic())
        budget = min(left, max(MIN_PART_SECONDS, left * threads * share))
        _solve_part(instance, geo, part, hint, settings, budget, workers_each)

    if threads == 1:
        for part in parts:
            run(part)
        return
    with ThreadPoolExecutor(max_workers=threads) as pool:
        list(pool.map(run, parts))


def _solve_part(instance: Instance, geo: Geography, part: Part, hint: dict[int, int],
                settings: SolverSettings, budget: float, workers: int) -> None:
    """Optimise one part's four levels within ``budget`` seconds, writing the roster, status and bounds into it.

    A part whose every route's runs can all be listed is solved over timed runs, exactly (``solver.colgen``).
    A larger one is assigned by the decomposed model first (shortfall with continuity below it; each proposed
    run is timed by ``best_order`` and a run that cannot be timed is cut off), then improved by neighbourhoods
    solved exactly over timed runs (``solver.lns``), which is where its travel is optimised.
    """
    start = time.monotonic()
    finish = start + budget
    # A part the routing model sees whole keeps the last of its time for it (solver.routing), which drives the runs
    # far shorter than the travel stage over priced runs does, and changes who is visited where neighbourhoods would:
    # the pass over the levels before it takes the rest of the time, its travel stage's share going to the shortfall.
    routed = routing.applies(instance, part.candidates)
    end = finish - budget * routing.SHARE if routed else finish
    if routed:
        settings = replace(settings, priced_stage_shares=routing.PRICED_STAGE_SHARES, priced_pass_share=1.0)
    pool = None
    if len(part.candidates) <= settings.runs_priced_candidates:
        pool = make_pool(instance, geo, part.candidates, settings, whole=True) or make_pool(
            instance, geo, part.candidates, replace(settings, runs_per_route=settings.runs_priced_per_route))
    elif len(part.candidates) <= settings.runs_max_candidates:
        pool = make_pool(instance, geo, part.candidates, settings, whole=True,
                         until=start + budget * settings.list_share)
    if pool is not None:
        # Over priced runs one pass over the levels takes part of the time, and neighbourhoods the rest.
        share = 1.0 if pool.complete else settings.priced_pass_share
        if not solve_by_runs(instance, geo, part, hint, settings, (end - time.monotonic()) * share, pool):
            part.conflicting_pins = _pin_core(instance, geo, part, settings)
            return
        if pool.complete or part.chosen is None or time.monotonic() >= finish:
            return
    elif not _assign(instance, geo, part, hint, settings, start + budget * settings.assign_share, workers):
        part.conflicting_pins = _pin_core(instance, geo, part, settings)
        return
    ids = {c.index for c in part.candidates}
    searched = improve(instance, geo, part, part.chosen or {i: t for i, t in hint.items() if i in ids}, settings,
                       end, first=part.repaired)
    rerouted = routing.reroute(instance, geo, part.candidates, searched.chosen,
                               lambda chosen: _part_levels(instance, geo, part, chosen), finish - time.monotonic(),
                               seed=settings.seed)
    part.chosen = rerouted if _holds_pins(part, rerouted) else searched.chosen  # a re-plan's pins stay


def _assign(instance: Instance, geo: Geography, part: Part, hint: dict[int, int], settings: SolverSettings,
            until: float, workers: int) -> bool:
    """The decomposed model of one part: who does what, for shortfall with continuity below it (and continuity
    alone when that is not proven); each proposed run is timed exactly and one that cannot be is cut off. Writes
    the best timed roster and the bounds into the part; False when the pins cannot all hold."""
    size = len(part.candidates)
    engine = HIGHS if size <= settings.highs_max_candidates else MIP_SOLVER
    m: CpSatBackend | MipBackend = (MipBackend(settings.seed, solver=engine, memory_mb=settings.mip_memory_mb)
                                    if size <= settings.mip_max_candidates
                                    else CpSatBackend(workers, settings.seed, exact=False))
    built = time.monotonic()
    model = build_model(m, instance, geo, part, settings)
    log.debug("assignment model of %d candidates built in %.1f s", len(part.candidates), time.monotonic() - built)
    xs = model.xs
    weight = part_weights(instance, part, settings)["shortfall"]
    goals = {"shortfall": weight * model.objectives["shortfall"] + model.objectives["continuity"],
             "continuity": model.objectives["continuity"]}
    ids = {c.index for c in part.candidates}
    xs.hint({i: t for i, t in hint.items() if i in ids})
    exact: set[RouteKey] = set()  # routes that take timed runs
    too_many: set[RouteKey] = set()  # routes with more runs than can be listed: they are cut, never listed again
    fallback: Filled | None = None  # the best proposal that had to be cut down, filled again
    centred: set[RouteKey] = set()  # routes whose cut was lifted by the centre rules
    # Each stage may take all the time left: the continuity is minimised with the shortfall already, and a large
    # part's first round can need most of it (a part of 11,500 candidates needs 5.4 s, more than the 70 % it was
    # given before 2 December, and it then handed on no better than its start).
    for stage in goals:
        if stage != "shortfall" and time.monotonic() >= until - MIN_STAGE_SECONDS:
            break  # the shortfall took the time: solving the model again would only eat the neighbourhoods' time
        best = None
        while True:
            began = time.monotonic()
            outcome = m.solve(goals[stage], max(MIN_STAGE_SECONDS, until - began))
            took = time.monotonic() - began
            if outcome.status == "INFEASIBLE" and stage == "shortfall":
                return False
            if not outcome.has_solution:
                break
            taken = {c.index for c in part.candidates if m.value(xs.take[c.index])}
            timed, failed = time_runs(geo, xs, taken, value=lambda c: _value(instance, c))
            log.debug("assignment %s round: %s, %d runs cut", stage, outcome, len(failed))
            for run in failed:
                # A route whose proposal cannot be timed takes one of its timed runs from now on; a route with too
                # many runs to list gets a cut instead: this set of activities is never proposed again. Listing
                # stops at the stage's end: a medium week's first round can propose 33 such routes, each taking
                # 0.4 s to find it has too many, and the loop then ran 2 s past the whole solve's limit.
                key = (run[0].volunteer, run[0].interval)
                if key in exact:
                    continue
                runs = None
                if key not in too_many and time.monotonic() < until - MIN_STAGE_SECONDS:
                    runs = enumerate_runs(geo, xs.by_route[key], instance.volunteer_by_id[key[0]].max_visits_per_day,
                                          settings.runs_per_route)
                    if runs is None:
                        too_many.add(key)
                if runs is not None:
                    add_run_rules(m, xs, runs)
                    exact.add(key)
                    continue
                m.not_all([xs.take[c.index] for c in run])
                if key not in centred:
                    add_centre_rules(m, xs, geo, key)
                    centred.add(key)
            if not failed:
                best = (outcome, timed)
            else:
                filled = _filled(instance, geo, part, timed)
                # A proposal cut down may have lost a pinned activity: such a roster is no start for a re-plan.
                if _holds_pins(part, filled.chosen) and (fallback is None or filled.levels < fallback.levels):
                    fallback = replace(filled, repaired=tuple((run[0].volunteer, run[0].interval) for run in failed))
            if not failed and outcome.status == "OPTIMAL":
                break
            if until - time.monotonic() < max(MIN_STAGE_SECONDS, ROUND_GROWTH * took):
                # The model only grows with the cuts, so a round with less time than the last one took finds no
                # better roster and runs past its end: on a medium week's largest part the second round, given
                # 3.7 s after a first of 2.9 s, handed back its start 2.5 s late, and the solve ended past its limit.
                break
            if failed:
                # The last proposal breaks the cuts just made, so it is no start; its repair, whose runs were all
                # timed, keeps every cut. Started from the last proposal, the round after the first found no
                # roster in the 5 s it had on a medium week's largest part (seed 4, assign_share 0.7); started
                # from the repair, it hands back at least that.
                xs.hint(filled.chosen)
            else:
                m.hint_last()
        if best is None:
            break  # keep what the earlier stage found
        outcome, part.chosen = best
        value = round(outcome.objective)
        if stage == "shortfall":
            shortfall, continuity = divmod(value, weight)
            part.bound = math.ceil((outcome.bound - (weight - 1)) / weight - 1e-9)
            m.add(model.objectives["shortfall"] <= shortfall)
            if outcome.status == "OPTIMAL":  # both levels are proven: the assignment model is a relaxation
                part.level_bounds["continuity"] = continuity
                part.proven_at = dict.fromkeys(("shortfall", "continuity"), time.monotonic())
                break
        else:
            if part.bound is not None and outcome.status == "OPTIMAL":
                part.level_bounds["continuity"] = value
            m.add(model.objectives["continuity"] <= value)
        m.hint_last()
    if fallback is not None and (part.chosen is None or fallback.levels < _part_levels(instance, geo, part,
                                                                                        part.chosen)):
        # The cut loop's timed rosters are worse than a proposal it had to cut down, repaired and filled again
        # (its round after the cuts had too little time): the neighbourhoods start from that one, at its
        # repaired routes.
        part.chosen, part.repaired = fallback.chosen, list(fallback.repaired)
    part.status = "FEASIBLE"
    return True


@dataclass(frozen=True)
class Filled:
    """A proposal whose untimeable runs were cut down to their best part, filled again as greedy would."""

    chosen: dict[int, int]
    levels: tuple[float, int, float, float]
    repaired: tuple[RouteKey, ...] = ()


def _filled(instance: Instance, geo: Geography, part: Part, timed: dict[int, int]) -> Filled:
    """The proposal with its runs cut down (``timed``), and what they dropped given to others where they have room,
    as a coordinator would; with its levels."""
    by_index = {c.index: c for c in part.candidates}
    state = greedy_roster(instance, geo, part.candidates, tuple(ref for _, ref in part.pins),
                          start=state_of([(by_index[i], t) for i, t in timed.items()]))
    chosen = {c.index: t for c, t in state.chosen()}
    return Filled(chosen, _part_levels(instance, geo, part, chosen))


def _pin_core(instance: Instance, geo: Geography, part: Part, settings: SolverSettings) -> list[int]:
    """The pins that cannot hold together, from CP-SAT's assumption core on the assignment model."""
    m = CpSatBackend(1, settings.seed, exact=False)
    model = build_model(m, instance, geo, part, settings)
    objectives, literals = model.objectives, model.pin_literals
    if m.solve(objectives["shortfall"], settings.time_limit_s).status != "INFEASIBLE":
        return [n for n, _ in part.pins]  # the MIP found no room; CP-SAT could not confirm which pin
    core = m.failed_assumptions()
    return [n for (n, _), lit in zip(part.pins, literals, strict=True) if lit.Index() in core] or \
        [n for n, _ in part.pins]


def _value(instance: Instance, c: Candidate) -> int:
    """What an activity is worth to shortfall: the child's priority, or 2 for a tutor place."""
    return instance.child_by_id[c.target].priority if c.kind == "visit" else SHORTFALL_WEIGHT_TUTOR


def _draft(instance: Instance, chosen: list[tuple[Candidate, int]]) -> Roster:
    """The roster's activities for chosen (candidate, start) pairs, in day order, without ``unmet``."""
    tutoring = sorted((TutoringAssignment(c.volunteer, c.target, c.day, t, t + c.duration)
                       for c, t in chosen if c.kind == "tutoring"),
                      key=lambda a: (DAYS.index(a.day), a.site, a.volunteer))
    visits = sorted((Visit(c.volunteer, c.target, c.day, t, t + c.duration) for c, t in chosen if c.kind == "visit"),
                    key=lambda a: (DAYS.index(a.day), a.volunteer, a.start))
    return Roster(week_start=instance.week_start, tutoring=tuple(tutoring), visits=tuple(visits))


def _assemble(instance: Instance, geo: Geography, cands: list[Candidate], full: list[Candidate],
              chosen: dict[int, int]) -> Roster:
    """Turn chosen candidates into a roster with an exact, explained ``unmet``: each run in its fewest-km order
    (``best_order``; the greedy roster's runs too), its visits then started on the five minutes where they fit."""
    draft = _draft(instance, tidy_starts(geo, shortest_runs(geo, [(c, chosen[c.index]) for c in cands
                                                                   if c.index in chosen])))
    shortfall = compute_shortfall(instance, draft)
    explainer = Explainer(instance, geo, full, list(draft.tutoring), list(draft.visits))
    unmet_visits, unmet_tutors, unmet_subjects = explainer.all(shortfall)
    return Roster(week_start=instance.week_start, tutoring=draft.tutoring, visits=draft.visits,
                  unmet=Unmet(tuple(unmet_visits), tuple(unmet_tutors), tuple(unmet_subjects)))


def greedy_only(instance: Instance) -> Roster:
    """The greedy baseline as a full roster (on all candidates, unpruned), for comparison."""
    geo = Geography(instance)
    full = build_candidates(instance, geo)
    state = greedy_roster(instance, geo, full, instance.pinned)
    roster = _assemble(instance, geo, full, full, {c.index: t for c, t in state.chosen()})
    found = levels(instance, roster, geo)
    return _with_stats(roster, {"status": "GREEDY", "shortfall": found.shortfall, "continuity": found.continuity,
                                "travel_km": round_km(found.travel_km), "fairness": round(found.fairness, 4)})
