"""Solve a call week: each site on its own (sites share nothing), on CP-SAT, level by level.

Per site the model takes options (``candidates.py``), adds rules C2–C4 (``rules/``) and maximises calls
delivered; then, holding that, the slots kept from last week; then, holding both, minimises the supervisors'
Σ load². Every schedule is checked by ``check.py`` before it is returned; if the check ever failed, the greedy
week (also checked) would be returned instead. A result is returned always, a week with no possible call
included: its children are then all in ``unmet``, each with a reason.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ortools.sat.python import cp_model

from solver.calls.candidates import Option, options_for
from solver.calls.check import CallReport, check, missing_calls
from solver.calls.explain import reason
from solver.calls.greedy import greedy_calls
from solver.calls.instance import CallInstance, CallSite
from solver.calls.rules.families import add_family_rules
from solver.calls.rules.families import delivered as delivered_by
from solver.calls.rules.lines import add_line_rules, assign_lines
from solver.calls.rules.objectives import kept_expr, load_expr
from solver.calls.rules.supervision import add_supervision_rules
from solver.calls.schedule import Call, CallSchedule, UnmetCalls

STAGE_SHARES = (0.5, 0.25, 0.25)  # of a site's time: delivered, kept, load


@dataclass(frozen=True)
class CallSettings:
    """How long to search, with which seed and how many threads a site's search uses (0: one)."""

    time_limit_s: float = 30.0
    seed: int = 0
    workers: int = 0

    def __post_init__(self) -> None:
        if not self.time_limit_s > 0:
            raise ValueError(f"time_limit_s must be > 0, got {self.time_limit_s!r}")
        if self.workers < 0:
            raise ValueError(f"workers must be >= 0, got {self.workers!r}")


@dataclass(frozen=True)
class CallResult:
    """A solve's outcome: the schedule (always), the checker's report on it, and how the search went."""

    schedule: CallSchedule
    report: CallReport
    status: str
    stats: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.status not in ("OPTIMAL", "FEASIBLE", "GREEDY"):
            raise ValueError(f"unknown status {self.status!r}")
        if not self.report.ok:
            raise ValueError(f"a result never carries a broken schedule: {self.report.violations[0]}")


@dataclass(frozen=True)
class _SiteOutcome:
    calls: tuple[Call, ...]
    optimal: bool
    delivered_bound: int


def _values(solver: cp_model.CpSolver, xs: Sequence[cp_model.IntVar]) -> list[int]:
    return [int(solver.value(x)) for x in xs]


def solve_site(instance: CallInstance, site: CallSite, time_limit_s: float, settings: CallSettings,
               start: Sequence[Call] = ()) -> _SiteOutcome:
    """The site's calls, level by level, within the time given, starting from ``start`` (the greedy week's
    calls at the site): the search begins from them, and they are kept should it find nothing that delivers as
    many calls in its time (a loaded machine), so the solver never delivers fewer than the greedy week."""
    families = instance.families_at(site)
    options: list[Option] = [o for f in families for o in options_for(instance, f)]
    demand = sum(c.calls_per_week for f in families for c in instance.children_of[f.id])
    if not options:
        return _SiteOutcome((), True, 0)
    model = cp_model.CpModel()
    take = [model.new_bool_var(f"take_{k}") for k in range(len(options))]
    sits = {(k, sid): model.new_bool_var(f"sit_{k}_{sid}") for k, o in enumerate(options) for sid in o.supervisors}
    starts = [(o.day, o.start, o.end) for o in options]
    delivered = add_family_rules(model, options, take, instance, families)
    add_line_rules(model, site, starts, take)
    loads = add_supervision_rules(model, sits, starts, take, instance)
    calls_here = sum(instance.need(f) for f in families)
    most = {sid: min(calls_here, _limit(instance.supervisor_by_id[sid].max_calls_per_week, calls_here))
            for sid in loads}
    levels = [sum(delivered.values()), kept_expr(instance, options, take), load_expr(model, loads, most)]
    everything = take + list(sits.values())
    solver = cp_model.CpSolver()
    solver.parameters.random_seed = settings.seed
    solver.parameters.linearization_level = 2  # the rules are linear and tight: the relaxation proves levels
    # A site's model is small: one search thread with the full relaxation proves each level fastest (the
    # portfolio of several threads was slower on every site of the bench, and the machine has 2 cores).
    solver.parameters.num_workers = settings.workers or 1
    optimal, bound, picked = True, demand, _hint(model, options, take, sits, start)
    deadline = time.monotonic() + time_limit_s
    for stage, (share, expr) in enumerate(zip(STAGE_SHARES, levels, strict=True)):
        if stage < 2:
            model.maximize(expr)
        else:
            model.minimize(expr)
        left = deadline - time.monotonic()
        solver.parameters.max_time_in_seconds = max(0.05, left if stage == len(levels) - 1 else share * time_limit_s)
        status = solver.solve(model)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            if stage == 0:  # nothing found in the time: the greedy week's calls, which are valid
                return _SiteOutcome(tuple(start), False, demand)
            break  # the hint from the stage before is still a valid answer; keep it
        optimal = optimal and status == cp_model.OPTIMAL
        if stage == 0:
            bound = min(demand, int(solver.best_objective_bound + 1e-6))
            if solver.objective_value + 1e-6 < sum(delivered_by(instance, start).values()):
                return _SiteOutcome(tuple(start), False, bound)
        value = int(round(solver.objective_value))
        model.add(expr >= value if stage < 2 else expr <= value)
        chosen = _values(solver, everything)
        model.clear_hints()
        for var, v in zip(everything, chosen, strict=True):
            model.add_hint(var, v)
        picked = chosen
    taken_sits = _sitting(sits, picked[len(take):])
    calls = tuple(Call(o.family, tuple(c.id for c in instance.children_of[o.family]), site.id, o.day, o.start, o.end,
                       1, taken_sits[k]) for k, o in enumerate(options) if picked[k])
    return _SiteOutcome(calls, optimal, bound)


