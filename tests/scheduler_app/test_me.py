"""A volunteer's own pages: availability and dates away, through the real forms, reaching the instance."""

from __future__ import annotations

import datetime as dt

from scheduler_app.contract import build_instance
from scheduler_app.extensions import db
from scheduler_app.models import Role, Volunteer
from tests.conftest import csrf_token, form_data

WEEK = dt.date(2026, 11, 30)


def test_volunteer_keeps_availability_and_dates_away(app, make_org, make_user, make_volunteer, login) -> None:
    """A volunteer mother replaces Saturday morning with Sunday afternoon and Tuesday evening, is refused an
    overlapping pair, adds a day away and removes it again; the week's instance follows each change."""
    org = make_org()
    mother = make_volunteer(org, "M1", max_visits_per_week=3, max_visits_per_day=2)
    client = login(make_user(Role.VOLUNTEER, org=org, volunteer=mother))
    page = client.get("/me/availability").get_data(as_text=True)
    data = form_data(page, form_index=-2)
    data.update({"availability-0-day": ["6"], "availability-0-start": ["14:00"], "availability-0-end": ["17:00"],
                 "availability-1-day": ["1"], "availability-1-start": ["18:30"], "availability-1-end": ["20:30"]})
    assert client.post("/me/availability", data=data).status_code == 302
    entry = next(v for v in build_instance(org.id, WEEK)["volunteers"] if v["id"] == "M1")
    assert entry["availability"] == [{"day": "tue", "start": "18:30", "end": "20:30"},
                                     {"day": "sun", "start": "14:00", "end": "17:00"}]
    data = form_data(client.get("/me/availability").get_data(as_text=True), form_index=-2)
    data.update({"availability-2-day": ["1"], "availability-2-start": ["19:00"], "availability-2-end": ["21:00"]})
    refused = client.post("/me/availability", data=data, headers={"Accept-Language": "en"})
    assert refused.status_code == 422 and "overlaps" in refused.get_data(as_text=True)
    away = {"csrf_token": csrf_token(client, "/me/availability"), "away-first_day": "2026-12-06",
            "away-last_day": "2026-12-06", "away-reason": "考试", "away-submit": "y"}
    assert client.post("/me/availability", data=away).status_code == 302
    entry = next(v for v in build_instance(org.id, WEEK)["volunteers"] if v["id"] == "M1")
    assert [a["day"] for a in entry["availability"]] == ["tue"]
    db.session.expire_all()
    away_id = db.session.get(Volunteer, mother.id).dates_away[0].id
    db.session.rollback()
    assert client.post(f"/me/away/{away_id}/remove",
                       data={"csrf_token": csrf_token(client, "/me/availability")}).status_code == 302
    entry = next(v for v in build_instance(org.id, WEEK)["volunteers"] if v["id"] == "M1")
    assert [a["day"] for a in entry["availability"]] == ["tue", "sun"]


def test_volunteer_pages_are_only_their_own(app, make_org, make_user, make_volunteer, login) -> None:
    """Another volunteer's date away cannot be removed (404), and nothing changes."""
    org = make_org()
    other = make_volunteer(org, "M2")
    from scheduler_app.models import DateAway
    db.session.add(DateAway(volunteer=other, first_day=dt.date(2026, 12, 1), last_day=dt.date(2026, 12, 2)))
    db.session.commit()
    away_id = other.dates_away[0].id
    client = login(make_user(Role.VOLUNTEER, org=org))
    assert client.post(f"/me/away/{away_id}/remove",
                       data={"csrf_token": csrf_token(client, "/me/availability")}).status_code == 404
    db.session.expire_all()
    assert len(db.session.get(Volunteer, other.id).dates_away) == 1
