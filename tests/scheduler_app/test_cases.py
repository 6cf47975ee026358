"""Safeguarding cases through HTTP and the real database: a concern opens the child's case, an urgent one alerts
the managers at once, referrals and the mandatory report are recorded, overdue actions and a missing report
escalate, a case plan changes the next roster instance and ends by itself, the case closes with an outcome; a
volunteer sees her concern was received, never the case."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy.exc import IntegrityError

from scheduler_app.cases import services as cases_services
from scheduler_app.cases.services import escalate, local_today
from scheduler_app.contract.instance import build_instance
from scheduler_app.extensions import db
from scheduler_app.messages.sender import send_due
from scheduler_app.models import (
    AuditEvent,
    CaseAction,
    CaseAlert,
    CaseConcern,
    CaseStatus,
    EarlyWarning,
    Message,
    Referral,
    Role,
    SafeguardingCase,
    Severity,
    User,
    WarningState,
    utcnow,
)
from scheduler_app.weekly import week_start_of
from tests.conftest import csrf_token, post_form


@pytest.fixture
def world(app, inbox, make_org, make_user, make_volunteer, make_child, make_week, make_channel, reach):
    """An organisation with an e-mail channel; 李芳 (a volunteer mother) visits 王小红 of 石桥村 this week; a
    trained visitor 张兰; a coordinator and two managers on e-mail."""
    from scheduler_app.models import Village
    org = make_org("爱心站")
    email = make_channel(org, "email", smtp_port=inbox.smtp_port)
    village = Village(organisation_id=org.id, name="石桥村", lat=30.452, lon=114.879)
    child = make_child(org, "C1", name="王小红", village=village, visits_per_week=1)
    fang = make_volunteer(org, "M1", name="李芳")
    lan = make_volunteer(org, "M2", name="张兰", trained=True, max_visits_per_week=3, max_visits_per_day=2)
    mother = make_user(Role.VOLUNTEER, org=org, volunteer=fang, display_name="李芳")
    coordinator = reach(make_user(Role.COORDINATOR, org=org, display_name="协调员"), email, email="co@example.org")
    manager = reach(make_user(Role.MANAGER, org=org, display_name="主任"), email, email="boss@example.org")
    deputy = reach(make_user(Role.MANAGER, org=org, display_name="副主任"), email, email="deputy@example.org")
    monday = week_start_of(local_today(org.id))
    make_week(org, monday, (fang, child, 5, "09:00", "10:00"))
    return {"org": org, "child": child, "fang": fang, "lan": lan, "mother": mother, "coordinator": coordinator,
            "manager": manager, "deputy": deputy, "monday": monday}


def _case() -> SafeguardingCase:
    db.session.rollback()
    return db.session.execute(db.select(SafeguardingCase)).scalar_one()


def _flashes(response) -> str:
    return " ".join(re.findall(r'class="flash flash-\w+" role="status">([^<]*)<', response.get_data(as_text=True)))


def _post(client, path: str, prefix: str, data: dict, page: str, **kwargs):
    """POST one of the case page's forms, whose fields carry the form's prefix (the page holds several)."""
    token = csrf_token(client, page)
    return client.post(path, data={**{f"{prefix}-{k}": v for k, v in data.items()}, f"{prefix}-csrf_token": token},
                       **kwargs)


def _logout(client) -> None:
    client.post("/auth/logout", data={"csrf_token": csrf_token(client, "/")})


def test_the_whole_path_from_a_volunteers_urgent_concern_to_a_closed_case(app, client, login, world, inbox) -> None:
    """Concern → urgent alert → referral → mandatory report → overdue action warned → plan in the next instance
    → closed with an outcome; the volunteer sees "received" and is refused the case."""
    # A volunteer raises an urgent concern about a child she visits.
    login(world["mother"])
    page = client.get("/cases/concern").get_data(as_text=True)
    assert "小红" in page and "王小红" not in page  # a volunteer knows the child by her given name
    response = post_form(client, "/cases/concern", {"child": world["child"].id, "what": "手臂上有淤青，说不敢回家",
                                                    "urgent": "y"}, follow_redirects=True)
    assert response.status_code == 200
    assert "received" in response.get_data(as_text=True) or "已收到" in response.get_data(as_text=True)
    case = _case()
    today = local_today(case.organisation_id)
    assert (case.severity, case.status, case.due_on) == (Severity.URGENT, CaseStatus.OPEN, today)
    assert case.urgent_since is not None
    # ...and never sees the case.
    assert client.get(f"/cases/{case.id}").status_code == 403
    assert client.get(f"/cases/children/{world['child'].id}/timeline").status_code == 403
    _logout(client)

    # The managers are alerted at once: in the app and on their own e-mail, naming the child by given name only.
    alerted = set(db.session.execute(db.select(CaseAlert.user_id).where(CaseAlert.kind == "case_urgent")).scalars())
    assert alerted == {world["manager"].id, world["deputy"].id}
    assert send_due().sent == 2
    assert sorted(m[0] for m in inbox.mails) == ["boss@example.org", "deputy@example.org"]
    assert all(m[1] == "紧急担忧：小红（石桥村）" and "淤青" not in m[2] for m in inbox.mails)

    # The manager opens the case from her alert; the opening is audited and the alert read.
    login(world["manager"])
    assert "紧急担忧" in client.get("/messages/log").get_data(as_text=True)  # the delivery log names the kind
    assert "1 条关于儿童保护个案的新提醒" in client.get("/").get_data(as_text=True)  # her home page says so
    listing = client.get("/cases/").get_data(as_text=True)
    assert "王小红" in listing and f"/cases/{case.id}" in listing
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "手臂上有淤青" in page
    assert db.session.execute(db.select(AuditEvent).where(AuditEvent.action == "case_viewed",
                                                          AuditEvent.object_id == case.id)).scalar() is not None
    assert db.session.execute(db.select(CaseAlert).where(CaseAlert.user_id == world["manager"].id)).scalar_one() \
        .read_at is not None
    today = local_today(case.organisation_id)

    # She takes it on, with an action due today.
    _post(client, f"/cases/{case.id}/edit", "case", {
        "version": case.version_id, "status": "open", "severity": "urgent", "owner": world["manager"].id,
        "due_on": today.isoformat(), "outcome": ""}, page=f"/cases/{case.id}")
    _post(client, f"/cases/{case.id}/actions", "action", {"what": "当天家访核实", "owner": world["coordinator"].id,
                                                    "due_on": today.isoformat()}, page=f"/cases/{case.id}")
    action = db.session.execute(db.select(CaseAction)).scalar_one()
    assert (action.owner_id, action.due_on) == (world["coordinator"].id, today)

    # A referral to the village's children's director, on the mandatory-report basis.
    _post(client, f"/cases/{case.id}/referrals", "referral", {
        "to_role": "children_director", "contact": "刘主任 13800000000", "referred_on": today.isoformat(),
        "shared": "孩子手臂淤青，说不敢回家", "basis": "mandatory_report", "basis_note": ""}, page=f"/cases/{case.id}")
    referral = db.session.execute(db.select(Referral)).scalar_one()
    assert (referral.to_role, referral.basis) == ("children_director", "mandatory_report")
    assert _case().status == CaseStatus.REFERRED
    post_form(client, f"/cases/{case.id}/referrals/{referral.id}/answer",
              {"answer": "已上门，联系了派出所", "answered_on": today.isoformat()}, page=f"/cases/{case.id}")
    db.session.rollback()
    assert db.session.get(Referral, referral.id).answer == "已上门，联系了派出所"

    # 25 hours on, the mandatory report is still missing: the managers and the owner are warned, once.
    later = utcnow() + dt.timedelta(hours=25)
    # (two warnings for the report: the managers, one of whom owns the case; one for the action: its owner)
    assert escalate(case.organisation_id, later) == 3
    assert escalate(case.organisation_id, later) == 0
    assert {a.user_id for a in db.session.execute(db.select(CaseAlert).where(
        CaseAlert.kind == "case_report")).scalars()} == {world["manager"].id, world["deputy"].id}
    # The action's due date has passed too: its owner is warned first, the managers a day later.
    owner_alerts = db.session.execute(db.select(CaseAlert).where(CaseAlert.kind == "case_overdue")).scalars().all()
    assert [a.user_id for a in owner_alerts] == [world["coordinator"].id]
    escalate(case.organisation_id, later + dt.timedelta(days=1, minutes=1))
    overdue_to = {a.user_id for a in db.session.execute(db.select(CaseAlert).where(
        CaseAlert.kind == "case_overdue")).scalars()}
    assert overdue_to == {world["coordinator"].id, world["manager"].id, world["deputy"].id}

    # The mandatory report is recorded: to whom and when.
    response = _post(client, f"/cases/{case.id}/report", "report",
                     {"reported_to": "镇派出所", "reported_on": today.isoformat(), "reported_time": "00:00"},
                     page=f"/cases/{case.id}", follow_redirects=True)
    assert "镇派出所" in response.get_data(as_text=True)
    assert _case().reported_to == "镇派出所" and _case().reported_at is not None

    # A case plan for four weeks from next Monday: more visits, a trained regular visitor, tutoring in maths.
    next_monday = world["monday"] + dt.timedelta(weeks=1)
    _post(client, f"/cases/{case.id}/plans", "plan", {
        "first_day": next_monday.isoformat(), "last_day": (next_monday + dt.timedelta(days=27)).isoformat(),
        "goals": "每周两次家访，稳定情绪", "visits_per_week": "2", "needs_trained": "y",
        "regular_visitor": world["lan"].id, "subjects": "math"}, page=f"/cases/{case.id}")
    during = next(c for c in build_instance(world["org"].id, next_monday)["children"] if c["id"] == "C1")
    assert (during["visits_per_week"], during["needs_trained"], during["primary_volunteer"]) == (2, True, "M2")
    before = next(c for c in build_instance(world["org"].id, world["monday"])["children"] if c["id"] == "C1")
    after = next(c for c in build_instance(world["org"].id, next_monday + dt.timedelta(weeks=4))["children"]
                 if c["id"] == "C1")
    for week in (before, after):  # the plan ends by itself on its last day
        assert (week["visits_per_week"], week["needs_trained"], week["primary_volunteer"]) == (1, False, None)

    # Closing needs an outcome: refused naming the field, nothing changed; then closed.
    case = _case()
    response = _post(client, f"/cases/{case.id}/edit", "case", {
        "version": case.version_id, "status": "closed", "severity": "urgent", "owner": world["manager"].id,
        "due_on": today.isoformat(), "outcome": ""}, page=f"/cases/{case.id}", follow_redirects=True)
    assert "Outcome" in _flashes(response) or "结果" in _flashes(response)
    assert _case().status == CaseStatus.REFERRED
    case = _case()
    _post(client, f"/cases/{case.id}/edit", "case", {
        "version": case.version_id, "status": "closed", "severity": "urgent", "owner": world["manager"].id,
        "due_on": today.isoformat(), "outcome": "派出所介入，孩子由姑姑照顾"}, page=f"/cases/{case.id}")
    closed = _case()
    assert (closed.status, closed.outcome) == (CaseStatus.CLOSED, "派出所介入，孩子由姑姑照顾")
    during = next(c for c in build_instance(world["org"].id, next_monday)["children"] if c["id"] == "C1")
    assert during["visits_per_week"] == 1  # a closed case's plan no longer changes the rosters
    # Nothing a message carried named the child in full (the inbox fixture checks every text at the end).


def test_a_diary_handed_in_with_a_concern_opens_the_childs_case_once(app, client, login, world) -> None:
    """The diary's concern flag opens the child's case (high severity, from a diary); saving it again adds no
    second concern; the review page links the entry to its case."""
    from scheduler_app.me.services import save_diary
    from scheduler_app.models import Assignment
    visit = db.session.execute(db.select(Assignment)).scalar_one()
    values = {"started_at": dt.time(9), "ended_at": dt.time(10), "activities": ["talk"], "what_was_done": "她一直哭",
              "gained": "", "observations": {"emotional": "想妈妈"}, "concern": True}
    day = visit.date
    with app.test_request_context():
        entry = save_diary(world["fang"], visit, values, hand_in=True, version=None, today=max(day, dt.date.today()))
        save_diary(world["fang"], visit, values, hand_in=True, version=entry.version_id,
                   today=max(day, dt.date.today()))
    concern = db.session.execute(db.select(CaseConcern)).scalar_one()
    assert (concern.source, concern.severity, concern.diary_entry_id) == ("diary", Severity.HIGH, entry.id)
    assert concern.case.child_id == world["child"].id
    assert db.session.execute(db.select(CaseAlert)).scalar() is None  # not urgent: no alert
    login(world["manager"])
    assert f'href="/cases/{concern.case_id}"' in client.get("/diaries/").get_data(as_text=True)


def test_a_warning_opens_the_childs_case_and_is_acknowledged(client, login, world) -> None:
    """From the warnings list, a warning about a child opens her case; the warning is then someone's."""
    warning = EarlyWarning(organisation_id=world["org"].id, kind="repeated_concern", child_id=world["child"].id,
                           detail={"count": 2, "last": "2026-11-21"})
    db.session.add(warning)
    db.session.commit()
    login(world["coordinator"])
    response = post_form(client, f"/cases/from-warning/{warning.id}", {}, page="/cases/")
    case = _case()
    assert response.headers["Location"].endswith(f"/cases/{case.id}")
    assert case.concerns[0].source == "warning" and case.owner_id == world["coordinator"].id
    assert db.session.get(EarlyWarning, warning.id).state == WarningState.ACKNOWLEDGED
    post_form(client, f"/cases/from-warning/{warning.id}", {}, page="/cases/")
    assert len(_case().concerns) == 1  # not added twice


