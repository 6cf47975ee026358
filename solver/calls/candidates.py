"""Who could call when: every grid slot a family's call may take (rule C1), with the supervisors who could sit
with it for the whole call (rule C3)."""

from __future__ import annotations

from dataclasses import dataclass

from solver.calls.instance import CallInstance, Family
from solver.calls.rules.hours import slots
from solver.calls.rules.supervision import can_supervise


@dataclass(frozen=True)
class Option:
    """One possible call: a family's slot and the supervisors free for all of it (at least one)."""

    family: str
    site: str
    day: str
    start: int
    end: int
    supervisors: tuple[str, ...]

    def __post_init__(self) -> None:
        if not self.supervisors:
            raise ValueError("an option has at least one supervisor")
        if not self.start < self.end:
            raise ValueError("an option starts before it ends")

    def covers(self, minute: int) -> bool:
        """True when the call is on at that minute of its day."""
        return self.start <= minute < self.end


def open_slots(instance: CallInstance, family: Family) -> list[tuple[str, int, int]]:
    """The grid slots inside the parents' and the room's hours, supervised or not (what explain looks at)."""
    return list(slots(instance, family))


def options_for(instance: CallInstance, family: Family) -> list[Option]:
    """Every supervised slot of the family's call."""
    site = instance.site_by_id[family.site]
    sups = instance.supervisors_at(site)
    out = []
    for day, start, end in slots(instance, family):
        free = tuple(s.id for s in sups if can_supervise(s, site.id, day, start, end))
        if free:
            out.append(Option(family.id, site.id, day, start, end, free))
    return out
