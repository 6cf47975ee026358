"""A seeded generator of realistic districts: scattered villages, a college campus, scarce volunteers.

Used by the benchmark and by tests; the same size, seed and shape always give the same instance. A week's
``WeekShape`` varies what the plain district keeps fixed (how many volunteers there are for the children, how
many children have a regular visitor, last week's roster as ``previous``, the visit length), and
``varied_shape(seed)`` draws one, so that the bench meets tight and loose weeks it was not tuned on.
``dense_week`` makes the social workers' weeks: few workers, many family interviews a day.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from solver.geo import road_km
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


@dataclass(frozen=True)
class WeekShape:
    """What a generated week is like beyond its size; the defaults give the plain district."""

    name: str = "plain"
    volunteer_factor: float = 1.0  # volunteers per child against the plain district: < 1 tight, > 1 loose
    regular_share: float = 0.6  # of the visited children, how many have a regular (primary) visitor
    previous_share: float = 0.0  # of the children and sessions, how many appear in last week's roster
    same_visitor: float = 0.85  # of last week's visits to a child with a regular visitor, how many were hers
    visit_minutes: int = 60

    def __post_init__(self) -> None:
        if not (self.volunteer_factor > 0 and 0 <= self.regular_share <= 1 and 0 <= self.previous_share <= 1
                and 0 <= self.same_visitor <= 1 and 10 <= self.visit_minutes <= 240):
            raise ValueError(f"a week shape out of range: {self}")

    def describe(self) -> str:
        """A short line for a bench table, e.g. 'tight ×0.7, 85 % regular, previous 90 %, 45 min'."""
        parts = [f"{self.name} ×{self.volunteer_factor:g}", f"{round(100 * self.regular_share)} % regular"]
        if self.previous_share:
            parts.append(f"previous {round(100 * self.previous_share)} %")
        if self.visit_minutes != 60:
            parts.append(f"{self.visit_minutes} min")
        return ", ".join(parts)


PLAIN = WeekShape()


def varied_shape(seed: int) -> WeekShape:
    """A week shape drawn from the seed: tight, usual or loose; few or most children with a regular visitor;
    with or without last week's roster; a shorter or longer visit."""
    rng = random.Random(f"shape/{seed}")  # noqa: S311 - reproducible bench data
    name, factor = rng.choice([("tight", 0.6), ("tight", 0.8), ("usual", 1.0), ("loose", 1.3), ("loose", 1.8)])
    return WeekShape(name=name, volunteer_factor=factor, regular_share=rng.choice([0.6, 0.8, 0.9, 0.95]),
                     previous_share=rng.choice([0.0, 0.6, 0.9, 0.9]), same_visitor=rng.choice([0.7, 0.85, 1.0]),
                     visit_minutes=rng.choice([45, 60, 60, 90]))


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


def generate(size: str | DistrictSize, seed: int = 1, week_start: str = "2026-11-23",
             shape: WeekShape = PLAIN) -> dict:
    """A roster-instance/1 document for a district of the given size and shape."""
    spec = SIZES[size] if isinstance(size, str) else size
    if shape.volunteer_factor != 1:
        spec = DistrictSize(spec.children, max(1, round(spec.volunteers * shape.volunteer_factor)), spec.radius_km,
                            spec.townships)
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
    children = _children(rng, spec, villages, sites, volunteers, shape.regular_share)
    settings = {"visit_minutes": shape.visit_minutes, "speed_kmh": 20.0, "road_factor": 1.35}
    previous = _last_week(random.Random(f"previous/{seed}"), shape, settings, sites, children,  # noqa: S311
                          volunteers) if shape.previous_share else []
    name = f"generated {spec.children} children, seed {seed}" + ("" if shape == PLAIN else f", {shape.describe()}")
    return {"schema": SCHEMA, "name": name, "week_start": week_start, "settings": settings,
            "sites": sites, "children": children, "volunteers": volunteers,
            "pinned": [], "forbidden": [], "previous": previous}


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
            for day in ("sat", "sun"):
                if rng.random() < 0.7:
                    availability.append(_iv(day, 8 * 60 + 30, 12 * 60))
                if rng.random() < 0.4:
                    availability.append(_iv(day, 14 * 60, 17 * 60 + 30))
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


def _children(rng: random.Random, spec: DistrictSize, villages: list, sites: list, volunteers: list,
              regular_share: float) -> list[dict]:
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
        if visits and rng.random() < regular_share:
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


def _reaches(volunteer: dict, point: tuple[float, float], road_factor: float) -> bool:
    return road_km((volunteer["lat"], volunteer["lon"]), point, road_factor) <= volunteer["max_km"]


