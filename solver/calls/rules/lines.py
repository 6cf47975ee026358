"""Rule C4 (lines): a site never has more calls at once than its equipment carries (``lines``); each call names
its line, from 1 to ``lines``, and two calls on one line never overlap."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import replace

from ortools.sat.python import cp_model

from solver.calls.instance import CallInstance, CallSite
from solver.calls.schedule import Call
from solver.calls.timing import at_most_at_once
from solver.timeutil import DAYS


def add_line_rules(model: cp_model.CpModel, site: CallSite, starts: Sequence[tuple[str, int, int]],
                   take: Sequence[cp_model.IntVar]) -> None:
    """At every moment at most ``site.lines`` of the site's calls are on."""
    at_most_at_once(model, list(zip(starts, take, strict=True)), site.lines)


def assign_lines(calls: Sequence[Call]) -> list[Call]:
    """Give each call a line: in order of start, the lowest line free then (optimal for intervals, so a day that
    never has more than ``lines`` calls at once needs no more than ``lines`` lines)."""
    out: list[Call] = []
    busy: dict[tuple[str, str], list[Call]] = defaultdict(list)
    for call in sorted(calls, key=lambda c: (c.site, DAYS.index(c.day), c.start, c.family)):
        taken = {c.line for c in busy[(call.site, call.day)] if c.overlaps(call)}
        line = next(n for n in range(1, len(taken) + 2) if n not in taken)
        placed = replace(call, line=line)
        busy[(call.site, call.day)].append(placed)
        out.append(placed)
    return out


def line_free(site: CallSite, calls: Sequence[Call], day: str, start: int, end: int) -> bool:
    """True when one more call at the site on day at [start, end) keeps every moment within its lines."""
    on = [c for c in calls if c.site == site.id and c.day == day and c.start < end and start < c.end]
    moments = {start} | {c.start for c in on if start <= c.start < end}
    return all(sum(1 for c in on if c.start <= t < c.end) < site.lines for t in moments)


def check_lines(instance: CallInstance, calls: Sequence[Call]) -> Iterator[str]:
    """The checker's side of rule C4."""
    for i, call in enumerate(calls):
        site = instance.site_by_id[call.site]
        if not 1 <= call.line <= site.lines:
            yield f"calls[{i}]: line {call.line}, but site {site.id} has {site.lines}"
        for j in range(i + 1, len(calls)):
            other = calls[j]
            if other.site == call.site and other.line == call.line and call.overlaps(other):
                yield f"calls[{i}] and calls[{j}]: both on line {call.line} of site {site.id} at once"
