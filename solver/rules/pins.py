"""Rule family 6 (pins): every pinned assignment is in the roster (forbidden ones never became candidates)."""

from __future__ import annotations

from ortools.sat.python import cp_model

from solver.instance import AssignmentRef
from solver.variables import RosterVars


def add_pin_rules(model: cp_model.CpModel, xs: RosterVars, pins: list[AssignmentRef]
                  ) -> dict[int, cp_model.IntVar]:
    """Each pin must be taken by one of its candidates. The pins are enforced through assumption
    literals so that, when they cannot all hold, the solver can name the pins at fault.

    Returns pin index → its assumption literal. A pin with no candidate at all is the caller's to report.
    """
    literals = {}
    for n, pin in enumerate(pins):
        cands = xs.matching(pin.kind, pin.volunteer, pin.target, pin.day)
        lit = model.NewBoolVar(f"pin_{n}")
        model.AddBoolOr([xs.take[c.index] for c in cands]).OnlyEnforceIf(lit)
        literals[n] = lit
    return literals
