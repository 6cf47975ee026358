"""A volunteer's own pages through the real forms: availability and dates away (reaching the instance),
the service diary and the hours it counts."""

from __future__ import annotations

import datetime as dt

import pytest

from scheduler_app.contract.instance import build_instance
from scheduler_app.extensions import db
from scheduler_app.me import services
from scheduler_app.models import DiaryEntry, Role, Volunteer
from tests.conftest import PASSWORD, csrf_token, post_form
from tests.forms import form_data

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


def published_visit(org, volunteer, child, days_ago: int = 3):
    """A visit by the volunteer to the child, ``days_ago`` days before today, in that week's published roster
    (made when the week has none)."""
    from scheduler_app.models import Assignment, AssignmentKind, Roster, RosterStatus, Week
    day = dt.date.today() - dt.timedelta(days=days_ago)
    monday = day - dt.timedelta(days=day.weekday())
    week = db.session.execute(db.select(Week).where(Week.organisation_id == org.id, Week.start_date == monday)
                              ).scalar_one_or_none() or Week(organisation_id=org.id, start_date=monday)
    roster = next((r for r in week.rosters if r.status == RosterStatus.PUBLISHED), None) \
        or Roster(week=week, status=RosterStatus.PUBLISHED)
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


def test_a_diary_written_on_two_phones_keeps_the_first_and_refuses_the_second(app, make_org, make_user,
                                                                             make_volunteer, make_child) -> None:
    """Two phones open the new diary of one visit; the first hand-in is kept, the second is refused as changed
    elsewhere instead of silently replacing it."""
    from scheduler_app.models import DiaryEntry
    from tests.conftest import PASSWORD, post_form
    org = make_org()
    mother = make_volunteer(org, "M1")
    visit_id = published_visit(org, mother, make_child(org, "C1")).id
    user = make_user(Role.VOLUNTEER, org=org, volunteer=mother, locale="en")
    url = f"/me/assignments/{visit_id}/diary"
    phones = [app.test_client(), app.test_client()]
    forms = []
    for phone in phones:
        post_form(phone, "/auth/login", {"username": user.username, "password": PASSWORD})
        forms.append(form_data(phone.get(url).get_data(as_text=True)))
    for data, text in zip(forms, ("第一部手机", "第二部手机"), strict=True):
        data.update({"what_was_done": [text], "send": ["y"]})
    assert phones[0].post(url, data=forms[0]).status_code == 302
    second = phones[1].post(url, data=forms[1])
    assert second.status_code == 422 and "changed elsewhere" in second.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.execute(db.select(DiaryEntry)).scalar_one().what_was_done == "第一部手机"


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

    def post(assignment_id: int, **changes):
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


def test_my_week_shows_what_the_visit_needs_and_no_more(app, make_org, make_user, make_volunteer, make_child,
                                                        login) -> None:
    """The volunteer's week names the child by given name with the village, who the child lives with, that a
    trained visitor is needed and the travel time from home as the optimiser reckons it; the surname, the
    guardian's phone and the family background stay out."""
    from solver.geo import road_km, travel_minutes
    org = make_org()
    mother = make_volunteer(org, "M1", home_lat=30.40, home_lon=114.80)
    child = make_child(org, "C1", name="王欣怡", guardian_relationship="奶奶", guardian_phone="13900001111",
                       background="父母在深圳打工", needs_trained=True, grade=3)
    published_visit(org, mother, child, days_ago=0)
    client = login(make_user(Role.VOLUNTEER, org=org, volunteer=mother))
    page = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    minutes = travel_minutes(road_km((30.40, 114.80), (30.452, 114.879), org.road_factor), org.speed_kmh)
    assert minutes > 5
    assert "Home visit: 欣怡, 村C1" in page and "lives with: paternal grandmother" in page and "grade 3" in page
    assert "奶奶" in client.get("/", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)  # as typed
    assert "needs a trained volunteer" in page and f"about {minutes} min from home" in page
    assert "王欣怡" not in page and "13900001111" not in page and "深圳" not in page


