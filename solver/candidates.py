"""Who could do what: every (volunteer, session or child, day, availability interval) that obeys the
rules that do not depend on other choices: roles, reach, training, availability with travel, windows,
load limits above zero, and forbidden pairs.
"""

from __future__ import annotations

import bisect
import math
import zlib
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from typing import Any

from solver.instance import Child, Instance, Interval, Slot, Volunteer
from solver.places import Geography, Place
from solver.settings import SolverSettings

KM_TOLERANCE = 1e-6
KM_PER_DEGREE = 110.0  # a little under the true 111.2 km, so the box is never too small
BOX_MARGIN_DEG = 0.001


@dataclass(frozen=True)
class Candidate:
    """A possible activity: who, what, which day, inside which availability interval, and when it may start."""

    index: int
    kind: str  # "tutoring" | "visit"
    volunteer: str
    target: str  # site id or child id
    day: str
    interval: Interval  # the volunteer's availability interval that holds it (one run = one interval)
    starts: tuple[tuple[int, int], ...]  # feasible start ranges [lo, hi], inclusive, sorted
    duration: int
    place: Place
    km_from_home: float

    @property
    def earliest(self) -> int:
        """Earliest feasible start."""
        return self.starts[0][0]

    @property
    def latest(self) -> int:
        """Latest feasible start."""
        return self.starts[-1][1]

    @property
    def slot(self) -> Slot:
        """The assignment this candidate would make, as a pin or a forbidden assignment names it."""
        return (self.kind, self.volunteer, self.target, self.day)

    @property
    def fixed(self) -> bool:
        """True for tutoring, whose times are the session's."""
        return self.kind == "tutoring"


def _forbidden(instance: Instance) -> set[Slot]:
    return {f.slot for f in instance.forbidden}


def _window_ranges(interval: Interval, windows: list[Interval], go: int, back: int, duration: int
                   ) -> list[tuple[int, int]]:
    """Start ranges inside the availability interval (leaving time to travel) and inside one window."""
    ranges = []
    for w in windows:
        lo = max(w.start, interval.start + go)
        hi = min(w.end, interval.end - back) - duration
        if lo <= hi:
            ranges.append((lo, hi))
    ranges.sort()
    merged: list[tuple[int, int]] = []
    for lo, hi in ranges:
        if merged and lo <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
        else:
            merged.append((lo, hi))
    return merged


def _usable_intervals(volunteer: Volunteer) -> list[Interval]:
    """The volunteer's intervals in their listed order, leaving out any that overlaps a kept one.

    Overlapping intervals make "the interval that holds an activity" ambiguous; the checker takes
    the first listed, so the solver keeps the first listed too.
    """
    kept: list[Interval] = []
    for interval in volunteer.availability:
        if not any(k.day == interval.day and k.start < interval.end and interval.start < k.end for k in kept):
            kept.append(interval)
    return kept


def _children_near(by_lat: list[Child], lats: list[float], volunteer: Volunteer, road_factor: float) -> list[Child]:
    """Children inside the bounding box of the volunteer's reach (a cheap prefilter before exact km)."""
    reach_deg = volunteer.max_km / road_factor / KM_PER_DEGREE + BOX_MARGIN_DEG
    lon_deg = reach_deg / max(math.cos(math.radians(volunteer.lat)), 0.01)
    lo = bisect.bisect_left(lats, volunteer.lat - reach_deg)
    hi = bisect.bisect_right(lats, volunteer.lat + reach_deg)
    return [c for c in by_lat[lo:hi] if abs(c.lon - volunteer.lon) <= lon_deg]


def build_candidates(instance: Instance, geo: Geography) -> list[Candidate]:
    """Every feasible candidate (see the module docstring), indexed from 0."""
    forbidden = _forbidden(instance)
    raw: list[dict[str, Any]] = []
    by_lat = sorted((c for c in instance.children if c.visits_per_week), key=lambda c: (c.lat, c.id))
    lats = [c.lat for c in by_lat]
    for v in instance.volunteers:
        home = geo.home(v.id)
        intervals = _usable_intervals(v)
        if v.is_tutor() and v.max_sessions_per_week > 0:
            for site in instance.sites:
                place = ("site", site.id)
                km = geo.km(home, place)
                if km > v.max_km + KM_TOLERANCE:
                    continue
                go, back = geo.minutes(home, place), geo.minutes(place, home)
                for session in site.sessions:
                    if instance.required_tutors(site, session.day) == 0:
                        continue
                    if ("tutoring", v.id, site.id, session.day) in forbidden:
                        continue
                    for interval in intervals:
                        if (interval.day == session.day and interval.contains(session.start, session.end)
                                and session.start - go >= interval.start and session.end + back <= interval.end):
                            raw.append(dict(kind="tutoring", volunteer=v.id, target=site.id, day=session.day,
                                            interval=interval, starts=((session.start, session.start),),
                                            duration=session.end - session.start, place=place, km_from_home=km))
                            break
        if v.is_visitor() and v.max_visits_per_week > 0 and v.max_visits_per_day > 0:
            duration = instance.settings.visit_minutes
            for child in _children_near(by_lat, lats, v, instance.settings.road_factor):
                if child.needs_trained and not v.trained:
                    continue
                place = ("child", child.id)
                km = geo.km(home, place)
                if km > v.max_km + KM_TOLERANCE:
                    continue
                go, back = geo.minutes(home, place), geo.minutes(place, home)
                windows_by_day: dict[str, list[Interval]] = defaultdict(list)
                for w in child.visit_windows:
                    windows_by_day[w.day].append(w)
                for interval in intervals:
                    windows = windows_by_day.get(interval.day)
                    if not windows or ("visit", v.id, child.id, interval.day) in forbidden:
                        continue
                    starts = _window_ranges(interval, windows, go, back, duration)
                    if starts:
                        raw.append(dict(kind="visit", volunteer=v.id, target=child.id, day=interval.day,
                                        interval=interval, starts=tuple(starts), duration=duration, place=place,
                                        km_from_home=km))
    return [Candidate(index=i, **fields) for i, fields in enumerate(raw)]


