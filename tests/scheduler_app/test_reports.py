"""The funders' report and the dashboard, checked against hand-built histories: delivered is published, come
and not declined; required comes from the roster's instance; hours are approved diaries only."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl

from scheduler_app.extensions import db
from scheduler_app.models import AssignmentStatus, Role
from scheduler_app.reports.services import dashboard, period_report

EN = {"Accept-Language": "en"}
MONDAY = dt.date(2026, 11, 2)
LATER = dt.date(2026, 11, 30)  # "today" for the service calls: the whole week has happened


def history(make_org, make_site, make_volunteer, make_child, make_week, make_diary):
    """A site meeting Monday and Wednesday with one child attending both days; a child needing a visit a week,
    whose regular visitor visits her on Saturday; the Wednesday tutor declined; diaries: two approved, one
    waiting."""
    org = make_org()
    site = make_site(org, days=(0, 2), min_tutors=1, name="堵城小学")
    tutor = make_volunteer(org, "T1", roles=("tutor",), max_sessions_per_week=2,
                           availability=((0, "16:00", "18:30"), (2, "16:00", "18:30")))
    mother = make_volunteer(org, "M1", max_visits_per_week=2, max_visits_per_day=1)
    pupil = make_child(org, "C1", site=site, attends=["mon", "wed"], subjects=["math"], visits_per_week=0, windows=())
    visited = make_child(org, "C2", primary_volunteer=mother)
    make_week(org, MONDAY, (tutor, site, 0, "16:30", "18:00"),
              (tutor, site, 2, "16:30", "18:00", AssignmentStatus.DECLINED), (mother, visited, 5, "09:00", "10:00"))
    make_diary(tutor, site, MONDAY, 90, status="approved")
    make_diary(mother, visited, MONDAY + dt.timedelta(days=5), 75, status="approved")
    make_diary(mother, visited, MONDAY + dt.timedelta(days=6), 30)
    return org, site, tutor, mother, pupil, visited


def test_report_figures_match_the_history(app, make_org, make_site, make_volunteer, make_child, make_week,
                                          make_diary) -> None:
    """For the week: one session held of two required places (the declined one is not held), one child
    tutored, one visit made of one required, one child visited, two volunteers serving, 2.75 approved
    hours split 1.5 tutoring and 1.25 visits. For Monday to Wednesday only, the weekly visit is required
    for 3/7 and the visit (Saturday) is not in it."""
    org, *_ = history(make_org, make_site, make_volunteer, make_child, make_week, make_diary)
    week = period_report(org.id, MONDAY, MONDAY + dt.timedelta(days=6), today=LATER)
    assert (week.sessions_held, week.tutor_places_staffed, week.tutor_places_required) == (1, 1, 2)
    assert (week.children_tutored, week.visits_made, week.visits_required, week.children_visited) == (1, 1, 1.0, 1)
    assert (week.volunteers_serving, week.minutes_approved, week.minutes_tutoring, week.minutes_visits) == \
        (2, 165, 90, 75)
    assert week.tutor_coverage == 0.5 and week.visit_coverage == 1.0
    assert [(s.name, s.sessions, s.tutor_places, s.children) for s in week.sites] == [("堵城小学", 1, 1, 1)]
    part = period_report(org.id, MONDAY, MONDAY + dt.timedelta(days=2), today=LATER)
    assert (part.visits_made, part.visits_required, part.tutor_places_required) == (0, 0.4, 2)
    early = period_report(org.id, MONDAY, MONDAY + dt.timedelta(days=6), today=MONDAY + dt.timedelta(days=1))
    assert (early.counted_to, early.visits_made, early.tutor_places_required) == (MONDAY + dt.timedelta(days=1), 0, 1)


def test_report_page_and_export(app, make_org, make_site, make_volunteer, make_child, make_week, make_diary,
                                make_user, login) -> None:
    """The manager's report page shows the figures for a chosen period, the XLSX export carries them in
    the user's language, and a period ending before it starts is refused, naming the field."""
    org, *_ = history(make_org, make_site, make_volunteer, make_child, make_week, make_diary)
    client = login(make_user(Role.MANAGER, org=org, locale="en"))
    query = f"first_day={MONDAY.isoformat()}&last_day={(MONDAY + dt.timedelta(days=6)).isoformat()}"
    page = client.get("/reports/?" + query).get_data(as_text=True)
    assert "Sessions held" in page and "1 / 2 (50.0%)" in page and "1 / 1 (100.0%)" in page
    response = client.get("/reports/export.xlsx?" + query)
    assert response.status_code == 200
    rows = {r[0].value: r[1].value for r in openpyxl.load_workbook(io.BytesIO(response.data)).active.iter_rows()
            if r[0].value}
    assert rows["Home visits made"] == 1 and rows["Tutor places required"] == 2 and rows["Approved hours"] == 2.8
    coverage = next(r[1] for r in openpyxl.load_workbook(io.BytesIO(response.data)).active.iter_rows()
                    if r[0].value == "Tutor coverage")
    assert (coverage.value, coverage.number_format) == (0.5, "0.0%")  # a number shown as 50.0%, not text
    csv_text = client.get("/reports/export.csv?" + query).data.decode("utf-8-sig")
    assert "Tutor coverage,50.0%" in csv_text and "Tutor places required,2\r\n" in csv_text
    bad = client.get(f"/reports/?first_day={MONDAY.isoformat()}&last_day=2026-10-01")
    assert bad.status_code == 422 and "The end must not be before the start." in bad.get_data(as_text=True)