def test_a_second_concern_joins_the_open_case_and_raises_its_severity(client, login, world) -> None:
    """A child has one case not closed: a routine concern opens it, an urgent one joins it and makes it urgent,
    alerting the managers."""
    login(world["coordinator"])
    post_form(client, "/cases/new", {"child": world["child"].id, "severity": "routine", "what": "作业没做"})
    post_form(client, "/cases/new", {"child": world["child"].id, "severity": "urgent", "what": "说想伤害自己"})
    case = _case()
    assert len(case.concerns) == 2 and case.severity == Severity.URGENT
    told = set(db.session.execute(db.select(CaseAlert.user_id)).scalars())
    assert told == {world["manager"].id, world["deputy"].id, world["coordinator"].id}  # the managers and the owner


def test_bad_referral_input_is_refused_naming_the_field_and_nothing_changes(client, login, world) -> None:
    """A referral without its contact, or with a legal duty not named, is refused with the field's label."""
    login(world["manager"])
    post_form(client, "/cases/new", {"child": world["child"].id, "severity": "high", "what": "没人做饭"})
    case = _case()
    today = local_today(case.organisation_id).isoformat()
    response = _post(client, f"/cases/{case.id}/referrals", "referral", {
        "to_role": "teacher", "contact": "", "referred_on": today, "shared": "情况", "basis": "consent"},
        page=f"/cases/{case.id}", follow_redirects=True)
    assert "Person contacted" in _flashes(response) or "联系人" in _flashes(response)
    response = _post(client, f"/cases/{case.id}/referrals", "referral", {
        "to_role": "teacher", "contact": "班主任", "referred_on": today, "shared": "情况", "basis": "legal_duty"},
        page=f"/cases/{case.id}", follow_redirects=True)
    assert "Note on the basis" in _flashes(response) or "依据说明" in _flashes(response)
    assert db.session.execute(db.select(Referral)).scalar() is None
    assert _case().status == CaseStatus.OPEN


