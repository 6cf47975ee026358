"""Social workers: a role linked to a volunteer record; the children under one-on-one support get one family
interview a week, planned by the solver like a home visit and made only by social workers; a social worker opens
only the children whose case she holds, with what a guardian's consent covers."""

from __future__ import annotations

import datetime as dt
import html

from scheduler_app.contract.instance import build_instance
from scheduler_app.extensions import db
from scheduler_app.models import (
    Activity,
    ActivityStaff,
    Assignment,
    AssignmentKind,
    Child,
    Role,
    Roster,
    RosterStatus,
    StaffWay,
    User,
    Volunteer,
    Week,
)
from scheduler_app.outbox import assignment_seen
from scheduler_app.rosters.services import store_roster
from scheduler_app.weekly import week_start_of
from solver import parse_instance
from solver.settings import SolverSettings
from solver.solve import solve
from tests.conftest import post_form

MONDAY = dt.date(2026, 11, 30)


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _week(make_org, make_volunteer, make_child):
    """A social worker, a volunteer mother, a child under one-on-one support (also visited by volunteers twice a
    week) and a child visited once; returns (org, worker, mother, supported, other)."""
    org = make_org()
    limits = dict(max_visits_per_week=10, max_visits_per_day=6)
    worker = make_volunteer(org, "SW1", is_social_worker=True, availability=((5, "08:00", "18:00"),), **limits)
    mother = make_volunteer(org, "M1", availability=((5, "08:00", "18:00"),), **limits)
    supported = make_child(org, "C1", visits_per_week=1)
    other = make_child(org, "C2", visits_per_week=1)
    supported.social_worker_id = worker.id
    db.session.commit()
    return org, worker, mother, supported, other


def test_a_supported_child_gets_one_interview_a_week_by_a_social_worker(app, make_org, make_volunteer,
                                                                         make_child) -> None:
    """The instance gives the supported child a weekly interview her social worker is the regular visitor of;
    the solver plans it for the social worker and her home visit for the mother, and the other child's visit
    too: stored back, the interview is the social worker's visit to that child."""
    org, worker, mother, supported, other = _week(make_org, make_volunteer, make_child)
    instance = build_instance(org.id, MONDAY)
    entries = {c["id"]: c for c in instance["children"]}
    assert entries["C1~interview"]["visits_per_week"] == 1
    assert entries["C1~interview"]["primary_volunteer"] == "SW1"
    result = solve(parse_instance(instance), SolverSettings(time_limit_s=10))
    assert result.roster is not None
    made = {(v.volunteer, v.child) for v in result.roster.visits}
    assert made == {("SW1", "C1~interview"), ("M1", "C1"), ("M1", "C2")}
    week = Week(organisation_id=org.id, start_date=MONDAY)
    db.session.add(week)
    roster = store_roster(week, instance, result.roster.to_json(), None)
    db.session.commit()
    assert sorted((a.volunteer_id, a.child_id) for a in roster.assignments) == sorted(
        [(worker.id, supported.id), (mother.id, supported.id), (mother.id, other.id)])


def test_only_social_workers_interview_and_they_make_no_other_visit(app, make_org, make_volunteer,
                                                                    make_child) -> None:
    """Without a social worker free, the interview stays undone (the mother may not make it); without the
    mother, the social worker does not make the other child's home visit."""
    org, worker, mother, supported, other = _week(make_org, make_volunteer, make_child)
    worker.active = False
    db.session.commit()
    result = solve(parse_instance(build_instance(org.id, MONDAY)), SolverSettings(time_limit_s=10))
    assert result.roster is not None
    assert {u.child: u.missing for u in result.roster.unmet.visits} == {"C1~interview": 1}
    worker.active, mother.active = True, False
    db.session.commit()
    result = solve(parse_instance(build_instance(org.id, MONDAY)), SolverSettings(time_limit_s=10))
    assert result.roster is not None
    assert {(v.volunteer, v.child) for v in result.roster.visits} == {("SW1", "C1~interview")}
    assert {u.child for u in result.roster.unmet.visits} == {"C1", "C2"}


def test_last_weeks_interview_counts_for_continuity_as_an_interview(app, make_org, make_volunteer,
                                                                   make_child) -> None:
    """A published interview of the week before is the interview's ``previous``, not the child's home visit."""
    org, worker, mother, supported, _other = _week(make_org, make_volunteer, make_child)
    week = Week(organisation_id=org.id, start_date=MONDAY - dt.timedelta(days=7))
    db.session.add(Roster(week=week, status=RosterStatus.PUBLISHED, assignments=[
        Assignment(kind=AssignmentKind.VISIT, volunteer=worker, child=supported, day_index=5, start=dt.time(9),
                   end=dt.time(10))]))
    db.session.commit()
    previous = build_instance(org.id, MONDAY)["previous"]
    assert previous == [{"kind": "visit", "volunteer": "SW1", "child": "C1~interview", "day": "sat"}]


