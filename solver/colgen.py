"""One part of the week solved over timed runs: each route takes one of its runs, and the runs are listed whole
for small routes and generated on demand for large ones (column generation).

For each level in turn (shortfall, continuity, travel, fairness):

1. when some route is too large to list, the linear relaxation over the runs known so far is solved, those
   routes are priced against its dual values (``solver.columns.price_runs``) and the runs that would improve
   it are added, until none would; when every pricing was exhaustive, the relaxation's value is a bound;
2. the integer model over every known run is solved, starting from the best roster so far (shortfall and
   continuity by HiGHS, travel and fairness by SCIP; the neighbourhoods' models by SCIP throughout);
3. the level is held at the value found (``level ≤ value``) while the levels after it are optimised.

A level is proven when the integer model is optimal over complete lists of runs, or reaches the bound of
step 1. Time is not left unused: when the last level is done early, the remaining time goes back to the first
level not proven, and the levels after it are optimised again.
"""

from __future__ import annotations

import logging
import math
import random
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Literal, overload

import numpy as np

from solver.backend import HIGHS, MIP_SOLVER, MipBackend, Outcome
from solver.candidates import Candidate
from solver.columns import PricedRoute, RouteKey, Run, enumerate_runs, price_runs, run_in_order, timed_run
from solver.instance import Instance
from solver.model import STAGES, Model, Part, build_model
from solver.places import Geography
from solver.roster import Roster, TutoringAssignment, Visit
from solver.rules.columns import RunRows, add_run
from solver.settings import SolverSettings
from solver.validate import levels

log = logging.getLogger(__name__)
LP_SOLVER = "GLOP"
PRICE_BEAM = 6  # labels kept per last activity when pricing heuristically
PRICE_LIMIT = 20  # runs added per route and pricing round
MIN_SECONDS = 0.05
# The levels the integer model over runs hands to its assignment engine: HiGHS proves a medium week's shortfall over
# 38,000 runs in 6 s where SCIP gave no bound in 20; over travel's large coefficients SCIP found the shorter rosters.
ASSIGNMENT_LEVELS = frozenset({"shortfall", "continuity"})
SPIN_S = 0.5  # a pass over the levels this quick that improved nothing is not repeated
TIE_KM = 1e-6  # per km, in the objective's units, when pricing for a level that does not count km
DIVE_ALSO = 0.5  # when rounding, runs the relaxation takes at least this much are fixed together
DIVE_SPREAD = 0.25  # on another try, the run fixed first is drawn from those within this of the most taken
DIVE_PRICE_EVERY = 3  # rounding prices new runs every this many fixings


@dataclass
class RunPool:
    """The runs known for a part, by route, and the routes too large to list whole, ready to be priced."""

    by_route: dict[RouteKey, list[Run]] = field(default_factory=lambda: defaultdict(list))
    members: set[tuple[RouteKey, frozenset[int]]] = field(default_factory=set)
    priced: dict[RouteKey, PricedRoute] = field(default_factory=dict)

    def add(self, run: Run) -> bool:
        """Add a run unless one with the same activities on the same route is known; True when added."""
        key = (run.route, run.members)
        if key in self.members:
            return False
        self.members.add(key)
        self.by_route[run.route].append(run)
        return True

    def find(self, run: Run) -> Run:
        """The known run with the same activities as this one."""
        return next(r for r in self.by_route[run.route] if r.members == run.members)

    @property
    def complete(self) -> bool:
        """True when every route's runs are all listed, so that the integer model is exact."""
        return not self.priced

    def runs(self) -> list[Run]:
        """Every known run."""
        return [r for runs in self.by_route.values() for r in runs]


@overload
def make_pool(instance: Instance, geo: Geography, cands: list[Candidate], settings: SolverSettings,
              whole: Literal[False] = False, until: float | None = None) -> RunPool: ...
@overload
def make_pool(instance: Instance, geo: Geography, cands: list[Candidate], settings: SolverSettings,
              whole: bool, until: float | None = None) -> RunPool | None: ...
