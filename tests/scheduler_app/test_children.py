"""Children list and profile: searched by coordinators and managers; every opening is audited."""

from __future__ import annotations

from scheduler_app.extensions import db
from scheduler_app.models import AuditEvent, Role


def test_search_by_name_village_and_risk(app, make_org, make_user, make_child, login) -> None:
    """The list finds children by name or village text and filters by minimum risk."""
    org = make_org()
    make_child(org, "C1", name="王欣怡", risk_level=2)
    make_child(org, "C2", name="李子轩", risk_level=5)
    client = login(make_user(Role.COORDINATOR, org=org))
    assert "王欣怡" in client.get("/children/?q=欣怡").get_data(as_text=True)
    page = client.get("/children/?q=欣怡").get_data(as_text=True)
    assert "李子轩" not in page
    risky = client.get("/children/?min_risk=4").get_data(as_text=True)
    assert "李子轩" in risky and "王欣怡" not in risky
    assert "王欣怡" in client.get("/children/?q=村C1").get_data(as_text=True)


def test_list_is_paginated(app, make_org, make_user, make_child, login) -> None:
    """Thirty children show 25 on the first page and 5 on the second."""
    org = make_org()
    for i in range(30):
        make_child(org, f"C{i:02d}", name=f"孩子{i:02d}")
    client = login(make_user(Role.MANAGER, org=org))
    first = client.get("/children/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    second = client.get("/children/?page=2").get_data(as_text=True)
    assert first.count("/children/") - 1 >= 25 and "孩子24" in first and "孩子25" not in first
    assert "孩子29" in second and "Page 1 of 2" in first


def test_viewing_a_child_is_audited_and_not_cached(app, make_org, make_user, make_child, login) -> None:
    """Opening a child's profile writes who/what/when to the audit log and forbids caching."""
    org = make_org()
    child = make_child(org, "C1", name="张雨桐")
    user = make_user(Role.COORDINATOR, org=org)
    response = login(user).get(f"/children/{child.id}")
    assert response.status_code == 200 and "张雨桐" in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"
    event = db.session.execute(db.select(AuditEvent).where(AuditEvent.action == "child_viewed")).scalar_one()
    assert (event.user_id, event.object_type, event.object_id) == (user.id, "child", child.id)
    assert event.at is not None and event.remote_addr == "127.0.0.1"


def test_child_of_another_organisation_is_not_found(app, make_org, make_user, make_child, login) -> None:
    """A coordinator cannot open a child of another organisation, by list or by id."""
    mine, theirs = make_org(name="甲"), make_org(name="乙")
    stranger = make_child(theirs, "C1", name="外机构儿童")
    client = login(make_user(Role.COORDINATOR, org=mine))
    assert client.get(f"/children/{stranger.id}").status_code == 404
    assert "外机构儿童" not in client.get("/children/?q=外机构").get_data(as_text=True)
    assert db.session.execute(db.select(AuditEvent).where(AuditEvent.action == "child_viewed")).first() is None