def test_a_coordinator_starts_and_ends_support_with_a_social_worker_only(app, make_org, make_user, make_volunteer,
                                                                       make_child, login) -> None:
    """The support form takes a social worker; a volunteer mother is refused with the field named, and a child
    with no visiting times too; ending the support frees the child."""
    org = make_org()
    worker = make_volunteer(org, "SW1", is_social_worker=True)
    mother = make_volunteer(org, "M1")
    child = make_child(org, "C1")
    no_times = make_child(org, "C2", windows=())
    client = login(make_user(Role.COORDINATOR, org=org))
    response = post_form(client, "/programmes/support", {"child_id": str(child.id),
                                                         "social_worker_id": str(mother.id)},
                         headers={"Accept-Language": "en"})
    assert response.status_code == 422 and "Social worker" in _text(response)
    response = post_form(client, "/programmes/support", {"child_id": str(no_times.id),
                                                         "social_worker_id": str(worker.id)},
                         headers={"Accept-Language": "en"})
    assert "has no times when the family can be visited" in _text(response)
    assert post_form(client, "/programmes/support", {"child_id": str(child.id),
                                                     "social_worker_id": str(worker.id)}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Child, child.id).social_worker_id == worker.id
    assert db.session.get(Child, no_times.id).social_worker_id is None
    db.session.rollback()
    assert post_form(client, f"/programmes/support/{child.id}/end", {}, page="/programmes/support"
                     ).status_code == 302
    db.session.expire_all()
    assert db.session.get(Child, child.id).social_worker_id is None


def test_a_social_worker_opens_only_her_cases_with_what_consent_covers(app, make_org, make_user, make_child,
                                                                      login) -> None:
    """Her cases page lists her cases; a case shows the guardian's phone (a consent covers it) but not the
    background when no consent covers that; another child's page answers 404."""
    org = make_org()
    user = make_user(Role.SOCIAL_WORKER, org=org)
    mine = make_child(org, "C1", name="王欣怡", guardian_phone="13900001111", background="父母离异",
                      consent=("home",))
    theirs = make_child(org, "C2", name="李浩然", guardian_phone="13900002222")
    mine.social_worker_id = user.volunteer_id
    db.session.commit()
    client = login(user)
    cases = _text(client.get("/programmes/my-cases"))
    assert "王欣怡" in cases and "李浩然" not in cases
    page = _text(client.get(f"/programmes/cases/{mine.id}"))
    assert "13900001111" in page and "父母离异" not in page
    assert client.get(f"/programmes/cases/{theirs.id}").status_code == 404
    assert client.get(f"/children/{mine.id}").status_code == 403  # not the coordinators' record pages


def test_an_admin_makes_a_social_workers_account_linked_to_her_record(app, make_org, make_user, make_volunteer,
                                                                     login) -> None:
    """A social worker's account needs a volunteer record; the record is then marked a social worker and the
    account holds the sensitive-data permission."""
    org = make_org()
    record = make_volunteer(org, "SW1")
    client = login(make_user(Role.ADMIN, org=org))
    post_form(client, "/admin/users", {"username": "sw-unlinked", "role": "social_worker", "volunteer_id": "0"})
    assert db.session.execute(db.select(User).where(User.username == "sw-unlinked")).first() is None
    post_form(client, "/admin/users", {"username": "sw-linked", "role": "social_worker",
                                       "volunteer_id": str(record.id)})
    account = db.session.execute(db.select(User).where(User.username == "sw-linked")).scalar_one()
    assert account.volunteer_id == record.id and account.permissions == ["child_sensitive"]
    assert db.session.get(Volunteer, record.id).is_social_worker


def test_an_activity_a_social_worker_staffs_is_in_her_week(app, make_org, make_user, login) -> None:
    """A social worker assigned to an activity this week sees it on her home page among her interviews."""
    org = make_org()
    user = make_user(Role.SOCIAL_WORKER, org=org)
    activity = Activity(organisation_id=org.id, title="家长开放日", place="站点", start=dt.time(9), end=dt.time(11),
                        held_on=week_start_of(dt.date.today()) + dt.timedelta(days=2), staff_needed=1)
    activity.staff = [ActivityStaff(volunteer_id=user.volunteer_id, way=StaffWay.ASSIGNED)]
    db.session.add(activity)
    db.session.commit()
    assert "家长开放日" in _text(login(user).get("/"))