def test_a_plan_asking_for_a_trained_visitor_refuses_an_untrained_one(client, login, world) -> None:
    """The plan's regular visitor must be trained when the plan asks for a trained visitor."""
    login(world["coordinator"])
    post_form(client, "/cases/new", {"child": world["child"].id, "severity": "high", "what": "情绪低落"})
    case = _case()
    today = local_today(case.organisation_id)
    response = _post(client, f"/cases/{case.id}/plans", "plan", {
        "first_day": today.isoformat(), "last_day": (today + dt.timedelta(days=7)).isoformat(), "goals": "稳定",
        "needs_trained": "y", "regular_visitor": world["fang"].id}, page=f"/cases/{case.id}", follow_redirects=True)
    assert "Regular visitor" in _flashes(response) or "固定探访志愿者" in _flashes(response)
    assert not _case().plans


def test_the_timeline_needs_the_sensitive_data_permission_and_every_opening_is_audited(
        client, login, world, make_diary) -> None:
    """The timeline shows visits, concerns and the five dimensions' chart to an account with the permission;
    each opening is audited; an account without it is refused."""
    make_diary(world["fang"], world["child"], local_today(world["org"].id), 60, concern=True)
    login(world["manager"])
    post_form(client, "/cases/new", {"child": world["child"].id, "severity": "high", "what": "没人做饭"})
    page = client.get(f"/cases/children/{world['child'].id}/timeline").get_data(as_text=True)
    assert "没人做饭" in page and "想妈妈" in page and '<svg class="chart"' in page
    client.get(f"/cases/children/{world['child'].id}/timeline")
    opened = db.session.execute(db.select(db.func.count(AuditEvent.id)).where(
        AuditEvent.action == "child_viewed", AuditEvent.object_id == world["child"].id)).scalar_one()
    assert opened == 2
    _logout(client)
    coordinator = db.session.get(User, world["coordinator"].id)
    coordinator.permissions = []
    db.session.commit()
    login(coordinator)
    assert client.get(f"/cases/children/{world['child'].id}/timeline").status_code == 403
    assert client.get(f"/cases/{_case().id}").status_code == 403


