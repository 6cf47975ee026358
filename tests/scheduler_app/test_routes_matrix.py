"""Every route checks the role server-side: the full matrix of route × role, and anonymous access."""

from __future__ import annotations

import pytest

from scheduler_app.models import Role
from tests.conftest import SECURITY_REPORT, csrf_token

ALL = frozenset(Role)
# The accounts linked to a volunteer record, who answer their own week: volunteers and social workers (written out
# here too, so that a change of scheduler_app.roles.SELF_SERVICE_ROLES shows in this test).
SELF = frozenset({Role.VOLUNTEER, Role.SOCIAL_WORKER})
# endpoint → (method, roles allowed). Written out by hand: a new route must be added here.
EXPECTED: dict[str, tuple[str, frozenset[Role] | None]] = {
    "main.home": ("GET", ALL),
    "main.set_language": ("POST", None),  # public: the login page has the switch too
    "main.read_notifications": ("POST", SELF),
    "calendar.feed": ("GET", None),  # public: the secret token in the link is the key (404 without it);
    # listed before volunteers.calendar_link, which replaces the token
    "auth.login": ("GET", None),
    "auth.logout": ("POST", ALL),
    "auth.change_password": ("GET", ALL),
    "auth.sessions": ("GET", ALL),
    "auth.end_session_of_mine": ("POST", ALL),
    "main.service_worker": ("GET", None),  # public: the worker must load before anyone logs in
    "main.manifest": ("GET", None),
    "main.offline": ("GET", None),  # public: what a phone shows offline for a page it has not kept
    # public: probes and scrapers cannot log in (/metrics has its own token or loopback rule)
    "operations.healthz": ("GET", None),
    "operations.readyz": ("GET", None),
    "operations.metrics_page": ("GET", None),
    "children.index": ("GET", frozenset({Role.COORDINATOR, Role.MANAGER})),
    "children.view": ("GET", frozenset({Role.COORDINATOR, Role.MANAGER})),
    "children.new": ("GET", frozenset({Role.COORDINATOR})),
    "children.edit": ("GET", frozenset({Role.COORDINATOR})),
    "volunteers.index": ("GET", frozenset({Role.COORDINATOR, Role.MANAGER})),
    "volunteers.view": ("GET", frozenset({Role.COORDINATOR, Role.MANAGER})),
    "volunteers.new": ("GET", frozenset({Role.COORDINATOR})),
    "volunteers.edit": ("GET", frozenset({Role.COORDINATOR})),
    "volunteers.remove_away": ("POST", frozenset({Role.COORDINATOR})),
    "volunteers.calendar_link": ("POST", frozenset({Role.COORDINATOR})),
    "places.index": ("GET", frozenset({Role.COORDINATOR, Role.MANAGER})),
    "places.new_site": ("GET", frozenset({Role.COORDINATOR})),
    "places.edit_site": ("GET", frozenset({Role.COORDINATOR})),
    "places.new_village": ("GET", frozenset({Role.COORDINATOR})),
    "places.edit_village": ("GET", frozenset({Role.COORDINATOR})),
    "transfer.index": ("GET", frozenset({Role.COORDINATOR, Role.MANAGER})),  # managers download only
    "rosters.index": ("GET", frozenset({Role.COORDINATOR, Role.MANAGER})),
    "rosters.week": ("GET", frozenset({Role.COORDINATOR, Role.MANAGER})),
    "rosters.week_progress": ("GET", frozenset({Role.COORDINATOR, Role.MANAGER})),
    "rosters.generate": ("POST", frozenset({Role.COORDINATOR})),
    "rosters.publish_roster": ("POST", frozenset({Role.COORDINATOR})),
    "rosters.replan": ("POST", frozenset({Role.COORDINATOR})),
    "rosters.replan_declined": ("POST", frozenset({Role.COORDINATOR})),
    "rosters.replan_calendar": ("POST", frozenset({Role.COORDINATOR})),
    "me.confirm_assignment": ("POST", SELF),
    "me.decline_assignment": ("GET", SELF),
    "me.availability": ("GET", SELF),
    "me.diary": ("GET", SELF),
    "me.hours": ("GET", SELF),
    "me.certificate_page": ("GET", SELF),
    "me.hours_export": ("GET", SELF),
    "me.calendar": ("GET", SELF),
    "me.remove_away": ("POST", SELF),
    "rosters.print_roster": ("GET", frozenset({Role.COORDINATOR, Role.MANAGER})),
    "rosters.copy_text": ("GET", frozenset({Role.COORDINATOR, Role.MANAGER})),
    "rosters.day_map_page": ("GET", frozenset({Role.COORDINATOR, Role.MANAGER})),
    "rosters.export_roster": ("GET", frozenset({Role.COORDINATOR, Role.MANAGER})),
    "rosters.add_week_rule": ("POST", frozenset({Role.COORDINATOR})),
    "rosters.pin_assignment": ("POST", frozenset({Role.COORDINATOR})),
    "rosters.edit_assignment_page": ("GET", frozenset({Role.COORDINATOR})),
    "rosters.remove_week_rule": ("POST", frozenset({Role.COORDINATOR})),
    "transfer.export": ("GET", frozenset({Role.COORDINATOR, Role.MANAGER})),
    "transfer.template": ("GET", frozenset({Role.COORDINATOR, Role.MANAGER})),
    "diaries.index": ("GET", frozenset({Role.MANAGER})),
    "diaries.approve_entries": ("POST", frozenset({Role.MANAGER})),
    "diaries.return_entry": ("GET", frozenset({Role.MANAGER})),
    "earlywarning.index": ("GET", frozenset({Role.MANAGER, Role.COORDINATOR})),
    "earlywarning.handle_warning": ("POST", frozenset({Role.MANAGER, Role.COORDINATOR})),
    "reports.dashboard_page": ("GET", frozenset({Role.MANAGER})),
    "reports.report": ("GET", frozenset({Role.MANAGER})),
    "reports.export": ("GET", frozenset({Role.MANAGER})),
    "admin.users": ("GET", frozenset({Role.ADMIN})),
    "admin.toggle_user": ("POST", frozenset({Role.ADMIN})),
    "admin.user_permissions": ("GET", frozenset({Role.ADMIN})),
    "admin.organisation": ("GET", frozenset({Role.ADMIN})),
    "admin.user_sessions": ("GET", frozenset({Role.ADMIN})),
    "admin.end_user_session": ("POST", frozenset({Role.ADMIN})),
    "admin.reset_user_password": ("POST", frozenset({Role.ADMIN, Role.COORDINATOR})),
    "admin.remove_user_two_step": ("POST", frozenset({Role.ADMIN})),
    "volunteers.make_accounts": ("POST", frozenset({Role.COORDINATOR})),
    "auth.second_step": ("GET", None),  # public: without a password step just done it sends back to login
    "auth.two_step": ("GET", frozenset({Role.ADMIN, Role.MANAGER, Role.COORDINATOR, Role.SOCIAL_WORKER})),
    "privacy.child_rights": ("GET", frozenset({Role.COORDINATOR, Role.MANAGER})),
    "privacy.withdraw": ("POST", frozenset({Role.COORDINATOR, Role.MANAGER})),
    "privacy.child_data_download": ("GET", frozenset({Role.COORDINATOR, Role.MANAGER})),
    "privacy.ask_erasure": ("POST", frozenset({Role.COORDINATOR, Role.MANAGER})),
    "privacy.erasures": ("GET", frozenset({Role.MANAGER})),
    "privacy.decide": ("POST", frozenset({Role.MANAGER})),
    "auditlog.index": ("GET", frozenset({Role.MANAGER, Role.ADMIN})),
    "calls.week": ("GET", frozenset({Role.COORDINATOR, Role.MANAGER})),
    "calls.plan": ("POST", frozenset({Role.COORDINATOR})),
    "calls.progress": ("GET", frozenset({Role.COORDINATOR, Role.MANAGER})),
    "calls.send_slots": ("POST", frozenset({Role.COORDINATOR})),
    "calls.room": ("GET", frozenset({Role.COORDINATOR})),
    "calls.parents": ("GET", frozenset({Role.COORDINATOR})),
    "calls.record": ("GET", frozenset({Role.COORDINATOR})),
    "messages.mine": ("GET", ALL),
    "messages.log": ("GET", frozenset({Role.COORDINATOR, Role.MANAGER})),
    "messages.channels": ("GET", frozenset({Role.ADMIN})),
    "messages.edit_channel": ("GET", frozenset({Role.ADMIN})),
    "messages.test_channel": ("POST", frozenset({Role.ADMIN})),  # its channel refuses at once: nothing listens
    "messages.remove_channel_page": ("POST", frozenset({Role.ADMIN})),  # last: the channel is gone after it
    "cases.index": ("GET", frozenset({Role.COORDINATOR, Role.MANAGER})),
    "cases.new": ("GET", frozenset({Role.COORDINATOR, Role.MANAGER})),
    "cases.view": ("GET", frozenset({Role.COORDINATOR, Role.MANAGER})),
    "cases.edit": ("POST", frozenset({Role.COORDINATOR, Role.MANAGER})),
    "cases.new_action": ("POST", frozenset({Role.COORDINATOR, Role.MANAGER})),
    "cases.action_done": ("POST", frozenset({Role.COORDINATOR, Role.MANAGER})),
    "cases.new_referral": ("POST", frozenset({Role.COORDINATOR, Role.MANAGER})),
    "cases.referral_answer": ("POST", frozenset({Role.COORDINATOR, Role.MANAGER})),
    "cases.mandatory_report": ("POST", frozenset({Role.COORDINATOR, Role.MANAGER})),
    "cases.new_plan": ("POST", frozenset({Role.COORDINATOR, Role.MANAGER})),
    "cases.timeline": ("GET", frozenset({Role.COORDINATOR, Role.MANAGER})),
    "cases.open_from_warning": ("POST", frozenset({Role.COORDINATOR, Role.MANAGER})),
    "cases.volunteer_concern_page": ("GET", frozenset({Role.VOLUNTEER})),
    "schoolyear.index": ("GET", frozenset({Role.ADMIN, Role.COORDINATOR, Role.MANAGER})),
    "schoolyear.add_day": ("POST", frozenset({Role.ADMIN})),
    "schoolyear.add_term": ("POST", frozenset({Role.ADMIN})),
    "schoolyear.add_site_closure": ("POST", frozenset({Role.COORDINATOR})),
    "schoolyear.add_away": ("POST", frozenset({Role.COORDINATOR})),
    "schoolyear.remove_day": ("POST", frozenset({Role.ADMIN})),
    "schoolyear.remove_term": ("POST", frozenset({Role.ADMIN})),
    "schoolyear.remove_closure": ("POST", frozenset({Role.COORDINATOR})),
    "schoolyear.remove_away": ("POST", frozenset({Role.COORDINATOR})),
    # the volunteer account tutors Monday's session at the site in the world's published roster
    "schoolyear.attendance": ("GET", frozenset({Role.COORDINATOR, Role.VOLUNTEER})),
    "schoolyear.sign_in_sheet": ("GET", frozenset({Role.COORDINATOR, Role.MANAGER, Role.VOLUNTEER})),
    "programmes.activities": ("GET", frozenset({Role.COORDINATOR, Role.MANAGER})),
    "programmes.activity": ("GET", frozenset({Role.COORDINATOR, Role.MANAGER})),
    "programmes.new_activity": ("GET", frozenset({Role.COORDINATOR})),
    "programmes.edit_activity": ("GET", frozenset({Role.COORDINATOR})),
    "programmes.assign": ("POST", frozenset({Role.COORDINATOR})),
    "programmes.unassign": ("POST", frozenset({Role.COORDINATOR})),
    "programmes.add_participant": ("POST", frozenset({Role.COORDINATOR})),
    "programmes.remove_participant": ("POST", frozenset({Role.COORDINATOR})),
    "programmes.outcome": ("POST", frozenset({Role.COORDINATOR})),
    "programmes.volunteer_sign_up": ("POST", frozenset({Role.VOLUNTEER})),
    "programmes.volunteer_withdraw": ("POST", frozenset({Role.VOLUNTEER})),
    "programmes.support": ("GET", frozenset({Role.COORDINATOR, Role.MANAGER})),
    "programmes.stop_support": ("POST", frozenset({Role.COORDINATOR})),
    "programmes.case": ("GET", frozenset({Role.SOCIAL_WORKER})),
    "programmes.classes": ("GET", frozenset({Role.COORDINATOR, Role.MANAGER})),
    "programmes.school": ("GET", frozenset({Role.COORDINATOR, Role.MANAGER})),
    "programmes.add_teacher_visit": ("POST", frozenset({Role.COORDINATOR})),
    "programmes.remove_teacher_visit": ("POST", frozenset({Role.COORDINATOR})),
    "programmes.groups": ("GET", frozenset({Role.COORDINATOR, Role.MANAGER})),
    "programmes.group": ("GET", frozenset({Role.COORDINATOR, Role.MANAGER})),
    "programmes.add_group_member": ("POST", frozenset({Role.COORDINATOR})),
    "programmes.remove_group_member": ("POST", frozenset({Role.COORDINATOR})),
    "programmes.my_cases": ("GET", frozenset({Role.SOCIAL_WORKER})),
    "programmes.add_group_session": ("POST", frozenset({Role.COORDINATOR})),
    "programmes.library": ("GET", frozenset({Role.COORDINATOR, Role.MANAGER})),
    "static": ("GET", None),
}


