"""The call-instance/1 document as frozen, self-validating dataclasses.

Each constructor checks its own values; ``parse_call_instance`` turns JSON into these objects and reports the
first problem as an ``InstanceError`` naming the JSON path (``families[2].parent_hours[0].end``) and the reason.
The JSON helpers are the roster instance's own (``solver.instance``), so both documents refuse input alike.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from solver.instance import (
    InstanceError,
    Interval,
    _build,
    _check,
    _check_id,
    _field,
    _index,
    _is_int,
    _list,
    _object,
    parse_interval,
)
from solver.timeutil import DAYS, parse_hhmm

SCHEMA = "call-instance/1"
MAX_LINES = 20


@dataclass(frozen=True)
class CallSettings:
    """How long a call lasts and the grid its start times lie on (a call starts on a whole ``step_minutes``)."""

    call_minutes: int
    step_minutes: int

    def __post_init__(self) -> None:
        _check(_is_int(self.call_minutes) and 5 <= self.call_minutes <= 120,
               f"call_minutes must be a whole number from 5 to 120, got {self.call_minutes!r}")
        _check(_is_int(self.step_minutes) and 5 <= self.step_minutes <= 60,
               f"step_minutes must be a whole number from 5 to 60, got {self.step_minutes!r}")


@dataclass(frozen=True)
class CallSite:
    """A site's call room: how many calls its equipment carries at once, and when the room is open."""

    id: str
    name: str
    lines: int
    room_hours: tuple[Interval, ...]

    def __post_init__(self) -> None:
        _check_id(self.id)
        _check(_is_int(self.lines) and 1 <= self.lines <= MAX_LINES,
               f"lines must be a whole number from 1 to {MAX_LINES}, got {self.lines!r}")


@dataclass(frozen=True)
class Slot:
    """A call's day and start time (last week's slot of a family)."""

    day: str
    start: int

    def __post_init__(self) -> None:
        _check(self.day in DAYS, f"day must be one of {', '.join(DAYS)}, got {self.day!r}")
        _check(_is_int(self.start) and 0 <= self.start < 24 * 60, "start must be a time of day")


@dataclass(frozen=True)
class Family:
    """The parents of one or more children (siblings share one call): when they can take a call, last week's slot."""

    id: str
    site: str
    parent_hours: tuple[Interval, ...]
    previous: Slot | None = None

    def __post_init__(self) -> None:
        _check_id(self.id)
        _check_id(self.site, "site")


@dataclass(frozen=True)
class CallChild:
    """A child, her family and how many calls a week she needs (at least one; more in a case plan)."""

    id: str
    name: str
    family: str
    calls_per_week: int

    def __post_init__(self) -> None:
        _check_id(self.id)
        _check_id(self.family, "family")
        _check(_is_int(self.calls_per_week) and 1 <= self.calls_per_week <= len(DAYS),
               f"calls_per_week must be a whole number from 1 to 7, got {self.calls_per_week!r}")


@dataclass(frozen=True)
class Supervisor:
    """A staff member or volunteer who can sit with a call at her site during her availability."""

    id: str
    name: str
    site: str
    availability: tuple[Interval, ...]
    max_calls_per_week: int | None = None

    def __post_init__(self) -> None:
        _check_id(self.id)
        _check_id(self.site, "site")
        if self.max_calls_per_week is not None:
            _check(_is_int(self.max_calls_per_week) and self.max_calls_per_week >= 0,
                   f"max_calls_per_week must be a whole number >= 0, got {self.max_calls_per_week!r}")


