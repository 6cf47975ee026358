"""The audit log page: managers search who opened which child's record; others are refused."""

from __future__ import annotations

from scheduler_app.extensions import db
from scheduler_app.models import AuditEvent, Role
from tests.conftest import PASSWORD, csrf_token, post_form


def test_a_manager_finds_who_opened_a_childs_record(app, make_org, make_user, make_child, login) -> None:
    """After a coordinator opens a child's profile, a manager searching the log by the child's code sees that
    event with the coordinator's name, and not another child's; the search itself is logged."""
    org = make_org()
    child, other = make_child(org, "C1"), make_child(org, "C2")
    coordinator = make_user(Role.COORDINATOR, org=org, locale="en")
    client = login(coordinator)
    client.get(f"/children/{child.id}")
    client.get(f"/children/{other.id}")
    client.post("/auth/logout", data={"csrf_token": csrf_token(client, "/")})
    manager = make_user(Role.MANAGER, org=org, locale="en")
    client = login(manager)
    page = client.get("/audit/", query_string={"child": "C1", "action": "child_viewed"}).get_data(as_text=True)
    assert coordinator.username in page and "child C1" in page and "child C2" not in page
    assert "1 event" in page
    assert "No child has this code." in client.get("/audit/?child=NOPE").get_data(as_text=True)
    assert db.session.execute(db.select(AuditEvent).where(AuditEvent.action == "audit_searched")).first()


def test_the_audit_log_needs_its_permission(app, make_org, make_user, login) -> None:
    """A coordinator is refused the audit log, and so is a manager whose audit permission was withdrawn."""
    org = make_org()
    assert login(make_user(Role.COORDINATOR, org=org, locale="en")).get("/audit/").status_code == 403
    limited = make_user(Role.MANAGER, org=org, locale="en", permissions=["child_sensitive", "export"])
    assert app.test_client().get("/audit/").status_code == 302
    client = app.test_client()
    post_form(client, "/auth/login", {"username": limited.username, "password": PASSWORD})
    assert client.get("/audit/").status_code == 403
