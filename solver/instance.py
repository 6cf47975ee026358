"""The roster-instance/1 document as frozen, self-validating dataclasses.

Every constructor checks its own values in ``__post_init__``; ``parse_instance`` turns JSON
into these objects and reports the first problem as an ``InstanceError`` naming the JSON path
(``children[3].visit_windows[0].end``) and the reason, never a traceback.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from solver.messages import DAY_IDS, Message
from solver.timeutil import DAYS, format_hhmm, parse_hhmm

SCHEMA = "roster-instance/1"
ROLES = ("tutor", "visitor")
MAX_ID_LENGTH = 64
T = TypeVar("T")


class InstanceError(ValueError):
    """A roster instance that does not follow the contract; ``path`` names the JSON field."""

    def __init__(self, path: str, reason: str):
        super().__init__(f"{path or '(document)'}: {reason}")
        self.path = path
        self.reason = reason


def _check(condition: bool, reason: str) -> None:
    """Raise ValueError(reason) unless condition holds."""
    if not condition:
        raise ValueError(reason)


def _check_id(value: object, what: str = "id") -> None:
    """An id is a non-empty string of at most 64 characters."""
    _check(isinstance(value, str) and 1 <= len(value) <= MAX_ID_LENGTH,
           f"{what} must be a string of 1 to {MAX_ID_LENGTH} characters, got {value!r}")


def _check_point(lat: float, lon: float) -> None:
    """A point is WGS84 degrees: -90 <= lat <= 90, -180 <= lon <= 180."""
    _check(_is_number(lat) and -90 <= lat <= 90, f"lat must be a number in [-90, 90], got {lat!r}")
    _check(_is_number(lon) and -180 <= lon <= 180, f"lon must be a number in [-180, 180], got {lon!r}")


def _is_number(value: object) -> bool:
    """True for finite int/float values that are not booleans."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _is_int(value: object) -> bool:
    """True for ints that are not booleans."""
    return isinstance(value, int) and not isinstance(value, bool)


@dataclass(frozen=True)
class Settings:
    """Organisation-wide settings: visit length, travel speed and road factor."""

    visit_minutes: int
    speed_kmh: float
    road_factor: float

    def __post_init__(self) -> None:
        _check(_is_int(self.visit_minutes) and 10 <= self.visit_minutes <= 240,
               f"visit_minutes must be a whole number from 10 to 240, got {self.visit_minutes!r}")
        _check(_is_number(self.speed_kmh) and 0 < self.speed_kmh <= 120,
               f"speed_kmh must be a number in (0, 120], got {self.speed_kmh!r}")
        _check(_is_number(self.road_factor) and 1 <= self.road_factor <= 5,
               f"road_factor must be a number in [1, 5], got {self.road_factor!r}")


@dataclass(frozen=True)
class Interval:
    """A time interval [start, end) on one day, in minutes after midnight."""

    day: str
    start: int
    end: int

    def __post_init__(self) -> None:
        _check(self.day in DAYS, f"day must be one of {', '.join(DAYS)}, got {self.day!r}")
        _check(_is_int(self.start) and _is_int(self.end), "start and end must be minutes")
        _check(0 <= self.start < self.end <= 24 * 60,
               f"start must be before end within one day, got {self.start}..{self.end}")

    def contains(self, start: int, end: int) -> bool:
        """True when [start, end) lies inside this interval."""
        return self.start <= start and end <= self.end

    def to_json(self) -> dict[str, str]:
        """The contract's {"day", "start", "end"} form."""
        return {"day": self.day, "start": format_hhmm(self.start), "end": _format_end(self.end)}


def _format_end(minutes: int) -> str:
    """Format an interval end; the contract's times stop at 23:59."""
    return format_hhmm(min(minutes, 24 * 60 - 1))


@dataclass(frozen=True)
class Site:
    """A place holding 4:30 classroom sessions, with its tutor ratio."""

    id: str
    name: str
    lat: float
    lon: float
    sessions: tuple[Interval, ...]
    children_per_tutor: int
    min_tutors: int

    def __post_init__(self) -> None:
        _check_id(self.id)
        _check_point(self.lat, self.lon)
        _check(_is_int(self.children_per_tutor) and self.children_per_tutor >= 1,
               f"children_per_tutor must be a whole number >= 1, got {self.children_per_tutor!r}")
        _check(_is_int(self.min_tutors) and self.min_tutors >= 0,
               f"min_tutors must be a whole number >= 0, got {self.min_tutors!r}")
        days = [s.day for s in self.sessions]
        _check(len(days) == len(set(days)), "a site holds at most one session a day")

    def session_on(self, day: str) -> Interval | None:
        """The site's session on that day, if it holds one."""
        return next((s for s in self.sessions if s.day == day), None)


