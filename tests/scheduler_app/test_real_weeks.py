"""Real weeks: public holidays and make-up days, terms, site closures and children away shape the week's
instance, and the roster page names why a session or visit is missing."""

from __future__ import annotations

import datetime as dt

import pytest

from scheduler_app.contract.instance import build_instance
from scheduler_app.extensions import db
from scheduler_app.models import CalendarDay, ChildAway, Role, SchoolTerm, SiteClosure
from scheduler_app.schooldays import default_follows, known_until, week_calendar
from solver import parse_instance
from tests.conftest import csrf_token, post_form

NATIONAL_DAY_EVE = dt.date(2026, 9, 28)   # Mon 28 Sep – Sun 4 Oct: 1–4 October are the holiday
NATIONAL_DAY_AFTER = dt.date(2026, 10, 5)  # Mon 5 – Wed 7 October off; Saturday 10 October works
MAKE_UP_SUNDAY_WEEK = dt.date(2026, 9, 14)  # Sunday 20 September works
ORDINARY = dt.date(2026, 11, 23)
SUMMER = dt.date(2026, 7, 20)


@pytest.fixture
def school(make_org, make_site, make_child, make_volunteer):
    """A site meeting Monday to Friday, a child coming every school day with a Saturday visit window, and her
    classmate coming on Tuesdays and Wednesdays."""
    org = make_org()
    site = make_site(org, "S1", days=(0, 1, 2, 3, 4), name="希望小学")
    every_day = make_child(org, "C1", site=site, attends=["mon", "tue", "wed", "thu", "fri"], subjects=["math"],
                           name="王小花", windows=((5, "09:00", "12:00"), (6, "09:00", "12:00")))
    midweek = make_child(org, "C2", site=site, attends=["tue", "wed"], name="李明")
    make_volunteer(org, "T1", roles=("tutor",), availability=tuple((d, "15:30", "19:00") for d in range(7)),
                   max_sessions_per_week=7)
    return org, site, every_day, midweek


def _sessions(doc: dict) -> list[str]:
    return [s["day"] for s in doc["sites"][0]["sessions"]]


def _child(doc: dict, code: str) -> dict:
    return next(c for c in doc["children"] if c["id"] == code)


def test_national_day_holds_no_session_and_the_roster_page_names_it(app, school, make_user, login) -> None:
    """The week of 28 September holds sessions Monday to Wednesday only (1–2 October are National Day); the page
    names the missing sessions 国庆节."""
    org, site, *_ = school
    doc = build_instance(org.id, NATIONAL_DAY_EVE)
    parse_instance(doc)
    assert _sessions(doc) == ["mon", "tue", "wed"]
    assert _child(doc, "C1")["attends"] == ["mon", "tue", "wed"]
    client = login(make_user(Role.COORDINATOR, org=org))
    page = client.get(f"/rosters/{NATIONAL_DAY_EVE.isoformat()}", headers={"Accept-Language": "zh-CN"}
                      ).get_data(as_text=True)
    assert "国庆节" in page and "希望小学" in page and "data-no-tutoring" not in page


def test_make_up_saturday_follows_the_weekday_it_pays_back(app, school) -> None:
    """After National Day, Thursday and Friday hold sessions, and Saturday 10 October (a working day paying back
    Wednesday 7 October) holds Wednesday's: both children come, the Tuesday-Wednesday child included."""
    org, *_ = school
    assert default_follows(dt.date(2026, 10, 10)) == 2
    doc = build_instance(org.id, NATIONAL_DAY_AFTER)
    parse_instance(doc)
    assert _sessions(doc) == ["thu", "fri", "sat"]
    assert _child(doc, "C1")["attends"] == ["thu", "fri", "sat"]
    assert _child(doc, "C2")["attends"] == ["sat"]
    assert next(s for s in doc["sites"][0]["sessions"] if s["day"] == "sat")["start"] == "16:30"


def test_make_up_sunday_follows_tuesday_unless_the_admin_says_otherwise(app, school) -> None:
    """Sunday 20 September pays back Tuesday 6 October: it holds Tuesday's session. An admin's entry for the day
    (it keeps Friday's timetable) wins, and removing it brings the calendar's back."""
    org, *_ = school
    assert default_follows(dt.date(2026, 9, 20)) == 1
    doc = build_instance(org.id, MAKE_UP_SUNDAY_WEEK)
    assert _sessions(doc) == ["mon", "tue", "wed", "thu", "fri", "sun"]
    assert "sun" in _child(doc, "C2")["attends"]
    own = CalendarDay(organisation_id=org.id, day=dt.date(2026, 9, 20), working=True, name="调休",
                      follows_day_index=4)
    db.session.add(own)
    db.session.commit()
    assert "sun" not in _child(build_instance(org.id, MAKE_UP_SUNDAY_WEEK), "C2")["attends"]
    assert "sun" in _child(build_instance(org.id, MAKE_UP_SUNDAY_WEEK), "C1")["attends"]