def served(volunteer, child, day: dt.date, minutes: int, status, site=None):
    """A diary entry of ``minutes`` served on ``day`` (a visit to the child, or tutoring at the site)."""
    from scheduler_app.models import DiaryEntry
    start = dt.time(9)
    end = (dt.datetime.combine(day, start) + dt.timedelta(minutes=minutes)).time()
    entry = DiaryEntry(volunteer_id=volunteer.id, child_id=None if site else child.id,
                       site_id=site.id if site else None, served_on=day, started_at=start, ended_at=end,
                       minutes=minutes, activities=["talk"] if site is None else ["homework"], status=status)
    db.session.add(entry)
    db.session.commit()
    return entry


def test_certificate_counts_only_approved_hours_in_the_period(app, make_org, make_user, make_volunteer,
                                                              make_child, make_site, login) -> None:
    """The certificate states the approved hours served in the period, split by programme, in the language
    asked for; entries waiting for approval, drafts and days outside the period do not count; printing it
    is audited."""
    from scheduler_app.models import AuditEvent, DiaryStatus
    org = make_org(name="黄州区陪伴社工服务中心")
    mother = make_volunteer(org, "M1", name="李春梅", affiliation="黄冈师范学院", roles=("visitor", "tutor"))
    child, site = make_child(org, "C1"), make_site(org)
    served(mother, child, dt.date(2026, 3, 7), 90, DiaryStatus.APPROVED)
    served(mother, child, dt.date(2026, 3, 14), 60, DiaryStatus.APPROVED)
    served(mother, child, dt.date(2026, 4, 2), 90, DiaryStatus.APPROVED, site=site)
    served(mother, child, dt.date(2026, 4, 9), 120, DiaryStatus.SUBMITTED)
    served(mother, child, dt.date(2026, 4, 16), 120, DiaryStatus.DRAFT)
    served(mother, child, dt.date(2025, 12, 20), 300, DiaryStatus.APPROVED)
    client = login(make_user(Role.VOLUNTEER, org=org, volunteer=mother))
    page = client.get("/me/certificate?first_day=2026-01-01&last_day=2026-06-30&lang=en").get_data(as_text=True)
    assert "This is to certify that 李春梅 (黄冈师范学院) served as a volunteer with 黄州区陪伴社工服务中心" in page
    assert "a total of 4.0 approved hours" in page
    assert "<td class=\"num\">1</td><td class=\"num\">1.5</td>" in page  # one tutoring session, 1.5 h
    assert "<td class=\"num\">2</td><td class=\"num\">2.5</td>" in page  # two home visits, 2.5 h
    zh = client.get("/me/certificate?first_day=2026-01-01&last_day=2026-06-30&lang=zh_CN").get_data(as_text=True)
    assert "志愿服务时长证明" in zh and "4.0" in zh and "兹证明" in zh
    events = db.session.execute(db.select(AuditEvent).where(AuditEvent.action == "certificate_printed")).scalars()
    assert [e.detail["minutes"] for e in events] == [240, 240]


def test_certificate_period_is_checked(app, make_org, make_user, login) -> None:
    """A period that ends before it starts is refused with the field named, and nothing is printed."""
    from scheduler_app.models import AuditEvent
    client = login(make_user(Role.VOLUNTEER, org=make_org()))
    response = client.get("/me/certificate?first_day=2026-06-30&last_day=2026-01-01&lang=en",
                          headers={"Accept-Language": "en"})
    assert response.status_code == 422
    assert "The end must not be before the start." in response.get_data(as_text=True)
    assert db.session.execute(db.select(AuditEvent).where(AuditEvent.action == "certificate_printed")).first() is None