@dataclass(frozen=True)
class CallInstance:
    """One week of the call window, with cross-references checked."""

    week_start: dt.date
    settings: CallSettings
    sites: tuple[CallSite, ...]
    families: tuple[Family, ...]
    children: tuple[CallChild, ...]
    supervisors: tuple[Supervisor, ...]
    site_by_id: Mapping[str, CallSite] = field(init=False, repr=False, compare=False)
    family_by_id: Mapping[str, Family] = field(init=False, repr=False, compare=False)
    child_by_id: Mapping[str, CallChild] = field(init=False, repr=False, compare=False)
    supervisor_by_id: Mapping[str, Supervisor] = field(init=False, repr=False, compare=False)
    children_of: Mapping[str, tuple[CallChild, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        _check(self.week_start.weekday() == 0, f"week_start must be a Monday, got {self.week_start.isoformat()}")
        object.__setattr__(self, "site_by_id", _index(self.sites, "sites"))
        object.__setattr__(self, "family_by_id", _index(self.families, "families"))
        object.__setattr__(self, "child_by_id", _index(self.children, "children"))
        object.__setattr__(self, "supervisor_by_id", _index(self.supervisors, "supervisors"))
        siblings: dict[str, list[CallChild]] = {}
        for child in self.children:
            siblings.setdefault(child.family, []).append(child)
        object.__setattr__(self, "children_of", {k: tuple(v) for k, v in siblings.items()})

    def need(self, family: Family) -> int:
        """Calls the family needs in the week: the most any of its children needs (siblings share each call)."""
        return max((c.calls_per_week for c in self.children_of.get(family.id, ())), default=0)

    def families_at(self, site: CallSite) -> list[Family]:
        """The families whose children call from that site, in instance order."""
        return [f for f in self.families if f.site == site.id]

    def supervisors_at(self, site: CallSite) -> list[Supervisor]:
        """The supervisors of that site, in instance order."""
        return [s for s in self.supervisors if s.site == site.id]


# ---------------------------------------------------------------- JSON → dataclasses

def _intervals(obj: Mapping[str, Any], key: str, path: str) -> tuple[Interval, ...]:
    return _list(_field(obj, key, path), f"{path}.{key}", parse_interval)


def _parse_settings(raw: object, path: str) -> CallSettings:
    obj = _object(raw, path, ("call_minutes", "step_minutes"))
    return _build(CallSettings, path, call_minutes=_field(obj, "call_minutes", path),
                  step_minutes=_field(obj, "step_minutes", path, default=5))


def _parse_site(raw: object, path: str) -> CallSite:
    obj = _object(raw, path, ("id", "name", "lines", "room_hours"))
    return _build(CallSite, path, id=_field(obj, "id", path), name=str(_field(obj, "name", path, default="")),
                  lines=_field(obj, "lines", path), room_hours=_intervals(obj, "room_hours", path))


def parse_slot(raw: object, path: str) -> Slot:
    """Parse {"day", "start"} into a Slot."""
    obj = _object(raw, path, ("day", "start"))
    try:
        start = parse_hhmm(_field(obj, "start", path))
    except ValueError as exc:
        raise InstanceError(f"{path}.start", str(exc)) from None
    return _build(Slot, path, day=_field(obj, "day", path), start=start)


def _parse_family(raw: object, path: str) -> Family:
    obj = _object(raw, path, ("id", "site", "parent_hours", "previous"))
    previous = obj.get("previous")
    return _build(Family, path, id=_field(obj, "id", path), site=_field(obj, "site", path),
                  parent_hours=_intervals(obj, "parent_hours", path),
                  previous=None if previous is None else parse_slot(previous, f"{path}.previous"))


def _parse_child(raw: object, path: str) -> CallChild:
    obj = _object(raw, path, ("id", "name", "family", "calls_per_week"))
    return _build(CallChild, path, id=_field(obj, "id", path), name=str(_field(obj, "name", path, default="")),
                  family=_field(obj, "family", path), calls_per_week=_field(obj, "calls_per_week", path, default=1))


def _parse_supervisor(raw: object, path: str) -> Supervisor:
    obj = _object(raw, path, ("id", "name", "site", "availability", "max_calls_per_week"))
    return _build(Supervisor, path, id=_field(obj, "id", path), name=str(_field(obj, "name", path, default="")),
                  site=_field(obj, "site", path), availability=_intervals(obj, "availability", path),
                  max_calls_per_week=_field(obj, "max_calls_per_week", path, default=None))


def parse_call_instance(raw: object) -> CallInstance:
    """Turn a call-instance/1 JSON document into a CallInstance, or raise InstanceError naming the field."""
    obj = _object(raw, "", ("schema", "week_start", "settings", "sites", "families", "children", "supervisors"))
    if obj.get("schema") != SCHEMA:
        raise InstanceError("schema", f"expected {SCHEMA!r}, got {obj.get('schema')!r}")
    try:
        week_start = dt.date.fromisoformat(_field(obj, "week_start", ""))
    except (TypeError, ValueError):
        raise InstanceError("week_start", f"expected an ISO date, got {obj.get('week_start')!r}") from None
    inst = _build(CallInstance, "", week_start=week_start,
                  settings=_parse_settings(_field(obj, "settings", ""), "settings"),
                  sites=_list(_field(obj, "sites", ""), "sites", _parse_site),
                  families=_list(_field(obj, "families", ""), "families", _parse_family),
                  children=_list(_field(obj, "children", ""), "children", _parse_child),
                  supervisors=_list(_field(obj, "supervisors", ""), "supervisors", _parse_supervisor))
    _check_references(inst)
    return inst


def _check_references(inst: CallInstance) -> None:
    """Every id names something in the instance; every family has a child; no interval list overlaps itself."""
    for i, fam in enumerate(inst.families):
        if fam.site not in inst.site_by_id:
            raise InstanceError(f"families[{i}].site", f"no site {fam.site!r}")
        if fam.id not in inst.children_of:
            raise InstanceError(f"families[{i}]", f"family {fam.id!r} has no child")
        _check_disjoint(fam.parent_hours, f"families[{i}].parent_hours")
    for i, child in enumerate(inst.children):
        if child.family not in inst.family_by_id:
            raise InstanceError(f"children[{i}].family", f"no family {child.family!r}")
    for i, sup in enumerate(inst.supervisors):
        if sup.site not in inst.site_by_id:
            raise InstanceError(f"supervisors[{i}].site", f"no site {sup.site!r}")
        _check_disjoint(sup.availability, f"supervisors[{i}].availability")
    for i, site in enumerate(inst.sites):
        _check_disjoint(site.room_hours, f"sites[{i}].room_hours")


def _check_disjoint(intervals: tuple[Interval, ...], path: str) -> None:
    """Intervals of one list do not overlap (a call lies inside one of them, so overlaps would hide a typo)."""
    ordered = sorted(range(len(intervals)), key=lambda k: (intervals[k].day, intervals[k].start))
    for a, b in zip(ordered, ordered[1:], strict=False):
        x, y = intervals[a], intervals[b]
        if x.day == y.day and y.start < x.end:
            raise InstanceError(f"{path}[{b}]", f"overlaps {path}[{a}] on {x.day}")
