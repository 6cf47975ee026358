"""Coordinators create and edit children, volunteers and sites through the real forms; the week's instance
follows every change, and a concurrent edit is shown, never silently overwritten."""

from __future__ import annotations

import datetime as dt

import pytest

from scheduler_app.contract.instance import build_instance
from scheduler_app.extensions import db
from scheduler_app.models import AuditEvent, Child, Role, Volunteer
from tests.conftest import PASSWORD, post_form
from tests.forms import form_data
from tests.scheduler_app.records.conftest import school_age

WEEK = dt.date(2026, 11, 30)  # a Monday
EN = {"Accept-Language": "en"}


@pytest.fixture
def office(make_org, make_user, make_site, make_volunteer, make_child):
    """An organisation with a site (Mon, Wed), a trained visitor, a child, and two coordinators."""
    org = make_org()
    site = make_site(org, days=(0, 2))
    mother = make_volunteer(org, "M1", trained=True, max_visits_per_week=4, max_visits_per_day=2)
    child = make_child(org, "C1", name="王欣怡", site=site, attends=["mon"], birth_date=school_age(3), grade=3)
    return {"org": org, "site": site, "mother": mother, "child": child,
            "alice": make_user(Role.COORDINATOR, org=org), "bob": make_user(Role.COORDINATOR, org=org)}


def child_in(instance: dict, code: str) -> dict:
    """A child of an instance by code."""
    return next(c for c in instance["children"] if c["id"] == code)


def submit(client, url: str, changes: dict, html: str | None = None):
    """Open the form (or use a page already opened), change some fields, and post it as a browser would."""
    data = form_data(html if html is not None else client.get(url, headers=EN).get_data(as_text=True))
    data.update({k: v if isinstance(v, list) else [v] for k, v in changes.items()})
    return client.post(url, data=data, headers=EN)


def test_new_child_through_the_form_reaches_the_instance(app, login, office) -> None:
    """A child added with the form is stored, audited and appears in the week's instance with its windows."""
    client = login(office["alice"])
    response = submit(client, "/children/new", {
        "code": "C2", "name": "李子轩", "birth_date": school_age(5).isoformat(), "grade": "5",
        "village_id": str(office["child"].village_id), "site_id": str(office["site"].id), "attends": ["0", "2"],
        "subjects": ["math", "english"], "visits_per_week": "1", "risk_level": "3",
        "visit_windows-0-day": "5", "visit_windows-0-start": "09:00", "visit_windows-0-end": "11:00",
        "primary_volunteer_id": str(office["mother"].id)})
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    child = db.session.execute(db.select(Child).where(Child.code == "C2")).scalar_one()
    assert child.attends == ["mon", "wed"] and child.subjects == ["math", "english"]
    assert db.session.execute(db.select(AuditEvent).where(AuditEvent.action == "child_created",
                                                          AuditEvent.object_id == child.id)).scalar_one()
    entry = child_in(build_instance(office["org"].id, WEEK), "C2")
    assert entry["attends"] == ["mon", "wed"] and entry["priority"] == 3 and entry["primary_volunteer"] == "M1"
    assert entry["visit_windows"] == [{"day": "sat", "start": "09:00", "end": "11:00"}]


def test_edit_child_changes_the_instance(app, login, office) -> None:
    """Raising risk, asking for a trained visitor and moving the visit window show in the week's instance."""
    client = login(office["alice"])
    url = f"/children/{office['child'].id}/edit"
    response = submit(client, url, {"risk_level": "5", "needs_trained": "y", "visits_per_week": "1",
                                    "visit_windows-0-day": "6", "visit_windows-0-start": "14:00",
                                    "visit_windows-0-end": "16:00"})
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    entry = child_in(build_instance(office["org"].id, WEEK), "C1")
    assert (entry["priority"], entry["needs_trained"]) == (5, True)
    assert entry["visit_windows"] == [{"day": "sun", "start": "14:00", "end": "16:00"}]