@dataclass(frozen=True)
class Child:
    """A child: where they live, which sessions they attend, and the visits they need."""

    id: str
    name: str
    lat: float
    lon: float
    site: str | None
    attends: tuple[str, ...]
    subjects: tuple[str, ...]
    visits_per_week: int
    visit_windows: tuple[Interval, ...]
    priority: int
    needs_trained: bool
    grade: int | None = None
    primary_volunteer: str | None = None

    def __post_init__(self) -> None:
        _check_id(self.id)
        _check_point(self.lat, self.lon)
        if self.site is not None:
            _check_id(self.site, "site")
        _check(all(d in DAYS for d in self.attends), f"attends must list days, got {list(self.attends)!r}")
        _check(len(set(self.attends)) == len(self.attends), "attends lists a day twice")
        _check(len(set(self.subjects)) == len(self.subjects), "subjects lists a subject twice")
        _check(self.site is not None or not self.attends, "a child with no site attends no sessions")
        _check(_is_int(self.visits_per_week) and 0 <= self.visits_per_week <= len(DAYS),
               f"visits_per_week must be a whole number from 0 to 7, got {self.visits_per_week!r}")
        _check(_is_int(self.priority) and 1 <= self.priority <= 5,
               f"priority must be a whole number from 1 to 5, got {self.priority!r}")
        _check(isinstance(self.needs_trained, bool), "needs_trained must be true or false")
        if self.grade is not None:
            _check(_is_int(self.grade) and 0 <= self.grade <= 12, f"grade must be 0 to 12, got {self.grade!r}")
        if self.primary_volunteer is not None:
            _check_id(self.primary_volunteer, "primary_volunteer")

    @property
    def point(self) -> tuple[float, float]:
        """The child's home as (lat, lon)."""
        return (self.lat, self.lon)


@dataclass(frozen=True)
class Volunteer:
    """A volunteer: roles, home point, reach, weekly availability and load limits."""

    id: str
    name: str
    roles: tuple[str, ...]
    lat: float
    lon: float
    availability: tuple[Interval, ...]
    max_km: float
    subjects: tuple[str, ...] = ()
    trained: bool = False
    max_sessions_per_week: int = 0
    max_visits_per_week: int = 0
    max_visits_per_day: int = 0

    def __post_init__(self) -> None:
        _check_id(self.id)
        _check(len(self.roles) >= 1, "roles must name at least one role")
        _check(all(r in ROLES for r in self.roles), f"roles must be tutor or visitor, got {list(self.roles)!r}")
        _check(len(set(self.roles)) == len(self.roles), "roles lists a role twice")
        _check_point(self.lat, self.lon)
        _check(_is_number(self.max_km) and self.max_km >= 0, f"max_km must be a number >= 0, got {self.max_km!r}")
        _check(isinstance(self.trained, bool), "trained must be true or false")
        for name in ("max_sessions_per_week", "max_visits_per_week", "max_visits_per_day"):
            value = getattr(self, name)
            _check(_is_int(value) and value >= 0, f"{name} must be a whole number >= 0, got {value!r}")

    @property
    def point(self) -> tuple[float, float]:
        """The volunteer's home (or campus) as (lat, lon)."""
        return (self.lat, self.lon)

    def is_tutor(self) -> bool:
        """True when the volunteer tutors at 4:30 classroom sessions."""
        return "tutor" in self.roles

    def is_visitor(self) -> bool:
        """True when the volunteer makes home visits."""
        return "visitor" in self.roles


Slot = tuple[str, str, str, str]
"""An assignment as pins, forbidden and previous assignments name it: (kind, volunteer, target, day)."""