def _url(app, endpoint: str, ids: dict[str, int]) -> str:
    from flask import url_for
    args = {"child_id": ids["child"], "user_id": ids["user"], "filename": "peiban.css",
            "volunteer_id": ids["volunteer"], "date_away_id": ids["date_away"], "site_id": ids["site"],
            "village_id": ids["village"], "kind": "children", "fmt": "csv", "week_start": "2026-11-30",
            "roster_id": ids["roster"], "assignment_id": ids["assignment"], "rule_id": ids["rule"],
            "token": ids["token"], "away_id": ids["my_away"], "entry_id": ids["entry"], "warning_id": ids["warning"],
            "consent_id": ids["consent"], "request_id": ids["erasure"], "sid": "no-such-session",
            "channel_id": ids["channel"], "case_id": ids["case"], "action_id": ids["action"],
            "referral_id": ids["referral"], "call_id": ids["call"], "day_id": ids["calendar_day"],
            "term_id": ids["term"], "closure_id": ids["closure"], "child_away_id": ids["child_away"],
            "held_on": "2026-11-30",
            "activity_id": ids["activity"], "group_id": ids["group"], "visit_id": ids["teacher_visit"]}
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    with app.test_request_context():
        return url_for(endpoint, **{k: v for k, v in args.items() if k in rule.arguments})


