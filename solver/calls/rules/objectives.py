"""What makes one call week better than another, level by level (a later level only breaks ties):

1. **delivered**: calls delivered to children (each child's family calls, up to her own need), more is better;
2. **kept**: families whose call keeps last week's slot (same day and start), more is better (parents plan
   their shifts around it);
3. **load**: the sum over supervisors of the square of their calls in the week, lower is better (the same calls
   spread over more people).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ortools.sat.python import cp_model

from solver.calls.candidates import Option
from solver.calls.instance import CallInstance, Family
from solver.calls.rules.families import delivered
from solver.calls.rules.supervision import loads
from solver.calls.schedule import Call


@dataclass(frozen=True)
class CallLevels:
    """The three levels of a call week."""

    delivered: int
    kept: int
    load: int

    def __post_init__(self) -> None:
        if min(self.delivered, self.kept, self.load) < 0:
            raise ValueError("levels are never negative")


def keeps_slot(family: Family, day: str, start: int) -> bool:
    """True when a call of the family on day at start is at last week's slot."""
    return family.previous is not None and (family.previous.day, family.previous.start) == (day, start)


def levels(instance: CallInstance, calls: Sequence[Call]) -> CallLevels:
    """The levels of a list of calls."""
    kept = {c.family for c in calls if keeps_slot(instance.family_by_id[c.family], c.day, c.start)}
    return CallLevels(delivered=sum(delivered(instance, calls).values()), kept=len(kept),
                      load=sum(n * n for n in loads(calls).values()))


def kept_expr(instance: CallInstance, options: Sequence[Option],
              take: Sequence[cp_model.IntVar]) -> cp_model.LinearExprT:
    """Level 2 in the model: taken options at their family's last-week slot."""
    return sum(x for o, x in zip(options, take, strict=True)
               if keeps_slot(instance.family_by_id[o.family], o.day, o.start))


def load_expr(model: cp_model.CpModel, sup_loads: dict[str, cp_model.LinearExprT],
              most: dict[str, int]) -> cp_model.LinearExprT:
    """Level 3 in the model: Σ load², written linearly: a supervisor's k-th call costs 2k − 1 (so n calls cost
    n²), one "has at least k calls" flag per k up to ``most[supervisor]``; the relaxation is then exact."""
    terms = []
    for sid, load in sup_loads.items():
        flags = [model.new_bool_var(f"load_{sid}_{k}") for k in range(1, most[sid] + 1)]
        model.add(sum(flags) == load)
        for a, b in zip(flags, flags[1:], strict=False):
            model.add_implication(b, a)  # the (k+1)-th call only after the k-th: the costs rise in order
        terms += [(2 * k - 1) * f for k, f in enumerate(flags, start=1)]
    return sum(terms)
