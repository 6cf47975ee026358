"""Time on one day of the week: a cap on how many timed things may be on at once, for the CP-SAT model."""

from __future__ import annotations

from collections import defaultdict

from ortools.sat.python import cp_model


def at_most_at_once(model: cp_model.CpModel, timed: list[tuple[tuple[str, int, int], cp_model.IntVar]],
                     cap: int) -> None:
    """At every start time, at most ``cap`` of the timed variables are on (an overlap peaks at some start)."""
    by_day: dict[str, list[tuple[int, int, cp_model.IntVar]]] = defaultdict(list)
    for (day, start, end), x in timed:
        by_day[day].append((start, end, x))
    for items in by_day.values():
        seen: set[frozenset[int]] = set()
        for t in sorted({s for s, _e, _x in items}):
            on = [x for s, e, x in items if s <= t < e]
            key = frozenset(x.index for x in on)
            if len(on) > cap and key not in seen:
                seen.add(key)
                if cap == 1:
                    model.add_at_most_one(on)
                else:
                    model.add(sum(on) <= cap)