def _worker_with_interviews(make_org, make_user, make_child, login, consent=("home", "observations")):
    """A logged-in social worker holding one child's case, with that family's interview today and tomorrow in
    her published weeks; returns (client, account, today's interview id, tomorrow's)."""
    from tests.scheduler_app.test_me import published_visit
    org = make_org()
    account = make_user(Role.SOCIAL_WORKER, org=org)
    child = make_child(org, "C1", name="王欣怡", consent=consent)
    child.social_worker_id = account.volunteer_id
    db.session.commit()
    today = published_visit(org, account.volunteer, child, days_ago=0).id
    tomorrow = published_visit(org, account.volunteer, child, days_ago=-1).id
    return login(account), account, today, tomorrow


def test_a_social_worker_confirms_declines_and_writes_up_her_interviews_as_a_volunteer_does(
        app, make_org, make_user, make_child, login) -> None:
    """Her home lists her interviews with the volunteer's buttons; she confirms one and declines the other (that
    stretch recorded away, as for a volunteer), writes the interview's diary with observations (the guardian
    consented) and hands it in; her hours count it as waiting for approval; each answer is audited as hers."""
    from scheduler_app.models import AssignmentStatus, AuditEvent, DateAway, DiaryEntry, DiaryStatus
    from tests.conftest import csrf_token
    from tests.forms import form_data
    client, account, today, tomorrow = _worker_with_interviews(make_org, make_user, make_child, login)
    home = _text(client.get("/", headers={"Accept-Language": "en"}))
    assert "Family interview: 欣怡" in home and "王欣怡" not in home  # a page the phone keeps: her given name
    for interview in (today, tomorrow):
        assert f"/me/assignments/{interview}/confirm" in home and f"/me/assignments/{interview}/diary" in home
    assert "/me/hours" in home and "/me/availability" in home
    seen = assignment_seen(db.session.get(Assignment, today))  # what her page showed of it
    assert f'value="{seen}"' in home
    db.session.rollback()
    assert client.post(f"/me/assignments/{today}/confirm",
                       data={"csrf_token": csrf_token(client, "/"), "seen": seen}).status_code == 302
    data = form_data(client.get(f"/me/assignments/{tomorrow}/decline").get_data(as_text=True))
    data["reason"] = ["家长临时外出"]
    assert client.post(f"/me/assignments/{tomorrow}/decline", data=data).status_code == 302
    url = f"/me/assignments/{today}/diary"
    data = form_data(client.get(url).get_data(as_text=True))
    data.update({"activities": ["talk"], "what_was_done": ["与奶奶面谈"], "emotional": ["比上周开朗"],
                 "send": ["y"]})
    assert client.post(url, data=data).status_code == 302
    db.session.expire_all()
    assert db.session.get(Assignment, today).status == AssignmentStatus.CONFIRMED
    declined = db.session.get(Assignment, tomorrow)
    assert (declined.status, declined.decline_reason) == (AssignmentStatus.DECLINED, "家长临时外出")
    away = db.session.execute(db.select(DateAway).where(DateAway.volunteer_id == account.volunteer_id)).scalar_one()
    assert away.first_day == declined.date
    entry = db.session.execute(db.select(DiaryEntry)).scalar_one()
    assert (entry.volunteer_id, entry.assignment_id, entry.status) == (account.volunteer_id, today,
                                                                       DiaryStatus.SUBMITTED)
    assert entry.observations == {"emotional": "比上周开朗"}
    actions = set(db.session.execute(db.select(AuditEvent.action).where(AuditEvent.user_id == account.id)).scalars())
    assert {"assignment_confirmed", "assignment_declined", "diary_submitted"} <= actions
    db.session.rollback()
    hours = _text(client.get("/me/hours", headers={"Accept-Language": "en"}))
    assert '<span class="num">1.0</span> hours waiting for approval' in hours


