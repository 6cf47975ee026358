"""The baseline a coordinator would get by hand: families with the fewest choices first, each given the first
free slot (last week's when it is free), one call round after another."""

from __future__ import annotations

from collections import Counter

from solver.calls.candidates import Option, options_for
from solver.calls.instance import CallInstance
from solver.calls.rules.lines import assign_lines, line_free
from solver.calls.rules.objectives import keeps_slot
from solver.calls.schedule import Call


def _free_supervisor(instance: CallInstance, option: Option, calls: list[Call], load: Counter[str]) -> str | None:
    """The least-loaded supervisor of the option who sits with no other call then and is within her limit."""
    best = None
    for sid in option.supervisors:
        limit = instance.supervisor_by_id[sid].max_calls_per_week
        if limit is not None and load[sid] >= limit:
            continue
        if any(c.supervisor == sid and c.day == option.day and c.start < option.end and option.start < c.end
               for c in calls):
            continue
        if best is None or load[sid] < load[best]:
            best = sid
    return best


def greedy_calls(instance: CallInstance) -> list[Call]:
    """A valid week of calls (lines numbered), built greedily."""
    options = {f.id: options_for(instance, f) for f in instance.families}
    order = sorted(instance.families, key=lambda f: len(options[f.id]))
    calls: list[Call] = []
    by_site: dict[str, list[Call]] = {}
    load: Counter[str] = Counter()
    days: dict[str, set[str]] = {f.id: set() for f in instance.families}
    for round_ in range(max((instance.need(f) for f in instance.families), default=0)):
        for family in order:
            if instance.need(family) <= round_:
                continue
            site = instance.site_by_id[family.site]
            here = by_site.setdefault(site.id, [])
            ranked = sorted(options[family.id], key=lambda o: not keeps_slot(family, o.day, o.start))
            for option in ranked:
                if option.day in days[family.id] or not line_free(site, here, option.day, option.start, option.end):
                    continue
                sid = _free_supervisor(instance, option, here, load)
                if sid is None:
                    continue
                call = Call(family.id, tuple(c.id for c in instance.children_of[family.id]), site.id, option.day,
                            option.start, option.end, 1, sid)
                here.append(call)
                calls.append(call)
                load[sid] += 1
                days[family.id].add(option.day)
                break
    return assign_lines(calls)