def test_every_route_is_in_the_matrix(app) -> None:
    """Each registered endpoint has an expected access rule in this test."""
    assert {r.endpoint for r in app.url_map.iter_rules()} == set(EXPECTED)


@pytest.fixture
def make_world(make_org, make_user, make_child, make_site, make_volunteer):
    """Builder: one organisation with one account per role, a child (with a consent and an anonymisation
    request), a site and a volunteer away for a week; returns (users by role, ids)."""
    def build():
        return _build_world(make_org, make_user, make_child, make_site, make_volunteer)
    return build


@pytest.fixture
def world(make_world):
    """One organisation's world (see make_world)."""
    return make_world()


def _build_world(make_org, make_user, make_child, make_site, make_volunteer):
    """The records of make_world."""
    import datetime as dt

    from scheduler_app.extensions import db
    from scheduler_app.models import (
        Activity,
        ActivityChild,
        ActivityStaff,
        Assignment,
        AssignmentKind,
        CalendarDay,
        CallPlan,
        CaseAction,
        ChildAway,
        DateAway,
        DiaryEntry,
        DiaryStatus,
        EarlyWarning,
        ErasureRequest,
        FamilyCall,
        GroupMember,
        GuardianConsent,
        MessageChannel,
        ParentingGroup,
        Referral,
        Roster,
        RosterStatus,
        SafeguardingCase,
        SchoolTerm,
        SiteClosure,
        TeacherVisit,
        Week,
        WeekRule,
    )
    org = make_org()
    users = {role: make_user(role, org=org) for role in Role}
    target = make_user(Role.COORDINATOR, org=org)
    # Names carry the organisation, so a page leaking another organisation's records can be caught.
    child = make_child(org, "C1", name=f"孩子{org.id}号", consent=("home", "observations", "calls"))
    site = make_site(org, name=f"站点{org.id}号")
    volunteer = make_volunteer(org, "M1", name=f"志愿者{org.id}号", calendar_token=f"matrix-calendar-token-{org.id}")
    own = users[Role.VOLUNTEER].volunteer  # the volunteer account's record, loaded before anything is pending
    away = DateAway(volunteer=volunteer, first_day=dt.date(2026, 12, 7), last_day=dt.date(2026, 12, 13))
    my_away = DateAway(volunteer=own, first_day=dt.date(2026, 12, 7), last_day=dt.date(2026, 12, 8))
    db.session.add_all([away, my_away])
    week = Week(organisation_id=org.id, start_date=dt.date(2026, 11, 30))
    # Published, and the volunteer account's own: the volunteer's answer routes have something to answer.
    roster = Roster(week=week, status=RosterStatus.PUBLISHED)
    assignment = Assignment(roster=roster, kind=AssignmentKind.VISIT, volunteer=own,
                            child=child, day_index=5, start=dt.time(9), end=dt.time(10))
    rule = WeekRule(week=week, rule="forbidden", kind=AssignmentKind.VISIT, volunteer=volunteer, child=child,
                    day_index=6)
    entry = DiaryEntry(volunteer=volunteer, child_id=child.id, served_on=dt.date(2026, 11, 21),
                       started_at=dt.time(9), ended_at=dt.time(10), minutes=60, status=DiaryStatus.SUBMITTED)
    warning = EarlyWarning(organisation_id=org.id, kind="not_visited", child_id=child.id, detail={"days": 20})
    erasure = ErasureRequest(organisation_id=org.id, child_id=child.id, reason="guardian asked",
                             requested_by_id=users[Role.COORDINATOR].id)
    channel = MessageChannel(organisation_id=org.id, kind="apprise", label=f"群{org.id}号",
                             secret_env="PEIBAN_CHANNEL_MATRIX_UNSET")  # unset: its test fails without sending
    case = SafeguardingCase(organisation_id=org.id, child_id=child.id, due_on=dt.date(2026, 12, 1))
    action = CaseAction(case=case, what="家访核实", owner_id=users[Role.COORDINATOR].id, due_on=dt.date(2026, 12, 1))
    referral = Referral(case=case, to_role="teacher", contact="班主任", referred_on=dt.date(2026, 12, 1), shared="情况",
                        basis="consent")
    call = FamilyCall(plan=CallPlan(organisation_id=org.id, week_start=dt.date(2026, 11, 30)), site=site,
                      supervisor=volunteer, family="F1", child_ids=[child.id], day_index=2, start=dt.time(19),
                      end=dt.time(19, 20))
    tutoring = Assignment(roster=roster, kind=AssignmentKind.TUTORING, volunteer=own, site=site, day_index=0,
                          start=dt.time(16, 30), end=dt.time(18))
    calendar_day = CalendarDay(organisation_id=org.id, day=dt.date(2026, 12, 25), working=False, name="圣诞")
    term = SchoolTerm(organisation_id=org.id, name="秋季学期", first_day=dt.date(2026, 9, 1),
                      last_day=dt.date(2027, 1, 22))
    closure = SiteClosure(site=site, first_day=dt.date(2026, 12, 21), last_day=dt.date(2026, 12, 22), reason="停电")
    child_away = ChildAway(child=child, first_day=dt.date(2027, 1, 25), last_day=dt.date(2027, 2, 20),
                           reason="在父母处")
    # The child is under one-on-one support: her case is the social worker account's, and her family interview
    # that Saturday is in the social worker's published week (her answer routes have something to answer too).
    worker = users[Role.SOCIAL_WORKER].volunteer
    child.social_worker_id = worker.id
    interview = Assignment(roster=roster, kind=AssignmentKind.VISIT, volunteer=worker, child=child, day_index=5,
                           start=dt.time(14), end=dt.time(15))
    worker_away = DateAway(volunteer=worker, first_day=dt.date(2026, 12, 9), last_day=dt.date(2026, 12, 9))
    # Staffed by the volunteer and taken part in by the child, so the routes that take them off have them to take.
    activity = Activity(organisation_id=org.id, title=f"活动{org.id}号", place="县博物馆",
                        held_on=dt.date.today() + dt.timedelta(days=3), start=dt.time(9), end=dt.time(11),
                        staff_needed=3)
    activity.staff = [ActivityStaff(volunteer=volunteer, way="assigned")]
    activity.participants = [ActivityChild(child=child)]
    group = ParentingGroup(organisation_id=org.id, name=f"家长小组{org.id}号", members=[GroupMember(child=child)])
    teacher_visit = TeacherVisit(child=child, visited_on=dt.date(2026, 11, 2), teacher_name="刘老师")
    db.session.add_all([roster, assignment, rule, entry, warning, erasure, channel, case, action, referral, call,
                        tutoring, calendar_day, term, closure, child_away, activity, group, teacher_visit, interview,
                        worker_away])
    db.session.commit()
    consent = db.session.execute(db.select(GuardianConsent).where(GuardianConsent.child_id == child.id)).scalar_one()
    return users, {"child": child.id, "user": target.id, "volunteer": volunteer.id, "date_away": away.id,
                   "site": site.id, "village": child.village_id, "roster": roster.id,
                   "assignment": assignment.id, "rule": rule.id, "token": volunteer.calendar_token,
                   "my_away": my_away.id, "entry": entry.id, "warning": warning.id, "consent": consent.id,
                   "erasure": erasure.id, "channel": channel.id, "case": case.id, "action": action.id,
                   "referral": referral.id, "call": call.id, "calendar_day": calendar_day.id, "term": term.id,
                   "closure": closure.id, "child_away": child_away.id,
                   "activity": activity.id, "group": group.id, "teacher_visit": teacher_visit.id,
                   "names": (child.name, site.name, volunteer.name),
                   # a self-service role's own assignment and date away, in place of the volunteer account's
                   "own": {Role.SOCIAL_WORKER: {"assignment": interview.id, "my_away": worker_away.id}}}


