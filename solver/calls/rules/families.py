"""Rule C2 (families): siblings share one call, at their own site; a family has at most one call a day and no
more calls in the week than the most any of its children needs.

A child is delivered as many calls as her family has, up to her own ``calls_per_week``; what she still misses is
her shortfall.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence

from ortools.sat.python import cp_model

from solver.calls.candidates import Option
from solver.calls.instance import CallInstance, Family
from solver.calls.schedule import Call


def add_family_rules(model: cp_model.CpModel, options: Sequence[Option], take: Sequence[cp_model.IntVar],
                     instance: CallInstance, families: Sequence[Family]) -> dict[str, cp_model.IntVar]:
    """At most one call a family a day, at most its need in the week; returns each child's delivered calls."""
    by_day: dict[tuple[str, str], list[cp_model.IntVar]] = defaultdict(list)
    by_family: dict[str, list[cp_model.IntVar]] = defaultdict(list)
    for option, x in zip(options, take, strict=True):
        by_day[(option.family, option.day)].append(x)
        by_family[option.family].append(x)
    for xs in by_day.values():
        if len(xs) > 1:
            model.add_at_most_one(xs)
    delivered: dict[str, cp_model.IntVar] = {}
    for family in families:
        calls = sum(by_family[family.id]) if by_family[family.id] else 0
        if by_family[family.id]:
            model.add(calls <= instance.need(family))
        for child in instance.children_of[family.id]:
            d = model.new_int_var(0, child.calls_per_week, f"delivered_{child.id}")
            model.add(d <= calls)
            delivered[child.id] = d
    return delivered


def delivered(instance: CallInstance, calls: Sequence[Call]) -> Counter[str]:
    """Calls each child is delivered: her family's calls, at most her own need."""
    per_family = Counter(c.family for c in calls)
    return Counter({child.id: min(per_family[child.family], child.calls_per_week) for child in instance.children})


def check_families(instance: CallInstance, calls: Sequence[Call]) -> Iterator[str]:
    """The checker's side of rule C2."""
    days: Counter[tuple[str, str]] = Counter()
    weekly: Counter[str] = Counter()
    for i, call in enumerate(calls):
        family = instance.family_by_id[call.family]
        siblings = sorted(c.id for c in instance.children_of[family.id])
        if sorted(call.children) != siblings:
            yield f"calls[{i}]: names children {sorted(call.children)}, not family {family.id}'s {siblings}"
        if call.site != family.site:
            yield f"calls[{i}]: at site {call.site}, but family {family.id} calls from {family.site}"
        days[(call.family, call.day)] += 1
        weekly[call.family] += 1
    for (fid, day), n in sorted(days.items()):
        if n > 1:
            yield f"family {fid}: {n} calls on {day}, at most one a day"
    for fid, n in sorted(weekly.items()):
        need = instance.need(instance.family_by_id[fid])
        if n > need:
            yield f"family {fid}: {n} calls in the week, needs {need}"