def make_pool(instance: Instance, geo: Geography, cands: list[Candidate], settings: SolverSettings,
              whole: bool = False, until: float | None = None) -> RunPool | None:
    """Every run of each route while a route has at most ``settings.runs_per_route`` and the part at most
    ``settings.runs_per_part``; for the other routes each activity on its own, and pricing. With ``whole``, None
    as soon as some route cannot be listed whole (largest routes first, so that this is known soon), or when the
    listing is still going at ``until`` (``time.monotonic()``)."""
    started = time.monotonic()
    pool = RunPool()
    routes: dict[RouteKey, list[Candidate]] = defaultdict(list)
    for c in cands:
        routes[(c.volunteer, c.interval)].append(c)
    room = settings.runs_per_part
    for key, route in sorted(routes.items(), key=lambda item: ((-1 if whole else 1) * len(item[1]), item[0][0],
                                                                item[0][1].start)):
        cap = instance.volunteer_by_id[key[0]].max_visits_per_day
        late = whole and until is not None and time.monotonic() > until
        runs = enumerate_runs(geo, route, cap, min(settings.runs_per_route, room)) if room > 0 and not late else None
        if runs is None and whole:
            # The time this took is lost to the search (a medium week just over runs_per_part spends seconds here).
            log.debug("runs of %d candidates cannot be listed whole (%d listed, then %s): %.1f s", len(cands),
                      len(pool.members), "the listing's time" if late else "the part's limit"
                      if room <= 0 or room < settings.runs_per_route else "a route's limit", time.monotonic() - started)
            return None
        if runs is None:
            pool.priced[key] = PricedRoute(geo, route, cap)
            runs = [run for c in route if (run := timed_run(geo, [c])) is not None]
        else:
            room -= len(runs)
        for run in runs:
            pool.add(run)
    return pool


def runs_of(geo: Geography, cands: list[Candidate], chosen: dict[int, int]) -> list[Run]:
    """The chosen candidates as runs, each in its best order (so never with more km than as chosen)."""
    by_route: dict[RouteKey, list[Candidate]] = defaultdict(list)
    for c in cands:
        if c.index in chosen:
            by_route[(c.volunteer, c.interval)].append(c)
    runs = []
    for route in by_route.values():
        run = timed_run(geo, route)
        if run is None:
            raise ValueError(f"the chosen activities of {route[0].volunteer} on {route[0].day} cannot be timed")
        runs.append(run)
    return runs