@pytest.mark.parametrize("role", list(Role), ids=[r.value for r in Role])
def test_role_matrix(app, login, world, role: Role) -> None:
    """Each role reaches exactly the routes meant for it; every other protected route answers 403."""
    users, ids = world
    client = login(users[role])
    refused = []
    ids = ids | ids["own"].get(role, {})  # her own assignment: another's would be a 404, as the next test wants
    for endpoint, (method, allowed) in EXPECTED.items():
        if endpoint in ("auth.logout", "auth.login", "main.set_language"):
            continue  # logging out or in would change who the client is
        url = _url(app, endpoint, ids)
        if method == "POST":
            response = client.post(url, data={"csrf_token": csrf_token(client, "/")})
        else:
            response = client.get(url)
        if allowed is not None and role not in allowed:
            assert response.status_code == 403, (endpoint, role)
            refused.append(endpoint)
        else:
            # 422: the empty form was checked, so the route was reached
            assert response.status_code in (200, 302, 422), (endpoint, role, response.status_code)
    expected_refusals = {e for e, (_, allowed) in EXPECTED.items() if allowed is not None and role not in allowed}
    assert set(refused) == expected_refusals


def test_anonymous_visitors_are_sent_to_login(app, client, world) -> None:
    """Without a session every protected GET redirects to the login page, and POSTs are refused."""
    _, ids = world
    for endpoint, (method, allowed) in EXPECTED.items():
        if allowed is None:
            continue
        url = _url(app, endpoint, ids)
        if method == "GET":
            response = client.get(url)
            assert response.status_code == 302 and "/auth/login" in response.headers["Location"], endpoint
        else:
            response = client.post(url, data={"csrf_token": csrf_token(client)})
            assert response.status_code in (302, 401), endpoint


