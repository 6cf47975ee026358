"""Rule family 6 (pins): every pinned assignment is in the roster (forbidden ones never became candidates)."""

from __future__ import annotations

from solver.backend import CpSatBackend, MipBackend, Var
from solver.instance import AssignmentRef
from solver.variables import RosterVars


def add_pin_rules(m: CpSatBackend | MipBackend, xs: RosterVars, pins: list[AssignmentRef]) -> list[Var]:
    """Each pin must be taken by one of its candidates.

    With CP-SAT each pin holds through an assumption literal, so that when the pins cannot all
    hold the solver names the ones at fault; the literals are returned in the order of ``pins``.
    With a MIP solver the pins are plain constraints and nothing is returned.
    """
    literals: list[Var] = []
    for n, pin in enumerate(pins):
        takes = [xs.take[c.index] for c in xs.matching(pin.kind, pin.volunteer, pin.target, pin.day)]
        if isinstance(m, CpSatBackend):
            lit = m.bool_var(f"pin_{n}")
            m.model.add_bool_or(takes).OnlyEnforceIf(lit)
            literals.append(lit)
        else:
            m.at_least_one(takes)
    if literals and isinstance(m, CpSatBackend):  # only CP-SAT makes them
        m.model.add_assumptions(literals)
    return literals
