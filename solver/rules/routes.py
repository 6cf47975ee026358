"""Rule family 2 (availability and travel): each run is a trip home → activities → home inside one
availability interval, with time to travel between consecutive activities."""

from __future__ import annotations

from collections.abc import Collection

from ortools.sat.python import cp_model

from solver.backend import CpSatBackend, Var
from solver.candidates import Candidate
from solver.columns import RouteKey
from solver.places import Geography, Place
from solver.variables import RosterVars


def add_route_rules(m: CpSatBackend, xs: RosterVars, geo: Geography, routes: Collection[RouteKey] | None = None
                    ) -> None:
    """For each volunteer and availability interval (of ``routes``, when given: a neighbourhood leaves the
    others as they are), the taken activities form one circuit through home.

    Start domains already keep every activity inside the interval with time to leave and return
    home; an arc i → j forces start_j ≥ start_i + duration_i + travel(i, j). Each arc's km is
    recorded in ``xs.travel_terms`` for the travel level.
    """
    model = m.model
    for (vid, interval), cands in xs.by_route.items():
        if routes is not None and (vid, interval) not in routes:
            continue
        home = geo.home(vid)
        if len(cands) == 1:
            c = cands[0]
            xs.travel_terms.append((xs.take[c.index], c.km_from_home + geo.km(c.place, home)))
            continue
        _add_circuit(model, xs, geo, home, cands)


def _add_circuit(model: cp_model.CpModel, xs: RosterVars, geo: Geography, home: Place, cands: list[Candidate]
                 ) -> None:
    """A circuit over home (node 0) and the candidates; skipped candidates loop on themselves."""
    arcs: list[tuple[int, int, Var]] = []
    named: dict[tuple[int, int], Var] = {}
    stay_home = model.new_bool_var(f"stay_home_{cands[0].volunteer}_{cands[0].day}_{cands[0].interval.start}")
    arcs.append((0, 0, stay_home))
    for n, c in enumerate(cands, start=1):
        take = xs.take[c.index]
        arcs.append((n, n, take.Not()))
        # With home on its self-loop the other nodes could still form a circuit of their own.
        model.add_implication(stay_home, take.Not())
        out_lit = model.new_bool_var("")
        in_lit = model.new_bool_var("")
        arcs.append((0, n, out_lit))
        arcs.append((n, 0, in_lit))
        named[(-1, c.index)], named[(c.index, -1)] = out_lit, in_lit
        xs.travel_terms.append((out_lit, c.km_from_home))
        xs.travel_terms.append((in_lit, geo.km(c.place, home)))
    for i, a in enumerate(cands, start=1):
        for j, b in enumerate(cands, start=1):
            if i == j or (a.kind, a.target) == (b.kind, b.target):
                continue
            gap = a.duration + geo.minutes(a.place, b.place)
            if a.earliest + gap > b.latest:
                continue  # b can never follow a: no arc
            lit = model.new_bool_var("")
            arcs.append((i, j, lit))
            named[(a.index, b.index)] = lit
            model.add(xs.start[b.index] >= xs.start[a.index] + gap).OnlyEnforceIf(lit)
            xs.travel_terms.append((lit, geo.km(a.place, b.place)))
    model.add_circuit(arcs)
    xs.route_arcs[(cands[0].volunteer, cands[0].interval)] = (stay_home, named)