class Master:
    """The part's model over the pool's runs, integer or relaxed, kept up to date as runs and holds are added."""

    def __init__(self, instance: Instance, geo: Geography, part: Part, settings: SolverSettings, pool: RunPool,
                 relaxed: bool, weights: dict[str, int], fixed: frozenset[int] = frozenset(), fairness_floor: int = 0,
                 assignment_engine: str = MIP_SOLVER):
        """``fixed``: candidates of the part held taken, outside any run (the rest of the roster, around a
        neighbourhood); ``fairness_floor``: the largest load share of the volunteers outside the part;
        ``assignment_engine``: the MIP solver for the shortfall and continuity (travel and fairness go to SCIP)."""
        self.settings, self.relaxed, self.weights = settings, relaxed, weights
        self.assignment_engine = assignment_engine
        self.m = (MipBackend(solver=LP_SOLVER) if relaxed
                  else MipBackend(settings.seed, memory_mb=settings.mip_memory_mb))
        runs = pool.runs()
        self.model: Model = build_model(self.m, instance, geo, part, settings, runs=runs, relaxed=relaxed)
        if self.model.runs is None:  # build_model makes the run rows whenever it is given runs
            raise RuntimeError("the model over runs has no run rows")
        self.rows: RunRows = self.model.runs
        self.keys = {(run.route, run.members) for run in runs}
        self.fixed = fixed
        for i in fixed:
            self.m.fix(self.model.xs.take[i], 1)
        if fairness_floor:
            self.m.add(self.model.objectives["fairness"] >= fairness_floor)
        self.holds: dict[str, Any] = {}
        self.goal: tuple[str, ...] = ()
        self.last: Outcome | None = None
        self.bend: dict[str, Any] = {}  # per held level of a relaxation, how far its last solution breaks the hold
        self.bend_cost = 0.0
        self.was_bent = False

    def units(self, run: Run) -> int:
        """A run's km in the travel level's units."""
        return round(run.km * 1000 / self.settings.travel_unit_m)

    def level(self, stage: str) -> Any:
        """One level's expression over every run now in the model."""
        if stage == "travel":
            return sum(self.units(run) * var for run, var in self.rows.chosen.items())
        return self.model.objectives[stage]

    def objective(self, goal: tuple[str, ...]) -> Any:
        """What a solve minimises: one level, or a level weighted above the next; plus, in a relaxation whose
        holds may bend, what bending them costs."""
        plain = self.level(goal[0]) if len(goal) == 1 else (self.weights[goal[0]] * self.level(goal[0])
                                                            + self.level(goal[1]))
        return plain + sum(self.bend_cost * var for var in self.bend.values()) if self.bend else plain

    def km_cost(self, goal: tuple[str, ...]) -> float:
        """What one km costs in the goal's objective (for pricing runs)."""
        if goal[0] != "travel":
            return 0.0
        return (self.weights["travel"] if len(goal) > 1 else 1) * 1000 / self.settings.travel_unit_m

    def values(self, goal: tuple[str, ...], objective: int) -> dict[str, int]:
        """Each level's value in a solution of the goal with this objective value."""
        if len(goal) == 1:
            return {goal[0]: objective}
        first = objective // self.weights[goal[0]]
        return {goal[0]: first, goal[1]: objective - first * self.weights[goal[0]]}

    def bounds(self, goal: tuple[str, ...], bound: float | None, proven: bool, values: dict[str, int]
               ) -> dict[str, tuple[float | None, bool]]:
        """Each level's bound and proof, from a bound on the goal's objective (None: none) and whether the solve
        was proven optimal. A level weighted above the next is proven once its bound meets its value; only then
        does the goal's bound say something of the next level."""
        if len(goal) == 1:
            return {goal[0]: (bound, proven)}
        if bound is None:
            return {goal[0]: (None, proven), goal[1]: (None, proven)}
        weight, first = self.weights[goal[0]], values[goal[0]]
        first_bound = math.ceil((bound - (weight - 1)) / weight - 1e-9)
        first_proven = proven or first_bound >= first
        second_bound = max(0.0, bound - first * weight) if first_proven else None
        return {goal[0]: (first_bound, first_proven), goal[1]: (second_bound, proven)}

    def has(self, run: Run) -> bool:
        """True when the model holds a run with the same activities."""
        return (run.route, run.members) in self.keys

    def extend(self, run: Run) -> None:
        """Put a new run into the model: its route's row, its candidates' links, the travel hold, and its cost in
        the objective of the last solve (so that the relaxation can be solved again as it stands)."""
        self.keys.add((run.route, run.members))
        var = add_run(self.m, self.rows, run, relaxed=self.relaxed)
        if "travel" in self.holds:
            self.m.join(self.holds["travel"], var, self.units(run))
        if self.goal and self.goal[0] == "travel":
            self.m.set_cost(var, self.units(run) * (self.weights["travel"] if len(self.goal) > 1 else 1))

    def hold(self, stage: str, value: float, bend_cost: float = 0.0) -> None:
        """Hold the level at most at value (replacing an earlier hold of it). With ``bend_cost`` (a relaxation
        only) the hold may be broken at that cost a unit: rounding then always has a solution to price from,
        also after fixings that leave none within the holds, and the runs that mend it are worth a lot."""
        if stage in self.holds:
            self.lift((stage,))
        if bend_cost:
            self.bend[stage] = self.m.num_var(0, self.m.solver.infinity())
            self.bend_cost = bend_cost
            self.holds[stage] = self.m.add(self.level(stage) - self.bend[stage] <= value)
            self.goal = ()  # the next solve sets the objective anew, with this slack in it
        else:
            self.holds[stage] = self.m.add(self.level(stage) <= value)

    def bent(self) -> bool:
        """True when the relaxation's last solution breaks a hold (read when it was solved)."""
        return self.was_bent

    def lift(self, stages: tuple[str, ...]) -> None:
        """Stop holding these levels."""
        for stage in stages:
            if stage in self.holds:
                self.m.lift(self.holds.pop(stage))
            if stage in self.bend:
                self.m.fix(self.bend.pop(stage), 0)
                self.goal = ()

    def solve(self, goal: tuple[str, ...], seconds: float) -> Outcome:
        """Minimise the goal within the time (a relaxation solved again for the same goal keeps its objective,
        which the runs added since have joined)."""
        if self.relaxed and goal == self.goal:
            self.last = self.m.resolve(seconds)
        else:
            self.goal = goal
            engine = self.assignment_engine if goal[0] in ASSIGNMENT_LEVELS else MIP_SOLVER
            self.last = self.m.solve(self.objective(goal), seconds, engine)
        self.was_bent = self.last.status == "OPTIMAL" and any(v.solution_value() > 1e-6 for v in self.bend.values())
        return self.last

    def chosen(self) -> list[Run]:
        """The runs of the last solution."""
        return [run for run, var in self.rows.chosen.items() if self.m.value(var)]

    def start_from(self, runs: list[Run], goal: tuple[str, ...]) -> tuple[int, ...] | None:
        """Hint the next solve with this roster as a complete solution (found by solving with it fixed) and return
        its four levels as the model counts them; None when the roster is not a solution of the model as it
        stands (it misses a pin, or breaks a hold)."""
        self._fix(runs)
        outcome = self.m.solve(self.objective(goal), 10.0)
        found = self.levels() if outcome.has_solution else None
        self._fix(None)
        if found is not None:
            self.m.hint_last()
        return found

    def _fix(self, runs: list[Run] | None) -> None:
        """Fix every run and candidate to this roster (None: free them again)."""
        chosen = set(runs or ())
        taken = {i for run in chosen for i in run.order} | self.fixed
        for run, var in self.rows.chosen.items():
            self.m.fix(var, None if runs is None else int(run in chosen))
        for c in self.model.xs.candidates:
            if c.index in self.fixed:
                continue
            self.m.fix(self.model.xs.take[c.index], None if runs is None else int(c.index in taken))

    def levels(self) -> tuple[int, int, int, int]:
        """The four levels of the last solution, as the model counts them (travel in its units)."""
        shortfall, continuity, travel, fairness = (round(self.m.value_of(self.level(stage))) for stage in STAGES)
        return shortfall, continuity, travel, fairness


