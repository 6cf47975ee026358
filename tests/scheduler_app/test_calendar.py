"""A volunteer's private calendar link: published assignments only, their own only; revoking kills the link."""

from __future__ import annotations

import datetime as dt

from icalendar import Calendar

from scheduler_app.extensions import db
from scheduler_app.models import Assignment, AssignmentKind, Role, Roster, RosterStatus, Volunteer, Week
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
    assert len(events) == 1 and "王欣怡" in str(events[0]["summary"])
    start = events[0].decoded("dtstart")
    assert (start.weekday(), start.hour, str(start.tzinfo)) == (5, 9, "Asia/Shanghai")
    client.post(url, data={"csrf_token": csrf_token(client, f"/volunteers/{mother.id}"), "create": "y"})
    assert client.get(f"/calendar/{token}.ics").status_code == 404  # the old link is revoked
    db.session.expire_all()
    new_token = db.session.get(Volunteer, mother.id).calendar_token
    db.session.rollback()
    client.post(url, data={"csrf_token": csrf_token(client, f"/volunteers/{mother.id}"), "revoke": "y"})
    assert client.get(f"/calendar/{new_token}.ics").status_code == 404
    assert client.get("/calendar/.ics").status_code == 404