def test_a_social_worker_answers_only_her_own_interviews(app, make_org, make_user, make_volunteer, make_child,
                                                         login) -> None:
    """Another social worker's interview, a volunteer's visit and another organisation's interview cannot be
    confirmed, declined or written about by her (404), and stay as they were; her home names none of them."""
    from scheduler_app.models import AssignmentStatus, DiaryEntry
    from tests.conftest import csrf_token
    from tests.scheduler_app.test_me import published_visit
    client, account, _today, _tomorrow = _worker_with_interviews(make_org, make_user, make_child, login)
    org = account.organisation
    colleague = make_volunteer(org, "SW2", is_social_worker=True)
    theirs = make_child(org, "C2", name="李浩然")
    theirs.social_worker_id = colleague.id
    visited = make_child(org, "C3", name="陈子轩")
    elsewhere = make_org()
    far = make_child(elsewhere, "C1", name="赵雨涵")
    others = [published_visit(org, colleague, theirs, days_ago=0).id,
              published_visit(org, make_volunteer(org, "M1"), visited, days_ago=0).id,
              published_visit(elsewhere, make_volunteer(elsewhere, "SW1", is_social_worker=True), far,
                              days_ago=0).id]
    token = csrf_token(client, "/")
    for other in others:
        assert client.post(f"/me/assignments/{other}/confirm", data={"csrf_token": token}).status_code == 404
        assert client.post(f"/me/assignments/{other}/decline",
                           data={"csrf_token": token, "reason": "x"}).status_code == 404
        assert client.get(f"/me/assignments/{other}/decline").status_code == 404
        assert client.get(f"/me/assignments/{other}/diary").status_code == 404
        assert client.post(f"/me/assignments/{other}/diary", data={"csrf_token": token, "send": "y"}
                           ).status_code == 404
    db.session.expire_all()
    assert {db.session.get(Assignment, other).status for other in others} == {AssignmentStatus.PLANNED}
    assert db.session.execute(db.select(DiaryEntry)).first() is None
    home = _text(client.get("/"))
    assert "欣怡" in home and not any(name[1:] in home for name in ("李浩然", "陈子轩", "赵雨涵"))  # given names


def test_a_social_workers_diary_follows_the_guardians_consent_as_a_volunteers_does(
        app, make_org, make_user, make_child, login) -> None:
    """Without a consent to observations her interview's diary offers no observation fields and keeps none sent
    anyway, though her role reads sensitive data; the worry flag is kept."""
    from scheduler_app.models import DiaryEntry
    from tests.forms import form_data
    client, _account, today, _tomorrow = _worker_with_interviews(make_org, make_user, make_child, login,
                                                                 consent=("home",))
    url = f"/me/assignments/{today}/diary"
    page = client.get(url).get_data(as_text=True)
    assert 'name="emotional"' not in page
    data = form_data(page)
    data.update({"emotional": ["比上周开朗"], "concern": ["y"], "send": ["y"]})
    assert client.post(url, data=data).status_code == 302
    entry = db.session.execute(db.select(DiaryEntry)).scalar_one()
    assert entry.observations == {} and entry.concern


def test_a_social_workers_answer_sent_twice_from_her_phone_is_taken_once(app, make_org, make_user, make_child,
                                                                         login) -> None:
    """Her confirmation sent from the phone's outbox three times confirms once (one receipt, the resends marked
    duplicates); her week and her interview's diary are pages her phone keeps for reading offline."""
    from scheduler_app.models import AuditEvent, OutboxReceipt
    from tests.conftest import csrf_token
    client, account, today, _tomorrow = _worker_with_interviews(make_org, make_user, make_child, login)
    for path in ("/", f"/me/assignments/{today}/diary", "/me/hours"):
        assert client.get(path).headers.get("Peiban-Offline") == "keep", path
    # Her cases' full names are on a page of their own that the phone never keeps, not on the kept home page.
    names = db.session.execute(db.select(Child.name).where(Child.social_worker_id == account.volunteer_id)
                               ).scalars().all()
    cases = client.get("/programmes/my-cases")
    assert names and cases.headers.get("Peiban-Offline") is None
    assert all(n in cases.get_data(as_text=True) and n not in client.get("/").get_data(as_text=True) for n in names)
    seen = assignment_seen(db.session.get(Assignment, today))
    db.session.rollback()
    data = {"csrf_token": csrf_token(client, "/"), "seen": seen, "outbox_id": "sw-confirm-0001"}
    answers = [client.post(f"/me/assignments/{today}/confirm", data=data, headers={"Peiban-Outbox": "1"})
               for _ in range(3)]
    assert [a.get_json()["duplicate"] for a in answers] == [False, True, True]
    assert db.session.execute(db.select(OutboxReceipt.user_id, OutboxReceipt.kind)).all() == [(account.id, "confirm")]
    assert len(db.session.execute(db.select(AuditEvent).where(AuditEvent.action == "assignment_confirmed")
                                  ).all()) == 1