def _hint(model: cp_model.CpModel, options: Sequence[Option], take: Sequence[cp_model.IntVar],
          sits: dict[tuple[int, str], cp_model.IntVar], start: Sequence[Call]) -> list[int]:
    """Hint the calls of ``start`` to the model; returns the values hinted, in the order take, then sits."""
    index = {(o.family, o.day, o.start): k for k, o in enumerate(options)}
    chosen = {index[(c.family, c.day, c.start)]: c.supervisor for c in start if (c.family, c.day, c.start) in index}
    values = [int(k in chosen) for k in range(len(take))] + [int(chosen.get(k) == sid) for (k, sid) in sits]
    for var, v in zip([*take, *sits.values()], values, strict=True):
        model.add_hint(var, v)
    return values


def _sitting(sits: dict[tuple[int, str], cp_model.IntVar], values: list[int]) -> dict[int, str]:
    """Option index → the supervisor chosen for it."""
    return {k: sid for ((k, sid), v) in zip(sits, values, strict=True) if v}


def _schedule(instance: CallInstance, calls: list[Call]) -> CallSchedule:
    """The schedule of these calls, lines numbered, with every child left short and her reason."""
    calls = assign_lines(calls)
    unmet = tuple(UnmetCalls(cid, n, reason(instance, instance.child_by_id[cid], calls))
                  for cid, n in missing_calls(instance, tuple(calls)).items())
    return CallSchedule(instance.week_start, tuple(calls), unmet)


def solve_calls(instance: CallInstance, settings: CallSettings | None = None) -> CallResult:
    """Solve the week: every site in turn, each given its share of the time then left."""
    settings = settings or CallSettings()
    began = time.monotonic()
    deadline = began + settings.time_limit_s
    calls: list[Call] = []
    optimal, bound = True, 0
    sites = [s for s in instance.sites if instance.families_at(s)]
    greedy = greedy_calls(instance)
    for n, site in enumerate(sites):
        share = max(0.05, (deadline - time.monotonic()) / (len(sites) - n))
        outcome = solve_site(instance, site, share, settings, [c for c in greedy if c.site == site.id])
        calls.extend(outcome.calls)
        optimal = optimal and outcome.optimal
        bound += outcome.delivered_bound
    schedule = _schedule(instance, calls)
    report = check(instance, schedule)
    status = "OPTIMAL" if optimal else "FEASIBLE"
    if not report.ok:  # never expected: the checker is the last word, so fall back to the greedy week
        schedule = _schedule(instance, greedy_calls(instance))
        report, status = check(instance, schedule), "GREEDY"
    stats = {"status": status, "delivered": report.levels.delivered, "delivered_bound": bound,
             "demand": sum(c.calls_per_week for c in instance.children), "kept": report.levels.kept,
             "load": report.levels.load, "solve_seconds": round(time.monotonic() - began, 2)}
    return CallResult(schedule, report, status, stats)


def greedy_result(instance: CallInstance) -> CallResult:
    """The greedy week as a result (the bench's baseline)."""
    schedule = _schedule(instance, greedy_calls(instance))
    report = check(instance, schedule)
    return CallResult(schedule, report, "GREEDY", {"status": "GREEDY", "delivered": report.levels.delivered})


def _limit(limit: int | None, otherwise: int) -> int:
    """A weekly limit, or ``otherwise`` when there is none."""
    return otherwise if limit is None else limit