def test_dashboard_figures_and_charts(app, make_org, make_site, make_volunteer, make_child, make_week,
                                      make_diary, make_user, login) -> None:
    """The week's figures (visits 1 of 1, places 1 of 2, all visits by the regular visitor), approved hours
    by month and by volunteer, and a volunteer who never served listed as inactive; the page draws SVG."""
    org, site, tutor, mother, *_ = history(make_org, make_site, make_volunteer, make_child, make_week, make_diary)
    idle = make_volunteer(org, "M9", name="闲置")
    figures = dashboard(org.id, today=LATER + dt.timedelta(days=7))  # both last served over 4 weeks before
    week = next(w for w in figures.weeks if w.week_start == MONDAY)
    assert (week.visits_required, week.visits_made, week.places_required, week.places_staffed, week.continuity) \
        == (1, 1, 2, 1, 1.0)
    assert dict(figures.hours_by_month)["2026-11"] == 2.8
    assert dict(figures.hours_by_volunteer) == {tutor.name: 1.5, mother.name: 1.2}
    assert [(v.id, last) for v, last in figures.inactive] == [(idle.id, None), (tutor.id, MONDAY),
                                                              (mother.id, MONDAY + dt.timedelta(days=6))]
    db.session.rollback()
    page = login(make_user(Role.MANAGER, org=org)).get("/reports/dashboard", headers=EN).get_data(as_text=True)
    assert page.count('<svg class="chart"') == 6 and "闲置" in page


def test_family_interviews_are_counted_apart_from_home_visits(app, make_org, make_volunteer, make_child, make_week,
                                                              make_user, login) -> None:
    """A social worker's interview with a child under one-on-one support counts as a family interview, made and
    required, not as a home visit; the volunteer mother's visit to the same child stays a home visit; the page and
    the spreadsheet say both."""
    org = make_org()
    worker = make_volunteer(org, "SW1", is_social_worker=True, availability=((5, "08:00", "18:00"),),
                            max_visits_per_week=5, max_visits_per_day=3)
    mother = make_volunteer(org, "M1", max_visits_per_week=2, max_visits_per_day=1)
    supported = make_child(org, "C1", primary_volunteer=mother)
    supported.social_worker_id = worker.id
    db.session.commit()
    make_week(org, MONDAY, (mother, supported, 5, "09:00", "10:00"), (worker, supported, 5, "14:00", "15:00"))
    week = period_report(org.id, MONDAY, MONDAY + dt.timedelta(days=6), today=LATER)
    assert (week.visits_made, week.visits_required, week.children_visited) == (1, 1.0, 1)
    assert (week.interviews_made, week.interviews_required, week.children_interviewed) == (1, 1.0, 1)
    assert week.interview_coverage == 1.0
    client = login(make_user(Role.MANAGER, org=org, locale="en"))
    period = f"first_day={MONDAY.isoformat()}&last_day={(MONDAY + dt.timedelta(days=6)).isoformat()}"
    assert "Family interviews made" in client.get(f"/reports/?{period}").get_data(as_text=True)
    response = client.get(f"/reports/export.xlsx?{period}")
    rows = {r[0].value: r[1].value for r in openpyxl.load_workbook(io.BytesIO(response.data)).active.iter_rows()
            if r[0].value}
    assert (rows["Home visits made"], rows["Family interviews made"], rows["Family interviews required"]) == (1, 1, 1)
