"""A declined assignment, through HTTP and the real solver: "not then" is recorded as a stretch away, the
re-plan finds someone else for the need or says why nobody could take it, and the week page shows which."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest

from scheduler_app.contract.instance import build_instance
from scheduler_app.extensions import db
from scheduler_app.models import Assignment, AssignmentKind, DateAway, Roster, RunState, Volunteer
from tests.conftest import PASSWORD, csrf_token, post_form
from tests.scheduler_app.rosters.test_week import EN, MONDAY, WEEK, finish, newest_run

SATURDAY = MONDAY + dt.timedelta(days=5)


@pytest.fixture
def saturday(make_org, make_user, make_site, make_volunteer, make_child, make_week, login):
    """Two visitors free on Saturday morning near child C1, whom 陈春梅 visits at 09:00 in the published roster;
    two sites with a Wednesday session each, the tutor at S1 and S2 a tutor short; the coordinator logged in."""
    org = make_org()
    s1 = make_site(org, "S1", days=(2,), min_tutors=1)
    s2 = make_site(org, "S2", days=(2,), min_tutors=1, lat=30.449, lon=114.874)
    tutor = make_volunteer(org, "T1", roles=("tutor",), max_sessions_per_week=2, name="吕雪",
                           availability=((2, "15:00", "19:00"),))
    mother = make_volunteer(org, "M1", max_visits_per_week=3, max_visits_per_day=2, name="陈春梅")
    other = make_volunteer(org, "M2", max_visits_per_week=3, max_visits_per_day=2, name="宋秀兰")
    child = make_child(org, "C1", name="崔欣妍", visits_per_week=1)
    for code, site in (("C2", s1), ("C3", s2)):
        make_child(org, code, site=site, attends=["wed"], visits_per_week=0)
    roster = make_week(org, MONDAY, (mother, child, 5, "09:00", "10:00", "planned"),
                       (tutor, s1, 2, "16:30", "18:00", "planned"))
    coordinator = login(make_user("coordinator", org=org))
    return {"org": org, "roster": roster, "mother": mother, "other": other, "tutor": tutor, "child": child,
            "s2": s2, "client": coordinator, "make_user": make_user}


def _volunteer_client(app, fixture, volunteer: Volunteer):
    account = fixture["make_user"]("volunteer", org=fixture["org"], volunteer=volunteer)
    client = app.test_client()
    assert post_form(client, "/auth/login", {"username": account.username, "password": PASSWORD}).status_code == 302
    return client


def _decline(app, fixture, volunteer: Volunteer, kind: AssignmentKind, when: str, reason: str = "那天有事") -> None:
    assignment = next(a for a in fixture["roster"].assignments if a.kind == kind)
    client, url = _volunteer_client(app, fixture, volunteer), f"/me/assignments/{assignment.id}/decline"
    db.session.rollback()
    answer = client.post(url, data={"csrf_token": csrf_token(client, url), "reason": reason, "when": when})
    assert answer.status_code == 302, answer.get_data(as_text=True)[-2000:]


def _replan(fixture) -> Roster:
    client = fixture["client"]
    token = csrf_token(client, f"/rosters/{WEEK}")
    db.session.rollback()  # on SQLite the test's open transaction would hold the write lock
    assert client.post(f"/rosters/{WEEK}/replan-declines", data={"time_limit": "10", "csrf_token": token}
                       ).status_code == 302
    run = finish(newest_run())
    assert run.state == RunState.SUCCEEDED, run.reason
    return db.session.get(Roster, run.roster_id)


def test_a_decline_not_then_records_her_stretch_of_availability_as_away(app, saturday) -> None:
    """"I cannot do anything at that time" records the availability around the activity that day (08:30–12:00)
    as away with her reason, and the week's instance no longer offers her that morning; "free then, just not
    for this one" records nothing."""
    _decline(app, saturday, saturday["mother"], AssignmentKind.VISIT, "away", "孙子生病")
    db.session.expire_all()
    (away,) = db.session.get(Volunteer, saturday["mother"].id).dates_away
    assert (away.first_day, away.last_day, away.start, away.end, away.reason) == (
        SATURDAY, SATURDAY, dt.time(8, 30), dt.time(12), "孙子生病")
    mother = next(v for v in build_instance(saturday["org"].id, MONDAY)["volunteers"] if v["id"] == "M1")
    assert mother["availability"] == []
    _decline(app, saturday, saturday["tutor"], AssignmentKind.TUTORING, "this")
    db.session.expire_all()
    assert db.session.get(Volunteer, saturday["tutor"].id).dates_away == []


