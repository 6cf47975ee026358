"""A seeded generator of call-window weeks: a county's sites with one or two call lines, children in families of
one to three siblings, parents who work in the cities (evening shifts, a day off), staff and volunteers.

The same size and seed always give the same call-instance/1 document.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from solver.calls.instance import SCHEMA
from solver.timeutil import DAYS, format_hhmm

WEEKDAYS = DAYS[:5]


@dataclass(frozen=True)
class CallCounty:
    """How big a generated call week is."""

    children: int
    sites: int

    def __post_init__(self) -> None:
        if self.children < 1 or self.sites < 1:
            raise ValueError("a call week needs children and sites")


CALL_SIZES = {"small": CallCounty(60, 2), "medium": CallCounty(400, 10), "county": CallCounty(2000, 50)}


def _iv(day: str, start: int, end: int) -> dict[str, str]:
    return {"day": day, "start": format_hhmm(start), "end": format_hhmm(end)}


def _room(rng: random.Random) -> list[dict[str, str]]:
    """Two to four weekday evenings after the 4:30 classroom, and Saturday morning."""
    days = sorted(rng.sample(WEEKDAYS, rng.randint(2, 4)), key=DAYS.index)
    hours = [_iv(d, 18 * 60 + 30, 20 * 60 + 30) for d in days]
    return [*hours, _iv("sat", 9 * 60, rng.choice((11, 12)) * 60)]


def _parents(rng: random.Random) -> list[dict[str, str]]:
    """An evening shift's free hours on some weekdays, a day off, or (rarely) only late at night."""
    kind = rng.random()
    if kind < 0.04:  # night shift: never meets the room
        return [_iv(d, 21 * 60 + 30, 23 * 60) for d in rng.sample(WEEKDAYS, 2)]
    hours = []
    if kind < 0.75:
        start = rng.choice((19 * 60, 19 * 60 + 30, 20 * 60))
        hours += [_iv(d, start, 22 * 60) for d in rng.sample(WEEKDAYS, rng.randint(2, 5))]
    if kind >= 0.35:
        off = rng.choice(("sat", "sun", *WEEKDAYS))
        if not any(h["day"] == off for h in hours):
            hours.append(_iv(off, 10 * 60 if off in ("sat", "sun") else 9 * 60, 21 * 60))
    return sorted(hours, key=lambda h: DAYS.index(h["day"]))


def _supervisor(rng: random.Random, room: list[dict[str, str]], staff: bool) -> tuple[list, int | None]:
    """Staff are there for most of the room's hours with no weekly limit; volunteers for some, with a limit."""
    out = []
    for r in room:
        if rng.random() < (0.9 if staff else 0.6):
            start, end = int(r["start"][:2]) * 60 + int(r["start"][3:]), int(r["end"][:2]) * 60 + int(r["end"][3:])
            if not staff and rng.random() < 0.5:
                end = start + (end - start) // 2 + 30
            out.append(_iv(r["day"], start, min(end, 23 * 60)))
    return out, None if staff else rng.choice((4, 6, 8))


def call_week(size: str = "county", seed: int = 1) -> dict:
    """A call-instance/1 document of the given size."""
    county = CALL_SIZES[size]
    rng = random.Random(f"calls-{size}-{seed}")  # noqa: S311 - reproducible bench data
    sites: list[dict] = []
    families: list[dict] = []
    children: list[dict] = []
    supervisors: list[dict] = []
    rooms: dict[str, list[dict[str, str]]] = {}
    for s in range(county.sites):
        sid = f"S{s + 1:02d}"
        rooms[sid] = _room(rng)
        sites.append({"id": sid, "name": f"site {s + 1}", "lines": rng.choice((1, 2)), "room_hours": rooms[sid]})
        for v in range(rng.randint(3, 5)):
            hours, limit = _supervisor(rng, rooms[sid], staff=v == 0)
            sup: dict = {"id": f"{sid}-V{v + 1}", "name": f"supervisor {v + 1}", "site": sid, "availability": hours}
            if limit is not None:
                sup["max_calls_per_week"] = limit
            supervisors.append(sup)
    n = 0
    while n < county.children:
        fid = f"F{len(families) + 1:04d}"
        site = sites[rng.randrange(len(sites))]["id"]
        parent_hours = _parents(rng)
        family: dict = {"id": fid, "site": site, "parent_hours": parent_hours}
        if parent_hours and rng.random() < 0.7:  # last week's slot: a grid time inside one of their hours
            h = rng.choice(parent_hours)
            start = int(h["start"][:2]) * 60 + int(h["start"][3:])
            family["previous"] = {"day": h["day"], "start": format_hhmm(start + 10 * rng.randint(0, 6))}
        families.append(family)
        for _ in range(min(rng.choices((1, 2, 3), (0.6, 0.3, 0.1))[0], county.children - n)):
            n += 1
            children.append({"id": f"C{n:04d}", "name": f"child {n}", "family": fid,
                             "calls_per_week": 2 if rng.random() < 0.15 else 1})
    return {"schema": SCHEMA, "week_start": "2026-11-30", "settings": {"call_minutes": 20, "step_minutes": 10},
            "sites": sites, "families": families, "children": children, "supervisors": supervisors}
