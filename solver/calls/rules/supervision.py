"""Rule C3 (supervision): every call has a supervisor of its site, available for the whole call, who sits with
one call at a time and with no more calls in the week than her ``max_calls_per_week`` (absent: no limit)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence

from ortools.sat.python import cp_model

from solver.calls.instance import CallInstance, Supervisor
from solver.calls.schedule import Call
from solver.calls.timing import at_most_at_once


def can_supervise(supervisor: Supervisor, site: str, day: str, start: int, end: int) -> bool:
    """True when the supervisor is at that site for all of [start, end) on day."""
    return supervisor.site == site and any(a.day == day and a.contains(start, end) for a in supervisor.availability)


def add_supervision_rules(model: cp_model.CpModel, sits: dict[tuple[int, str], cp_model.IntVar],
                          starts: Sequence[tuple[str, int, int]], take: Sequence[cp_model.IntVar],
                          instance: CallInstance) -> dict[str, cp_model.LinearExprT]:
    """Each taken option has exactly one supervisor; a supervisor sits with one call at a time and within her
    weekly limit. ``sits[(option index, supervisor)]``; ``starts[option index] = (day, start, end)``.

    Returns each supervisor's load (calls in the week)."""
    by_option: dict[int, list[cp_model.IntVar]] = defaultdict(list)
    by_sup: dict[str, list[tuple[int, cp_model.IntVar]]] = defaultdict(list)
    for (k, sid), y in sits.items():
        by_option[k].append(y)
        by_sup[sid].append((k, y))
    for k, x in enumerate(take):
        model.add(sum(by_option[k]) == x)
    loads: dict[str, cp_model.LinearExprT] = {}
    for sid, ys in by_sup.items():
        at_most_at_once(model, [(starts[k], y) for k, y in ys], 1)
        load = sum(y for _k, y in ys)
        limit = instance.supervisor_by_id[sid].max_calls_per_week
        if limit is not None:
            model.add(load <= limit)
        loads[sid] = load
    return loads


def check_supervision(instance: CallInstance, calls: Sequence[Call]) -> Iterator[str]:
    """The checker's side of rule C3."""
    per_sup: dict[str, list[int]] = defaultdict(list)
    for i, call in enumerate(calls):
        sup = instance.supervisor_by_id.get(call.supervisor)
        if sup is None:
            continue  # the reference check names it
        if not can_supervise(sup, call.site, call.day, call.start, call.end):
            yield f"calls[{i}]: supervisor {sup.id} is not at site {call.site} for all of the call"
        per_sup[sup.id].append(i)
    for sid, idx in sorted(per_sup.items()):
        for a, i in enumerate(idx):
            for j in idx[a + 1:]:
                if calls[i].overlaps(calls[j]):
                    yield f"supervisor {sid}: calls[{i}] and calls[{j}] overlap"
        limit = instance.supervisor_by_id[sid].max_calls_per_week
        if limit is not None and len(idx) > limit:
            yield f"supervisor {sid}: {len(idx)} calls in the week, limit {limit}"


def loads(calls: Sequence[Call]) -> Counter[str]:
    """Calls per supervisor in the week."""
    return Counter(c.supervisor for c in calls)
