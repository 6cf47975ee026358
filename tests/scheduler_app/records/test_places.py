"""Each rule a site's and a village's record obeys."""

from __future__ import annotations

from scheduler_app.records.places import SITE, VILLAGE
from scheduler_app.weekly import Interval
from tests.scheduler_app.records.conftest import t

SESSION = Interval(0, t("16:30"), t("18:00"))


def site_values(**overrides):
    """A valid site's values, with overrides."""
    return {"code": "S9", "name": "幸福村小学", "village_id": None, "lat": 30.44, "lon": 114.92,
            "sessions": [SESSION], "children_per_tutor": 6, "min_tutors": 1, "active": True, **overrides}


def test_a_site_needs_a_point_or_a_village(place) -> None:
    """A site with neither a point nor a village is refused; a village alone is enough."""
    lookups = place["lookups"]()
    assert SITE.check(site_values(), lookups) == {}
    assert "lat" in SITE.check(site_values(lat=None, lon=None), lookups)
    assert SITE.check(site_values(lat=None, lon=None, village_id=place["village"].id), lookups) == {}


def test_a_site_holds_at_most_one_session_a_day(place) -> None:
    """Two sessions on Monday are refused; the ratio of children per tutor is at least 1."""
    lookups = place["lookups"]()
    two = site_values(sessions=[SESSION, Interval(0, t("19:00"), t("20:00"))])
    assert "only one per day" in SITE.check(two, lookups)["sessions"]
    assert "children_per_tutor" in SITE.check(site_values(children_per_tutor=0), lookups)


def test_a_village_needs_a_name_and_a_point(place) -> None:
    """A village without latitude is refused."""
    errors = VILLAGE.check({"township": "陶店乡", "name": "幸福村", "lat": None, "lon": 114.9}, place["lookups"]())
    assert errors == {"lat": "required"}