@dataclass
class _Levels:
    """What is known of each level: the best value, whether it is proven, and a bound where there is one."""

    value: dict[str, float] = field(default_factory=dict)
    proven: dict[str, bool] = field(default_factory=dict)
    bound: dict[str, float] = field(default_factory=dict)
    proven_at: dict[str, float] = field(default_factory=dict)  # when each level was first proven (time.monotonic())

    def learn(self, stage: str, value: float, proven: bool, bound: float | None) -> None:
        """Record what a solve found of a level (a level at 0 is proven: none is ever below)."""
        self.value[stage], self.proven[stage] = value, proven or value <= 0
        if self.proven[stage]:
            self.proven_at.setdefault(stage, time.monotonic())
        if bound is not None:
            self.bound[stage] = max(self.bound.get(stage, -math.inf), bound)


# Each solve minimises a level and, below it, the next one (weighted so that the first always counts more):
# when the solve is proven optimal, both are, and the second needs no solve of its own.
PAIRS = (("shortfall", "continuity"), ("travel", "fairness"))


def solve_by_runs(instance: Instance, geo: Geography, part: Part, hint: dict[int, int], settings: SolverSettings,
                  budget: float, pool: RunPool | None = None) -> bool:
    """Optimise the part's four levels over timed runs within ``budget`` seconds, from the hinted roster (the
    greedy one) and the runs of ``pool`` (made here when not given); the roster, status and bounds are written
    into the part. Over runs listed whole it uses the whole budget; over priced runs it returns after one pass
    over the levels, for the caller to improve the roster by neighbourhoods. False when the pins cannot hold."""
    start = time.monotonic()
    end = start + budget
    pool = pool or make_pool(instance, geo, part.candidates, settings)
    ids = {c.index for c in part.candidates}
    best = runs_of(geo, part.candidates, {i: t for i, t in hint.items() if i in ids})
    for run in best:
        pool.add(run)
    _add_pinned_runs(geo, part, pool)
    best = [pool.find(run) for run in best]
    weights = part_weights(instance, part, settings)
    mip = Master(instance, geo, part, settings, pool, relaxed=False, weights=weights, assignment_engine=HIGHS)
    lp = Master(instance, geo, part, settings, pool, relaxed=True, weights=weights) if pool.priced else None
    log.debug("runs: %d known, %d of %d routes priced, built in %.1f s", len(pool.members), len(pool.priced),
              len(mip.rows.route), time.monotonic() - start)
    if best and mip.start_from(best, PAIRS[0]) is None:
        best = []  # the hinted roster misses a pin: start from nothing
    levels = _Levels()
    rng = random.Random(settings.seed)  # noqa: S311 - a reproducible search, not security
    # Over priced runs the travel level is where the work is (a routing problem), and the shortfall's gap to its
    # relaxation seldom closes: the levels share the time differently.
    shares = dict(zip(STAGES, settings.stage_shares if pool.complete else settings.priced_stage_shares, strict=True))
    pending = list(STAGES)
    passed = time.monotonic()  # when the current pass over the levels began
    improved = False
    while pending and time.monotonic() < end - MIN_SECONDS:
        stage = pending.pop(0)
        follower = next((b for a, b in PAIRS if a == stage), None)
        now = time.monotonic()
        weight = shares[stage] + (shares[follower] if follower in pending else 0)
        stage_end = now + (end - now) * weight / sum(shares[s] for s in (stage, *pending))
        goal: tuple[str, ...] = (stage, follower) if follower is not None and follower in pending else (stage,)
        combined = len(goal) > 1
        bound = None
        if lp is not None and stage != "fairness":
            if stage == "travel":
                # Most runs made for the shortfall are long ways round: travel starts from a lean relaxation.
                lp = _lean(instance, geo, part, settings, pool, best, weights, levels)
            # The relaxation prices travel alone (fairness below it would only scale the numbers up a thousandfold).
            relaxed_goal = goal[:1] if goal[0] == "travel" else goal
            bound = _generate(geo, lp, mip, pool, relaxed_goal, now + (stage_end - now) * settings.pricing_share)
            if bound is not None and relaxed_goal != goal:
                bound = bound * mip.weights["travel"]  # the goal's bound: fairness adds at least 0
            # Rounding is greedy, so it is done again, each time choosing a little differently, while its time
            # lasts; the best roster it gives is kept.
            dives_end = now + (stage_end - now) * (1 - settings.mip_share)
            tries = 0
            while time.monotonic() < dives_end - MIN_SECONDS:
                dived = _dive(geo, lp, mip, pool, relaxed_goal, dives_end, rng if tries else None)
                tries += 1
                taken = dived is not None and _better(instance, geo, part, dived, best, goal)
                log.debug("runs %s: rounding the relaxation (%d) %s", "+".join(goal), tries,
                          "ran out of time" if dived is None else "gave a better roster" if taken else "gave no better")
                if taken and dived is not None:
                    best = dived
        if best:
            mip.start_from(best, goal)
        # Over listed runs the integer model is the whole search; over priced ones it recombines what the
        # relaxation made, and seldom needs long for it.
        mip_seconds = stage_end - time.monotonic()
        if not pool.complete:
            mip_seconds = min(mip_seconds, (stage_end - now) * settings.mip_share)
        outcome = mip.solve(goal, max(MIN_SECONDS, mip_seconds))
        if outcome.status == "INFEASIBLE" and not best:
            return False
        before = dict(levels.value)
        if outcome.has_solution:
            found = mip.chosen()
            values = mip.values(goal, round(outcome.objective))
            if stage not in levels.value or values[stage] <= levels.value[stage]:
                best = found
                exact = pool.complete and outcome.status == "OPTIMAL"
                certified = bound is not None and round(outcome.objective) <= math.ceil(bound - 1e-6)
                own = outcome.known_bound if pool.complete else bound  # no bound is not a bound of -1e20
                for level, (low, proven) in mip.bounds(goal, own, exact or certified, values).items():
                    levels.learn(level, values[level], proven, low)
                if combined and levels.proven[goal[1]]:
                    pending.remove(goal[1])
        if stage not in levels.value:
            break  # nothing found in the time: keep the hinted roster
        log.debug("runs %s: %s, holding %s%s; %d runs known", "+".join(goal), outcome,
                  {s: levels.value.get(s) for s in goal}, " (proven)" if levels.proven.get(stage) else "",
                  len(pool.members))
        for master in (mip, lp):
            if master is not None:
                for level in goal:
                    if level in levels.value:
                        master.hold(level, levels.value[level])
        improved |= levels.value != before
        if not pending and pool.priced:
            break  # over priced runs, the time left is better spent on neighbourhoods (``solver.lns``)
        if not pending:
            # Again from the first level not proven, with the time left; a pass that was over at once and changed
            # nothing (the solver stops at its memory cap) would only do the same again.
            if not improved and time.monotonic() - passed < SPIN_S:
                break
            pending, improved, passed = _next_pass(levels, mip, lp), False, time.monotonic()
    best = [_shortest(geo, run, part) for run in best]
    part.chosen = {i: t for run in best for i, t in zip(run.order, run.starts, strict=True)}
    part.status = "OPTIMAL" if all(levels.proven.get(s) for s in STAGES) else "FEASIBLE"
    part.bound = levels.bound.get("shortfall")
    part.level_bounds = {s: levels.bound[s] for s in STAGES[1:] if s in levels.bound}
    part.proven_at = {s: at for s, at in levels.proven_at.items() if levels.proven.get(s)}
    return True


