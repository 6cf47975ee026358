"""Where activities happen, and the road distances and travel times between those places."""

from __future__ import annotations

from functools import lru_cache

from solver.geo import road_km, travel_minutes
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

    def minutes(self, a: Place, b: Place) -> int:
        """Whole minutes to travel from a to b, rounded up."""
        return travel_minutes(self.km(a, b), self.instance.settings.speed_kmh)

    def home(self, volunteer_id: str) -> Place:
        """A volunteer's home as a place."""
        return ("home", volunteer_id)
