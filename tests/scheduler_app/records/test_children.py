"""Each rule a child's record obeys, checked on the values a form or a spreadsheet row gives."""

from __future__ import annotations

import datetime as dt

import pytest

from scheduler_app.records.children import CHILD
from scheduler_app.weekly import Interval
from tests.scheduler_app.records.conftest import school_age, t


def test_a_valid_child_passes(child_values, place) -> None:
    """The baseline child breaks no rule (so each test below fails for its own reason only)."""
    assert CHILD.check(child_values(), place["lookups"]()) == {}


@pytest.mark.parametrize(("field", "value"), [("code", ""), ("name", ""), ("visits_per_week", None),
                                              ("risk_level", None)])
def test_required_fields(child_values, place, field, value) -> None:
    """Code, name, visits a week and risk level are required."""
    assert CHILD.check(child_values(**{field: value}), place["lookups"]())[field] == "required"


@pytest.mark.parametrize(("field", "value"), [("risk_level", 6), ("risk_level", 0), ("visits_per_week", 8),
                                              ("grade", 13), ("home_lat", 91.0), ("name", "名" * 101)])
def test_field_ranges(child_values, place, field, value) -> None:
    """Risk 1–5, visits 0–7, grade 1–12, latitude ±90 and name length are enforced."""
    extra = {"home_lon": 114.9} if field == "home_lat" else {}
    assert field in CHILD.check(child_values(**{field: value}, **extra), place["lookups"]())


def test_birth_date_in_the_future_is_refused(child_values, place) -> None:
    """A birth date after today is refused."""
    errors = CHILD.check(child_values(birth_date=dt.date.today() + dt.timedelta(days=1)), place["lookups"]())
    assert "future" in errors["birth_date"]


def test_grade_must_fit_the_birth_date(child_values, place) -> None:
    """Grade g fits a child aged g+4 to g+8 on 1 September; a grade-4 birth date does not fit grade 9."""
    lookups = place["lookups"]()
    assert "grade" not in CHILD.check(child_values(grade=4, birth_date=school_age(4)), lookups)
    assert "grade" not in CHILD.check(child_values(grade=4, birth_date=school_age(7)), lookups)  # three years late
    errors = CHILD.check(child_values(grade=9, birth_date=school_age(4)), lookups)
    assert "grade 9 does not fit" in errors["grade"]


def test_home_needs_a_village_or_both_coordinates(child_values, place) -> None:
    """A child needs a village or a full home point; a latitude alone is refused."""
    lookups = place["lookups"]()
    assert "village_id" in CHILD.check(child_values(village_id=None), lookups)
    assert "home_lon" in CHILD.check(child_values(home_lat=30.4), lookups)
    assert CHILD.check(child_values(village_id=None, home_lat=30.4, home_lon=114.9), lookups) == {}


def test_attendance_only_on_days_the_site_holds_sessions(child_values, place) -> None:
    """Attending on Tuesday at a site meeting Monday and Wednesday is refused, naming both; days need a site."""
    lookups = place["lookups"]()
    errors = CHILD.check(child_values(attends=[0, 1]), lookups)
    assert "Tue" in errors["attends"] and "Mon" in errors["attends"]
    assert "need a site" in CHILD.check(child_values(site_id=None), lookups)["attends"]


def test_visit_windows_inside_the_day_and_enough_days(child_values, place) -> None:
    """Windows must be inside 06:00–22:00 and not reversed; two visits a week need windows on two days."""
    lookups = place["lookups"]()
    late = child_values(visit_windows=[Interval(5, t("21:00"), t("23:00"))])
    assert "22:00" in CHILD.check(late, lookups)["visit_windows"]
    assert "visit_windows" in CHILD.check(child_values(visit_windows=[Interval(5, t("12:00"), t("09:00"))]),
                                          lookups)
    two_same_day = child_values(visits_per_week=2, visit_windows=[Interval(5, t("09:00"), t("10:00")),
                                                                  Interval(5, t("15:00"), t("17:00"))])
    assert "at least 2 days" in CHILD.check(two_same_day, lookups)["visit_windows"]


def test_regular_visitor_must_be_an_active_visitor_trained_when_needed(child_values, place) -> None:
    """The regular visitor must be a home visitor, active, and trained when the child needs it."""
    lookups = place["lookups"]()
    assert "not an active home visitor" in CHILD.check(
        child_values(primary_volunteer_id=place["tutor"].id), lookups)["primary_volunteer_id"]
    assert "not trained" in CHILD.check(
        child_values(primary_volunteer_id=place["untrained"].id, needs_trained=True), lookups)["primary_volunteer_id"]
    assert CHILD.check(child_values(primary_volunteer_id=place["trained"].id, needs_trained=True), lookups) == {}