def test_the_declines_replan_gives_the_declined_visit_to_someone_else(app, saturday) -> None:
    """The visit 陈春梅 declined goes to 宋秀兰, who is free then, and the week page says so beside the decline."""
    _decline(app, saturday, saturday["mother"], AssignmentKind.VISIT, "away")
    new = _replan(saturday)
    visits = [a for a in new.assignments if a.kind == AssignmentKind.VISIT]
    assert [(a.volunteer_id, a.child_id) for a in visits] == [(saturday["other"].id, saturday["child"].id)]
    page = html.unescape(saturday["client"].get(f"/rosters/{WEEK}", headers=EN).get_data(as_text=True))
    assert f"Roster {new.id} re-plans them" in page
    assert re.search(r"now 宋秀兰, Sat \d\d:\d\d", page)
    assert "Find someone else for these" not in page


def test_a_tutor_who_cannot_then_is_not_given_the_same_time_elsewhere(app, saturday) -> None:
    """吕雪 declines Wednesday 16:30 at S1 because she has an exam that afternoon: the re-plan does not move her
    to S2's Wednesday session, though S2 is a tutor short; the page says nobody else could take S1's."""
    _decline(app, saturday, saturday["tutor"], AssignmentKind.TUTORING, "away", "那天下午有期中考试")
    new = _replan(saturday)
    assert [a for a in new.assignments if a.kind == AssignmentKind.TUTORING] == []
    page = html.unescape(saturday["client"].get(f"/rosters/{WEEK}", headers=EN).get_data(as_text=True))
    assert "nobody else could take it: " in page


def test_a_tutor_free_then_may_be_given_the_other_session(app, saturday) -> None:
    """The same decline with "I am free then, just not for this one" lets the re-plan send her to S2 instead:
    only the pairing she declined is forbidden."""
    _decline(app, saturday, saturday["tutor"], AssignmentKind.TUTORING, "this")
    new = _replan(saturday)
    tutoring = [(a.volunteer_id, a.site_id) for a in new.assignments if a.kind == AssignmentKind.TUTORING]
    assert tutoring == [(saturday["tutor"].id, saturday["s2"].id)]


def test_a_declined_visit_nobody_can_take_is_shown_with_the_solvers_reason(app, saturday) -> None:
    """With the other visitor away that Saturday, the declined visit stays undone and the page gives the
    solver's reason in the reader's language; publishing the re-plan ends the declines box."""
    other = db.session.get(Volunteer, saturday["other"].id)
    other.dates_away.append(DateAway(first_day=SATURDAY, last_day=SATURDAY, reason="探亲"))
    db.session.commit()
    _decline(app, saturday, saturday["mother"], AssignmentKind.VISIT, "away")
    new = _replan(saturday)
    assert not [a for a in new.assignments if a.kind == AssignmentKind.VISIT]
    client = saturday["client"]
    page = html.unescape(client.get(f"/rosters/{WEEK}", headers=EN).get_data(as_text=True))
    reason = new.unmet["visits"][0]["reason"]
    named = reason.replace("M1", "陈春梅").replace("M2", "宋秀兰")
    assert f"nobody else could take it: {named}" in page
    chinese = html.unescape(client.get(f"/rosters/{WEEK}", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True))
    assert "没有其他人能接手" in chinese and reason not in chinese
    # The solver's reason holds codes (M1, M2), each with why: the other is away, she herself declined; the page
    # names the volunteers.
    assert reason.endswith("M2 is not free then; M1 is ruled out here (declined, or kept apart by the coordinator)")
    assert "没有其他人能接手：可达范围内的家访志愿者在孩子可家访的时间" in chinese
    assert "宋秀兰 那时没空；陈春梅 已被排除（谢绝过，或协调员设定不安排）" in chinese
    token = csrf_token(client, f"/rosters/{WEEK}")
    db.session.rollback()
    published = client.post(f"/rosters/{WEEK}/rosters/{new.id}/publish", headers=EN, follow_redirects=True,
                            data={"version": str(new.version_id), "csrf_token": token})
    assert published.status_code == 200
    assert "assignment declined" not in published.get_data(as_text=True)