def test_a_week_outside_every_term_has_no_tutoring_and_says_so(app, school, make_user, login) -> None:
    """With the terms recorded, a week of the summer holiday holds no session (visits still happen) and the
    roster page says there is no tutoring this week: 学校放假."""
    org, *_ = school
    db.session.add_all([SchoolTerm(organisation_id=org.id, name="春季学期", first_day=dt.date(2026, 3, 2),
                                   last_day=dt.date(2026, 7, 10)),
                        SchoolTerm(organisation_id=org.id, name="秋季学期", first_day=dt.date(2026, 9, 1),
                                   last_day=dt.date(2027, 1, 22))])
    db.session.commit()
    doc = build_instance(org.id, SUMMER)
    assert _sessions(doc) == [] and _child(doc, "C1")["attends"] == []
    assert [w["day"] for w in _child(doc, "C1")["visit_windows"]] == ["sat", "sun"]
    assert _sessions(build_instance(org.id, ORDINARY)) == ["mon", "tue", "wed", "thu", "fri"]
    client = login(make_user(Role.COORDINATOR, org=org))
    page = client.get(f"/rosters/{SUMMER.isoformat()}", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "data-no-tutoring" in page and "学校放假" in page


def test_a_closed_site_holds_no_session_on_its_closed_days(app, school, make_user, login) -> None:
    """A site closed Wednesday and Thursday for exams holds Monday, Tuesday and Friday only; the page names the
    reason."""
    org, site, *_ = school
    db.session.add(SiteClosure(site=site, first_day=ORDINARY + dt.timedelta(days=2),
                               last_day=ORDINARY + dt.timedelta(days=3), reason="期中考试"))
    db.session.commit()
    assert _sessions(build_instance(org.id, ORDINARY)) == ["mon", "tue", "fri"]
    assert _sessions(build_instance(org.id, ORDINARY + dt.timedelta(days=7))) == ["mon", "tue", "wed", "thu", "fri"]
    client = login(make_user(Role.MANAGER, org=org))
    page = client.get(f"/rosters/{ORDINARY.isoformat()}").get_data(as_text=True)
    assert page.count("期中考试") == 2


def test_a_child_away_for_the_summer_gets_no_visit_and_no_session(app, school, make_user, login) -> None:
    """A child with her parents in the city from 11 July to 30 August has no visit window and attends no
    session in a summer week; her classmate keeps his; the page says 在父母处."""
    org, site, child, classmate = school
    db.session.add(ChildAway(child=child, first_day=dt.date(2026, 7, 11), last_day=dt.date(2026, 8, 30),
                             reason="在父母处"))
    db.session.commit()
    doc = build_instance(org.id, SUMMER)
    parse_instance(doc)
    assert _child(doc, "C1")["visit_windows"] == [] and _child(doc, "C1")["attends"] == []
    assert _child(doc, "C2")["attends"] == ["tue", "wed"]
    assert len(_child(build_instance(org.id, ORDINARY), "C1")["visit_windows"]) == 2
    client = login(make_user(Role.COORDINATOR, org=org))
    page = client.get(f"/rosters/{SUMMER.isoformat()}").get_data(as_text=True)
    assert "在父母处" in page and "王小花" in page


def test_the_settings_page_says_which_year_the_calendar_knows(app, make_user, login) -> None:
    """The admin's settings page says up to which year the public holidays are known."""
    client = login(make_user(Role.ADMIN))
    page = client.get("/admin/organisation", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert f"up to {known_until()}" in page and "/school-year/" in page


def test_an_admin_adds_a_day_off_the_package_does_not_know(app, school, make_user, login) -> None:
    """An admin's own day off (a year past the package's data) removes that day's session; a bad form names its
    field and changes nothing."""
    org, *_ = school
    client = login(make_user(Role.ADMIN, org=org))
    monday = dt.date(known_until() + 1, 2, 1)
    monday -= dt.timedelta(days=monday.weekday())
    bad = post_form(client, "/school-year/days", {"day-day": monday.isoformat(), "day-working": "off",
                                                  "day-name": "", "day-follows": ""}, page="/school-year/")
    assert bad.status_code == 422 and db.session.execute(db.select(CalendarDay)).first() is None
    done = post_form(client, "/school-year/days", {"day-day": monday.isoformat(), "day-working": "off",
                                                   "day-name": "春节", "day-follows": ""}, page="/school-year/")
    assert done.status_code == 302
    assert week_calendar(org.id, monday).off[0] is not None
    assert _sessions(build_instance(org.id, monday)) == ["tue", "wed", "thu", "fri"]


def test_a_coordinator_records_a_closure_and_days_away_through_the_page(app, school, make_user, login) -> None:
    """The school-year page records a closure and a child's days away; last day before first is refused naming
    the field, and nothing is stored."""
    org, site, child, _ = school
    client = login(make_user(Role.COORDINATOR, org=org))
    bad = post_form(client, "/school-year/closures", {"closure-site": site.id, "closure-first_day": "2026-11-25",
                                                      "closure-last_day": "2026-11-24", "closure-reason": "停电"},
                    page="/school-year/", headers={"Accept-Language": "en"})
    assert bad.status_code == 422 and "The last day is before the first day." in bad.get_data(as_text=True)
    assert db.session.execute(db.select(SiteClosure)).first() is None
    assert post_form(client, "/school-year/closures", {"closure-site": site.id, "closure-first_day": "2026-11-25",
                                                       "closure-last_day": "2026-11-25", "closure-reason": "停电"},
                     page="/school-year/").status_code == 302
    assert post_form(client, "/school-year/away", {"away-child": child.id, "away-first_day": "2026-11-23",
                                                   "away-last_day": "2026-11-29", "away-reason": "在父母处"},
                     page="/school-year/").status_code == 302
    doc = build_instance(org.id, ORDINARY)
    assert _sessions(doc) == ["mon", "tue", "thu", "fri"] and _child(doc, "C1")["visit_windows"] == []
    page = client.get("/school-year/").get_data(as_text=True)
    assert "停电" in page and "在父母处" in page
    assert client.post(f"/school-year/closures/{db.session.execute(db.select(SiteClosure.id)).scalar_one()}/remove",
                       data={"csrf_token": csrf_token(client, "/school-year/")}).status_code == 302
    assert _sessions(build_instance(org.id, ORDINARY)) == ["mon", "tue", "wed", "thu", "fri"]