def _shortest(geo: Geography, run: Run, part: Part) -> Run:
    """The run in its fewest-km order (a priced run keeps the order it was labelled in until here)."""
    by_index = {c.index: c for c in part.candidates}
    best = timed_run(geo, [by_index[i] for i in run.order])
    return best if best is not None and best.km < run.km - 1e-9 else run


def _better(instance: Instance, geo: Geography, part: Part, runs: list[Run], than: list[Run],
            goal: tuple[str, ...]) -> bool:
    """True when a roster of the part is better than another on the goal's levels, by the checker's count (the
    rest of the week, the same for both, adds the same to each)."""
    if not than:
        return True
    mine = levels(instance, roster_of(instance, part, runs), geo).as_tuple()
    theirs = levels(instance, roster_of(instance, part, than), geo).as_tuple()
    order = [STAGES.index(level) for level in goal]
    return [mine[i] for i in order] < [theirs[i] for i in order]


def roster_of(instance: Instance, part: Part, runs: list[Run]) -> Roster:
    """The runs' activities as a roster (without ``unmet``)."""
    by_index = {c.index: c for c in part.candidates}
    tutoring, visits = [], []
    for run in runs:
        for i, start in zip(run.order, run.starts, strict=True):
            c = by_index[i]
            if c.kind == "tutoring":
                tutoring.append(TutoringAssignment(c.volunteer, c.target, c.day, start, start + c.duration))
            else:
                visits.append(Visit(c.volunteer, c.target, c.day, start, start + c.duration))
    return Roster(week_start=instance.week_start, tutoring=tuple(tutoring), visits=tuple(visits))


