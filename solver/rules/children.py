"""Rule family 5 (children): at most one visit a day, no more visits than needed; missing visits."""

from __future__ import annotations

from collections import defaultdict

from solver.backend import CpSatBackend, Expr, MipBackend
from solver.candidates import Candidate
from solver.instance import Instance
from solver.variables import RosterVars

Backend = CpSatBackend | MipBackend


def add_child_rules(m: Backend, xs: RosterVars, instance: Instance, children: list[str]) -> dict[str, Expr]:
    """A child gets at most one visit a day and at most visits_per_week in the week.

    Returns, per child, the expression for the visits it still misses (need minus visits taken).
    """
    by_child_day: dict[tuple[str, str], list[Candidate]] = defaultdict(list)
    by_child: dict[str, list[Candidate]] = defaultdict(list)
    for c in xs.candidates:
        if c.kind == "visit":
            by_child_day[(c.target, c.day)].append(c)
            by_child[c.target].append(c)
    for cands in by_child_day.values():
        if len(cands) > 1:
            m.at_most_one([xs.take[c.index] for c in cands])
    missing: dict[str, Expr] = {}
    for cid in children:
        need = instance.child_by_id[cid].visits_per_week
        taken = xs.taken(by_child[cid])
        if by_child[cid]:
            m.add(taken <= need)
        missing[cid] = need - taken
    return missing