def _last_week(rng: random.Random, shape: WeekShape, settings: dict, sites: list, children: list,
               volunteers: list) -> list[dict]:
    """Last week's roster as ``previous``: a regular visitor mostly visited her child, someone else in reach
    otherwise; each session had tutors from within reach. Made as a coordinator made it last week, so some of
    it no longer fits this week (the volunteer is not free that day now)."""
    factor = settings["road_factor"]
    visitors = [v for v in volunteers if "visitor" in v["roles"]]
    tutors = [v for v in volunteers if "tutor" in v["roles"]]
    attending: dict[tuple[str, str], int] = {}
    for child in children:
        for day in child["attends"]:
            attending[(child["site"], day)] = attending.get((child["site"], day), 0) + 1
    out = []
    for child in children:
        if not child["visits_per_week"] or rng.random() >= shape.previous_share:
            continue
        point = (child["lat"], child["lon"])
        near = [v for v in visitors if _reaches(v, point, factor) and (v["trained"] or not child["needs_trained"])]
        days = sorted({w["day"] for w in child["visit_windows"]}, key=DAYS.index)
        for day in rng.sample(days, min(child["visits_per_week"], len(days))):
            regular = child["primary_volunteer"]
            who = regular if regular and rng.random() < shape.same_visitor else (
                rng.choice(near)["id"] if near else None)
            if who:
                out.append({"kind": "visit", "volunteer": who, "child": child["id"], "day": day})
    for site in sites:
        point = (site["lat"], site["lon"])
        near = [v for v in tutors if _reaches(v, point, factor)]
        for session in site["sessions"]:
            need = -(-attending.get((site["id"], session["day"]), 0) // site["children_per_tutor"])
            if need and near and rng.random() < shape.previous_share:
                for v in rng.sample(near, min(need, len(near))):
                    out.append({"kind": "tutoring", "volunteer": v["id"], "site": site["id"], "day": session["day"]})
    return out


def _distinct_windows(windows: list[dict]) -> list[dict]:
    """Drop a window that overlaps an earlier one on the same day."""
    kept: list[dict] = []
    for w in windows:
        if not any(k["day"] == w["day"] and k["start"] < w["end"] and w["start"] < k["end"] for k in kept):
            kept.append(w)
    return kept


DENSE_DAY_START, DENSE_DAY_END = 8 * 60 + 30, 17 * 60 + 30
DENSE_WINDOWS = ((8 * 60 + 30, 12 * 60), (14 * 60, 17 * 60 + 30), (8 * 60 + 30, 17 * 60 + 30))  # am, pm, all day


def dense_week(seed: int = 1, workers: int = 4, families: int = 120, per_day: int = 8,
               week_start: str = "2026-11-23") -> dict:
    """A social workers' week: a few workers from the township office, many family interviews (one each this
    week, on one to three days, in the morning, the afternoon or all day), up to ``per_day`` a day, and a weekly
    cap that is sometimes tight. No regular visitors and no last week, so that the week is purely about who
    goes where in which order (the bench compares it with a routing engine)."""
    rng = random.Random(f"dense/{seed}")  # noqa: S311 - reproducible bench data
    office = _near(rng, CENTRE, 3.0)
    radius = rng.choice([12.0, 16.0, 20.0])
    hamlets = [_near(rng, office, radius) for _ in range(rng.randint(8, 16))]
    children = []
    for i in range(families):
        home = _near(rng, rng.choice(hamlets), 2.0) if rng.random() < 0.7 else _near(rng, office, radius)
        days = sorted(rng.sample(range(5), rng.choice([1, 2, 2, 3])))
        windows = [_iv(DAYS[d], *rng.choice(DENSE_WINDOWS)) for d in days]
        priority = rng.choices([1, 2, 3, 4, 5], weights=[20, 30, 25, 15, 10])[0]
        children.append({"id": f"F{i + 1:03d}", "name": f"family {i + 1}", "grade": rng.randint(1, 9),
                         "lat": home[0], "lon": home[1], "site": None, "attends": [], "subjects": [],
                         "visits_per_week": 1, "visit_windows": windows, "priority": priority,
                         "needs_trained": False, "primary_volunteer": None})
    weekly = max(1, round(families / workers * rng.choice([0.9, 1.0, 1.2])))
    volunteers = []
    for w in range(workers):
        home = _near(rng, office, 0.5)
        off = rng.choice([None, None, rng.randrange(5)])  # a day at the office, now and then
        availability = [_iv(DAYS[d], DENSE_DAY_START, DENSE_DAY_END) for d in range(5) if d != off]
        volunteers.append({"id": f"SW{w + 1}", "name": f"social worker {w + 1}", "roles": ["visitor"],
                           "lat": home[0], "lon": home[1], "subjects": [], "trained": True,
                           "availability": availability, "max_km": radius * 2.5, "max_sessions_per_week": 0,
                           "max_visits_per_week": weekly, "max_visits_per_day": per_day})
    return {"schema": SCHEMA, "name": f"dense social workers' week, seed {seed}", "week_start": week_start,
            "settings": {"visit_minutes": rng.choice([45, 60]), "speed_kmh": 30.0, "road_factor": 1.35},
            "sites": [], "children": children, "volunteers": volunteers, "pinned": [], "forbidden": [],
            "previous": []}


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