def test_a_stretch_away_waits_until_she_has_declined_everything_in_it(app, saturday, make_child) -> None:
    """With a second visit at 10:30 that morning, declining the 09:00 visit records no stretch away (she is
    there at 10:30, and the re-plan pins that visit); declining the 10:30 one too records the morning, and she
    is told so."""
    second = make_child(saturday["org"], "C4", visits_per_week=1)
    roster = db.session.get(Roster, saturday["roster"].id)
    roster.assignments.append(Assignment(kind=AssignmentKind.VISIT, volunteer_id=saturday["mother"].id,
                                         child=second, day_index=5, start=dt.time(10, 30), end=dt.time(11, 30)))
    db.session.commit()
    first, later = sorted((a for a in roster.assignments if a.kind == AssignmentKind.VISIT), key=lambda a: a.start)
    client = _volunteer_client(app, saturday, saturday["mother"])
    for assignment, recorded in ((first, []), (later, [(dt.time(8, 30), dt.time(12))])):
        url = f"/me/assignments/{assignment.id}/decline"
        db.session.rollback()
        answer = client.post(url, data={"csrf_token": csrf_token(client, url), "reason": "家里有事", "when": "away"},
                             headers=EN, follow_redirects=True)
        db.session.expire_all()
        assert [(a.start, a.end) for a in db.session.get(Volunteer, saturday["mother"].id).dates_away] == recorded
    assert "You are marked away on" in html.unescape(answer.get_data(as_text=True))
    assert "08:30–12:00" in html.unescape(answer.get_data(as_text=True))


def test_the_week_page_marks_the_assignments_someone_could_take_over(app, saturday) -> None:
    """陈春梅's Saturday visit could go to 宋秀兰 (free then, within reach): it is marked "1 could take it", and
    the re-assign page offers her; the tutoring at S1 has no other tutor and is not marked."""
    client = saturday["client"]
    page = html.unescape(client.get(f"/rosters/{WEEK}", headers=EN).get_data(as_text=True))
    assert "1 assignment has someone free to take it over" in page
    rows = re.findall(r"<li>(Sat|Wed) [^<]*?(visit 崔欣妍|站点 S1)\s*(<span class=\"tag tag-ok\">(\d+) could take it)?",
                      page)
    assert sorted((day, what, count) for day, what, _tag, count in rows) == [
        ("Sat", "visit 崔欣妍", "1"), ("Wed", "站点 S1", "")]
    visit = next(a for a in saturday["roster"].assignments if a.kind == AssignmentKind.VISIT)
    offered = client.get(f"/rosters/{WEEK}/assignments/{visit.id}", headers=EN).get_data(as_text=True)
    assert "宋秀兰" in offered


def test_a_long_reason_is_kept_whole_on_the_decline_and_cut_for_the_stretch(app, saturday) -> None:
    """A 300-character reason (the form allows 500) declines on PostgreSQL too: the assignment keeps it whole,
    the stretch away keeps its first 200 characters (its column's size)."""
    _decline(app, saturday, saturday["mother"], AssignmentKind.VISIT, "away", "孙" * 300)
    db.session.expire_all()
    visit = next(a for a in db.session.get(Roster, saturday["roster"].id).assignments if a.kind == AssignmentKind.VISIT)
    (away,) = db.session.get(Volunteer, saturday["mother"].id).dates_away
    assert (visit.status, len(visit.decline_reason), away.reason) == ("declined", 300, "孙" * 200)


def test_someone_who_declined_then_falls_ill_is_replanned_from_that_day(app, saturday) -> None:
    """陈春梅 declines her Saturday morning (a stretch away), then the coordinator records her unable to come
    from Friday: the whole days take in the stretch and the re-plan runs."""
    _decline(app, saturday, saturday["mother"], AssignmentKind.VISIT, "away")
    client = saturday["client"]
    token = csrf_token(client, f"/rosters/{WEEK}")
    db.session.rollback()
    answer = client.post(f"/rosters/{WEEK}/replan", headers=EN, follow_redirects=True,
                         data={"csrf_token": token, "volunteer": str(saturday["mother"].id), "from_day": "4",
                               "time_limit": "10"})
    assert "overlap" not in answer.get_data(as_text=True)
    run = finish(newest_run())
    assert run.state == RunState.SUCCEEDED, run.reason
    (away,) = db.session.get(Volunteer, saturday["mother"].id).dates_away
    assert (away.first_day, away.last_day, away.whole_days) == (MONDAY + dt.timedelta(days=4), MONDAY
                                                                + dt.timedelta(days=6), True)
