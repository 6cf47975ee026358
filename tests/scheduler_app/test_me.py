"""A volunteer's own pages through the real forms: availability and dates away (reaching the instance),
the service diary and the hours it counts."""

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


def published_visit(org, volunteer, child, days_ago: int = 3):  # noqa: ANN001, ANN201
    """A published roster holding one visit by the volunteer to the child, ``days_ago`` days before today."""
    from scheduler_app.models import Assignment, AssignmentKind, Roster, RosterStatus, Week
    day = dt.date.today() - dt.timedelta(days=days_ago)
    week = Week(organisation_id=org.id, start_date=day - dt.timedelta(days=day.weekday()))
    roster = Roster(week=week, status=RosterStatus.PUBLISHED)
    visit = Assignment(roster=roster, kind=AssignmentKind.VISIT, volunteer=volunteer, child=child,
                       day_index=day.weekday(), start=dt.time(9), end=dt.time(10))
    db.session.add_all([week, roster, visit])
    db.session.commit()
    return visit


def test_diary_draft_then_hand_in_with_a_concern(app, make_org, make_user, make_volunteer, make_child,
                                                 login) -> None:
    """A visitor saves a draft diary, then hands it in with observations and a concern; the minutes follow
    the times she gives, and her hours show it as waiting for approval."""
    from scheduler_app.models import DiaryEntry, DiaryStatus
    org = make_org()
    mother = make_volunteer(org, "M1")
    child = make_child(org, "C1", name="王欣怡")
    visit_id = published_visit(org, mother, child).id
    url = f"/me/assignments/{visit_id}/diary"
    volunteer = login(make_user(Role.VOLUNTEER, org=org, volunteer=mother))
    data = form_data(volunteer.get(url).get_data(as_text=True))
    assert data["started_at"] == ["09:00"] and data["ended_at"] == ["10:00"]
    data.update({"ended_at": ["10:30"], "activities": ["talk", "homework"], "what_was_done": ["聊天，检查作业"],
                 "save": ["y"]})
    assert volunteer.post(url, data=data).status_code == 302
    entry = db.session.execute(db.select(DiaryEntry)).scalar_one()
    assert (entry.status, entry.minutes, entry.activities) == (DiaryStatus.DRAFT, 90, ["homework", "talk"])
    db.session.rollback()
    data = form_data(volunteer.get(url).get_data(as_text=True))
    data.update({"emotional": ["想念妈妈，哭了"], "concern": ["y"], "gained": ["学会倾听"], "send": ["y"]})
    assert volunteer.post(url, data=data).status_code == 302
    db.session.expire_all()
    entry = db.session.execute(db.select(DiaryEntry)).scalar_one()
    assert entry.status == DiaryStatus.SUBMITTED and entry.concern
    assert entry.observations == {"emotional": "想念妈妈，哭了"}
    db.session.rollback()
    hours = volunteer.get("/me/hours", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "1.5" in hours and "hours waiting for approval" in hours


def test_diary_rules(app, make_org, make_user, make_volunteer, make_child, login) -> None:
    """The end must follow the start; a future activity has no diary yet; an approved entry is final;
    someone else's assignment is not found."""
    from scheduler_app.models import DiaryEntry, DiaryStatus
    org = make_org()
    mother = make_volunteer(org, "M1")
    other = make_volunteer(org, "M2")
    child = make_child(org, "C1")
    past = published_visit(org, mother, child).id
    future = published_visit(org, mother, child, days_ago=-8).id
    theirs = published_visit(org, other, child, days_ago=10).id
    volunteer = login(make_user(Role.VOLUNTEER, org=org, volunteer=mother))
    en = {"Accept-Language": "en"}

    def post(assignment_id: int, **changes):  # noqa: ANN003, ANN202
        url = f"/me/assignments/{assignment_id}/diary"
        data = form_data(volunteer.get(url).get_data(as_text=True))
        data.update({k: [v] for k, v in changes.items()})
        return volunteer.post(url, data=data, headers=en, follow_redirects=True)

    assert "end must be after the start" in post(past, ended_at="08:30", send="y").get_data(as_text=True)
    assert "has not happened yet" in post(future, send="y").get_data(as_text=True)
    assert volunteer.get(f"/me/assignments/{theirs}/diary").status_code == 404
    assert db.session.execute(db.select(DiaryEntry)).first() is None
    post(past, send="y")
    db.session.execute(db.update(DiaryEntry).values(status=DiaryStatus.APPROVED))
    db.session.commit()
    assert "approved and can no longer be changed" in post(past, ended_at="11:00", send="y").get_data(as_text=True)
    db.session.expire_all()
    assert db.session.execute(db.select(DiaryEntry)).scalar_one().minutes == 60
