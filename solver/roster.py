"""The roster/1 document as frozen dataclasses, with JSON read and write."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from solver.instance import InstanceError, _build, _field, _list, _object, parse_times
from solver.messages import as_json
from solver.timeutil import DAYS, format_hhmm

SCHEMA = "roster/1"


def _check_activity(day: str, start: int, end: int) -> None:
    """An activity lies on a named day, starting before it ends, within that day."""
    if day not in DAYS:
        raise ValueError(f"day must be one of {', '.join(DAYS)}, got {day!r}")
    if not 0 <= start < end <= 24 * 60:
        raise ValueError("start must be before end within one day")


@dataclass(frozen=True)
class TutoringAssignment:
    """A tutor staffing a whole session of a site on a day."""

    volunteer: str
    site: str
    day: str
    start: int
    end: int

    def __post_init__(self) -> None:
        _check_activity(self.day, self.start, self.end)

    def to_json(self) -> dict[str, str]:
        """The contract's form."""
        return {"volunteer": self.volunteer, "site": self.site, "day": self.day,
                "start": format_hhmm(self.start), "end": format_hhmm(self.end)}


@dataclass(frozen=True)
class Visit:
    """A volunteer's home visit to a child on a day."""

    volunteer: str
    child: str
    day: str
    start: int
    end: int

    def __post_init__(self) -> None:
        _check_activity(self.day, self.start, self.end)

    def to_json(self) -> dict[str, str]:
        """The contract's form."""
        return {"volunteer": self.volunteer, "child": self.child, "day": self.day,
                "start": format_hhmm(self.start), "end": format_hhmm(self.end)}


@dataclass(frozen=True)
class UnmetVisits:
    """A child left with fewer visits than needed."""

    child: str
    missing: int
    reason: str = ""


@dataclass(frozen=True)
class UnmetTutors:
    """A session left with fewer tutors than required."""

    site: str
    day: str
    missing: int
    reason: str = ""


@dataclass(frozen=True)
class UnmetSubject:
    """A subject needed at a session that none of its tutors teaches."""

    site: str
    day: str
    subject: str
    reason: str = ""


@dataclass(frozen=True)
class Unmet:
    """Everything the roster leaves undone."""

    visits: tuple[UnmetVisits, ...] = ()
    tutors: tuple[UnmetTutors, ...] = ()
    subjects: tuple[UnmetSubject, ...] = ()

    def to_json(self) -> dict[str, list[dict[str, Any]]]:
        """The contract's form; reasons are left out when empty."""
        def clean(d: dict[str, Any]) -> dict[str, Any]:
            return {k: v for k, v in d.items() if not (k == "reason" and not v)}
        return {
            "visits": [clean({"child": u.child, "missing": u.missing, "reason": u.reason}) for u in self.visits],
            "tutors": [clean({"site": u.site, "day": u.day, "missing": u.missing, "reason": u.reason})
                       for u in self.tutors],
            "subjects": [clean({"site": u.site, "day": u.day, "subject": u.subject, "reason": u.reason})
                         for u in self.subjects],
        }

    def reasons_json(self) -> dict[str, list[dict[str, Any] | None]]:
        """Each entry's reason as a translatable message (``solver.messages``), in the order of ``to_json``;
        None where a reason is plain text. This is beside the contract, not part of it."""
        return {"visits": [as_json(u.reason) for u in self.visits],
                "tutors": [as_json(u.reason) for u in self.tutors],
                "subjects": [as_json(u.reason) for u in self.subjects]}


@dataclass(frozen=True)
class Roster:
    """One week's roster: tutoring, visits, what is left undone, and the solver's figures."""

    week_start: dt.date
    tutoring: tuple[TutoringAssignment, ...] = ()
    visits: tuple[Visit, ...] = ()
    unmet: Unmet = field(default_factory=Unmet)
    stats: Mapping[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The roster/1 document."""
        return {"schema": SCHEMA, "week_start": self.week_start.isoformat(),
                "tutoring": [a.to_json() for a in self.tutoring],
                "visits": [v.to_json() for v in self.visits],
                "unmet": self.unmet.to_json(), "stats": dict(self.stats)}


def _parse_tutoring(raw: object, path: str) -> TutoringAssignment:
    obj = _object(raw, path, ("volunteer", "site", "day", "start", "end"))
    return _build(TutoringAssignment, path, volunteer=_field(obj, "volunteer", path), site=_field(obj, "site", path),
                  day=_field(obj, "day", path), **parse_times(obj, path))


def _parse_visit(raw: object, path: str) -> Visit:
    obj = _object(raw, path, ("volunteer", "child", "day", "start", "end"))
    return _build(Visit, path, volunteer=_field(obj, "volunteer", path), child=_field(obj, "child", path),
                  day=_field(obj, "day", path), **parse_times(obj, path))


def parse_roster(raw: object) -> Roster:
    """Turn a roster/1 JSON document into a Roster, or raise InstanceError naming the field."""
    obj = _object(raw, "", ("schema", "week_start", "tutoring", "visits", "unmet", "stats"))
    if _field(obj, "schema", "") != SCHEMA:
        raise InstanceError("schema", f"expected {SCHEMA!r}, got {obj.get('schema')!r}")
    try:
        week_start = dt.date.fromisoformat(str(_field(obj, "week_start", "")))
    except ValueError:
        raise InstanceError("week_start", "expected an ISO date") from None
    unmet_obj = _object(_field(obj, "unmet", ""), "unmet", ("visits", "tutors", "subjects"))

    def unmet_visits(raw: object, path: str) -> UnmetVisits:
        o = _object(raw, path, ("child", "missing", "reason"))
        return UnmetVisits(child=_field(o, "child", path), missing=_field(o, "missing", path),
                           reason=str(o.get("reason", "")))

    def unmet_tutors(raw: object, path: str) -> UnmetTutors:
        o = _object(raw, path, ("site", "day", "missing", "reason"))
        return UnmetTutors(site=_field(o, "site", path), day=_field(o, "day", path),
                           missing=_field(o, "missing", path), reason=str(o.get("reason", "")))

    def unmet_subject(raw: object, path: str) -> UnmetSubject:
        o = _object(raw, path, ("site", "day", "subject", "reason"))
        return UnmetSubject(site=_field(o, "site", path), day=_field(o, "day", path),
                            subject=_field(o, "subject", path), reason=str(o.get("reason", "")))

    unmet = Unmet(visits=_list(_field(unmet_obj, "visits", "unmet"), "unmet.visits", unmet_visits),
                  tutors=_list(_field(unmet_obj, "tutors", "unmet"), "unmet.tutors", unmet_tutors),
                  subjects=_list(_field(unmet_obj, "subjects", "unmet"), "unmet.subjects", unmet_subject))
    stats = _field(obj, "stats", "")
    if not isinstance(stats, Mapping):
        raise InstanceError("stats", "expected an object")
    return Roster(week_start=week_start,
                  tutoring=_list(_field(obj, "tutoring", ""), "tutoring", _parse_tutoring),
                  visits=_list(_field(obj, "visits", ""), "visits", _parse_visit),
                  unmet=unmet, stats=dict(stats))
