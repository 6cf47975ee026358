"""A day's home visits drawn as routes on a plain map, from coordinates alone (works with no internet)."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

from scheduler_app.models import AssignmentKind, Roster

# Colours a person with red–green colour blindness can still tell apart (Okabe–Ito).
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442")
WIDTH = 800           # SVG user units; the image scales to the screen
MARGIN = 30
MIN_SPAN_DEG = 0.01   # ~1 km: a day with one place still gets a sensible scale


@dataclass(frozen=True)
class Stop:
    """A point on the map with its label."""

    x: float
    y: float
    label: str
    kind: str  # "home" | "visit" | "site"


@dataclass(frozen=True)
class Route:
    """One volunteer's trip of the day: home, activities in time order, home."""

    name: str
    colour: str
    points: str  # SVG polyline points
    stops: list[Stop]


@dataclass(frozen=True)
class DayMap:
    """The SVG frame and the routes of one day."""

    width: int
    height: int
    routes: list[Route]
    scale_km: float      # the length of the scale bar in km
    scale_px: float      # and in SVG units


def day_map(roster: Roster, day_index: int, homes_hidden: frozenset[int] | set[int] = frozenset()) -> DayMap:
    """Routes of every volunteer with an activity that day; points projected equirectangularly around the
    day's centre (distances on a county's scale are close enough for a sketch). A child in ``homes_hidden``
    (the reader may not see her home point) is drawn at her village: fitting the projection to two sites
    would otherwise give back her house to a metre."""
    by_volunteer: dict[int, list] = defaultdict(list)
    for a in sorted(roster.assignments, key=lambda a: a.start):
        if a.day_index == day_index:
            by_volunteer[a.volunteer_id].append(a)
    trips = []
    for items in by_volunteer.values():
        volunteer = items[0].volunteer
        home = volunteer.home_point
        stops = [(home, volunteer.name, "home")]
        for a in items:
            if a.kind == AssignmentKind.VISIT:
                village = a.child.village
                point = a.child.home_point if a.child_id not in homes_hidden else \
                    (village.lat, village.lon) if village is not None else None
                stops.append((point, a.child.name, "visit"))
            else:
                stops.append(((a.site.lat, a.site.lon), a.site.name, "site"))
        trips.append((volunteer.name, [s for s in stops if s[0] is not None]))
    points = [p for _n, stops in trips for p, _l, _k in stops]
    if not points:
        return DayMap(WIDTH, WIDTH // 2, [], 0, 0)
    lat0 = sum(p[0] for p in points) / len(points)
    kx = math.cos(math.radians(lat0))
    xs, ys = [p[1] * kx for p in points], [p[0] for p in points]
    span = max(max(xs) - min(xs), max(ys) - min(ys), MIN_SPAN_DEG)
    unit = (WIDTH - 2 * MARGIN) / span
    height = int(2 * MARGIN + (max(ys) - min(ys)) * unit) + 1

    def project(p: tuple[float, float]) -> tuple[float, float]:
        return (round(MARGIN + (p[1] * kx - min(xs)) * unit, 1), round(height - MARGIN - (p[0] - min(ys)) * unit, 1))

    routes = []
    for n, (name, stops) in enumerate(sorted(trips)):
        placed = [Stop(*project(p), label, kind) for p, label, kind in stops]
        path = placed + placed[:1]  # and back home
        routes.append(Route(name, PALETTE[n % len(PALETTE)], " ".join(f"{s.x},{s.y}" for s in path), placed))
    km_per_unit = 111.32 / unit  # one degree of latitude is ~111 km
    scale_km = _nice(km_per_unit * WIDTH / 5)
    return DayMap(WIDTH, height, routes, scale_km, round(scale_km / km_per_unit, 1))


def _nice(km: float) -> float:
    """A round scale-bar length (1, 2 or 5 × a power of ten) not above ``km``."""
    power = 10 ** math.floor(math.log10(km))
    return next(step * power for step in (5, 2, 1) if step * power <= km)
