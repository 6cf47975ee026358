"""Each rule a volunteer's record obeys."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from scheduler_app.records.volunteers import VOLUNTEER
from scheduler_app.weekly import Interval
from tests.scheduler_app.records.conftest import t


@pytest.fixture
def volunteer_values(place) -> Any:
    """Builder: a valid volunteer mother's values, with overrides."""
    def build(**overrides: Any) -> dict[str, Any]:
        values = {"code": "M9", "name": "陈春梅", "gender": "F", "phone": "", "roles": ["visitor"], "affiliation": "",
                  "village_id": place["village"].id, "home_lat": None, "home_lon": None, "subjects": [],
                  "trained": False, "trained_since": None, "max_km": 8.0, "max_sessions_per_week": 0,
                  "max_visits_per_week": 4, "max_visits_per_day": 2,
                  "availability": [Interval(5, t("08:30"), t("12:00")), Interval(5, t("14:00"), t("17:00"))],
                  "active": True}
        values.update(overrides)
        return values
    return build


def test_a_valid_volunteer_passes_with_two_intervals_a_day(volunteer_values, place) -> None:
    """Several availability intervals on one day are allowed."""
    assert VOLUNTEER.check(volunteer_values(), place["lookups"]()) == {}


def test_a_role_is_required(volunteer_values, place) -> None:
    """A volunteer without a role is refused."""
    assert VOLUNTEER.check(volunteer_values(roles=[]), place["lookups"]())["roles"] == "required"


def test_training_date_needs_training_and_lies_in_the_past(volunteer_values, place) -> None:
    """A training date needs “trained” ticked and cannot be in the future."""
    lookups = place["lookups"]()
    assert "trained_since" in VOLUNTEER.check(volunteer_values(trained_since=dt.date(2025, 3, 1)), lookups)
    future = volunteer_values(trained=True, trained_since=dt.date.today() + dt.timedelta(days=3))
    assert "future" in VOLUNTEER.check(future, lookups)["trained_since"]


def test_load_limits_fit_the_roles(volunteer_values, place) -> None:
    """A tutor needs a session a week; a visitor a visit a week and a day, and not more a day than a week."""
    lookups = place["lookups"]()
    assert "max_sessions_per_week" in VOLUNTEER.check(volunteer_values(roles=["tutor", "visitor"]), lookups)
    assert "max_visits_per_day" in VOLUNTEER.check(volunteer_values(max_visits_per_day=5), lookups)
    assert "max_visits_per_week" in VOLUNTEER.check(volunteer_values(max_visits_per_week=0), lookups)
    assert "max_km" in VOLUNTEER.check(volunteer_values(max_km=500.0), lookups)


def test_overlapping_availability_is_refused(volunteer_values, place) -> None:
    """Two availability intervals overlapping on a day are refused, naming the interval."""
    overlapping = [Interval(5, t("08:30"), t("12:00")), Interval(5, t("11:00"), t("13:00"))]
    errors = VOLUNTEER.check(volunteer_values(availability=overlapping), place["lookups"]())
    assert "overlaps" in errors["availability"] and "11:00" in errors["availability"]
