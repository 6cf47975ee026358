"""Generating a week's roster in the background, following it, reviewing it and publishing it, through HTTP
and the database; a failed, killed or abandoned solve leaves the rosters as they were."""

from __future__ import annotations

import datetime as dt
import html
import re
import time

import pytest

from scheduler_app.extensions import db
from scheduler_app.models import (
    AssignmentKind,
    Child,
    Ending,
    Roster,
    RosterStatus,
    RunState,
    SolveRun,
    Volunteer,
    Week,
    WeekRule,
)
from scheduler_app.rosters import runners
from seed.instance import load_instance
from solver.bench.generate import generate as generate_week
from solver.bench.generate import varied_shape
from tests.conftest import PASSWORD, csrf_token, post_form

WEEK = "2026-11-30"
MONDAY = dt.date(2026, 11, 30)
EN = {"Accept-Language": "en"}


@pytest.fixture
def district(make_org, make_user, make_site, make_volunteer, make_child, login):
    """A site meeting Monday and Wednesday with two children, a tutor, a visitor near two children and a
    child far away whom nobody can reach; the coordinator is logged in."""
    from scheduler_app.models import Village
    org = make_org()
    site = make_site(org, days=(0, 2), min_tutors=1, children_per_tutor=2)
    tutor = make_volunteer(org, "T1", roles=("tutor",), subjects=["math"], max_sessions_per_week=2,
                           availability=((0, "15:00", "19:00"), (2, "15:00", "19:00")))
    mother = make_volunteer(org, "M1", max_visits_per_week=4, max_visits_per_day=2, name="陈春梅")
    for code in ("C1", "C2"):
        make_child(org, code, site=site, attends=["mon", "wed"], subjects=["math"], visits_per_week=1)
    far = Village(organisation_id=org.id, name="远村", lat=31.2, lon=115.6)
    make_child(org, "C3", name="远方的孩子", village=far, visits_per_week=1)
    client = login(make_user("coordinator", org=org))
    return {"org": org, "site": site, "tutor": tutor, "mother": mother, "client": client}


def generate(client, limit: int = 10) -> int:
    """Press Generate and return the id of the newest run."""
    response = client.post(f"/rosters/{WEEK}/generate", data={"time_limit": str(limit),
                                                             "csrf_token": csrf_token(client, f"/rosters/{WEEK}")})
    assert response.status_code == 302
    return newest_run()


def newest_run() -> int:
    """The id of the solve run a button has just started."""
    db.session.rollback()
    run_id = db.session.execute(db.select(SolveRun.id).order_by(SolveRun.id.desc()).limit(1)).scalar_one()
    # End the read: on SQLite every transaction holds the write lock the solve's watcher needs.
    db.session.rollback()
    return run_id


def finish(run_id: int) -> SolveRun:
    """Wait for the background solve and load the run (the test's transaction stays open afterwards)."""
    runners.join(run_id, timeout=120)
    db.session.rollback()
    return db.session.get(SolveRun, run_id)


def publish(client, roster: Roster, version: int | None = None):
    """Press "Publish" on a roster as the week page shows it (``version`` stands in for a stale page's)."""
    url = f"/rosters/{WEEK}/rosters/{roster.id}/publish"
    data = {"version": str(roster.version_id if version is None else version),
            "csrf_token": csrf_token(client, f"/rosters/{WEEK}")}
    db.session.rollback()  # on SQLite the test's open transaction would hold the write lock
    return client.post(url, data=data, headers=EN, follow_redirects=True)


def rosters() -> list[Roster]:
    """Every roster in the database, oldest first."""
    db.session.expire_all()
    return list(db.session.execute(db.select(Roster).order_by(Roster.id)).scalars())


