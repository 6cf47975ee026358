"""Rule C1 (hours): a call lies wholly inside one of the parents' hours and one of the room's hours that day.

A call lasts ``settings.call_minutes``; the solver starts calls on the ``settings.step_minutes`` grid (the
checker accepts any start, so a coordinator's own slot is judged by the rule, not by the grid).
"""

from __future__ import annotations

from collections.abc import Iterator

from solver.calls.instance import CallInstance, CallSite, Family
from solver.calls.schedule import Call
from solver.instance import Interval


def _inside(intervals: tuple[Interval, ...], day: str, start: int, end: int) -> bool:
    return any(i.day == day and i.contains(start, end) for i in intervals)


def within_hours(site: CallSite, family: Family, day: str, start: int, end: int) -> bool:
    """True when [start, end) on day lies inside one of the family's parent hours and one of the room's hours."""
    return _inside(family.parent_hours, day, start, end) and _inside(site.room_hours, day, start, end)


def slots(instance: CallInstance, family: Family) -> Iterator[tuple[str, int, int]]:
    """Every (day, start, end) on the grid that the rule allows for the family's call."""
    site = instance.site_by_id[family.site]
    length, step = instance.settings.call_minutes, instance.settings.step_minutes
    for hours in family.parent_hours:
        for room in site.room_hours:
            if room.day != hours.day:
                continue
            lo, hi = max(room.start, hours.start), min(room.end, hours.end)
            start = -(-lo // step) * step  # the first grid time at or after lo
            while start + length <= hi:
                yield hours.day, start, start + length
                start += step


def check_hours(instance: CallInstance, call: Call, where: str) -> Iterator[str]:
    """The checker's side of rule C1: the call's length, and its time inside both kinds of hours."""
    if call.end - call.start != instance.settings.call_minutes:
        yield f"{where}: lasts {call.end - call.start} minutes, not {instance.settings.call_minutes}"
    site, family = instance.site_by_id[call.site], instance.family_by_id[call.family]
    if not _inside(family.parent_hours, call.day, call.start, call.end):
        yield f"{where}: outside the parents' hours of family {family.id} on {call.day}"
    if not _inside(site.room_hours, call.day, call.start, call.end):
        yield f"{where}: outside the room's hours of site {site.id} on {call.day}"