@dataclass(frozen=True)
class AssignmentRef:
    """A pinned, forbidden or previous assignment: a volunteer at a site or with a child on a day."""

    kind: str
    volunteer: str
    day: str
    site: str | None = None
    child: str | None = None

    def __post_init__(self) -> None:
        _check(self.kind in ("tutoring", "visit"), f"kind must be tutoring or visit, got {self.kind!r}")
        _check_id(self.volunteer, "volunteer")
        _check(self.day in DAYS, f"day must be one of {', '.join(DAYS)}, got {self.day!r}")
        if self.kind == "tutoring":
            _check_id(self.site, "site")
            _check(self.child is None, "a tutoring assignment names a site, not a child")
        else:
            _check_id(self.child, "child")
            _check(self.site is None, "a visit names a child, not a site")

    @property
    def target(self) -> str:
        """The site id of a tutoring assignment or the child id of a visit."""
        return self.site if self.kind == "tutoring" else self.child  # type: ignore[return-value]  # __post_init__ checked the kind's id is set

    @property
    def slot(self) -> Slot:
        """Which assignment this names: the key a candidate shares when it is that assignment."""
        return (self.kind, self.volunteer, self.target, self.day)

    def describe(self) -> Message:
        """A short human description, e.g. 'visit V3 → C2 on sat'."""
        if self.kind == "tutoring":
            return Message("tutoring %(volunteer)s → %(target)s on %(day)s", volunteer=self.volunteer,
                           target=self.target, day=DAY_IDS[self.day])
        return Message("visit %(volunteer)s → %(target)s on %(day)s", volunteer=self.volunteer, target=self.target,
                       day=DAY_IDS[self.day])

    def to_json(self) -> dict[str, str]:
        """The contract's assignment form."""
        key = "site" if self.kind == "tutoring" else "child"
        return {"kind": self.kind, "volunteer": self.volunteer, key: self.target, "day": self.day}


