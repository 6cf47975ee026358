"""Children list and profile: searched by coordinators and managers; every opening is audited."""

from __future__ import annotations

from scheduler_app.extensions import db
from scheduler_app.models import AuditEvent, Role


def test_search_by_name_village_and_risk(app, make_org, make_user, make_child, login) -> None:
    """The list finds children by name or village text and filters by minimum risk."""
    org = make_org()
    make_child(org, "C1", name="王欣怡", risk_level=2)
    make_child(org, "C2", name="李子轩", risk_level=5)
    client = login(make_user(Role.COORDINATOR, org=org))
    assert "王欣怡" in client.get("/children/?q=欣怡").get_data(as_text=True)
    page = client.get("/children/?q=欣怡").get_data(as_text=True)
    assert "李子轩" not in page
    risky = client.get("/children/?min_risk=4").get_data(as_text=True)
    assert "李子轩" in risky and "王欣怡" not in risky
    assert "王欣怡" in client.get("/children/?q=村C1").get_data(as_text=True)


def test_list_is_paginated(app, make_org, make_user, make_child, login) -> None:
    """Thirty children show 25 on the first page and 5 on the second."""
    org = make_org()
    for i in range(30):
        make_child(org, f"C{i:02d}", name=f"孩子{i:02d}")
    client = login(make_user(Role.MANAGER, org=org))
    first = client.get("/children/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    second = client.get("/children/?page=2").get_data(as_text=True)
    assert first.count("/children/") - 1 >= 25 and "孩子24" in first and "孩子25" not in first
    assert "孩子29" in second and "Page 1 of 2" in first


def test_viewing_a_child_is_audited_and_not_cached(app, make_org, make_user, make_child, login) -> None:
    """Opening a child's profile writes who/what/when to the audit log and forbids caching."""
    org = make_org()
    child = make_child(org, "C1", name="张雨桐")
    user = make_user(Role.COORDINATOR, org=org)
    response = login(user).get(f"/children/{child.id}")
    assert response.status_code == 200 and "张雨桐" in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"
    event = db.session.execute(db.select(AuditEvent).where(AuditEvent.action == "child_viewed")).scalar_one()
    assert (event.user_id, event.object_type, event.object_id) == (user.id, "child", child.id)
    assert event.at is not None and event.remote_addr == "127.0.0.1"


def test_child_of_another_organisation_is_not_found(app, make_org, make_user, make_child, login) -> None:
    """A coordinator cannot open a child of another organisation, by list or by id."""
    mine, theirs = make_org(name="甲"), make_org(name="乙")
    stranger = make_child(theirs, "C1", name="外机构儿童")
    client = login(make_user(Role.COORDINATOR, org=mine))
    assert client.get(f"/children/{stranger.id}").status_code == 404
    assert "外机构儿童" not in client.get("/children/?q=外机构").get_data(as_text=True)
    assert db.session.execute(db.select(AuditEvent).where(AuditEvent.action == "child_viewed")).first() is None


def test_profile_shows_history_and_observations(app, make_org, make_user, make_child, make_site, make_volunteer,
                                                login) -> None:
    """The profile lists last week's published visit and the session on the child's day at its site, not a
    draft's; and diary observations handed in (not drafts), with the concern flag."""
    import datetime as dt

    from scheduler_app.models import (
        Assignment,
        AssignmentKind,
        DiaryEntry,
        DiaryStatus,
        Roster,
        RosterStatus,
        Week,
    )
    org = make_org()
    site = make_site(org, days=(0, 2))
    mother = make_volunteer(org, "M1", name="陈春梅")
    tutor = make_volunteer(org, "T1", roles=("tutor",), name="刘老师")
    child = make_child(org, "C1", name="王欣怡", site=site, attends=["mon"])
    today = dt.date.today()
    monday = today - dt.timedelta(days=today.weekday() + 7)
    week = Week(organisation_id=org.id, start_date=monday)
    published = Roster(week=week, status=RosterStatus.PUBLISHED)
    draft = Roster(week=week, status=RosterStatus.DRAFT)
    at = dict(start=dt.time(9), end=dt.time(10))
    published.assignments = [
        Assignment(kind=AssignmentKind.VISIT, volunteer=mother, child=child, day_index=5, **at),
        Assignment(kind=AssignmentKind.TUTORING, volunteer=tutor, site=site, day_index=0,
                   start=dt.time(16, 30), end=dt.time(18)),
        Assignment(kind=AssignmentKind.TUTORING, volunteer=tutor, site=site, day_index=2,  # not the child's day
                   start=dt.time(16, 30), end=dt.time(18))]
    draft.assignments = [Assignment(kind=AssignmentKind.VISIT, volunteer=tutor, child=child, day_index=6, **at)]
    entry = dict(volunteer=mother, child=child, served_on=monday + dt.timedelta(days=5), started_at=dt.time(9),
                 ended_at=dt.time(10), minutes=60)
    db.session.add_all([week, published, draft,
                        DiaryEntry(status=DiaryStatus.SUBMITTED, concern=True,
                                   observations={"emotional": "想念妈妈，哭了"}, **entry),
                        DiaryEntry(status=DiaryStatus.DRAFT, observations={"health": "草稿内容"}, **entry)])
    db.session.commit()
    page = login(make_user(Role.MANAGER, org=org)).get(f"/children/{child.id}",
                                                       headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "home visit by 陈春梅" in page and "tutoring with 刘老师" in page
    assert page.count("tutoring with") == 1 and "home visit by 刘老师" not in page
    assert "想念妈妈，哭了" in page and "concern" in page and "草稿内容" not in page
