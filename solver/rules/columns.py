"""Rule family 2 (availability and travel) over timed runs: each route (a volunteer's availability interval)
takes at most one of its runs, and an activity is taken exactly when a taken run holds it. Every run was timed
when it was made (``solver.columns``), so whatever is chosen can be done, and travel is each run's exact km."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from solver.backend import CpSatBackend, MipBackend, Var
from solver.columns import RouteKey, Run
from solver.variables import RosterVars


@dataclass
class RunRows:
    """The run variables of a model and the rows a run joins, so that runs can be added after it is built."""

    chosen: dict[Run, Any] = field(default_factory=dict)  # run → its 0/1 (or, relaxed, 0..1) variable
    route: dict[RouteKey, Any] = field(default_factory=dict)  # at most one run per route
    link: dict[int, Any] = field(default_factory=dict)  # candidate index → take − Σ runs holding it = 0


def add_run_rules(m: CpSatBackend | MipBackend, xs: RosterVars, runs: Iterable[Run], relaxed: bool = False
                  ) -> RunRows:
    """Each route takes at most one run; a candidate is taken exactly when a taken run holds it; each run's km
    goes to ``xs.travel_terms``. Every candidate of a route with runs must be in one (a run of one always is).
    Only routes with runs get rows: the caller sees to the others' candidates (a neighbourhood fixes them).
    With ``relaxed`` the run variables are continuous, for the linear relaxation that prices new runs."""
    rows = RunRows()
    by_route: dict[RouteKey, list[Var]] = defaultdict(list)
    holding: dict[int, list[Var]] = defaultdict(list)
    if relaxed and not isinstance(m, MipBackend):
        raise TypeError("a linear relaxation needs a MIP back-end")
    for run in runs:
        var = m.num_var(0, 1) if isinstance(m, MipBackend) and relaxed else m.bool_var("")
        rows.chosen[run] = var
        by_route[run.route].append(var)
        for i in run.order:
            holding[i].append(var)
        xs.travel_terms.append((var, run.km))
    for key, cands in xs.by_route.items():
        if key not in by_route:
            continue
        rows.route[key] = m.add(sum(by_route[key]) <= 1)
        for c in cands:
            rows.link[c.index] = m.add(xs.take[c.index] == sum(holding[c.index]))
    return rows


def add_run(m: MipBackend, rows: RunRows, run: Run, relaxed: bool) -> Any:
    """Add a run to a built model: a new column in its route's row and in its candidates' links. Returns its
    variable (the objective is set anew at each solve)."""
    var = m.num_var(0, 1) if relaxed else m.bool_var("")
    rows.chosen[run] = var
    m.join(rows.route[run.route], var, 1)
    for i in run.order:
        m.join(rows.link[i], var, -1)
    return var