def test_a_volunteer_may_raise_a_concern_only_about_a_child_she_visits(client, login, world, make_child) -> None:
    """Another child of the organisation is not hers to report on through this form: refused, nothing made."""
    other = make_child(world["org"], "C2", name="李小明")
    login(world["mother"])
    response = post_form(client, "/cases/concern", {"child": other.id, "what": "看到他哭"})
    assert response.status_code == 422
    assert db.session.execute(db.select(CaseConcern)).scalar() is None
    assert db.session.execute(db.select(Message)).scalar() is None


def test_anonymising_the_child_removes_the_words_of_her_cases_and_the_guardians_download_leaves_them_out(
        app, client, login, world) -> None:
    """A case may be about harm at home: the guardian's data download does not carry it; anonymising the child
    empties its texts but keeps its dates and states."""
    from scheduler_app.privacy.services import anonymise, child_data
    login(world["manager"])
    post_form(client, "/cases/new", {"child": world["child"].id, "severity": "urgent", "what": "奶奶打她"})
    with app.test_request_context():
        assert "奶奶打她" not in str(child_data(db.session.get(type(world["child"]), world["child"].id)))
        anonymise(db.session.get(type(world["child"]), world["child"].id))
        db.session.commit()
    case = _case()
    assert case.concerns[0].what == "" and case.severity == Severity.URGENT


