"""Builders for solver tests: the contract's tiny example, and edits of it."""

from __future__ import annotations

import copy
import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from solver.instance import Instance, parse_instance
from solver.roster import Roster
from solver.settings import SolverSettings
from solver.solve import solve
from solver.validate import Report, validate

CONTRACT = Path(__file__).resolve().parents[3] / "shared" / "contract"  # shared/ sits beside the repo


@pytest.fixture
def tiny_doc() -> Callable[[], dict]:
    """Builder: a fresh deep copy of the contract's tiny example instance."""
    raw = json.loads((CONTRACT / "examples" / "tiny.instance.json").read_text())
    return lambda: copy.deepcopy(raw)


@pytest.fixture
def tiny_roster_doc() -> Callable[[], dict]:
    """Builder: a fresh copy of the contract's example roster."""
    raw = json.loads((CONTRACT / "examples" / "tiny.roster.json").read_text())
    return lambda: copy.deepcopy(raw)


# Tiny weeks built from scratch. Every place lies on one meridian through the village centre, the road factor is 1
# and travel is 60 km/h: a place ``km`` north of the centre is |km − km'| road km from another and ceil(that) minutes
# away, so a test's distances and travel times can be worked out by hand.
CENTRE = (30.45, 114.87)
KM_PER_DEGREE = 6371.0 * math.pi / 180  # one degree of latitude on the contract's sphere (about 111.19 km)
Slots = tuple[tuple[str, str, str], ...]  # (day, start, end)


def _slots(slots: Slots) -> list[dict[str, str]]:
    return [{"day": d, "start": s, "end": e} for d, s, e in slots]


class Week:
    """Builds a roster-instance/1 document: sites, children and volunteers with defaults, placed by km north."""

    @staticmethod
    def at(km: float) -> dict[str, float]:
        """The point ``km`` road km north of the village centre."""
        return {"lat": CENTRE[0] + km / KM_PER_DEGREE, "lon": CENTRE[1]}

    def site(self, id: str = "S1", km: float = 0, sessions: Slots = (("mon", "16:30", "18:00"),),
             children_per_tutor: int = 2, min_tutors: int = 1) -> dict[str, Any]:
        """A 4:30 classroom site."""
        return {"id": id, "name": id, **self.at(km), "sessions": _slots(sessions),
                "children_per_tutor": children_per_tutor, "min_tutors": min_tutors}

    def child(self, id: str, km: float = 0, windows: Slots = (("sat", "09:00", "12:00"),),
              visits: int = 1, priority: int = 1, **fields: Any) -> dict[str, Any]:
        """A child; by default visited once a week on Saturday morning, attending no session."""
        return {"id": id, "name": id, "grade": 3, **self.at(km), "site": None, "attends": [], "subjects": [],
                "visits_per_week": visits, "visit_windows": _slots(windows), "priority": priority,
                "needs_trained": False, "primary_volunteer": None, **fields}

    def pupil(self, id: str, site: str = "S1", attends: tuple[str, ...] = ("mon",),
              subjects: tuple[str, ...] = (), km: float = 0) -> dict[str, Any]:
        """A child who attends a site's sessions and needs no home visit."""
        return self.child(id, km, windows=(), visits=0, site=site, attends=list(attends), subjects=list(subjects))

    def visitor(self, id: str, km: float = 0,
                availability: Slots = (("sat", "08:00", "13:00"),), max_km: float = 20, per_week: int = 5,
                per_day: int = 5, **fields: Any) -> dict[str, Any]:
        """A volunteer mother, free on Saturday morning unless told otherwise."""
        return {"id": id, "name": id, "roles": ["visitor"], **self.at(km), "subjects": [], "trained": False,
                "availability": _slots(availability), "max_km": max_km, "max_sessions_per_week": 0,
                "max_visits_per_week": per_week, "max_visits_per_day": per_day, **fields}

    def tutor(self, id: str, km: float = 0, subjects: tuple[str, ...] = (),
              availability: Slots = (("mon", "16:00", "18:30"),), max_km: float = 20, sessions: int = 5,
              **fields: Any) -> dict[str, Any]:
        """A tutor, free on Monday afternoon unless told otherwise."""
        return {"id": id, "name": id, "roles": ["tutor"], **self.at(km), "subjects": list(subjects),
                "trained": False, "availability": _slots(availability), "max_km": max_km,
                "max_sessions_per_week": sessions, "max_visits_per_week": 0, "max_visits_per_day": 0, **fields}

    def doc(self, sites: list | tuple = (), children: list | tuple = (), volunteers: list | tuple = (),
            **lists: list) -> dict[str, Any]:
        """The whole document; ``lists`` gives pinned, forbidden or previous."""
        return {"schema": "roster-instance/1", "name": "a tiny week", "week_start": "2026-11-23",
                "settings": {"visit_minutes": 60, "speed_kmh": 60.0, "road_factor": 1.0},
                "sites": list(sites), "children": list(children), "volunteers": list(volunteers),
                "pinned": [], "forbidden": [], "previous": [], **lists}

    def instance(self, *args: Any, **kwargs: Any) -> Instance:
        """The parsed instance of ``doc(...)``."""
        return parse_instance(self.doc(*args, **kwargs))


@pytest.fixture
def week() -> Week:
    """Builder: tiny weeks from scratch, with distances and travel times that can be worked out by hand."""
    return Week()


@pytest.fixture
def solved() -> Callable[[Instance], tuple[Roster, Report]]:
    """Builder: solve a tiny week briefly and check the roster; returns the roster and the checker's report,
    failing the test when a hard rule is broken."""
    def run(instance: Instance, **settings: Any) -> tuple[Roster, Report]:
        result = solve(instance, SolverSettings(**{"time_limit_s": 2, **settings}))
        assert result.roster is not None, result.error
        report = validate(instance, result.roster)
        assert report.ok, report.violations
        return result.roster, report
    return run
