"""Where activities happen, and the road distances and travel times between those places."""

from __future__ import annotations

from collections.abc import Collection
from functools import lru_cache

import numpy as np

from solver.geo import haversine_km_matrix, road_km, travel_minutes
from solver.instance import Instance

Place = tuple[str, str]  # ("site", id) | ("child", id) | ("home", volunteer id)


class Geography:
    """Road km and travel minutes between the instance's places, computed once and cached."""

    def __init__(self, instance: Instance):
        self.instance = instance
        self._points: dict[Place, tuple[float, float]] = {}
        for s in instance.sites:
            self._points[("site", s.id)] = (s.lat, s.lon)
        for c in instance.children:
            self._points[("child", c.id)] = (c.lat, c.lon)
        for v in instance.volunteers:
            self._points[("home", v.id)] = (v.lat, v.lon)
        self.km = lru_cache(maxsize=None)(self._km)
        # Minutes are asked for far more often than km (every run timed, every pair of a route's activities).
        self.minutes = lru_cache(maxsize=None)(self._minutes)

    def knows(self, place: Place) -> bool:
        """True when the place is in the instance."""
        return place in self._points

    def point(self, place: Place) -> tuple[float, float]:
        """The (lat, lon) of a place."""
        return self._points[place]

    def _km(self, a: Place, b: Place) -> float:
        if a == b:
            return 0.0
        return road_km(self._points[a], self._points[b], self.instance.settings.road_factor)

    def _minutes(self, a: Place, b: Place) -> int:
        """Whole minutes to travel from a to b, rounded up."""
        return travel_minutes(self.km(a, b), self.instance.settings.speed_kmh)

    def least_minutes(self, places: Collection[Place]) -> int:
        """The fewest minutes from one of these places to another of them (0 when fewer than two), exactly as
        ``minutes`` gives them: the pairs are sifted by a vectorised distance, and the nearest timed one by one."""
        distinct = list(dict.fromkeys(places))
        if len(distinct) < 2:
            return 0
        km = haversine_km_matrix(np.array([self._points[p] for p in distinct]))
        np.fill_diagonal(km, np.inf)
        # Rounding moves the vectorised km by far less than a millimetre: every pair that might be the nearest is
        # within it of the least, and minutes never fall as km grow.
        near = np.argwhere(km <= km.min() + 1e-6)
        return min(self.minutes(distinct[i], distinct[j]) for i, j in near)

    def fewest_minutes(self, places: list[Place]) -> np.ndarray:
        """Minutes between every two of these places, vectorised: never more than ``minutes`` gives and at most one
        less (its rounding up is loosened by far more than the vectorised km can differ), so rules built on them
        never forbid a run that fits."""
        km = haversine_km_matrix(np.array([self._points[p] for p in places])) * self.instance.settings.road_factor
        exact = km / self.instance.settings.speed_kmh * 60
        return np.maximum(0, np.ceil(exact - 1e-6)).astype(np.int64)

    def home(self, volunteer_id: str) -> Place:
        """A volunteer's home as a place."""
        return ("home", volunteer_id)
