"""The call-schedule/1 document: the week's calls and the children left short, as frozen dataclasses."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from solver.instance import (
    InstanceError,
    _build,
    _check,
    _check_id,
    _field,
    _is_int,
    _list,
    _object,
    _strings,
    parse_times,
)
from solver.timeutil import DAYS, format_hhmm

SCHEMA = "call-schedule/1"


@dataclass(frozen=True)
class Call:
    """One family call: the siblings, where and when, on which line, and who sits with them."""

    family: str
    children: tuple[str, ...]
    site: str
    day: str
    start: int
    end: int
    line: int
    supervisor: str

    def __post_init__(self) -> None:
        _check_id(self.family, "family")
        _check(len(self.children) >= 1, "a call names at least one child")
        for child in self.children:
            _check_id(child, "child")
        _check_id(self.site, "site")
        _check_id(self.supervisor, "supervisor")
        _check(self.day in DAYS, f"day must be one of {', '.join(DAYS)}, got {self.day!r}")
        _check(_is_int(self.start) and _is_int(self.end) and 0 <= self.start < self.end <= 24 * 60,
               f"start must be before end within one day, got {self.start}..{self.end}")
        _check(_is_int(self.line) and self.line >= 1, f"line must be a whole number >= 1, got {self.line!r}")

    def overlaps(self, other: Call) -> bool:
        """True when both calls are on the same day and their times intersect."""
        return self.day == other.day and self.start < other.end and other.start < self.end

    def to_json(self) -> dict[str, Any]:
        """The document's call form."""
        return {"family": self.family, "children": list(self.children), "site": self.site, "day": self.day,
                "start": format_hhmm(self.start), "end": format_hhmm(min(self.end, 24 * 60 - 1)),
                "line": self.line, "supervisor": self.supervisor}


@dataclass(frozen=True)
class UnmetCalls:
    """A child with fewer calls than she needs: how many are missing and why."""

    child: str
    missing: int
    reason: str

    def __post_init__(self) -> None:
        _check_id(self.child, "child")
        _check(_is_int(self.missing) and self.missing >= 1, f"missing must be >= 1, got {self.missing!r}")

    def to_json(self) -> dict[str, Any]:
        """The document's unmet form."""
        return {"child": self.child, "missing": self.missing, "reason": str(self.reason)}


@dataclass(frozen=True)
class CallSchedule:
    """A week's calls and what they leave undone."""

    week_start: dt.date
    calls: tuple[Call, ...]
    unmet: tuple[UnmetCalls, ...]

    def to_json(self) -> dict[str, Any]:
        """The call-schedule/1 document."""
        return {"schema": SCHEMA, "week_start": self.week_start.isoformat(),
                "calls": [c.to_json() for c in sorted(self.calls, key=_order)],
                "unmet": [u.to_json() for u in self.unmet]}


def _order(call: Call) -> tuple[str, int, int, str]:
    return (call.site, DAYS.index(call.day), call.start, call.family)


def _parse_call(raw: object, path: str) -> Call:
    obj = _object(raw, path, ("family", "children", "site", "day", "start", "end", "line", "supervisor"))
    return _build(Call, path, family=_field(obj, "family", path),
                  children=_strings(_field(obj, "children", path), f"{path}.children"),
                  site=_field(obj, "site", path), day=_field(obj, "day", path), **parse_times(obj, path),
                  line=_field(obj, "line", path), supervisor=_field(obj, "supervisor", path))


def _parse_unmet(raw: object, path: str) -> UnmetCalls:
    obj: Mapping[str, Any] = _object(raw, path, ("child", "missing", "reason"))
    return _build(UnmetCalls, path, child=_field(obj, "child", path), missing=_field(obj, "missing", path),
                  reason=str(_field(obj, "reason", path, default="")))


def parse_call_schedule(raw: object) -> CallSchedule:
    """Turn a call-schedule/1 JSON document into a CallSchedule, or raise InstanceError naming the field."""
    obj = _object(raw, "", ("schema", "week_start", "calls", "unmet"))
    if obj.get("schema") != SCHEMA:
        raise InstanceError("schema", f"expected {SCHEMA!r}, got {obj.get('schema')!r}")
    try:
        week_start = dt.date.fromisoformat(_field(obj, "week_start", ""))
    except (TypeError, ValueError):
        raise InstanceError("week_start", f"expected an ISO date, got {obj.get('week_start')!r}") from None
    return CallSchedule(week_start=week_start, calls=_list(_field(obj, "calls", ""), "calls", _parse_call),
                        unmet=_list(_field(obj, "unmet", "", default=[]), "unmet", _parse_unmet))
