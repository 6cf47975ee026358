"""A child's sensitive data: field permissions, guardian consent, the child's data on request, anonymisation with a
second person's approval, the retention purge, and no child's name in the application log."""

from __future__ import annotations

import datetime as dt
import json
import logging

from scheduler_app.extensions import db
from scheduler_app.models import (
    AuditEvent,
    Child,
    DiaryEntry,
    DiaryStatus,
    ErasureRequest,
    ErasureStatus,
    GuardianConsent,
    Role,
    utcnow,
)
from tests.conftest import PASSWORD, csrf_token, post_form

PHONE = "13900001111"


def _client_for(app, user):
    """A separate browser logged in as the user."""
    client = app.test_client()
    response = post_form(client, "/auth/login", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def _audit(action: str) -> list[AuditEvent]:
    return list(db.session.execute(db.select(AuditEvent).where(AuditEvent.action == action)).scalars())


def test_sensitive_fields_need_the_permission(app, make_org, make_user, make_child, login) -> None:
    """A coordinator whose sensitive-data permission was withdrawn sees the child's basic profile but not the
    guardian's phone, the background or observations, and cannot open the edit form."""
    org = make_org()
    child = make_child(org, "C1", guardian_phone=PHONE, background="父母离异，跟随奶奶生活")
    coordinator = make_user(Role.COORDINATOR, org=org, locale="en", permissions=["export"])
    client = login(coordinator)
    page = client.get(f"/children/{child.id}").get_data(as_text=True)
    assert child.name in page and PHONE not in page and "父母离异" not in page
    assert "Hidden: your account has no access to sensitive data." in page
    assert client.get(f"/children/{child.id}/edit").status_code == 403


def test_sensitive_fields_need_a_consent_in_force(app, make_org, make_user, make_child, login) -> None:
    """Without a guardian's consent the phone is hidden even from a permitted coordinator; recording a consent
    shows it, and withdrawing it hides it again (the consent stays on record)."""
    org = make_org()
    child = make_child(org, "C1", guardian_phone=PHONE, consent=())
    client = login(make_user(Role.COORDINATOR, org=org, locale="en"))
    page = client.get(f"/children/{child.id}").get_data(as_text=True)
    assert PHONE not in page, page[page.index(PHONE) - 300:page.index(PHONE) + 100]
    assert "consent in force covers it" in page
    response = post_form(client, f"/privacy/children/{child.id}", {
        "given_by": "王秀英", "relationship": "祖母", "given_on": "2026-11-01", "method": "paper",
        "categories": ["home"]})
    assert response.status_code == 302
    assert PHONE in client.get(f"/children/{child.id}").get_data(as_text=True)
    consent = db.session.execute(db.select(GuardianConsent).where(GuardianConsent.child_id == child.id)).scalar_one()
    response = post_form(client, f"/privacy/consents/{consent.id}/withdraw",
                         {"withdrawn_on": dt.date.today().isoformat()}, page=f"/privacy/children/{child.id}")
    assert response.status_code == 302
    assert PHONE not in client.get(f"/children/{child.id}").get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(GuardianConsent, consent.id).withdrawn_on == dt.date.today()
    assert [e.object_id for e in _audit("consent_recorded")] == [child.id]
    assert [e.object_id for e in _audit("consent_withdrawn")] == [child.id]


def test_a_consent_with_no_category_is_refused(app, make_org, make_user, make_child, login) -> None:
    """A consent form without a ticked category records nothing and says which field."""
    org = make_org()
    child = make_child(org, "C1", consent=())
    client = login(make_user(Role.COORDINATOR, org=org, locale="en"))
    response = post_form(client, f"/privacy/children/{child.id}", {
        "given_by": "王秀英", "relationship": "祖母", "given_on": "2026-11-01", "method": "paper"})
    assert response.status_code == 200 and "Tick at least one." in response.get_data(as_text=True)
    assert db.session.execute(db.select(GuardianConsent)).first() is None


def test_exports_need_the_export_permission(app, make_org, make_user, make_child, login) -> None:
    """Without the export permission spreadsheets are refused; with it, a child's sensitive cells stay empty
    where no consent covers them, and importing that file back keeps the stored phone."""
    org = make_org()
    make_child(org, "C1", guardian_phone=PHONE)
    hidden = make_child(org, "C2", guardian_phone="13700002222", consent=())
    client = login(make_user(Role.COORDINATOR, org=org, locale="en", permissions=["child_sensitive"]))
    assert client.get("/data/children/export.csv").status_code == 403
    assert _audit("access_refused")[-1].detail["permission"] == "export"

    client = _client_for(app, make_user(Role.COORDINATOR, org=org, locale="en"))
    text = client.get("/data/children/export.csv").get_data().decode("utf-8-sig")
    assert PHONE in text and "13700002222" not in text
    response = client.post("/data/", data={"csrf_token": csrf_token(client, "/data/"), "kind": "children",
                                           "file": (__import__("io").BytesIO(text.encode()), "children.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    db.session.expire_all()
    assert db.session.get(Child, hidden.id).guardian_phone == "13700002222"


def test_a_childs_data_on_request(app, make_org, make_user, make_child, make_volunteer, login) -> None:
    """The guardian's request for the child's data gives one JSON file with the profile, consents and diary
    entries; it is audited, and needs the export permission."""
    org = make_org()
    child = make_child(org, "C1", guardian_phone=PHONE)
    volunteer = make_volunteer(org, "M1")
    db.session.add(DiaryEntry(volunteer=volunteer, child_id=child.id, served_on=dt.date(2026, 11, 21),
                              started_at=dt.time(9), ended_at=dt.time(10), minutes=60, status=DiaryStatus.APPROVED,
                              observations={"emotional": "想妈妈"}))
    db.session.commit()
    client = login(make_user(Role.MANAGER, org=org, locale="en"))
    response = client.get(f"/privacy/children/{child.id}/data")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.get_data(as_text=True))
    assert data["child"]["name"] == child.name and data["child"]["guardian_phone"] == PHONE
    assert data["consents"][0]["categories"] == ["home", "observations"]
    assert data["diary_entries"][0]["observations"] == {"emotional": "想妈妈"}
    assert [e.object_id for e in _audit("child_exported")] == [child.id]
    limited = _client_for(app, make_user(Role.MANAGER, org=org, locale="en", permissions=["child_sensitive"]))
    assert limited.get(f"/privacy/children/{child.id}/data").status_code == 403


def test_anonymising_needs_a_second_person(app, make_org, make_user, make_child, make_volunteer, make_week,
                                           login) -> None:
    """A coordinator asks; the same person cannot approve their own request; another manager approves and the
    child's name, guardian, home point and diary observations are gone, in stored rosters too, while the code,
    the visits and the hours stay."""
    org = make_org()
    child = make_child(org, "C1", guardian_phone=PHONE, guardian_name="王秀英", home_lat=30.46, home_lon=114.88)
    name = child.name
    volunteer = make_volunteer(org, "M1")
    make_week(org, dt.date(2026, 11, 16), (volunteer, child, 5, "09:00", "10:00"))
    db.session.add(DiaryEntry(volunteer=volunteer, child_id=child.id, served_on=dt.date(2026, 11, 21),
                              started_at=dt.time(9), ended_at=dt.time(10), minutes=60, status=DiaryStatus.APPROVED,
                              what_was_done=f"和{name}一起读书", observations={"emotional": "想妈妈"}))
    db.session.commit()
    manager = make_user(Role.MANAGER, org=org, locale="en")
    asking = login(manager)
    response = post_form(asking, f"/privacy/children/{child.id}/erasure", {"reason": "监护人要求删除"},
                         page=f"/privacy/children/{child.id}")
    assert response.status_code == 302
    request = db.session.execute(db.select(ErasureRequest)).scalar_one()
    response = post_form(asking, f"/privacy/erasures/{request.id}", {"approve": "1"}, page="/privacy/erasures")
    db.session.expire_all()
    assert db.session.get(ErasureRequest, request.id).status == ErasureStatus.PENDING
    assert db.session.get(Child, child.id).name == name

    other = _client_for(app, make_user(Role.MANAGER, org=org, locale="en"))
    response = post_form(other, f"/privacy/erasures/{request.id}", {"approve": "1"}, page="/privacy/erasures")
    assert response.status_code == 302
    db.session.expire_all()
    anonymised = db.session.get(Child, child.id)
    assert (anonymised.name, anonymised.guardian_phone, anonymised.guardian_name) == ("C1", "", "")
    assert anonymised.home_lat is None and anonymised.birth_date is None and not anonymised.active
    entry = db.session.execute(db.select(DiaryEntry)).scalar_one()
    assert entry.observations == {} and entry.what_was_done == "" and entry.minutes == 60
    from scheduler_app.models import Roster
    roster = db.session.execute(db.select(Roster)).scalar_one()
    assert name not in json.dumps(roster.instance, ensure_ascii=False) and len(roster.assignments) == 1
    assert db.session.get(ErasureRequest, request.id).status == ErasureStatus.APPROVED
    assert [e.action for e in db.session.execute(db.select(AuditEvent).where(
        AuditEvent.action.in_(["erasure_requested", "child_anonymised", "erasure_approved"]))
        .order_by(AuditEvent.id)).scalars()] == ["erasure_requested", "child_anonymised", "erasure_approved"]


def test_the_retention_purge_anonymises_only_expired_children(app, make_org, make_child) -> None:
    """`flask purge-expired` anonymises a child who left longer ago than the organisation's retention years and
    leaves a child who left recently; --dry-run changes nothing."""
    org = make_org(retention_years=2)
    old = make_child(org, "C1", active=False)
    recent = make_child(org, "C2", active=False)
    current = make_child(org, "C3")
    long_ago = utcnow() - dt.timedelta(days=3 * 365)
    db.session.execute(db.update(Child).where(Child.id.in_([old.id, current.id])).values(updated_at=long_ago))
    db.session.commit()
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["purge-expired", "--dry-run"])
    assert dry.exit_code == 0 and "would anonymise 1 children C1" in dry.output
    db.session.expire_all()
    assert db.session.get(Child, old.id).name != "C1"
    done = runner.invoke(args=["purge-expired"])
    assert done.exit_code == 0 and "anonymised 1 children C1" in done.output
    db.session.expire_all()
    assert db.session.get(Child, old.id).name == "C1"
    assert db.session.get(Child, recent.id).name != "C2" and db.session.get(Child, current.id).name != "C3"
    assert [e.object_id for e in _audit("retention_purge")] == [old.id]


def test_no_observation_is_recorded_without_consent(app, make_org, make_child, make_volunteer, make_week,
                                                    make_user, login) -> None:
    """A volunteer's diary of a visit to a child whose guardian did not consent to observations keeps the hours
    and the worry flag but no observation, and the form does not ask for them."""
    from scheduler_app.models import Assignment
    org = make_org()
    child = make_child(org, "C1", consent=("home",))
    user = make_user(Role.VOLUNTEER, org=org, locale="en")
    make_week(org, dt.date(2026, 11, 16), (user.volunteer, child, 5, "09:00", "10:00"))
    assignment = db.session.execute(db.select(Assignment)).scalar_one()
    client = login(user)
    page = f"/me/assignments/{assignment.id}/diary"
    assert "has not agreed to notes" in client.get(page).get_data(as_text=True)
    response = post_form(client, page, {"started_at": "09:00", "ended_at": "10:00", "what_was_done": "读书",
                                        "emotional": "很难过", "concern": "y", "send": "1"})
    assert response.status_code == 302
    entry = db.session.execute(db.select(DiaryEntry)).scalar_one()
    assert entry.observations == {} and entry.concern and entry.minutes == 60


def test_the_application_log_holds_no_childs_name(app, caplog) -> None:
    """With the demo loaded, a coordinator's and a manager's day (search, profiles, exports, a refused import,
    diaries) writes no demo child's name to the application log, at any level."""
    from seed.history import load_demo_with_history
    load_demo_with_history(dt.date(2026, 11, 23))
    names = [n for n, in db.session.execute(db.select(Child.name))]
    children = [i for i, in db.session.execute(db.select(Child.id).order_by(Child.id).limit(5))]
    # Everything the app and its server write, at every level (SQL echo is off in production, as here).
    for logger in (app.logger.name, "werkzeug", "scheduler_app", "solver"):
        caplog.set_level(logging.DEBUG, logger=logger)
    for username in ("coordinator", "manager"):
        client = app.test_client()
        post_form(client, "/auth/login", {"username": username, "password": "peiban-demo"})
        for path in ["/children/?q=" + names[0][:1], "/warnings/", "/diaries/?status=", "/reports/",
                     "/data/children/export.csv", "/audit/", "/rosters/", *[f"/children/{i}" for i in children],
                     *[f"/privacy/children/{i}" for i in children], "/children/999999"]:
            client.get(path)
        client.post("/data/", data={"csrf_token": csrf_token(client, "/data/"), "kind": "children",
                                    "file": (__import__("io").BytesIO(f"code,name\nC001,{names[0]}\n,\n".encode()),
                                             "bad.csv")}, content_type="multipart/form-data")
    app.logger.info("probe %s", "after the requests")
    assert "probe after the requests" in caplog.text  # the capture worked
    leaked = sorted({n for n in names if n in caplog.text})
    assert leaked == []