def part_weights(instance: Instance, part: Part, settings: SolverSettings) -> dict[str, int]:
    """What one unit of each level weighs when it is minimised with the next: more than the next can ever be."""
    visits = sum(instance.child_by_id[c].visits_per_week for c in part.children)
    volunteers = {c.volunteer for c in part.candidates}
    previous = sum(1 for p in instance.previous if p.volunteer in volunteers)
    return {"shortfall": visits + previous + 1, "travel": settings.fairness_scale + 1}


def _lean(instance: Instance, geo: Geography, part: Part, settings: SolverSettings, pool: RunPool, best: list[Run],
          weights: dict[str, int], levels: _Levels) -> Master:
    """A relaxation over the listed routes' runs, each priced route's activities alone and the best roster's
    runs, holding the levels found so far."""
    lean = RunPool()
    for key, runs in pool.by_route.items():
        for run in runs if key not in pool.priced else [r for r in runs if len(r.order) == 1]:
            lean.add(run)
    for run in best:
        lean.add(run)
    lean.priced = pool.priced
    lp = Master(instance, geo, part, settings, lean, relaxed=True, weights=weights)
    # Breaking a hold by one costs more than the km of every route driven ten times over.
    cost = 10 * sum(max(lp.units(run) for run in runs) for runs in pool.by_route.values()) + 1
    for stage, value in levels.value.items():
        lp.hold(stage, value, bend_cost=cost)
    return lp