def test_invalid_edit_names_the_field_and_changes_nothing(app, login, office) -> None:
    """Attending on Tuesday (no session) is refused with a message at that field; the record is unchanged."""
    client = login(office["alice"])
    response = submit(client, f"/children/{office['child'].id}/edit", {"attends": ["1"], "risk_level": "4"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "the site holds no session on Tue" in page
    db.session.expire_all()
    child = db.session.get(Child, office["child"].id)
    assert child.attends == ["mon"] and child.risk_level == 1


def test_concurrent_edit_is_detected_and_shown(app, login, office) -> None:
    """Alice and Bob open the same child; Alice saves a new risk level; Bob's save of the name is refused
    with Alice's change listed; Bob saves again on purpose and both changes are kept."""
    url = f"/children/{office['child'].id}/edit"
    alice = login(office["alice"])
    bob = app.test_client()
    assert post_form(bob, "/auth/login", {"username": office["bob"].username,
                                          "password": "correct horse battery"}).status_code == 302
    alice_page = alice.get(url, headers=EN).get_data(as_text=True)
    bob_page = bob.get(url, headers=EN).get_data(as_text=True)
    assert submit(alice, url, {"risk_level": "4"}, alice_page).status_code == 302
    refused = submit(bob, url, {"name": "王欣妍"}, bob_page)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 409
    assert "Risk level" in page and "Someone else saved this record" in page
    db.session.expire_all()
    child = db.session.get(Child, office["child"].id)
    assert (child.name, child.risk_level) == ("王欣怡", 4)
    # The refused page carries the new version and Bob's entry: saving it again is deliberate and works.
    assert submit(bob, url, {}, page).status_code == 302
    db.session.expire_all()
    child = db.session.get(Child, office["child"].id)
    assert (child.name, child.risk_level) == ("王欣妍", 4)


def test_a_save_without_its_version_is_a_conflict_not_an_overwrite(app, login, office) -> None:
    """Bob saves a change to the child; Alice posts the edit form without its version field (an old page, a
    hand-made request): she gets the conflict page listing Bob's change, and his change stays."""
    alice, bob = login(office["alice"]), app.test_client()
    url = f"/children/{office['child'].id}/edit"
    assert post_form(bob, "/auth/login", {"username": office["bob"].username, "password": PASSWORD}).status_code == 302
    assert submit(bob, url, {"name": "王欣妍"}).status_code == 302
    data = form_data(alice.get(url, headers=EN).get_data(as_text=True))
    data.pop("version")
    data["risk_level"] = ["5"]
    response = alice.post(url, data=data, headers=EN)
    assert response.status_code == 409 and "Someone else saved this record" in response.get_data(as_text=True)
    db.session.expire_all()
    child = db.session.get(Child, office["child"].id)
    assert (child.name, child.risk_level) == ("王欣妍", office["child"].risk_level)


def test_volunteer_availability_and_dates_away_reach_the_instance(app, login, office) -> None:
    """A volunteer given Saturday and Sunday availability, then away on that Sunday, has only Saturday that week."""
    client = login(office["alice"])
    mother = office["mother"]
    response = submit(client, f"/volunteers/{mother.id}/edit", {
        "availability-0-day": "5", "availability-0-start": "08:30", "availability-0-end": "12:00",
        "availability-1-day": "6", "availability-1-start": "14:00", "availability-1-end": "17:00",
        "max_km": "6.5"})
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    away = submit(client, f"/volunteers/{mother.id}", {"first_day": "2026-12-06", "last_day": "2026-12-06",
                                                        "reason": "考试"})
    assert away.status_code == 302
    entry = next(v for v in build_instance(office["org"].id, WEEK)["volunteers"] if v["id"] == "M1")
    assert entry["availability"] == [{"day": "sat", "start": "08:30", "end": "12:00"}] and entry["max_km"] == 6.5
    other_week = next(v for v in build_instance(office["org"].id, WEEK + dt.timedelta(days=7))["volunteers"]
                      if v["id"] == "M1")
    assert len(other_week["availability"]) == 2


def test_dates_away_in_the_wrong_order_are_refused(app, login, office) -> None:
    """A last day before the first day is refused and nothing is recorded."""
    client = login(office["alice"])
    response = submit(client, f"/volunteers/{office['mother'].id}", {"first_day": "2026-12-06",
                                                                      "last_day": "2026-12-01"})
    assert response.status_code == 422 and "before the first day" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Volunteer, office["mother"].id).dates_away == []


def test_a_stretch_away_needs_both_times_in_order_and_may_not_overlap(app, login, office) -> None:
    """Dates away with one time only, or ending before they start, are refused; a stretch is recorded; a second
    stretch meeting it is refused, one later that day is recorded; nothing is written by a refusal."""
    client = login(office["alice"])
    url = f"/volunteers/{office['mother'].id}"
    day = {"first_day": "2026-12-05", "last_day": "2026-12-05"}
    one_time = submit(client, url, {**day, "start": "09:00"})
    assert one_time.status_code == 422 and "both times" in one_time.get_data(as_text=True)
    backwards = submit(client, url, {**day, "start": "11:00", "end": "09:00"})
    assert backwards.status_code == 422 and "ends before it starts" in backwards.get_data(as_text=True)
    assert submit(client, url, {**day, "start": "09:00", "end": "10:30", "reason": "开会"}).status_code == 302
    overlapping = submit(client, url, {**day, "start": "10:00", "end": "11:00"})
    assert overlapping.status_code == 422 and "overlap" in overlapping.get_data(as_text=True)
    assert submit(client, url, {**day, "start": "10:30", "end": "12:00"}).status_code == 302
    db.session.expire_all()
    stretches = [(a.start, a.end) for a in db.session.get(Volunteer, office["mother"].id).dates_away]
    assert stretches == [(dt.time(9), dt.time(10, 30)), (dt.time(10, 30), dt.time(12))]
    assert "09:00–10:30 · 开会" in client.get(url).get_data(as_text=True)


def test_site_sessions_edit_reaches_the_instance(app, login, office) -> None:
    """Moving a site's Wednesday session to Thursday changes its sessions in the instance; the child's Monday
    attendance stays."""
    client = login(office["alice"])
    url = f"/places/sites/{office['site'].id}/edit"
    html = client.get(url, headers=EN).get_data(as_text=True)
    data = form_data(html)
    day_keys = sorted(k for k in data if k.startswith("sessions-") and k.endswith("-day") and data[k] != [""])
    wednesday = next(k for k in day_keys if data[k] == ["2"])
    response = submit(client, url, {wednesday: "3"}, html)
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    instance = build_instance(office["org"].id, WEEK)
    assert [s["day"] for s in instance["sites"][0]["sessions"]] == ["mon", "thu"]
    assert child_in(instance, "C1")["attends"] == ["mon"]


def test_a_manager_sees_but_cannot_edit(app, login, make_user, office) -> None:
    """Managers read profiles but the edit form answers 403 and shows no Edit button."""
    client = login(make_user(Role.MANAGER, org=office["org"]))
    page = client.get(f"/children/{office['child'].id}").get_data(as_text=True)
    assert "/edit" not in page
    assert client.get(f"/children/{office['child'].id}/edit").status_code == 403