@dataclass(frozen=True)
class Instance:
    """One week of the roster problem, with cross-references checked."""

    week_start: dt.date
    settings: Settings
    sites: tuple[Site, ...]
    children: tuple[Child, ...]
    volunteers: tuple[Volunteer, ...]
    pinned: tuple[AssignmentRef, ...] = ()
    forbidden: tuple[AssignmentRef, ...] = ()
    previous: tuple[AssignmentRef, ...] = ()
    name: str = ""
    site_by_id: Mapping[str, Site] = field(init=False, repr=False, compare=False)
    child_by_id: Mapping[str, Child] = field(init=False, repr=False, compare=False)
    volunteer_by_id: Mapping[str, Volunteer] = field(init=False, repr=False, compare=False)
    # (site id, day) → children attending, in instance order: looked up for every candidate, so indexed once.
    attending_by_session: Mapping[tuple[str, str], tuple[Child, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        _check(self.week_start.weekday() == 0, f"week_start must be a Monday, got {self.week_start.isoformat()}")
        object.__setattr__(self, "site_by_id", _index(self.sites, "sites"))
        object.__setattr__(self, "child_by_id", _index(self.children, "children"))
        object.__setattr__(self, "volunteer_by_id", _index(self.volunteers, "volunteers"))
        attending: dict[tuple[str, str], list[Child]] = {}
        for child in self.children:
            if child.site is not None:
                for day in child.attends:
                    attending.setdefault((child.site, day), []).append(child)
        object.__setattr__(self, "attending_by_session", {k: tuple(v) for k, v in attending.items()})

    def attending(self, site: Site, day: str) -> list[Child]:
        """Children who attend the site's session on that day."""
        return list(self.attending_by_session.get((site.id, day), ()))

    def required_tutors(self, site: Site, day: str) -> int:
        """Tutors a session needs: max(min_tutors, ceil(attending / ratio)), zero when nobody attends."""
        attending = len(self.attending(site, day))
        if attending == 0 or site.session_on(day) is None:
            return 0
        return max(site.min_tutors, math.ceil(attending / site.children_per_tutor))

    def needed_subjects(self, site: Site, day: str) -> list[str]:
        """Subjects that children attending the session need, sorted."""
        return sorted({s for c in self.attending(site, day) for s in c.subjects})


def _index(items: tuple[Any, ...], path: str) -> dict[str, Any]:
    """Map id → item, refusing duplicate ids with the path of the second one."""
    index: dict[str, Any] = {}
    for i, item in enumerate(items):
        if item.id in index:
            raise InstanceError(f"{path}[{i}].id", f"duplicate id {item.id!r}")
        index[item.id] = item
    return index


# ---------------------------------------------------------------- JSON → dataclasses

def _field(obj: Mapping[str, Any], key: str, path: str, *, default: Any = ..., allowed: tuple[str, ...] = ()) -> Any:
    """Read obj[key], raising InstanceError naming path.key when it is required and missing."""
    if key in obj:
        return obj[key]
    if default is ...:
        raise InstanceError(f"{path}.{key}" if path else key, "required field is missing")
    return default


def _object(raw: object, path: str, keys: tuple[str, ...]) -> Mapping[str, Any]:
    """Check raw is a JSON object with only the contract's keys."""
    if not isinstance(raw, Mapping):
        raise InstanceError(path, f"expected an object, got {type(raw).__name__}")
    extra = sorted(set(raw) - set(keys))
    if extra:
        raise InstanceError(f"{path}.{extra[0]}" if path else extra[0], "unknown field")
    return raw


def _list(raw: object, path: str, parse: Callable[[object, str], T]) -> tuple[T, ...]:
    """Parse a JSON array item by item, each with its own indexed path."""
    if not isinstance(raw, list):
        raise InstanceError(path, f"expected an array, got {type(raw).__name__}")
    return tuple(parse(item, f"{path}[{i}]") for i, item in enumerate(raw))


def _strings(raw: object, path: str) -> tuple[str, ...]:
    """Parse an array of strings."""
    def one(item: object, p: str) -> str:
        if not isinstance(item, str):
            raise InstanceError(p, f"expected a string, got {item!r}")
        return item
    return _list(raw, path, one)


def _build(cls: type[T], path: str, **kwargs: Any) -> T:
    """Construct a dataclass, turning its own validation errors into InstanceError at path."""
    try:
        return cls(**kwargs)
    except InstanceError:
        raise
    except (ValueError, TypeError) as exc:
        raise InstanceError(path, str(exc)) from None


def parse_times(obj: Mapping[str, Any], path: str) -> dict[str, int]:
    """Read "start" and "end" as minutes, naming the field that is not a time."""
    times = {}
    for key in ("start", "end"):
        try:
            times[key] = parse_hhmm(_field(obj, key, path))
        except ValueError as exc:
            raise InstanceError(f"{path}.{key}", str(exc)) from None
    return times


def parse_interval(raw: object, path: str) -> Interval:
    """Parse {"day", "start", "end"} into an Interval."""
    obj = _object(raw, path, ("day", "start", "end"))
    return _build(Interval, path, day=_field(obj, "day", path), **parse_times(obj, path))


def _parse_site(raw: object, path: str) -> Site:
    keys = ("id", "name", "lat", "lon", "sessions", "children_per_tutor", "min_tutors")
    obj = _object(raw, path, keys)
    return _build(Site, path, id=_field(obj, "id", path), name=str(_field(obj, "name", path)),
                  lat=_field(obj, "lat", path), lon=_field(obj, "lon", path),
                  sessions=_list(_field(obj, "sessions", path), f"{path}.sessions", parse_interval),
                  children_per_tutor=_field(obj, "children_per_tutor", path),
                  min_tutors=_field(obj, "min_tutors", path))


def _parse_child(raw: object, path: str) -> Child:
    keys = ("id", "name", "grade", "lat", "lon", "site", "attends", "subjects", "visits_per_week",
            "visit_windows", "priority", "needs_trained", "primary_volunteer")
    obj = _object(raw, path, keys)
    return _build(Child, path, id=_field(obj, "id", path), name=str(_field(obj, "name", path)),
                  grade=_field(obj, "grade", path, default=None),
                  lat=_field(obj, "lat", path), lon=_field(obj, "lon", path),
                  site=_field(obj, "site", path),
                  attends=_strings(_field(obj, "attends", path), f"{path}.attends"),
                  subjects=_strings(_field(obj, "subjects", path), f"{path}.subjects"),
                  visits_per_week=_field(obj, "visits_per_week", path),
                  visit_windows=_list(_field(obj, "visit_windows", path), f"{path}.visit_windows", parse_interval),
                  priority=_field(obj, "priority", path), needs_trained=_field(obj, "needs_trained", path),
                  primary_volunteer=_field(obj, "primary_volunteer", path, default=None))


def _parse_volunteer(raw: object, path: str) -> Volunteer:
    keys = ("id", "name", "roles", "lat", "lon", "subjects", "trained", "availability", "max_km",
            "max_sessions_per_week", "max_visits_per_week", "max_visits_per_day")
    obj = _object(raw, path, keys)
    return _build(Volunteer, path, id=_field(obj, "id", path), name=str(_field(obj, "name", path)),
                  roles=_strings(_field(obj, "roles", path), f"{path}.roles"),
                  lat=_field(obj, "lat", path), lon=_field(obj, "lon", path),
                  subjects=_strings(_field(obj, "subjects", path, default=[]), f"{path}.subjects"),
                  trained=_field(obj, "trained", path, default=False),
                  availability=_list(_field(obj, "availability", path), f"{path}.availability", parse_interval),
                  max_km=_field(obj, "max_km", path),
                  max_sessions_per_week=_field(obj, "max_sessions_per_week", path, default=0),
                  max_visits_per_week=_field(obj, "max_visits_per_week", path, default=0),
                  max_visits_per_day=_field(obj, "max_visits_per_day", path, default=0))


def parse_assignment_ref(raw: object, path: str) -> AssignmentRef:
    """Parse a pinned/forbidden/previous entry."""
    obj = _object(raw, path, ("kind", "volunteer", "site", "child", "day"))
    kind = _field(obj, "kind", path)
    target = "site" if kind == "tutoring" else "child"
    _field(obj, target, path)  # the key the kind needs must be there
    return _build(AssignmentRef, path, kind=kind, volunteer=_field(obj, "volunteer", path),
                  day=_field(obj, "day", path), site=obj.get("site"), child=obj.get("child"))


def parse_instance(raw: object) -> Instance:
    """Turn a roster-instance/1 JSON document into an Instance, or raise InstanceError naming the field."""
    keys = ("schema", "name", "week_start", "settings", "sites", "children", "volunteers",
            "pinned", "forbidden", "previous")
    obj = _object(raw, "", keys)
    if _field(obj, "schema", "") != SCHEMA:
        raise InstanceError("schema", f"expected {SCHEMA!r}, got {obj.get('schema')!r}")
    try:
        week_start = dt.date.fromisoformat(str(_field(obj, "week_start", "")))
    except ValueError:
        raise InstanceError("week_start", f"expected an ISO date, got {obj.get('week_start')!r}") from None
    settings_obj = _object(_field(obj, "settings", ""), "settings", ("visit_minutes", "speed_kmh", "road_factor"))
    settings = _build(Settings, "settings", visit_minutes=_field(settings_obj, "visit_minutes", "settings"),
                      speed_kmh=_field(settings_obj, "speed_kmh", "settings"),
                      road_factor=_field(settings_obj, "road_factor", "settings"))
    sites = _list(_field(obj, "sites", ""), "sites", _parse_site)
    children = _list(_field(obj, "children", ""), "children", _parse_child)
    volunteers = _list(_field(obj, "volunteers", ""), "volunteers", _parse_volunteer)
    refs = {key: _list(obj.get(key, []), key, parse_assignment_ref) for key in ("pinned", "forbidden", "previous")}
    instance = _build(Instance, "", week_start=week_start, settings=settings, sites=sites, children=children,
                      volunteers=volunteers, name=str(obj.get("name", "")), **refs)
    _check_references(instance)
    return instance


def _check_references(inst: Instance) -> None:
    """Ids that refer to other things must exist; pins must name things the week has."""
    for i, child in enumerate(inst.children):
        if child.site is not None and child.site not in inst.site_by_id:
            raise InstanceError(f"children[{i}].site", f"no site with id {child.site!r}")
        if child.primary_volunteer is not None and child.primary_volunteer not in inst.volunteer_by_id:
            raise InstanceError(f"children[{i}].primary_volunteer", f"no volunteer with id {child.primary_volunteer!r}")
        if child.site is not None:
            site = inst.site_by_id[child.site]
            for day in child.attends:
                if site.session_on(day) is None:
                    raise InstanceError(f"children[{i}].attends", f"site {site.id} holds no session on {day}")
    for key in ("pinned", "forbidden"):
        for i, ref in enumerate(getattr(inst, key)):
            if ref.volunteer not in inst.volunteer_by_id:
                raise InstanceError(f"{key}[{i}].volunteer", f"no volunteer with id {ref.volunteer!r}")
            targets = inst.site_by_id if ref.kind == "tutoring" else inst.child_by_id
            if ref.target not in targets:
                what = "site" if ref.kind == "tutoring" else "child"
                raise InstanceError(f"{key}[{i}].{what}", f"no {what} with id {ref.target!r}")
