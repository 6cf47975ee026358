"""The solver-free checker: every rule of the call window (C1–C5) and the three levels, for any schedule.

Rule C5 (honest shortfall): ``unmet`` lists exactly each child with fewer calls than her ``calls_per_week``, with
how many are missing; nothing else, nothing left out.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from solver.calls.instance import CallInstance
from solver.calls.rules.families import check_families, delivered
from solver.calls.rules.hours import check_hours
from solver.calls.rules.lines import check_lines
from solver.calls.rules.objectives import CallLevels, levels
from solver.calls.rules.supervision import check_supervision
from solver.calls.schedule import Call, CallSchedule


@dataclass(frozen=True)
class CallReport:
    """What the checker found: the broken rules (empty when the schedule is valid) and the levels."""

    violations: tuple[str, ...]
    levels: CallLevels

    @property
    def ok(self) -> bool:
        """True when no rule is broken."""
        return not self.violations


def missing_calls(instance: CallInstance, calls: tuple[Call, ...]) -> dict[str, int]:
    """Each child's missing calls (only those missing some), in instance order."""
    got = delivered(instance, calls)
    return {c.id: c.calls_per_week - got[c.id] for c in instance.children if got[c.id] < c.calls_per_week}


def _references(instance: CallInstance, schedule: CallSchedule) -> Iterator[str]:
    if schedule.week_start != instance.week_start:
        yield f"week_start: {schedule.week_start} is not the instance's {instance.week_start}"
    for i, call in enumerate(schedule.calls):
        for what, key, index in (("family", call.family, instance.family_by_id), ("site", call.site,
                                 instance.site_by_id), ("supervisor", call.supervisor, instance.supervisor_by_id)):
            if key not in index:
                yield f"calls[{i}].{what}: no {what} {key!r}"
        for child in call.children:
            if child not in instance.child_by_id:
                yield f"calls[{i}].children: no child {child!r}"


def _honest(instance: CallInstance, schedule: CallSchedule) -> Iterator[str]:
    expected = missing_calls(instance, schedule.calls)
    listed: dict[str, int] = {}
    for i, unmet in enumerate(schedule.unmet):
        if unmet.child in listed:
            yield f"unmet[{i}]: child {unmet.child} listed twice"
        listed[unmet.child] = unmet.missing
    for cid in sorted(set(expected) | set(listed)):
        if expected.get(cid) != listed.get(cid):
            yield f"unmet: child {cid} misses {expected.get(cid, 0)} call(s), listed {listed.get(cid, 0)}"


def check(instance: CallInstance, schedule: CallSchedule) -> CallReport:
    """Check a schedule against its instance: every broken rule, and the levels."""
    broken = list(_references(instance, schedule))
    if broken:  # the rules below look things up by id
        return CallReport(tuple(broken), CallLevels(0, 0, 0))
    calls = schedule.calls
    for i, call in enumerate(calls):
        broken.extend(check_hours(instance, call, f"calls[{i}]"))
    broken.extend(check_families(instance, calls))
    broken.extend(check_supervision(instance, calls))
    broken.extend(check_lines(instance, calls))
    broken.extend(_honest(instance, schedule))
    return CallReport(tuple(broken), levels(instance, calls))
