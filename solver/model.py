"""One part of the week and its model: the part's candidates, children, sessions and pins, and every rule family
built on one back-end with the four level expressions.

Three formulations share the rules of children, sessions, load and pins, and differ only in rule family 2
(availability and travel): ``circuits`` (each route a circuit with start times, CP-SAT), ``cuts`` (an
assignment model whose proposed runs are timed outside it and cut off when they cannot be) and ``runs``
(each route takes one of its timed runs, ``solver.rules.columns``).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

from solver.backend import CpSatBackend, MipBackend, Var
from solver.candidates import Candidate
from solver.columns import RouteKey, Run
from solver.instance import AssignmentRef, Instance
from solver.places import Geography
from solver.rules.children import add_child_rules
from solver.rules.columns import RunRows, add_run_rules
from solver.rules.load import add_load_rules
from solver.rules.objectives import continuity_expr, fairness_expr, shortfall_expr, travel_expr
from solver.rules.pins import add_pin_rules
from solver.rules.routes import add_route_rules
from solver.rules.runs import add_energy_rules, add_pair_rules, route_stretches, star_travel_terms
from solver.rules.sessions import add_session_rules
from solver.settings import SolverSettings
from solver.variables import RosterVars

STAGES = ("shortfall", "continuity", "travel", "fairness")


@dataclass
class Part:
    """One independent part of the week: its candidates, children, sessions and pins, and what solving it found."""

    candidates: list[Candidate]
    children: list[str]
    sessions: list[tuple[str, str]]
    pins: list[tuple[int, AssignmentRef]]
    chosen: dict[int, int] | None = None  # candidate index → start, when solved
    status: str = "UNKNOWN"
    bound: float | None = None  # a lower bound on this part's shortfall (what its model sees of it)
    # Per later level, a bound no roster of this part with its shortfall (and the levels before) can beat.
    level_bounds: dict[str, float] = field(default_factory=dict)
    proven_at: dict[str, float] = field(default_factory=dict)  # level → when it was proven (time.monotonic())
    conflicting_pins: list[int] = field(default_factory=list)
    # Routes whose proposed run could not be timed and was cut down to its best part: the neighbourhoods start there.
    repaired: list[RouteKey] = field(default_factory=list)


@dataclass(frozen=True)
class Model:
    """A built model: its variables, the four level expressions, the pins' literals (CP-SAT) and its run rows."""

    xs: RosterVars
    objectives: dict[str, Any]
    pin_literals: list[Var]
    runs: RunRows | None = None


def build_model(m: CpSatBackend | MipBackend, instance: Instance, geo: Geography, part: Part,
                settings: SolverSettings, runs: Iterable[Run] | None = None, relaxed: bool = False,
                routes: Collection[RouteKey] | None = None) -> Model:
    """The model of one part on a back-end: variables, every rule family, the four level expressions.

    With ``runs`` rule family 2 is the runs formulation (``relaxed``: its linear relaxation); otherwise circuits
    on an exact CP-SAT back-end (for ``routes`` only, when given), and the decomposed rows (pairs, stretches,
    star travel) on the others."""
    xs = RosterVars(m, part.candidates)
    missing_visits = add_child_rules(m, xs, instance, part.children)
    missing_tutors, uncovered = add_session_rules(m, xs, instance, part.sessions)
    loads = add_load_rules(m, xs, instance)
    rows = None
    if runs is not None:
        rows = add_run_rules(m, xs, runs, relaxed=relaxed)
    elif isinstance(m, CpSatBackend) and m.exact:  # a MipBackend is never exact
        add_route_rules(m, xs, geo, routes)
    else:
        stretches = route_stretches(xs, geo)
        add_pair_rules(m, xs, geo, settings.max_pair_rows, stretches)
        add_energy_rules(m, xs, geo, stretches)
        star_travel_terms(xs, geo)
    pin_literals = add_pin_rules(m, xs, [p for _, p in part.pins])
    objectives = {
        "shortfall": shortfall_expr(instance, missing_visits, missing_tutors, uncovered),
        "continuity": continuity_expr(m, xs, instance),
        "travel": travel_expr(xs, settings),
        "fairness": fairness_expr(m, instance, loads, settings),
    }
    return Model(xs, objectives, pin_literals, rows)