def prune_candidates(instance: Instance, raw: list[Candidate], settings: SolverSettings) -> list[Candidate]:
    """Keep the nearest visitors per child-day (re-indexed from 0), always keeping those that matter for
    continuity or pins: the child's primary volunteer, last week's, a pinned one.

    Each session keeps ``tutors_per_session`` tutors beyond what it requires. Student tutors share
    the campus as home, so distance ties are broken by a hash of (session, tutor): with plain
    "nearest first" every session kept the same few students and their weekly limits starved the
    rest (measured: 340 instead of 207 on the medium bench district).
    """
    keep_always = {(p.kind, p.volunteer, p.target) for p in (*instance.pinned, *instance.previous)}
    keep_always |= {("visit", c.primary_volunteer, c.id) for c in instance.children if c.primary_volunteer}
    groups: dict[tuple[str, str, str], list[Candidate]] = defaultdict(list)
    for cand in raw:
        groups[(cand.kind, cand.target, cand.day)].append(cand)
    kept: list[Candidate] = []
    for (kind, target, day), group in groups.items():
        if kind == "tutoring":
            limit = instance.required_tutors(instance.site_by_id[target], day) + settings.spare_tutors_per_session
        else:
            limit = settings.visitors_per_child_day
        by_volunteer: dict[str, list[Candidate]] = defaultdict(list)
        for cand in group:
            by_volunteer[cand.volunteer].append(cand)
        ranked = sorted(by_volunteer, key=lambda vid: (round(by_volunteer[vid][0].km_from_home, 1),
                                                       zlib.crc32(f"{target}/{day}/{vid}".encode())))
        chosen = set(ranked[:limit]) | {vid for vid in by_volunteer if (kind, vid, target) in keep_always}
        kept.extend(c for vid in by_volunteer if vid in chosen for c in by_volunteer[vid])
    kept.sort(key=lambda c: c.index)
    return [replace(c, index=i) for i, c in enumerate(kept)]


def ruled_out_by_pins(instance: Instance, cands: list[Candidate]) -> list[Candidate]:
    """The candidates the pins leave possible (re-indexed from 0): a visit is ruled out when its child is visited
    that day by a pin, or needs no more visits than the pins make; an activity of a volunteer whose pins already
    reach her limit for the day or the week is ruled out too. A re-plan pins nearly everything, so what is left
    is small and solved at once. No roster that honours the pins takes a candidate ruled out."""
    pins = {p.slot for p in instance.pinned}
    if not pins:
        return cands
    # Counted per pin, not per candidate: one pin matches two candidates when the volunteer is free twice that day,
    # and counting both ruled out visits a roster honouring the pins can still make (a bound built on what is left
    # would then be too high).
    pinned = {c.slot for c in cands} & pins
    child_days = {(target, day) for kind, _v, target, day in pinned if kind == "visit"}
    child_visits = Counter(target for kind, _v, target, _d in pinned if kind == "visit")
    week_visits = Counter(volunteer for kind, volunteer, _t, _d in pinned if kind == "visit")
    day_visits = Counter((volunteer, day) for kind, volunteer, _t, day in pinned if kind == "visit")
    week_sessions = Counter(volunteer for kind, volunteer, _t, _d in pinned if kind == "tutoring")
    kept = []
    for c in cands:
        if c.slot not in pins:
            v = instance.volunteer_by_id[c.volunteer]
            if c.kind == "visit" and ((c.target, c.day) in child_days
                                      or child_visits[c.target] >= instance.child_by_id[c.target].visits_per_week
                                      or week_visits[v.id] >= v.max_visits_per_week
                                      or day_visits[(v.id, c.day)] >= v.max_visits_per_day):
                continue
            if c.kind == "tutoring" and week_sessions[v.id] >= v.max_sessions_per_week:
                continue
        kept.append(c)
    return [replace(c, index=i) for i, c in enumerate(kept)]