def _next_pass(levels: _Levels, mip: Master, lp: Master | None) -> list[str]:
    """The levels to optimise again with the time that is left: from the first one not proven on (its hold
    and those after it lifted), or none when all are proven."""
    unproven = [s for s in STAGES if not levels.proven.get(s)]
    if not unproven:
        return []
    again = STAGES[STAGES.index(unproven[0]):]
    for master in (mip, lp):
        if master is not None:
            master.lift(again)
    return list(again)


def _add_pinned_runs(geo: Geography, part: Part, pool: RunPool) -> None:
    """A run holding all the pinned activities of a route, where they fit together, so pins can hold."""
    pinned: dict[RouteKey, list[Candidate]] = defaultdict(list)
    wanted = {p.slot for _, p in part.pins}
    for c in part.candidates:
        if c.slot in wanted:
            pinned[(c.volunteer, c.interval)].append(c)
    for route in pinned.values():
        if (run := timed_run(geo, route)) is not None:
            pool.add(run)


def _generate(geo: Geography, lp: Master, mip: Master, pool: RunPool, goal: tuple[str, ...], until: float,
              rounds: int = 1_000, settled: frozenset[RouteKey] = frozenset()) -> float | None:
    """Price the large routes against the relaxation until no run would improve it, time is up or after so many
    rounds; each run found joins both models, and the relaxation is left solved over all of them. Routes in
    ``settled`` (a run of theirs is fixed) are not priced. Returns the relaxation's value when it bounds the goal
    (every route priced, exhaustively, and nothing found), else None."""
    # Where km do not count, a whisker of them still makes the labelling prefer the shorter of equal runs (and
    # saves timing each run again for its shortest order); the bound allows for it (``TIE_KM``).
    km_cost = lp.km_cost(goal) or TIE_KM
    done = 0
    while True:
        outcome = lp.solve(goal, max(MIN_SECONDS, until - time.monotonic()))
        done += 1
        if outcome.status != "OPTIMAL":
            return None
        if done > rounds:
            return None
        prizes = {i: -lp.m.dual(row) for i, row in lp.rows.link.items()}
        route_prices = {key: lp.m.dual(lp.rows.route[key]) for key in pool.priced if key not in settled}
        found: list[Run] = []
        exhaustive = not settled
        for key, route in pool.priced.items():
            if key in settled:
                continue
            prize = np.array([prizes[c.index] for c in route.cands])
            priced = price_runs(route, prize, route_prices[key], km_cost, PRICE_BEAM, PRICE_LIMIT)
            exhaustive &= priced.exhaustive
            for _reduced, path in priced.runs:
                run = run_in_order(geo, [route.cands[j] for j in path])
                if run is None:
                    continue
                if pool.add(run):
                    mip.extend(run)
                else:
                    run = pool.find(run)  # the one the integer model knows
                if not lp.has(run):
                    lp.extend(run)
                    found.append(run)
        if not found:
            exhaustive &= not lp.bend or not lp.bent()
            log.debug("runs %s: relaxation %.2f after %d pricing rounds, %s", "+".join(goal), outcome.objective,
                      done, "exhaustive" if exhaustive else "not a bound")
            return outcome.objective - _tie_allowance(pool) if exhaustive else None
        if time.monotonic() >= until:
            lp.solve(goal, MIN_SECONDS * 20)  # over the runs just added, for whoever reads its values
            return None


