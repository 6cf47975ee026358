"""The audit log page: managers search who opened which child's record; others are refused."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from flask_babel import force_locale

import scheduler_app
from scheduler_app.auditlog.services import ACTION_LABELS
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


def test_every_audited_action_has_a_label_in_both_languages(app) -> None:
    """Each action the app records (read from every audit.record call, ternaries included) is named on the log
    page, and its Chinese differs from the English (so it was translated, not left as a code)."""
    source = "\n".join(p.read_text(encoding="utf-8") for p in Path(scheduler_app.__file__).parent.rglob("*.py"))
    calls = re.findall(r'audit\.record\(\s*((?:"[a-z_]+")(?:\s+if [^,]+? else\s+"[a-z_]+")?)', source)
    recorded = {action for call in calls for action in re.findall(r'"([a-z_]+)"', call)}
    assert len(recorded) > 40, "the pattern still finds the calls"
    assert recorded - set(ACTION_LABELS) == set()
    with app.test_request_context():
        with force_locale("en"):
            english = {a: str(label) for a, label in ACTION_LABELS.items()}
        with force_locale("zh_CN"):
            untranslated = {a for a, label in ACTION_LABELS.items() if str(label) == english[a]}
    assert untranslated == set()


def test_the_log_reads_in_the_organisations_time_and_words(app, make_org, make_user, login) -> None:
    """An event at 23:30 UTC on 30 November shows as 07:30 on 1 December in Beijing, is found by a search
    for 1 December and not 30 November; record types read as words (账号, 排班) in Chinese, not codes."""
    org = make_org()
    manager = make_user(Role.MANAGER, org=org, locale="zh_CN")
    db.session.add_all([
        AuditEvent(at=dt.datetime(2026, 11, 30, 23, 30, tzinfo=dt.UTC), organisation_id=org.id, username="amy",
                   action="solve_started", object_type="week", object_id=4),
        AuditEvent(at=dt.datetime(2026, 11, 30, 23, 31, tzinfo=dt.UTC), organisation_id=org.id, username="amy",
                   action="user_created", object_type="user", object_id=3)])
    db.session.commit()
    client = login(manager)
    page = client.get("/audit/", query_string={"username": "amy", "since": "2026-12-01",
                                               "until": "2026-12-01"}).get_data(as_text=True)
    assert "2026-12-01 07:30:00" in page and "Asia/Shanghai" in page and "2 条" in page
    assert "账号 3" in page and "周 4" in page and "开始排班计算" in page and "<td>solve_started" not in page
    earlier = client.get("/audit/", query_string={"username": "amy", "until": "2026-11-30"})
    assert earlier.status_code == 200 and "0 条" in earlier.get_data(as_text=True)
    org_row = db.session.get(type(org), org.id)
    org_row.time_zone = "Asia/Urumqi"  # the admin's setting: the same event two hours earlier there
    db.session.commit()
    assert "2026-12-01 05:30:00" in client.get("/audit/", query_string={"username": "amy"}).get_data(as_text=True)