def test_refused_access_is_audited(app, login, world) -> None:
    """A volunteer opening the accounts page is refused and the refusal is in the audit log."""
    from scheduler_app.extensions import db
    from scheduler_app.models import AuditEvent
    users, _ = world
    client = login(users[Role.VOLUNTEER])
    assert client.get("/admin/users").status_code == 403
    event = db.session.execute(db.select(AuditEvent).where(AuditEvent.action == "access_refused")).scalar_one()
    assert event.user_id == users[Role.VOLUNTEER].id


ID_ARGUMENTS = frozenset({"child_id", "user_id", "volunteer_id", "date_away_id", "site_id", "village_id", "roster_id",
                          "assignment_id", "rule_id", "away_id", "entry_id", "warning_id", "consent_id", "request_id",
                          "channel_id", "case_id", "action_id", "referral_id", "call_id", "day_id", "term_id",
                          "closure_id", "child_away_id", "activity_id", "group_id", "visit_id"})


def test_nobody_reaches_another_organisations_records(app, login, make_world) -> None:
    """Every role, on every route that takes a record's id, given the ids of another organisation's records, is
    refused (403 for a route the role may not use, 404 for one it may): nothing of theirs is shown or changed.
    The count of refused requests is printed at the end of the run."""
    from scheduler_app.extensions import db
    from scheduler_app.models import Child, ErasureRequest, ErasureStatus, GuardianConsent
    users, mine = make_world()
    _, theirs = make_world()
    endpoints = [(endpoint, method, allowed) for endpoint, (method, allowed) in EXPECTED.items()
                 if ID_ARGUMENTS & set(next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint).arguments)]
    statuses: dict[int, int] = {}
    for role in Role:
        client = login(users[role])
        for endpoint, method, allowed in endpoints:
            url = _url(app, endpoint, theirs)
            if method == "POST":
                response = client.post(url, data={"csrf_token": csrf_token(client, "/")})
            else:
                response = client.get(url)
            expected = 404 if allowed is None or role in allowed else 403
            assert response.status_code == expected, (endpoint, role, response.status_code)
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        client.post("/auth/logout", data={"csrf_token": csrf_token(client, "/")})
    total = len(Role) * len(endpoints)
    assert sum(statuses.values()) == total and set(statuses) <= {403, 404}
    db.session.expire_all()
    their_child = db.session.get(Child, theirs["child"])
    assert their_child.active and their_child.name != their_child.code  # not anonymised
    assert db.session.get(GuardianConsent, theirs["consent"]).withdrawn_on is None
    assert db.session.get(ErasureRequest, theirs["erasure"]).status == ErasureStatus.PENDING
    # Pages without an id (lists, searches, reports, exports) show none of the other organisation's records.
    listed = showing_mine = 0
    for role in Role:
        client = login(users[role])
        for endpoint, (method, allowed) in EXPECTED.items():
            rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
            if method != "GET" or ID_ARGUMENTS & set(rule.arguments) or endpoint in ("static", "calendar.feed") \
                    or (allowed is not None and role not in allowed):
                continue
            text = client.get(_url(app, endpoint, theirs)).get_data().decode("utf-8", "replace")
            assert not any(name in text for name in theirs["names"]), (endpoint, role)
            listed += 1
            showing_mine += any(name in text for name in mine["names"])
        client.post("/auth/logout", data={"csrf_token": csrf_token(client, "/")})
    assert showing_mine >= len(Role)  # the check can see names: pages do show the user's own records
    SECURITY_REPORT["other organisation's lists"] = (
        f"{listed} role × page requests without an id (lists, searches, reports, exports): none showed another "
        f"organisation's child, site or volunteer ({showing_mine} showed the user's own)")
    SECURITY_REPORT["other organisation's ids"] = (
        f"{len(Role)} roles × {len(endpoints)} routes taking an id = {total} requests with another organisation's "
        f"ids: {total} refused ({statuses.get(403, 0)} × 403 role not allowed, {statuses.get(404, 0)} × 404 "
        f"not found in the user's organisation), 0 answered")