def test_hours_export_for_the_national_system(app, make_org, make_user, make_volunteer, make_child, make_site,
                                              login) -> None:
    """The export has one row per approved activity in the period, in the national system's column order,
    with hours to two decimals and the place as a village or site; no child is named in it."""
    import io

    import openpyxl

    from scheduler_app.models import DiaryStatus
    org = make_org(name="陪伴中心")
    mother = make_volunteer(org, "M1", name="李春梅", phone="13800002222", roles=("visitor", "tutor"))
    child, site = make_child(org, "C1", name="王欣怡"), make_site(org, name="堵城小学")
    served(mother, child, dt.date(2026, 5, 9), 75, DiaryStatus.APPROVED)
    served(mother, child, dt.date(2026, 5, 11), 90, DiaryStatus.APPROVED, site=site)
    served(mother, child, dt.date(2026, 5, 16), 60, DiaryStatus.SUBMITTED)
    client = login(make_user(Role.VOLUNTEER, org=org, volunteer=mother, locale="zh_CN"))
    response = client.get("/me/hours/export.xlsx?first_day=2026-05-01&last_day=2026-05-31")
    assert response.status_code == 200 and "hours-M1-20260501-20260531.xlsx" in response.headers[
        "Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][:7] == ["姓名", "证件号码", "联系电话", "服务日期", "开始时间", "结束时间", "服务时长（小时）"]
    assert rows[1][:9] == ["李春梅", None, "13800002222", "2026-05-09", "09:00", "10:15", 1.25,
                           "爱心妈妈：入户探访", "村C1"]
    assert rows[2][6:9] == [1.5, "四点半课堂：作业辅导", "堵城小学"]
    assert len(rows) == 3
    assert "王欣怡" not in response.data.decode("latin-1") and all("王欣怡" not in str(v) for r in rows for v in r)


def test_hours_export_names_a_social_workers_visits_as_family_interviews(app, make_org, make_user, make_volunteer,
                                                                         make_child, login) -> None:
    """A social worker's approved visits are her family interviews: the national export's programme says so, not
    "volunteer mothers: home visits"."""
    import io

    import openpyxl

    from scheduler_app.models import DiaryStatus
    org = make_org()
    worker = make_volunteer(org, "S1", name="周敏", is_social_worker=True)
    served(worker, make_child(org, "C1"), dt.date(2026, 5, 9), 60, DiaryStatus.APPROVED)
    client = login(make_user(Role.SOCIAL_WORKER, org=org, volunteer=worker, locale="zh_CN"))
    response = client.get("/me/hours/export.xlsx?first_day=2026-05-01&last_day=2026-05-31")
    assert response.status_code == 200
    rows = [[c.value for c in row] for row in openpyxl.load_workbook(io.BytesIO(response.data)).active.iter_rows()]
    assert len(rows) == 2 and rows[1][6:8] == [1.0, "社工：家庭访谈"]


def test_volunteer_makes_and_revokes_their_calendar_link(app, make_org, make_user, make_volunteer, make_child,
                                                         login) -> None:
    """A volunteer makes their own calendar link, which then serves their assignments; revoking it makes
    the old link answer 404."""
    org = make_org()
    mother = make_volunteer(org, "M1")
    published_visit(org, mother, make_child(org, "C1"), days_ago=0)
    client = login(make_user(Role.VOLUNTEER, org=org, volunteer=mother))
    assert client.post("/me/calendar", data={"csrf_token": csrf_token(client, "/me/calendar"),
                                             "create": "y"}).status_code == 302
    db.session.expire_all()
    token = db.session.get(Volunteer, mother.id).calendar_token
    db.session.rollback()
    assert token and token in client.get("/me/calendar").get_data(as_text=True)
    feed = client.get(f"/calendar/{token}.ics")
    assert feed.status_code == 200 and b"BEGIN:VEVENT" in feed.data
    assert client.post("/me/calendar", data={"csrf_token": csrf_token(client, "/me/calendar"),
                                             "revoke": "y"}).status_code == 302
    assert client.get(f"/calendar/{token}.ics").status_code == 404


def test_volunteer_cannot_reach_others_assignments_diaries_or_children(app, make_org, make_user, make_volunteer,
                                                                       make_child, login) -> None:
    """Another volunteer's assignment cannot be confirmed, declined or written about (404, unchanged); the
    other's diary does not appear in my hours; children's records and the roster are refused (403); my
    week and my calendar name only my own activities."""
    from scheduler_app.models import Assignment, AssignmentStatus, DiaryStatus
    org = make_org()
    mine, theirs = make_volunteer(org, "M1"), make_volunteer(org, "M2")
    my_child, their_child = make_child(org, "C1", name="王欣怡"), make_child(org, "C2", name="陈子轩")
    published_visit(org, mine, my_child, days_ago=0)
    other = published_visit(org, theirs, their_child, days_ago=0).id
    served(theirs, their_child, dt.date.today(), 180, DiaryStatus.APPROVED)
    client = login(make_user(Role.VOLUNTEER, org=org, volunteer=mine))
    token = csrf_token(client, "/")
    assert client.post(f"/me/assignments/{other}/confirm", data={"csrf_token": token}).status_code == 404
    assert client.post(f"/me/assignments/{other}/decline",
                       data={"csrf_token": token, "reason": "x"}).status_code == 404
    assert client.get(f"/me/assignments/{other}/diary").status_code == 404
    assert db.session.get(Assignment, other).status == AssignmentStatus.PLANNED
    assert "3.0" not in client.get("/me/hours").get_data(as_text=True)
    assert client.get(f"/children/{their_child.id}").status_code == 403
    assert client.get("/children/").status_code == 403
    assert client.get("/rosters/").status_code == 403
    home = client.get("/").get_data(as_text=True)
    assert "欣怡" in home and "子轩" not in home


def test_a_diary_saved_on_another_phone_mid_save_is_a_conflict_not_an_error(app, make_org, make_user,
                                                                          make_volunteer, make_child,
                                                                          monkeypatch) -> None:
    """On PostgreSQL two saves of one diary can interleave: the other phone's commit lands after this save read
    the entry (right version) and before it writes. That is the "changed elsewhere" answer with her text on
    the page, not a 500, and the other phone's entry stays."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("on SQLite a save holds the write lock from its first query: saves cannot interleave")
    org = make_org()
    mother = make_volunteer(org, "M1")
    visit_id = published_visit(org, mother, make_child(org, "C1")).id
    user = make_user(Role.VOLUNTEER, org=org, volunteer=mother, locale="en")
    url = f"/me/assignments/{visit_id}/diary"
    phone = app.test_client()
    post_form(phone, "/auth/login", {"username": user.username, "password": PASSWORD})
    data = form_data(phone.get(url).get_data(as_text=True))
    data.update({"what_was_done": ["先存的草稿"], "save": ["y"]})
    assert phone.post(url, data=data).status_code == 302
    data = form_data(phone.get(url).get_data(as_text=True))
    data.update({"what_was_done": ["这部手机上写的"], "send": ["y"]})
    consented = services.consented

    def other_phone_saves_now(*args, **kwargs):  # in the middle of the save
        with db.engine.begin() as other:
            # If this save already holds the row (its autoflush wrote it early), waiting would never end.
            other.execute(db.text("SET LOCAL lock_timeout = '2s'"))
            other.execute(db.update(DiaryEntry).where(DiaryEntry.assignment_id == visit_id).values(
                what_was_done="另一部手机", version_id=DiaryEntry.version_id + 1))
        return consented(*args, **kwargs)

    monkeypatch.setattr(services, "consented", other_phone_saves_now)
    answer = phone.post(url, data=data)
    assert answer.status_code == 422 and "changed elsewhere" in answer.get_data(as_text=True)
    assert "这部手机上写的" in answer.get_data(as_text=True)  # her text is still on the page
    db.session.expire_all()
    assert db.session.execute(db.select(DiaryEntry)).scalar_one().what_was_done == "另一部手机"
