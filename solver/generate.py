"""A seeded generator of realistic districts: scattered villages, a college campus, scarce volunteers.

Used by the benchmark and by tests; the same size and seed always give the same instance.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from solver.instance import SCHEMA
from solver.timeutil import DAYS, format_hhmm

SUBJECTS = ("chinese", "math", "english")
CENTRE = (30.50, 114.90)  # Huanggang area


@dataclass(frozen=True)
class DistrictSize:
    """How big a generated district is."""

    children: int
    volunteers: int
    radius_km: float
    townships: int

    def __post_init__(self) -> None:
        if self.children < 1 or self.volunteers < 1 or self.radius_km <= 0 or self.townships < 1:
            raise ValueError("a district needs children, volunteers, an area and townships")


SIZES = {
    "small": DistrictSize(children=60, volunteers=24, radius_km=8, townships=2),
    "medium": DistrictSize(children=400, volunteers=160, radius_km=18, townships=6),
    "county": DistrictSize(children=2000, volunteers=770, radius_km=35, townships=18),
}


def _near(rng: random.Random, point: tuple[float, float], km: float) -> tuple[float, float]:
    r = km * math.sqrt(rng.random())
    theta = rng.random() * 2 * math.pi
    lat = point[0] + r * math.cos(theta) / 111.0
    lon = point[1] + r * math.sin(theta) / (111.0 * math.cos(math.radians(point[0])))
    return round(lat, 5), round(lon, 5)


def _iv(day: str, start: int, end: int) -> dict[str, str]:
    return {"day": day, "start": format_hhmm(start), "end": format_hhmm(end)}


def generate(size: str | DistrictSize, seed: int = 1, week_start: str = "2026-11-23") -> dict:
    """A roster-instance/1 document for a district of the given size."""
    spec = SIZES[size] if isinstance(size, str) else size
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not security
    towns = [_near(rng, CENTRE, spec.radius_km * 0.85) for _ in range(spec.townships)]
    villages = [(_near(rng, towns[i % len(towns)], 5.0)) for i in range(spec.townships * 6)]
    campus = _near(rng, CENTRE, spec.radius_km * 0.3)
    n_sites = max(1, spec.children // 24)
    sites = []
    for i in range(n_sites):
        point = _near(rng, towns[i % len(towns)], 1.5)
        sessions = [_iv(d, 16 * 60 + 30, 18 * 60) for d in DAYS[:5]]
        if rng.random() < 0.3:
            sessions.append(_iv("sat", 9 * 60, 10 * 60 + 30))
        sites.append({"id": f"S{i + 1:03d}", "name": f"site {i + 1}", "lat": point[0], "lon": point[1],
                      "sessions": sessions, "children_per_tutor": rng.choice([5, 6, 8]), "min_tutors": 1})
    volunteers = _volunteers(rng, spec, villages, towns, campus)
    children = _children(rng, spec, villages, sites, volunteers)
    return {"schema": SCHEMA, "name": f"generated {spec.children} children, seed {seed}", "week_start": week_start,
            "settings": {"visit_minutes": 60, "speed_kmh": 20.0, "road_factor": 1.35},
            "sites": sites, "children": children, "volunteers": volunteers,
            "pinned": [], "forbidden": [], "previous": []}


def _volunteers(rng: random.Random, spec: DistrictSize, villages: list, towns: list, campus: tuple) -> list[dict]:
    out = []
    for i in range(spec.volunteers):
        kind = rng.random()
        if kind < 0.3:  # college student tutor, starting from the campus, travels by bus
            roles, home, max_km = ["tutor"], campus, rng.choice([15.0, 20.0, 30.0])
        elif kind < 0.45:  # local teacher
            roles, home, max_km = ["tutor"], _near(rng, rng.choice(towns), 2.0), 10.0
        elif kind < 0.95:  # volunteer mother
            roles, home, max_km = ["visitor"], _near(rng, rng.choice(villages), 0.8), rng.choice([4.0, 6.0, 8.0])
        else:  # social worker: tutors and makes many family interviews a day
            roles, home, max_km = ["visitor", "tutor"], _near(rng, rng.choice(towns), 1.0), 15.0
        availability = []
        if "tutor" in roles:
            for d in sorted(rng.sample(range(5), rng.choice([2, 3, 3, 4]))):
                availability.append(_iv(DAYS[d], 15 * 60 + 30, 19 * 60))
        if "visitor" in roles:
            for d in sorted(rng.sample(range(5), 2)):
                if not any(a["day"] == DAYS[d] for a in availability):
                    availability.append(_iv(DAYS[d], 18 * 60, 21 * 60))
            for d in ("sat", "sun"):
                if rng.random() < 0.7:
                    availability.append(_iv(d, 8 * 60 + 30, 12 * 60))
                if rng.random() < 0.4:
                    availability.append(_iv(d, 14 * 60, 17 * 60 + 30))
        social = roles == ["visitor", "tutor"]
        out.append({
            "id": f"V{i + 1:04d}", "name": f"volunteer {i + 1}", "roles": roles, "lat": home[0], "lon": home[1],
            "subjects": rng.sample(SUBJECTS, rng.choice([1, 2, 2, 3])) if "tutor" in roles else [],
            "trained": social or ("visitor" in roles and rng.random() < 0.4), "availability": availability,
            "max_km": max_km, "max_sessions_per_week": rng.choice([1, 2, 3]) if "tutor" in roles else 0,
            "max_visits_per_week": (12 if social else rng.choice([3, 4, 5, 6])) if "visitor" in roles else 0,
            "max_visits_per_day": (8 if social else rng.choice([2, 3])) if "visitor" in roles else 0,
        })
    return out


def _children(rng: random.Random, spec: DistrictSize, villages: list, sites: list, volunteers: list) -> list[dict]:
    visitors = [v for v in volunteers if "visitor" in v["roles"]]
    out = []
    for i in range(spec.children):
        home = _near(rng, rng.choice(villages), 0.8)
        site = min(sites, key=lambda s: (s["lat"] - home[0]) ** 2 + (s["lon"] - home[1]) ** 2)
        attends_site = rng.random() < 0.8
        days = [s["day"] for s in site["sessions"]]
        risk = rng.choices([1, 2, 3, 4, 5], weights=[30, 30, 20, 13, 7])[0]
        visits = {1: rng.choice([0, 1]), 2: 1, 3: 1, 4: 2, 5: 2}[risk]
        windows = []
        if visits:
            windows.append(_iv(DAYS[rng.randrange(5)], 18 * 60 + 30, 20 * 60 + 30))
            windows.append(_iv(rng.choice(["sat", "sun"]), 9 * 60, 11 * 60 + 30))
            if rng.random() < 0.5:
                windows.append(_iv("sun", 14 * 60 + 30, 17 * 60))
            windows = _distinct_windows(windows)
        primary = None
        if visits and rng.random() < 0.6:
            near = [v for v in visitors if (v["trained"] or risk < 4)]
            if near:
                primary = min(near, key=lambda v: (v["lat"] - home[0]) ** 2 + (v["lon"] - home[1]) ** 2)["id"]
        out.append({
            "id": f"C{i + 1:05d}", "name": f"child {i + 1}", "grade": rng.randint(1, 9), "lat": home[0],
            "lon": home[1], "site": site["id"] if attends_site else None,
            "attends": sorted(rng.sample(days, rng.randint(2, min(4, len(days)))), key=DAYS.index)
            if attends_site else [],
            "subjects": sorted(rng.sample(SUBJECTS, rng.choice([0, 1, 1, 2]))) if attends_site else [],
            "visits_per_week": visits, "visit_windows": windows, "priority": risk, "needs_trained": risk >= 4,
            "primary_volunteer": primary,
        })
    return out


def _distinct_windows(windows: list[dict]) -> list[dict]:
    """Drop a window that overlaps an earlier one on the same day."""
    kept: list[dict] = []
    for w in windows:
        if not any(k["day"] == w["day"] and k["start"] < w["end"] and w["start"] < k["end"] for k in kept):
            kept.append(w)
    return kept


PREFECTURE_COUNTIES = 4  # a prefecture of four counties: about 8,000 children and 3,000 volunteers
# County seats 0.8° of latitude (about 90 km) apart, north to south: no volunteer reaches into the next county.
COUNTY_SPACING_DEG = 0.8


def prefecture(seed: int = 1, counties: int = PREFECTURE_COUNTIES, week_start: str = "2026-11-23",
               size: str = "county") -> dict:
    """A roster-instance/1 document for a prefecture: generated counties (of ``size``) side by side, ids prefixed
    K1-, K2-…"""
    document: dict = {}
    for k in range(counties):
        county = generate(size, seed=seed * 100 + k, week_start=week_start)
        prefix, shift = f"K{k + 1}-", COUNTY_SPACING_DEG * k
        for site in county["sites"]:
            site["id"], site["lat"] = prefix + site["id"], site["lat"] + shift
        for volunteer in county["volunteers"]:
            volunteer["id"], volunteer["lat"] = prefix + volunteer["id"], volunteer["lat"] + shift
        for child in county["children"]:
            child["id"], child["lat"] = prefix + child["id"], child["lat"] + shift
            child["site"] = prefix + child["site"] if child["site"] else None
            child["primary_volunteer"] = prefix + child["primary_volunteer"] if child["primary_volunteer"] else None
        if not document:
            document = {**county, "name": f"generated prefecture of {counties} counties, seed {seed}"}
        else:
            for key in ("sites", "volunteers", "children"):
                document[key].extend(county[key])
    return document