def test_the_periodic_scan_command_escalates_an_overdue_action(app, world) -> None:
    """`flask scan-warnings` (cron) escalates too: an action past its due date warns its owner."""
    case = SafeguardingCase(organisation_id=world["org"].id, child_id=world["child"].id,
                            due_on=dt.date(2026, 1, 5))
    db.session.add(CaseAction(case=case, what="联系班主任", owner_id=world["coordinator"].id,
                              due_on=dt.date(2026, 1, 5)))
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["scan-warnings"])
    assert result.exit_code == 0 and "1 case escalations" in result.output
    alert = db.session.execute(db.select(CaseAlert)).scalar_one()
    assert (alert.user_id, alert.kind) == (world["coordinator"].id, "case_overdue")
    assert db.session.execute(db.select(Message).where(Message.kind == "case_overdue")).scalar_one().address \
        == "co@example.org"


def test_the_dimensions_chart_counts_per_month_the_entries_noting_each_dimension(in_request) -> None:
    """Each bar is how many entries of that month wrote something about that dimension (an empty text does not
    count); the three months end with this one."""
    from types import SimpleNamespace

    from scheduler_app.cases.timeline import dimensions_chart
    today = dt.date(2026, 12, 1)
    entries = [SimpleNamespace(served_on=dt.date(2026, 11, 3), observations={"emotional": "哭", "health": ""}),
               SimpleNamespace(served_on=dt.date(2026, 11, 20), observations={"emotional": "想妈妈"}),
               SimpleNamespace(served_on=dt.date(2026, 10, 9), observations={"social": "交了朋友"}),
               SimpleNamespace(served_on=dt.date(2026, 8, 9), observations={"social": "too old to count"})]
    svg = str(dimensions_chart(entries, today))
    bars = re.findall(r"<title>([^<]+)</title></rect>", svg)
    assert "Emotional · 2026-11: 2" in bars and "Social · 2026-10: 1" in bars
    assert "Health · 2026-11: 0" in bars  # written empty: nothing noted
    assert "2026-12" in svg and "2026-09" not in svg