def test_the_map_the_feed_and_the_import_follow_role_and_permission(app, make_user, saturday_with_a_visit) -> None:
    """The three findings of the attack, as a matrix over every role, with and without the sensitive-data
    permission: the day map places the child's house (within 50 m, fitted from the sites) only for a role that
    may open it and has the permission, else her village or a 403; a volunteer's feed answers only while her
    account is active; an import setting a guardian's phone is taken only from a coordinator with the
    permission, refused (nothing changed) without it, and 403 for every other role."""
    import io

    from scheduler_app.extensions import db
    from scheduler_app.models import Child
    from tests.conftest import PASSWORD, post_form
    from tests.scheduler_app.conftest import HOME, MONDAY
    from tests.scheduler_app.rosters.test_map_privacy import _home_as_fitted, _metres
    org = saturday_with_a_visit()
    child_id = db.session.execute(db.select(Child.id).where(Child.organisation_id == org.id)).scalar_one()
    counts = {"map": 0, "feed": 0, "import": 0}
    for role in Role:
        for permissions in ([], ["child_sensitive"]):
            account = make_user(role, org=org, permissions=permissions)
            client = app.test_client()
            assert post_form(client, "/auth/login", {"username": account.username, "password": PASSWORD}
                             ).status_code == 302
            may_open = role in EXPECTED["rosters.day_map_page"][1]
            page = client.get(f"/rosters/{MONDAY.isoformat()}/map?day=5")
            if not may_open:
                assert page.status_code == 403, role
            else:
                near = _metres(_home_as_fitted(page.get_data(as_text=True)), HOME) < 50
                assert near == bool(permissions), (role, permissions)
            counts["map"] += 1
            phone = f"1390000{len(permissions)}{list(Role).index(role):03d}"
            response = client.post("/data/", content_type="multipart/form-data", headers={"Accept-Language": "en"},
                                   data={"csrf_token": csrf_token(client, "/"), "kind": "children",
                                         "file": (io.BytesIO(f"Code,Guardian's phone\nC1,{phone}\n".encode()),
                                                  "children.csv")})
            db.session.expire_all()
            taken = db.session.get(Child, child_id).guardian_phone == phone
            if role != Role.COORDINATOR:
                assert response.status_code == 403 and not taken, (role, permissions)
            else:
                assert (response.status_code == 302) == taken == bool(permissions), (role, permissions)
            counts["import"] += 1
            if role == Role.VOLUNTEER:
                account.volunteer.calendar_token = f"matrix-feed-{account.id}".ljust(43, "x")
                db.session.commit()
                feed = f"/calendar/{account.volunteer.calendar_token}.ics"
                assert app.test_client().get(feed).status_code == 200
                account.active = False
                db.session.commit()
                assert app.test_client().get(feed).status_code == 404
                counts["feed"] += 1
    SECURITY_REPORT["map, feed and import by role"] = (
        f"{counts['map']} role × permission map requests (the house only with the permission), {counts['import']} "
        f"imports of a guardian's phone (taken only from a coordinator with the permission), {counts['feed']} "
        "feeds refused once their account was disabled")
