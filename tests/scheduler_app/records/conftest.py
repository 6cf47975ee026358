"""Fixtures for record rules: a request context (messages are translated) and an organisation to refer to."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from scheduler_app.records.fields import Lookups
from scheduler_app.weekly import Interval


@pytest.fixture
def ctx(app) -> Iterator[None]:
    """A request context in English."""
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield


@pytest.fixture
def place(ctx, make_org, make_site, make_volunteer, make_child):
    """An organisation with a site meeting Monday and Wednesday, a village, a trained and an untrained
    visitor and a tutor; returns a builder of lookups and the records."""
    org = make_org()
    site = make_site(org, days=(0, 2))
    trained = make_volunteer(org, "M1", trained=True)
    untrained = make_volunteer(org, "M2")
    tutor = make_volunteer(org, "T1", roles=("tutor",))
    village = make_child(org, "C0").village
    return {"org": org, "site": site, "trained": trained, "untrained": untrained, "tutor": tutor,
            "village": village, "lookups": lambda: Lookups.load(org.id)}


def school_age(grade: int, today: dt.date | None = None) -> dt.date:
    """A birth date that fits a grade: the child turns grade + 5 in the September school starts."""
    today = today or dt.date.today()
    school_year = today.year if today.month >= 9 else today.year - 1
    return dt.date(school_year - grade - 5, 3, 1)


def t(hhmm: str) -> dt.time:
    """A time from HH:MM."""
    return dt.time.fromisoformat(hhmm)


@pytest.fixture
def child_values(place) -> Any:
    """Builder: a valid child's values, with overrides."""
    def build(**overrides: Any) -> dict[str, Any]:
        values = {
            "code": "C9", "name": "王欣怡", "gender": "F", "birth_date": school_age(4), "grade": 4, "school": "",
            "village_id": place["village"].id, "home_lat": None, "home_lon": None, "guardian_name": "",
            "guardian_relationship": "", "guardian_phone": "", "left_behind_type": "both",
            "parents_work_place": "", "background": "", "academic_notes": "", "site_id": place["site"].id,
            "attends": [0, 2], "subjects": ["math"], "visits_per_week": 1,
            "visit_windows": [Interval(5, t("09:00"), t("12:00"))], "risk_level": 2, "needs_trained": False,
            "primary_volunteer_id": None, "active": True}
        values.update(overrides)
        return values
    return build