def test_the_database_keeps_one_case_not_closed_per_child(app, make_org, make_child) -> None:
    """A second case not closed for the same child is refused by the database itself; once the first is closed a
    new one may open (edge: a closed case does not count)."""
    org = make_org()
    child = make_child(org, "C1")
    today = dt.date(2026, 12, 1)
    first = SafeguardingCase(organisation_id=org.id, child_id=child.id, due_on=today)
    db.session.add(first)
    db.session.commit()
    db.session.add(SafeguardingCase(organisation_id=org.id, child_id=child.id, due_on=today))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    first.status, first.outcome = CaseStatus.CLOSED, "安全"
    db.session.add(SafeguardingCase(organisation_id=org.id, child_id=child.id, due_on=today))
    db.session.commit()
    assert db.session.execute(db.select(db.func.count(SafeguardingCase.id))).scalar_one() == 2


def test_a_concern_that_lost_the_race_to_open_a_case_joins_the_one_opened(app, make_org, make_child, make_user) -> None:
    """Two concerns about one child at once both found no case; the second to write is refused by the database
    and joins the case the first opened, with nothing else of its transaction lost."""
    org = make_org()
    child = make_child(org, "C1")
    coordinator = make_user(Role.COORDINATOR, org=org)
    winner = SafeguardingCase(organisation_id=org.id, child_id=child.id, due_on=dt.date(2026, 12, 1))
    db.session.add(winner)
    db.session.commit()
    # As if open_case_of had answered None just before the winner committed:
    joined = cases_services._opened(child, Severity.HIGH, dt.date(2026, 12, 4), "staff", coordinator)
    assert joined.id == winner.id
    concern = CaseConcern(organisation_id=org.id, case=joined, child_id=child.id, source="staff",
                          severity=Severity.HIGH, what="又见淤青", raised_by_id=coordinator.id)
    db.session.add(concern)
    db.session.commit()
    assert [c.what for c in db.session.get(SafeguardingCase, winner.id).concerns] == ["又见淤青"]