def _tie_allowance(pool: RunPool) -> float:
    """How far the whisker of km in pricing could have hidden a better relaxation: TIE_KM × the longest run's km,
    for each priced route (each misses at most one such run's worth)."""
    longest = max((run.km for runs in pool.by_route.values() for run in runs), default=0.0)
    return len(pool.priced) * TIE_KM * 2 * longest


def _dive(geo: Geography, lp: Master, mip: Master, pool: RunPool, goal: tuple[str, ...], until: float,
          rng: random.Random | None = None) -> list[Run] | None:
    """Round the relaxation to a roster: fix the run it takes most (the fractional one closest to 1, and with it
    others taken nearly as much) and price again, until every run is taken wholly or not at all. When a fixing
    leaves no solution, it is undone and only its first run kept, or, when that alone leaves none, forbidden.
    Every fixing is undone at the end; returns the roster, or None when time ran out first."""
    kept: list[tuple[Run, Any]] = []  # fixed to 1
    batch: list[tuple[Run, Any]] = []  # the last fixing
    forbidden: list[Any] = []
    steps = 0
    try:
        while time.monotonic() < until:
            steps += 1
            # Pricing every step would cost more than the fixings it helps; the relaxation is solved every step.
            # Not for travel, where the relaxation is mostly right about what a roster needs and only the order
            # and grouping of visits is open: for the shortfall every fixing must be mended by new runs at once.
            every = DIVE_PRICE_EVERY if goal[0] == "travel" else 1
            _generate(geo, lp, mip, pool, goal, until, rounds=1 if steps % every == 0 or steps == 1 or lp.bent() else 0,
                      settled=frozenset(run.route for run, _ in kept))
            if lp.last is None or lp.last.status == "UNKNOWN":
                log.debug("rounding stopped after %d steps: the relaxation was not solved in time", steps)
                return None
            if lp.last.status != "OPTIMAL":
                if not batch:
                    log.debug("rounding stopped after %d steps: the relaxation is %s", steps, lp.last.status)
                    return None
                for _run, var in batch:
                    lp.m.fix(var, None)
                kept[:] = kept[:-len(batch)]
                first, var = batch[0]
                if len(batch) > 1:
                    lp.m.fix(var, 1)
                    kept.append((first, var))
                    batch = [(first, var)]
                else:
                    lp.m.fix(var, 0)
                    forbidden.append(var)
                    batch = []
                continue
            values = {run: var.solution_value() for run, var in lp.rows.chosen.items()}
            fractional = [(value, run) for run, value in values.items() if 1e-6 < value < 1 - 1e-6]
            if not fractional:
                log.debug("rounded in %d steps, %d runs fixed, %d forbidden%s", steps, len(kept), len(forbidden),
                          ", but it breaks a hold" if lp.bent() else "")
                return None if lp.bent() else [run for run, value in values.items() if value > 0.5]
            # The most taken run, and with it any other taken more than DIVE_ALSO by another volunteer.
            fractional.sort(key=lambda item: -item[0])
            if rng is not None:  # another try: the first run is drawn from those taken nearly as much as the most
                near = [item for item in fractional if item[0] >= fractional[0][0] - DIVE_SPREAD]
                drawn = rng.choice(near)
                fractional.remove(drawn)
                fractional.insert(0, drawn)
            picked: list[Run] = []
            for value, run in fractional:
                if picked and value < DIVE_ALSO:
                    break
                if all(run.route[0] != p.route[0] for p in picked):
                    picked.append(run)
            batch = [(run, lp.rows.chosen[run]) for run in picked]
            for _run, var in batch:
                lp.m.fix(var, 1)
            kept.extend(batch)
        log.debug("rounding stopped after %d steps (%d runs fixed): out of time", steps, len(kept))
        return None
    finally:
        for var in (*(v for _, v in kept), *forbidden):
            lp.m.fix(var, None)


def _solved(lp: Master) -> bool:
    """True when the relaxation's last solve found its optimum."""
    return lp.last is not None and lp.last.status == "OPTIMAL"