def test_generate_makes_a_draft_the_page_reviews(app, district) -> None:
    """A background solve stores a draft with its assignments; the page shows the session grid, each
    volunteer's week and the child nobody can reach, with the solver's reason."""
    run = finish(generate(district["client"]))
    assert run.state == RunState.SUCCEEDED and run.roster_id is not None
    (draft,) = rosters()
    assert draft.status == RosterStatus.DRAFT and draft.instance["week_start"] == WEEK
    kinds = sorted(a.kind for a in draft.assignments)
    assert kinds == [AssignmentKind.TUTORING] * 2 + [AssignmentKind.VISIT] * 2
    page = district["client"].get(f"/rosters/{WEEK}", headers=EN).get_data(as_text=True)
    assert page.count("<strong>1/1</strong>") == 2  # Monday and Wednesday: one tutor of one needed
    assert "远方的孩子: 1 visit missing" in page
    reason = re.search(r"远方的孩子: 1 visit missing</strong>\s*<br><span class=\"muted\">([^<]+)", page).group(1)
    # The stored reason names the nearest visitor by code; the page by the name the coordinator knows.
    stored = draft.unmet["visits"][0]["reason"]
    assert "nearest: M1," in stored and html.unescape(reason) == stored.replace("M1", "陈春梅")
    assert "within reach" in reason
    chinese = district["client"].get(f"/rosters/{WEEK}", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "孩子家附近没有家访志愿者（最近的是" in chinese and "within reach" not in chinese
    assert "陈春梅" in page and "visit 儿童C1" in page
    assert re.search(r"远方的孩子 <span class=\"muted\">C3</span></th>\s*<td class=\"num\">0/1</td>", page)


def test_the_page_says_how_close_each_level_is_to_the_best_possible(app, district) -> None:
    """A roster the solver proved optimal is called the best possible on shortfall, continuity and travel, in
    both languages; one with gaps to its bounds says how far each level is from the best possible, and why the
    optimiser kept its starting roster when it did."""
    run = finish(generate(district["client"]))
    client = district["client"]
    page = client.get(f"/rosters/{WEEK}", headers=EN).get_data(as_text=True)
    assert run.roster.stats["status"] == "OPTIMAL"
    assert "the best possible" in page and "the fewest possible with this shortfall" in page
    assert "the least possible for this service" in page
    chinese = client.get(f"/rosters/{WEEK}", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "已是最优" in chinese and "在这一缺口下已是最少" in chinese
    roster = db.session.get(Roster, run.roster_id)
    roster.stats = {**roster.stats, "shortfall": 5, "shortfall_bound": 3, "continuity": 4, "continuity_bound": 1,
                    "travel_km": 50.0, "travel_km_bound": 40.0, "status": "GREEDY",
                    "greedy_reasons": ["the search found no roster in the time"]}
    db.session.commit()
    page = html.unescape(client.get(f"/rosters/{WEEK}", headers=EN).get_data(as_text=True))
    assert "within 2 of the best possible: no roster can go below 3" in page
    assert "within 3 of the fewest possible with this shortfall" in page
    assert "within 10.0 km of the least possible for this service" in page
    assert "kept its starting roster for part of the week: the search found no roster in the time." in page
    chinese = client.get(f"/rosters/{WEEK}", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "距最优还差 2" in chinese and "在时限内没有找到排班" in chinese


def test_page_follows_a_running_solve(app, district) -> None:
    """While a solve runs, the page polls progress.json (a reload only without JavaScript) and shows the time
    spent, and Generate is not offered; once it ends, progress.json says so and the page offers Generate."""
    client = district["client"]
    run_id = generate(client)
    page = client.get(f"/rosters/{WEEK}", headers=EN).get_data(as_text=True)
    progress = client.get(f"/rosters/{WEEK}/progress.json", headers=EN).get_json()
    finish(run_id)
    if "Generating:" in page:  # the tiny solve may finish before the page is read
        assert "progress.js" in page and "<noscript><meta http-equiv=\"refresh\"" in page
        assert "Generate roster" not in page
    if progress["running"]:
        assert progress["text"].startswith("Generating:")
    assert client.get(f"/rosters/{WEEK}/progress.json", headers=EN).get_json() == {"running": False, "text": ""}
    page = client.get(f"/rosters/{WEEK}", headers=EN).get_data(as_text=True)
    assert 'http-equiv="refresh"' not in page and "progress.js" not in page and "Generate roster" in page


def test_pin_that_cannot_be_honoured_is_named_and_nothing_stored(app, district) -> None:
    """Pinning the mother to Monday's session (she is not a tutor) fails the run with the solver's message naming
    the pin and why, in the reader's language; no roster is stored."""
    week = Week(organisation_id=district["org"].id, start_date=MONDAY)
    week.rules = [WeekRule(rule="pinned", kind=AssignmentKind.TUTORING, volunteer=district["mother"],
                           site=district["site"], day_index=0)]
    db.session.add(week)
    db.session.commit()
    run = finish(generate(district["client"]))
    assert run.state == RunState.FAILED and rosters() == []
    page = district["client"].get(f"/rosters/{WEEK}", headers=EN).get_data(as_text=True)
    assert "The solver could not make a roster" in page and "pinned[0]" in page and "M1" in page
    assert "M1 is not a tutor" in page
    chinese = district["client"].get(f"/rosters/{WEEK}", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "固定安排 辅导 M1 → S1（周一）（第 0 条）无法满足：M1 不是辅导老师" in chinese


def test_killed_solve_leaves_the_published_roster(app, make_user, login) -> None:
    """With a published roster in place, a second solve killed mid-way ends failed and the week still has
    exactly the published roster. The week is one whose solve goes on to its limit (400 children, 45-minute
    visits): the demo week is proven within a second, before a kill could reach it."""
    org = load_instance(generate_week("medium", seed=4, shape=varied_shape(4), week_start=WEEK), "繁忙的区")
    client = login(make_user("coordinator", org=org))
    first = finish(generate(client, limit=10))
    assert first.state == RunState.SUCCEEDED
    published = rosters()[0]
    publish(client, published)
    second = generate(client, limit=120)
    deadline = time.monotonic() + 30
    while not runners.kill(second):
        assert time.monotonic() < deadline, "the solver process never started"
        time.sleep(0.05)
    second = finish(second)
    assert second.state == RunState.FAILED and second.ending == Ending.STOPPED
    assert [(r.id, r.status) for r in rosters()] == [(published.id, RosterStatus.PUBLISHED)]
    page = client.get(f"/rosters/{WEEK}", headers=EN).get_data(as_text=True)
    assert "stopped before it finished" in page


def test_run_without_heartbeat_is_marked_abandoned(app, district) -> None:
    """A run left 'running' by a server that died (no heartbeat for minutes) is marked abandoned when the
    week is opened, and generating is offered again."""
    week = Week(organisation_id=district["org"].id, start_date=MONDAY)
    old = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
    db.session.add(SolveRun(organisation_id=district["org"].id, week=week, state=RunState.RUNNING, time_limit_s=30,
                            created_at=old, started_at=old, heartbeat_at=old))
    db.session.commit()
    page = district["client"].get(f"/rosters/{WEEK}", headers=EN).get_data(as_text=True)
    assert "stopped without finishing" in page and "Generate roster" in page
    db.session.expire_all()
    assert db.session.execute(db.select(SolveRun)).scalar_one().state == RunState.ABANDONED


def test_a_second_solve_of_the_week_waits_for_the_first(app, district) -> None:
    """Pressing Generate while the week's solve is running (heartbeat fresh) starts no second run."""
    week = Week(organisation_id=district["org"].id, start_date=MONDAY)
    now = dt.datetime.now(dt.UTC)
    db.session.add(SolveRun(organisation_id=district["org"].id, week=week, state=RunState.RUNNING, time_limit_s=30,
                            started_at=now, heartbeat_at=now))
    db.session.commit()
    client = district["client"]
    response = client.post(f"/rosters/{WEEK}/generate", headers=EN, follow_redirects=True,
                           data={"time_limit": "10", "csrf_token": csrf_token(client, f"/rosters/{WEEK}")})
    assert "already being generated" in response.get_data(as_text=True)
    assert len(db.session.execute(db.select(SolveRun)).scalars().all()) == 1


def test_publish_supersedes_and_refuses_a_stale_page(app, district, make_user, login) -> None:
    """Publishing a second draft supersedes the first published roster; a publish from a page showing an
    old version is refused; the volunteer's home page shows the published week."""
    finish(generate(district["client"]))
    finish(generate(district["client"]))
    a, b = rosters()
    client = district["client"]
    publish(client, a)
    stale = publish(client, b, version=b.version_id + 7)
    assert "changed since you opened the page" in stale.get_data(as_text=True)
    publish(client, b)
    assert [r.status for r in rosters()] == [RosterStatus.SUPERSEDED, RosterStatus.PUBLISHED]


def test_generate_refuses_records_that_cannot_make_a_week(app, district, make_child) -> None:
    """A child with neither village nor home point stops the generation before any run, naming the child."""
    from scheduler_app.models import Child
    db.session.add(Child(organisation_id=district["org"].id, code="C9", name="无家可查"))
    db.session.commit()
    client = district["client"]
    response = client.post(f"/rosters/{WEEK}/generate", headers=EN, follow_redirects=True,
                           data={"time_limit": "10", "csrf_token": csrf_token(client, f"/rosters/{WEEK}")})
    assert "child C9: no home point" in response.get_data(as_text=True)
    assert db.session.execute(db.select(SolveRun)).first() is None


def test_volunteer_ill_from_wednesday_moves_only_their_activities(app, make_user, login) -> None:
    """On the demo week: publish a roster, mark a volunteer with Wednesday-to-Sunday assignments unavailable
    from Wednesday, re-plan. Every other assignment (and theirs before Wednesday) is kept; what is new goes
    only to what they freed or what was already uncovered; they have nothing from Wednesday on, their days
    away are recorded, and the page lists what changed."""
    from scheduler_app.models import DateAway
    from seed.demo import load_demo
    org = load_demo()
    client = login(make_user("coordinator", org=org))
    assert finish(generate(client, limit=10)).state == RunState.SUCCEEDED
    base = rosters()[0]
    publish(client, base)
    token = csrf_token(client, f"/rosters/{WEEK}")
    counts: dict[int, int] = {}
    for a in base.assignments:
        if a.day_index >= 2:
            counts[a.volunteer_id] = counts.get(a.volunteer_id, 0) + 1
    ill = max(counts, key=counts.get)
    key = lambda a: (a.kind, a.volunteer_id, a.site_id, a.child_id, a.day_index, a.start)  # noqa: E731
    kept = {key(a) for a in base.assignments if a.volunteer_id != ill or a.day_index < 2}
    freed = {a.site.code if a.site else a.child.code for a in base.assignments
             if a.volunteer_id == ill and a.day_index >= 2}
    uncovered = {u["child"] for u in base.unmet["visits"]} | {u["site"] for u in base.unmet["tutors"]} \
        | {u["site"] for u in base.unmet["subjects"]}
    db.session.rollback()
    response = client.post(f"/rosters/{WEEK}/replan", data={"volunteer": str(ill), "from_day": "2",
                                                             "time_limit": "10", "csrf_token": token})
    assert response.status_code == 302
    run = finish(newest_run())
    assert run.state == RunState.SUCCEEDED, run.reason
    new = db.session.get(Roster, run.roster_id)
    now = {key(a) for a in new.assignments}
    assert kept <= now
    added = [a for a in new.assignments if key(a) not in kept]
    assert {a.site.code if a.site else a.child.code for a in added} <= freed | uncovered
    assert not [a for a in new.assignments if a.volunteer_id == ill and a.day_index >= 2]
    away = db.session.execute(db.select(DateAway).where(DateAway.volunteer_id == ill)).scalar_one()
    assert (away.first_day, away.last_day) == (MONDAY + dt.timedelta(days=2), MONDAY + dt.timedelta(days=6))
    page = client.get(f"/rosters/{WEEK}", headers=EN).get_data(as_text=True)
    assert f"Changes from roster {base.id} to roster {new.id}" in page
    assert page.count('class="removed"') == counts[ill]
    assert page.count('class="added"') == len(added) and 'class="retimed"' not in page


def test_pinned_assignment_survives_the_next_generation(app, district) -> None:
    """Pinning the visit of C1 by M1 records a rule; the next roster keeps it; a contradicting forbid is
    refused; removing the pin removes the rule."""
    client = district["client"]
    assert finish(generate(client)).state == RunState.SUCCEEDED
    visit = next(a for a in rosters()[0].assignments if a.kind == AssignmentKind.VISIT and a.child.code == "C1")
    day = visit.day_index
    db.session.rollback()
    token = csrf_token(client, f"/rosters/{WEEK}")
    assert client.post(f"/rosters/{WEEK}/assignments/{visit.id}/pin", data={"csrf_token": token}).status_code == 302
    rule = db.session.execute(db.select(WeekRule)).scalar_one()
    assert (rule.rule, rule.child.code, rule.day_index) == ("pinned", "C1", day)
    child_id = rule.child_id
    db.session.rollback()
    refused = client.post(f"/rosters/{WEEK}/rules", headers=EN, follow_redirects=True, data={
        "csrf_token": token, "rule": "forbidden", "volunteer": str(district["mother"].id),
        "target": f"child:{child_id}", "day": str(day)})
    assert "already pinned" in refused.get_data(as_text=True)
    assert finish(generate(client)).state == RunState.SUCCEEDED
    newest = rosters()[-1]
    assert any(a.child is not None and a.child.code == "C1" and a.day_index == day and a.volunteer.code == "M1"
               for a in newest.assignments)
    rule_id = db.session.execute(db.select(WeekRule.id)).scalar_one()
    db.session.rollback()
    assert client.post(f"/rosters/{WEEK}/rules/{rule_id}/remove", data={"csrf_token": token}).status_code == 302
    assert db.session.execute(db.select(WeekRule)).first() is None


def test_forbidden_pair_is_not_rostered(app, district) -> None:
    """Forbidding the tutor at the site on Monday leaves Monday's session without him."""
    client = district["client"]
    token = csrf_token(client, f"/rosters/{WEEK}")
    response = client.post(f"/rosters/{WEEK}/rules", data={
        "csrf_token": token, "rule": "forbidden", "volunteer": str(district["tutor"].id),
        "target": f"site:{district['site'].id}", "day": "0"})
    assert response.status_code == 302
    assert finish(generate(client)).state == RunState.SUCCEEDED
    days = {a.day_index for a in rosters()[0].assignments if a.kind == AssignmentKind.TUTORING}
    assert days == {2}


def test_rules_cannot_name_another_organisations_records(app, district, make_org, make_child) -> None:
    """A rule naming a child of another organisation is refused with 404 and nothing is recorded."""
    stranger = make_child(make_org(), "X1")
    client = district["client"]
    form = client.get(f"/rosters/{WEEK}").get_data(as_text=True)
    assert f"child:{stranger.id}" not in form
    from scheduler_app.rosters.services import RosterError, add_rule
    with app.test_request_context(), pytest.raises(LookupError):
        add_rule(district["org"].id, MONDAY, "pinned", district["mother"].id, 5, child_id=stranger.id)
    with app.test_request_context(), pytest.raises(RosterError):
        add_rule(district["org"].id, MONDAY, "pinned", district["mother"].id, 5)
    response = client.post(f"/rosters/{WEEK}/rules", data={
        "csrf_token": csrf_token(client, f"/rosters/{WEEK}"), "rule": "pinned",
        "volunteer": str(district["mother"].id), "target": f"child:{stranger.id}", "day": "5"})
    assert response.status_code == 302  # refused by the form: not one of the choices
    assert db.session.execute(db.select(WeekRule)).first() is None


def test_print_and_export_the_roster(app, district) -> None:
    """The printable sheets list each site's tutors and each volunteer's activities; the CSV has one row per
    assignment with the header in the user's language; a week without a roster has nothing to print."""
    client = district["client"]
    assert client.get(f"/rosters/{WEEK}/print").status_code == 404
    assert finish(generate(client)).state == RunState.SUCCEEDED
    roster = rosters()[0]
    db.session.rollback()
    by_site = client.get(f"/rosters/{WEEK}/print?by=site", headers=EN).get_data(as_text=True)
    assert by_site.count('class="sheet"') == 1 and district["site"].name in by_site
    assert by_site.count(district["tutor"].name) == 2
    assert "16:30–18:00" in by_site and "nobody" not in by_site
    # A session nobody staffs is on the sheet too, so the site learns it will be empty.
    monday_session_of = next(a for a in roster.assignments if a.kind == AssignmentKind.TUTORING and a.day_index == 0)
    db.session.delete(monday_session_of)
    db.session.commit()
    by_site = html.unescape(client.get(f"/rosters/{WEEK}/print?by=site", headers=EN).get_data(as_text=True))
    assert by_site.count(district["tutor"].name) == 1 and "nobody" in by_site and "1 more tutor needed" in by_site
    by_volunteer = client.get(f"/rosters/{WEEK}/print?by=volunteer", headers=EN).get_data(as_text=True)
    assert by_volunteer.count('class="sheet"') == 2 and "visit 儿童C1" in by_volunteer
    csv_text = client.get(f"/rosters/{WEEK}/export.csv?roster={roster.id}", headers=EN).data.decode("utf-8-sig")
    lines = csv_text.splitlines()
    assert lines[0].startswith("Date,Day,Start,End") and len(lines) == 1 + 3
    assert any(line.startswith("2026-12-02,Wed,16:30,18:00,T1,") for line in lines)


def monday_session(roster: Roster):  # an Assignment
    """The roster's first tutoring assignment on Monday."""
    return next(a for a in roster.assignments if a.kind == AssignmentKind.TUTORING and a.day_index == 0)


def edit(client, roster: Roster, assignment_id: int, **data):
    """Post the assignment's change form as the page shows it, with these fields."""
    url = f"/rosters/{WEEK}/assignments/{assignment_id}"
    fields = {"csrf_token": csrf_token(client, url), "version": str(roster.version_id), **data}
    db.session.rollback()
    return client.post(url, data=fields, headers=EN, follow_redirects=True)


def test_removing_a_visit_from_a_draft_restates_what_is_missing(app, district) -> None:
    """Removing C1's visit edits the draft in place: the visit is gone, C1 is listed as missing a visit
    with a reason, and the shortfall rises."""
    client = district["client"]
    assert finish(generate(client)).state == RunState.SUCCEEDED
    draft = rosters()[0]
    before = draft.stats["shortfall"]
    visit = next(a for a in draft.assignments if a.kind == AssignmentKind.VISIT and a.child.code == "C1")
    page = edit(client, draft, visit.id, remove="y").get_data(as_text=True)
    assert f"Changed in roster {draft.id}" in page
    (same,) = rosters()
    assert not [a for a in same.assignments if a.child is not None and a.child.code == "C1"]
    assert "C1" in {u["child"] for u in same.unmet["visits"]} and same.stats["shortfall"] > before
    assert all(u["reason"] for u in same.unmet["visits"])


def test_giving_a_session_to_an_unavailable_tutor_is_refused_naming_the_rule(app, district, make_volunteer) -> None:
    """Giving Monday's session to a tutor free only on Saturday is refused, the message naming him and the
    rule; the roster is unchanged."""
    make_volunteer(district["org"], "T2", roles=("tutor",), subjects=["math"], max_sessions_per_week=2,
                   availability=((5, "09:00", "12:00"),))
    client = district["client"]
    assert finish(generate(client)).state == RunState.SUCCEEDED
    draft = rosters()[0]
    monday = monday_session(draft)
    t2 = db.session.execute(db.select(Volunteer).where(Volunteer.code == "T2")).scalar_one()
    response = edit(client, draft, monday.id, volunteer=str(t2.id), reassign="y")
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 422 and "Not changed:" in page and "T2" in page and "availab" in page
    (same,) = rosters()
    assert {a.volunteer.code for a in same.assignments if a.day_index == 0 and a.kind == AssignmentKind.TUTORING} \
        == {"T1"}


def test_the_change_page_lists_first_those_free_to_take_the_assignment(app, district, make_volunteer) -> None:
    """Of the other tutors, the one free on Monday afternoon is offered under 'Free to take it' and the one free
    only on Saturday under 'Would break a rule'."""
    make_volunteer(district["org"], "T2", roles=("tutor",), subjects=["math"], max_sessions_per_week=2,
                   availability=((5, "09:00", "12:00"),))
    make_volunteer(district["org"], "T3", roles=("tutor",), subjects=["math"], max_sessions_per_week=2,
                   availability=((0, "15:00", "19:00"),))
    client = district["client"]
    assert finish(generate(client)).state == RunState.SUCCEEDED
    draft = rosters()[0]
    monday = monday_session(draft)
    page = client.get(f"/rosters/{WEEK}/assignments/{monday.id}", headers=EN).get_data(as_text=True)
    free = re.search(r'<optgroup label="Free to take it">(.*?)</optgroup>', page, re.S).group(1)
    blocked = re.search(r'<optgroup label="Would break a rule">(.*?)</optgroup>', page, re.S).group(1)
    other = ({"T1", "T3"} - {monday.volunteer.code}).pop()  # T1 and T3 are both free on Monday: one holds it
    assert f"{other} " in free and "T2 " not in free and "T2 " in blocked and f"{other} " not in blocked


def test_editing_a_published_roster_makes_a_new_draft(app, district, make_volunteer) -> None:
    """Giving Monday's session to another available tutor, on a published roster, leaves the published
    roster as it was and makes a new draft with the change; a stale page is refused."""
    make_volunteer(district["org"], "T2", roles=("tutor",), subjects=["math"], max_sessions_per_week=2,
                   availability=((0, "15:00", "19:00"),))
    client = district["client"]
    assert finish(generate(client)).state == RunState.SUCCEEDED
    roster = rosters()[0]
    publish(client, roster)
    published = rosters()[0]
    monday = monday_session(published)
    was = monday.volunteer.code
    other = db.session.execute(db.select(Volunteer).where(Volunteer.code == ("T1" if was == "T2" else "T2"))) \
        .scalar_one()
    stale = edit(client, published, monday.id, volunteer=str(other.id), reassign="y", version="999")
    assert "changed since you opened the page" in stale.get_data(as_text=True)
    done = edit(client, rosters()[0], monday.id, volunteer=str(other.id), reassign="y")
    assert done.status_code == 200 and "Changed in roster" in done.get_data(as_text=True)
    old, new = rosters()
    assert old.status == RosterStatus.PUBLISHED and new.status == RosterStatus.DRAFT
    assert {a.volunteer.code for a in old.assignments if a.day_index == 0 and a.site_id} == {was}
    assert {a.volunteer.code for a in new.assignments if a.day_index == 0 and a.site_id} == {other.code}


def test_publishing_notifies_volunteers_and_a_change_only_those_affected(app, district, make_user) -> None:
    """A first publication notifies every volunteer of the roster; publishing a changed version notifies only
    the volunteer whose week changed; she sees it on her home page (with next week shown too) and marks
    it read."""
    from scheduler_app.models import Notification
    client = district["client"]
    assert finish(generate(client)).state == RunState.SUCCEEDED
    first = rosters()[0]
    response = publish(client, first)
    assert "2 volunteers were notified" in response.get_data(as_text=True)
    published = rosters()[0]
    visit = next(a for a in published.assignments if a.kind == AssignmentKind.VISIT)
    edit(client, published, visit.id, remove="y")
    _old, second = rosters()
    response = publish(client, second)
    assert "1 volunteer was notified" in response.get_data(as_text=True)
    sent = sorted((n.volunteer_id, n.kind) for n in db.session.execute(db.select(Notification)).scalars())
    mother_id = district["mother"].id
    assert sent == sorted([(district["tutor"].id, "week_published"), (mother_id, "week_published"),
                           (mother_id, "week_changed")])
    account = make_user("volunteer", org=district["org"], volunteer=district["mother"])
    mother = app.test_client()
    assert post_form(mother, "/auth/login", {"username": account.username, "password": PASSWORD}).status_code == 302
    home = mother.get("/", headers=EN).get_data(as_text=True)
    assert "has changed" in home and "is published" in home and "Next week" in home
    assert mother.post("/notifications/read", data={"csrf_token": csrf_token(mother, "/")}).status_code == 302
    assert "has changed" not in mother.get("/", headers=EN).get_data(as_text=True)


def test_day_map_draws_each_route_from_home_and_back(app, district) -> None:
    """The Saturday map has one route for the visitor: home, her visits in time order, home again (the
    polyline closes on its first point); a day without activity says so."""
    client = district["client"]
    assert finish(generate(client)).state == RunState.SUCCEEDED
    roster = rosters()[0]
    saturday = [a for a in roster.assignments if a.day_index == 5]
    db.session.rollback()
    page = client.get(f"/rosters/{WEEK}/map?day=5", headers=EN).get_data(as_text=True)
    lines = re.findall(r'<polyline points="([^"]+)"', page)
    assert len(lines) == 1
    points = lines[0].split()
    assert len(points) == len(saturday) + 2 and points[0] == points[-1]
    assert page.count("<circle") == len(saturday) and "陈春梅" in page
    assert "No activity on this day" in client.get(f"/rosters/{WEEK}/map?day=3", headers=EN).get_data(as_text=True)


def test_generating_again_starts_from_the_current_roster(app, district) -> None:
    """A second generation of a week uses its current roster as "previous" (continuity), so with nothing
    changed in the records the new roster makes the same assignments: the page lists none removed or added
    (visit times may still shift; only a re-plan after an absence fixes them)."""
    client = district["client"]
    assert finish(generate(client)).state == RunState.SUCCEEDED
    assert finish(generate(client)).state == RunState.SUCCEEDED
    first, second = rosters()
    key = lambda a: (a.kind, a.volunteer_id, a.site_id, a.child_id, a.day_index)  # noqa: E731
    assert sorted(map(key, first.assignments)) == sorted(map(key, second.assignments))
    assert len(second.instance["previous"]) == len(first.assignments)
    db.session.rollback()
    page = client.get(f"/rosters/{WEEK}", headers=EN).get_data(as_text=True)
    assert f"Changes from roster {first.id} to roster {second.id}" in page
    assert 'class="removed"' not in page and 'class="added"' not in page


def test_swapping_two_visits_checks_them_together(app, district, make_volunteer, make_child) -> None:
    """Two visitors each visiting a child on Saturday swap children in one edit; the new draft has them
    exchanged and is valid."""
    org = district["org"]
    make_volunteer(org, "M2", max_visits_per_week=4, max_visits_per_day=2)
    client = district["client"]
    week = Week(organisation_id=org.id, start_date=MONDAY)
    c1, c2 = (db.session.execute(db.select(Child).where(Child.code == c)).scalar_one() for c in ("C1", "C2"))
    m2 = db.session.execute(db.select(Volunteer).where(Volunteer.code == "M2")).scalar_one()
    week.rules = [WeekRule(rule="pinned", kind=AssignmentKind.VISIT, volunteer=district["mother"], child=c1,
                           day_index=5),
                  WeekRule(rule="pinned", kind=AssignmentKind.VISIT, volunteer=m2, child=c2, day_index=5)]
    db.session.add(week)
    db.session.commit()
    assert finish(generate(client)).state == RunState.SUCCEEDED
    draft = rosters()[0]
    a1 = next(a for a in draft.assignments if a.child_id == c1.id)
    a2 = next(a for a in draft.assignments if a.child_id == c2.id)
    db.session.execute(db.delete(WeekRule))  # the pins set the scene; they would forbid the swap
    db.session.commit()
    page = edit(client, draft, a1.id, swap_with=str(a2.id), swap="y").get_data(as_text=True)
    assert "Changed in roster" in page, page[-2000:]
    (same,) = rosters()
    assert {(a.child.code, a.volunteer.code) for a in same.assignments if a.child} == {("C1", "M2"), ("C2", "M1")}


def test_moving_a_visit_to_another_time_is_checked(app, district) -> None:
    """With the visitor's other visit removed, moving C1's Saturday visit to 10:00 (inside her window and the
    visitor's availability) works; moving it to Tuesday (no window, no availability) is refused naming the
    rule, and the roster keeps the 10:00 visit."""
    client = district["client"]
    assert finish(generate(client)).state == RunState.SUCCEEDED
    draft = rosters()[0]
    other = next(a for a in draft.assignments if a.kind == AssignmentKind.VISIT and a.child.code == "C2")
    assert "Changed in roster" in edit(client, draft, other.id, remove="y").get_data(as_text=True)
    draft = rosters()[0]
    visit = next(a for a in draft.assignments if a.kind == AssignmentKind.VISIT and a.child.code == "C1")
    page = edit(client, draft, visit.id, move_day="5", move_start="10:00", move="y").get_data(as_text=True)
    assert "Changed in roster" in page, re.findall(r'role="status">([^<]*)', page)
    moved = next(a for a in rosters()[0].assignments if a.child is not None and a.child.code == "C1")
    assert (moved.day_index, f"{moved.start:%H:%M}", f"{moved.end:%H:%M}") == (5, "10:00", "11:00")
    refused = edit(client, rosters()[0], moved.id, move_day="1", move="y")
    assert refused.status_code == 422 and "Not changed:" in refused.get_data(as_text=True)
    again = next(a for a in rosters()[0].assignments if a.child is not None and a.child.code == "C1")
    assert (again.day_index, f"{again.start:%H:%M}") == (5, "10:00")


def volunteer_client(app, make_user, org, volunteer):
    """A logged-in client for the account of a volunteer record."""
    account = make_user("volunteer", org=org, volunteer=volunteer)
    client = app.test_client()
    assert post_form(client, "/auth/login", {"username": account.username, "password": PASSWORD}).status_code == 302
    return client


def test_volunteers_answer_and_declines_are_replanned(app, district, make_user) -> None:
    """The tutor confirms his Monday session; the visitor declines C1's visit with a reason (a decline
    without one is refused). The coordinator sees the decline and re-plans: the visit is not given back to
    her, every other assignment stays, and the tutor's confirmation carries over."""
    client = district["client"]
    assert finish(generate(client)).state == RunState.SUCCEEDED
    roster = rosters()[0]
    publish(client, roster)
    token = csrf_token(client, f"/rosters/{WEEK}")
    roster = rosters()[0]
    session = monday_session(roster)
    visit = next(a for a in roster.assignments if a.kind == AssignmentKind.VISIT and a.child.code == "C1")
    tutor_id, session_id, visit_id = district["tutor"].id, session.id, visit.id
    db.session.rollback()
    tutor = volunteer_client(app, make_user, district["org"], district["tutor"])
    assert tutor.post(f"/me/assignments/{session_id}/confirm",
                      data={"csrf_token": csrf_token(tutor, "/")}).status_code == 302
    assert tutor.post(f"/me/assignments/{visit_id}/confirm",  # not his
                      data={"csrf_token": csrf_token(tutor, "/")}).status_code == 404
    mother = volunteer_client(app, make_user, district["org"], district["mother"])
    url = f"/me/assignments/{visit_id}/decline"
    assert mother.post(url, data={"csrf_token": csrf_token(mother, url), "reason": ""}).status_code == 422
    assert mother.post(url, data={"csrf_token": csrf_token(mother, url), "reason": "孙子生病"}).status_code == 302
    page = client.get(f"/rosters/{WEEK}", headers=EN).get_data(as_text=True)
    assert "1 assignment declined" in page and "孙子生病" in page
    response = client.post(f"/rosters/{WEEK}/replan-declines", data={"time_limit": "10", "csrf_token": token})
    assert response.status_code == 302
    run = finish(newest_run())
    assert run.state == RunState.SUCCEEDED, run.reason
    new = db.session.get(Roster, run.roster_id)
    assert not [a for a in new.assignments if a.child is not None and a.child.code == "C1"
                and a.volunteer_id == district["mother"].id]
    kept = monday_session(new)
    assert (kept.volunteer_id, kept.status) == (tutor_id, "confirmed")
    assert len(new.assignments) == len(roster.assignments) - 1
