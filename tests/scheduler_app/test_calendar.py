"""A volunteer's private calendar link: published assignments only, their own only; revoking kills the link."""

from __future__ import annotations

import datetime as dt

from icalendar import Calendar

from scheduler_app.extensions import db
from scheduler_app.models import (
    Assignment,
    AssignmentKind,
    AssignmentStatus,
    Role,
    Roster,
    RosterStatus,
    Volunteer,
    Week,
)
from tests.conftest import csrf_token


def test_calendar_link_lifecycle(app, make_org, make_user, make_volunteer, make_child, login) -> None:
    """A coordinator makes a link; it serves the volunteer's published visit of this week (not a draft's,
    not another volunteer's) at the right local time; a new link revokes the old; revoking ends it."""
    org = make_org()
    mother = make_volunteer(org, "M1", name="陈春梅")
    other = make_volunteer(org, "M2")
    child = make_child(org, "C1", name="王欣怡")
    today = dt.date.today()
    week = Week(organisation_id=org.id, start_date=today - dt.timedelta(days=today.weekday()))
    visit = dict(kind=AssignmentKind.VISIT, child=child, day_index=5, start=dt.time(9), end=dt.time(10))
    db.session.add_all([
        Roster(week=week, status=RosterStatus.PUBLISHED, assignments=[
            Assignment(volunteer=mother, **visit), Assignment(volunteer=other, **{**visit, "day_index": 6})]),
        Roster(week=week, status=RosterStatus.DRAFT, assignments=[
            Assignment(volunteer=mother, **{**visit, "day_index": 4})])])
    db.session.commit()
    client = login(make_user(Role.COORDINATOR, org=org))
    url = f"/volunteers/{mother.id}/calendar"
    client.post(url, data={"csrf_token": csrf_token(client, f"/volunteers/{mother.id}"), "create": "y"})
    db.session.expire_all()
    token = db.session.get(Volunteer, mother.id).calendar_token
    assert token and len(token) >= 40
    db.session.rollback()
    feed = client.get(f"/calendar/{token}.ics")
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    events = [c for c in Calendar.from_ical(feed.data).walk("VEVENT")]
    assert len(events) == 1 and str(events[0]["summary"]).endswith("欣怡")  # her given name only
    start = events[0].decoded("dtstart")
    assert (start.weekday(), start.hour, str(start.tzinfo)) == (5, 9, "Asia/Shanghai")
    page = client.get(f"/volunteers/{mother.id}").get_data(as_text=True)
    assert f"webcal://localhost/calendar/{token}.ics" in page and "<svg" in page  # one tap, or a scan
    client.post(url, data={"csrf_token": csrf_token(client, f"/volunteers/{mother.id}"), "create": "y"})
    assert client.get(f"/calendar/{token}.ics").status_code == 404  # the old link is revoked
    db.session.expire_all()
    new_token = db.session.get(Volunteer, mother.id).calendar_token
    db.session.rollback()
    client.post(url, data={"csrf_token": csrf_token(client, f"/volunteers/{mother.id}"), "revoke": "y"})
    assert client.get(f"/calendar/{new_token}.ics").status_code == 404
    assert client.get("/calendar/.ics").status_code == 404


def test_the_feed_shows_what_her_pages_show_and_no_more(app, make_org, make_user, make_volunteer, make_child,
                                                        login) -> None:
    """The feed, fetched without a login, leaves out the visit she declined, names a child by her given name
    only (as My week does) and carries the Asia/Shanghai time zone definition."""
    org = make_org()
    mother = make_volunteer(org, "M1")
    child = make_child(org, "C1", name="潘皓轩")
    today = dt.date.today()
    week = Week(organisation_id=org.id, start_date=today - dt.timedelta(days=today.weekday()))
    visit = dict(kind=AssignmentKind.VISIT, child=child, start=dt.time(9), end=dt.time(10), volunteer=mother)
    db.session.add(Roster(week=week, status=RosterStatus.PUBLISHED, assignments=[
        Assignment(day_index=5, **visit),
        Assignment(day_index=6, status=AssignmentStatus.DECLINED, decline_reason="生病", **visit)]))
    db.session.commit()
    client = login(make_user(Role.COORDINATOR, org=org))
    client.post(f"/volunteers/{mother.id}/calendar",
                data={"csrf_token": csrf_token(client, f"/volunteers/{mother.id}"), "create": "y"})
    db.session.expire_all()
    token = db.session.get(Volunteer, mother.id).calendar_token
    db.session.rollback()
    feed = app.test_client().get(f"/calendar/{token}.ics")
    calendar = Calendar.from_ical(feed.data)
    events = list(calendar.walk("VEVENT"))
    assert [e.decoded("dtstart").weekday() for e in events] == [5]
    assert "皓轩" in str(events[0]["summary"]) and "潘皓轩" not in feed.get_data(as_text=True)
    assert [str(z["tzid"]) for z in calendar.walk("VTIMEZONE")] == ["Asia/Shanghai"]


def test_the_feed_stops_when_her_account_is_disabled(app, make_org, make_user, make_volunteer, login) -> None:
    """A volunteer whose account an admin disables loses her calendar feed at once (404), though the link's
    token is still on her record; enabled again, the same link answers again."""
    org = make_org()
    mother = make_volunteer(org, "M1")
    account = make_user(Role.VOLUNTEER, org=org, volunteer=mother)
    mother.calendar_token = "t" * 43
    db.session.commit()
    client = app.test_client()
    assert client.get(f"/calendar/{'t' * 43}.ics").status_code == 200
    account.active = False
    db.session.commit()
    assert client.get(f"/calendar/{'t' * 43}.ics").status_code == 404
    account.active = True
    db.session.commit()
    assert client.get(f"/calendar/{'t' * 43}.ics").status_code == 200


def test_each_activity_in_the_feed_rings_the_evening_before_at_the_organisations_reminder_time(
        app, make_org, make_volunteer, make_child) -> None:
    """A VALARM the evening before, at the organisation's reminder time (as the reminder message is sent)."""
    from scheduler_app.calendar.services import calendar_feed
    org = make_org(reminder_at=dt.time(19, 30))
    mother = make_volunteer(org, "M1", calendar_token="valarm-token-0123456789")
    child = make_child(org, "C1", name="潘皓轩")
    today = dt.date.today()
    week = Week(organisation_id=org.id, start_date=today - dt.timedelta(days=today.weekday()))
    db.session.add(Roster(week=week, status=RosterStatus.PUBLISHED, assignments=[
        Assignment(kind=AssignmentKind.VISIT, child=child, start=dt.time(9), end=dt.time(10), volunteer=mother,
                   day_index=5)]))
    db.session.commit()
    with app.test_request_context():
        event, = Calendar.from_ical(calendar_feed("valarm-token-0123456789")).walk("VEVENT")
    alarm, = event.walk("VALARM")
    assert alarm.decoded("trigger") == -dt.timedelta(hours=13, minutes=30)  # Friday 19:30 for Saturday 09:00
    assert str(alarm["action"]) == "DISPLAY" and "皓轩" in str(alarm["description"])
