"""What was delivered, from facts: a diary says whether a visit took place; reports count attendance rows and
such diaries beside what was planned; hours are service time only, travel beside them."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl

from scheduler_app.extensions import db
from scheduler_app.models import Attendance, DiaryEntry, DiaryStatus, Role
from scheduler_app.reports.services import dashboard, period_report
from tests.conftest import csrf_token, post_form
from tests.forms import form_data
from tests.scheduler_app.test_me import published_visit, served

EN = {"Accept-Language": "en"}
MONDAY = dt.date(2026, 11, 2)
LATER = dt.date(2026, 11, 30)


def test_a_visit_that_did_not_take_place_is_recorded_with_why_and_is_no_service(app, make_org, make_user,
                                                                               make_volunteer, make_child,
                                                                               login) -> None:
    """The diary of a visit says it did not take place (the child was not at home), with the travel apart; her
    hours count none of it as service, and the choice comes back when the diary is opened again."""
    org = make_org()
    mother = make_volunteer(org, "M1")
    child = make_child(org, "C1")
    url = f"/me/assignments/{published_visit(org, mother, child).id}/diary"
    volunteer = login(make_user(Role.VOLUNTEER, org=org, volunteer=mother))
    data = form_data(volunteer.get(url).get_data(as_text=True))
    assert data["took_place"] == [""] and int(data["travel_minutes"][0]) >= 0  # the roster's reckoning
    data.update({"took_place": ["not_home"], "travel_minutes": ["40"], "send": ["y"]})
    assert volunteer.post(url, data=data).status_code == 302
    entry = db.session.execute(db.select(DiaryEntry)).scalar_one()
    assert (entry.took_place, entry.not_held_reason, entry.travel_minutes) == (False, "not_home", 40)
    db.session.rollback()
    assert form_data(volunteer.get(url).get_data(as_text=True))["took_place"] == ["not_home"]
    hours = volunteer.get("/me/hours", headers=EN).get_data(as_text=True)
    assert "No diary handed in yet." in hours  # not service: nothing waits for approval
    bad = dict(data, took_place=["lost"])
    assert volunteer.post(url, data=bad).status_code == 422


def test_certificate_and_national_export_count_service_time_without_travel(app, make_org, make_user,
                                                                           make_volunteer, make_child, make_site,
                                                                           login) -> None:
    """Two approved activities of 75 and 90 minutes with 45 and 45 minutes of travel: the certificate states
    2.75 hours and names the 1.5 hours of travel beside as not included; the national export's hours are 1.25
    and 1.5; a visit that did not take place is in neither."""
    org = make_org(name="陪伴中心")
    mother = make_volunteer(org, "M1", name="李春梅", roles=("visitor", "tutor"))
    child, site = make_child(org, "C1"), make_site(org, name="堵城小学")
    for entry in (served(mother, child, dt.date(2026, 5, 9), 75, DiaryStatus.APPROVED),
                  served(mother, child, dt.date(2026, 5, 11), 90, DiaryStatus.APPROVED, site=site)):
        entry.travel_minutes = 45
    missed = served(mother, child, dt.date(2026, 5, 16), 60, DiaryStatus.APPROVED)
    missed.took_place, missed.not_held_reason, missed.travel_minutes = False, "weather", 30
    db.session.commit()
    client = login(make_user(Role.VOLUNTEER, org=org, volunteer=mother, locale="zh_CN"))
    page = client.get("/me/certificate?first_day=2026-05-01&last_day=2026-05-31&lang=en").get_data(as_text=True)
    assert "a total of 2.8 approved hours" in page  # 2.75 hours, to one decimal
    assert "(1.5 hours) is not included" in page
    response = client.get("/me/hours/export.xlsx?first_day=2026-05-01&last_day=2026-05-31")
    rows = [[c.value for c in row] for row in openpyxl.load_workbook(io.BytesIO(response.data)).active.iter_rows()]
    assert [r[6] for r in rows[1:]] == [1.25, 1.5]
    hours = client.get("/me/hours").get_data(as_text=True)
    assert "路程，不计入（小时）" in hours and "<td class=\"num\">1.5</td>" in hours


def _history(make_org, make_site, make_volunteer, make_child, make_week, make_diary):
    """A site meeting Monday and Wednesday with three children, its tutor on both days; two weekly visits, one
    that took place and one that did not (the guardian refused)."""
    org = make_org()
    site = make_site(org, days=(0, 2), name="堵城小学")
    tutor = make_volunteer(org, "T1", roles=("tutor",), max_sessions_per_week=2,
                           availability=((0, "16:00", "18:30"), (2, "16:00", "18:30")))
    mother = make_volunteer(org, "M1", max_visits_per_week=2, max_visits_per_day=1)
    pupils = [make_child(org, f"P{i}", site=site, attends=["mon", "wed"], visits_per_week=0, windows=())
              for i in range(3)]
    visited = make_child(org, "C2")
    other = make_child(org, "C3")
    make_week(org, MONDAY, (tutor, site, 0, "16:30", "18:00"), (tutor, site, 2, "16:30", "18:00"),
              (mother, visited, 5, "09:00", "10:00"), (mother, other, 6, "09:00", "10:00"))
    make_diary(mother, visited, MONDAY + dt.timedelta(days=5), 60, status="approved")
    refused = make_diary(mother, other, MONDAY + dt.timedelta(days=6), 30)
    refused.took_place, refused.not_held_reason = False, "refused"
    db.session.commit()
    return org, site, pupils


def test_reports_count_attendance_rows_and_list_the_session_without_any(app, make_org, make_site, make_volunteer,
                                                                        make_child, make_week, make_diary,
                                                                        make_user, login) -> None:
    """Monday's attendance recorded (two of three came), Wednesday's not: the report puts 2 planned sessions
    beside 1 delivered and lists Wednesday; children tutored are the two who came (the attendance rows), and
    when the absent child's row is changed to present it is three; visits delivered count the diary that says
    the visit took place (1 of 2 planned); the dashboard's week agrees."""
    org, site, pupils = _history(make_org, make_site, make_volunteer, make_child, make_week, make_diary)
    coordinator = login(make_user(Role.COORDINATOR, org=org))
    url = f"/school-year/attendance/{site.id}/{MONDAY.isoformat()}"
    assert post_form(coordinator, url, {f"present-{pupils[0].id}": "y", f"present-{pupils[1].id}": "y",
                                        f"reason-{pupils[2].id}": "生病"}).status_code == 302
    report = period_report(org.id, MONDAY, MONDAY + dt.timedelta(days=6), today=LATER)
    rows = db.session.execute(db.select(Attendance)).scalars().all()
    assert report.sessions_held == 2 and report.delivered.sessions_recorded == 1
    assert [(h.day, h.site) for h in report.delivered.unrecorded] == [(MONDAY + dt.timedelta(days=2), "堵城小学")]
    assert report.delivered.children_attended == len({r.child_id for r in rows if r.present}) == 2
    assert (report.visits_made, report.delivered.visits_took_place, report.delivered.visits_not_held) == (2, 1, 1)
    assert report.delivered.children_visited == 1
    week = next(w for w in dashboard(org.id, today=LATER).weeks if w.week_start == MONDAY)
    assert (week.visits_made, week.visits_delivered, week.sessions_recorded, week.sessions_unrecorded) == (2, 1, 1, 1)
    assert post_form(coordinator, url, {f"present-{p.id}": "y" for p in pupils}).status_code == 302
    assert period_report(org.id, MONDAY, MONDAY + dt.timedelta(days=6), today=LATER).delivered.children_attended == 3
    coordinator.post("/auth/logout", data={"csrf_token": csrf_token(coordinator, "/")})
    manager = login(make_user(Role.MANAGER, org=org))
    sunday = MONDAY + dt.timedelta(days=6)
    page = manager.get(f"/reports/?first_day={MONDAY.isoformat()}&last_day={sunday.isoformat()}",
                       headers=EN).get_data(as_text=True)
    assert "Planned and delivered" in page and 'data-fact="sessions">1<' in page and "data-unrecorded" in page


def test_the_diary_review_shows_a_visit_that_did_not_take_place(app, make_org, make_site, make_volunteer,
                                                                make_child, make_week, make_diary, make_user,
                                                                login) -> None:
    """The manager reviewing diaries reads that the handed-in visit did not take place, and why."""
    org, *_ = _history(make_org, make_site, make_volunteer, make_child, make_week, make_diary)
    page = login(make_user(Role.MANAGER, org=org)).get("/diaries/", headers=EN).get_data(as_text=True)
    assert "did not take place: the guardian refused" in page
