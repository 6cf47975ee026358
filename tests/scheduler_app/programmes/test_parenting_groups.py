"""Parenting-education groups: guardians in groups, sessions with who came and the handbooks given, and the
guardians reached in the period report."""

from __future__ import annotations

import datetime as dt
import html

from scheduler_app.extensions import db
from scheduler_app.models import AuditEvent, GroupMember, GroupSession, Handbook, ParentingGroup, Role
from scheduler_app.outreach import guardians_reached
from tests.conftest import post_form


def _today() -> dt.date:
    """Today, read when a test runs (not when the module is collected: a suite may cross midnight)."""
    return dt.date.today()



def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_a_coordinator_runs_a_group_with_its_sessions(app, make_org, make_user, make_child, login) -> None:
    """She starts a group, adds two guardians and a handbook, and records a session where one came and the
    handbook was given; the group page lists it."""
    org = make_org()
    first = make_child(org, "C1", guardian_name="张奶奶")
    second = make_child(org, "C2", guardian_name="李爷爷")
    client = login(make_user(Role.COORDINATOR, org=org))
    assert post_form(client, "/programmes/groups", {"name": "陶店村奶奶小组"}).status_code == 302
    group = db.session.execute(db.select(ParentingGroup)).scalar_one()
    page = f"/programmes/groups/{group.id}"
    db.session.rollback()
    for child in (first, second):
        assert post_form(client, f"{page}/members", {"child_id": str(child.id)}, page=page).status_code == 302
    assert post_form(client, "/programmes/handbooks", {"title": "隔代教养手册"}).status_code == 302
    book = db.session.execute(db.select(Handbook)).scalar_one()
    db.session.rollback()
    assert post_form(client, f"{page}/sessions", {"held_on": _today().isoformat(), "place": "村委会",
                                                  "facilitator": "王社工", "attended": [str(first.id)],
                                                  "handbooks": [str(book.id)], "notes": "讲了作业陪伴"},
                     page=page).status_code == 302
    session = db.session.execute(db.select(GroupSession)).scalar_one()
    assert (session.attended, session.handbooks, session.facilitator) == ([first.id], [book.id], "王社工")
    db.session.rollback()
    shown = _text(client.get(page))
    assert "张奶奶" in shown and "隔代教养手册" in shown and "村委会" in shown


def test_a_session_is_refused_for_the_future_or_with_a_stranger(app, make_org, make_user, make_child,
                                                               login) -> None:
    """A session dated tomorrow is refused with the field named; a guardian who is not a member cannot be
    marked as having come (the choice is not offered); nothing is stored."""
    org = make_org()
    member, stranger = make_child(org, "C1"), make_child(org, "C2")
    group = ParentingGroup(organisation_id=org.id, name="小组", members=[GroupMember(child=member)])
    db.session.add(group)
    db.session.commit()
    client = login(make_user(Role.COORDINATOR, org=org))
    page = f"/programmes/groups/{group.id}"
    values = {"held_on": (_today() + dt.timedelta(days=1)).isoformat(), "place": "村委会", "facilitator": "王社工"}
    response = post_form(client, f"{page}/sessions", values, page=page, headers={"Accept-Language": "en"})
    assert response.status_code == 422 and "once it has been held" in _text(response)
    response = post_form(client, f"{page}/sessions", {**values, "held_on": _today().isoformat(),
                                                      "attended": [str(stranger.id)]}, page=page)
    assert response.status_code == 422
    assert db.session.execute(db.select(GroupSession)).first() is None


def test_the_period_report_counts_each_guardian_reached_once(app, make_org, make_user, make_child, login) -> None:
    """A grandmother raising two siblings who came twice counts once; a session outside the period does not
    count; the manager's report shows the figure."""
    org = make_org()
    sister = make_child(org, "C1", guardian_name="张奶奶")
    brother = make_child(org, "C2", guardian_name="张奶奶", village=sister.village)
    other = make_child(org, "C3", guardian_name="李爷爷")
    group = ParentingGroup(organisation_id=org.id, name="小组",
                           members=[GroupMember(child=c) for c in (sister, brother, other)])
    group.sessions = [GroupSession(held_on=dt.date(2026, 11, 3), place="村委会", facilitator="王社工",
                                   attended=[sister.id, brother.id]),
                      GroupSession(held_on=dt.date(2026, 11, 17), place="村委会", facilitator="王社工",
                                   attended=[sister.id]),
                      GroupSession(held_on=dt.date(2026, 10, 20), place="村委会", facilitator="王社工",
                                   attended=[other.id])]
    db.session.add(group)
    db.session.commit()
    assert guardians_reached(org.id, dt.date(2026, 11, 1), dt.date(2026, 11, 30)) == 1
    assert guardians_reached(org.id, dt.date(2026, 10, 1), dt.date(2026, 11, 30)) == 2
    client = login(make_user(Role.MANAGER, org=org))
    report = _text(client.get("/reports/?first_day=2026-10-01&last_day=2026-11-30",
                              headers={"Accept-Language": "en"}))
    assert 'Guardians reached by parenting groups</th><td class="num">2</td>' in report


def test_a_guardian_who_left_the_group_still_counts_for_the_sessions_she_came_to(app, make_org, make_user,
                                                                                 make_child, sign_in) -> None:
    """A coordinator takes a guardian off the group: she is no longer a member, the session she came to still
    names her, the audit log says so; a manager may not, nor may anyone for a guardian not in the group."""
    org = make_org()
    leaving, staying = make_child(org, "C1", guardian_name="张奶奶"), make_child(org, "C2", guardian_name="李爷爷")
    group = ParentingGroup(organisation_id=org.id, name="小组",
                           members=[GroupMember(child=leaving), GroupMember(child=staying)])
    db.session.add(group)
    db.session.flush()
    db.session.add(GroupSession(group=group, held_on=_today(), place="村委会", facilitator="王社工",
                                attended=[leaving.id]))
    db.session.commit()
    page = f"/programmes/groups/{group.id}"
    manager = sign_in(make_user(Role.MANAGER, org=org))
    assert post_form(manager, f"{page}/members/{leaving.id}/remove", {}, page="/auth/password").status_code == 403
    coordinator = sign_in(make_user(Role.COORDINATOR, org=org))
    assert post_form(coordinator, f"{page}/members/{leaving.id}/remove", {}, page=page).status_code == 302
    assert post_form(coordinator, f"{page}/members/{leaving.id}/remove", {}, page=page).status_code == 404
    db.session.expire_all()
    assert [m.child_id for m in db.session.get(ParentingGroup, group.id).members] == [staying.id]
    assert db.session.execute(db.select(AuditEvent.detail).where(
        AuditEvent.action == "group_member_removed")).scalar_one() == {"child_id": leaving.id}
    shown = _text(coordinator.get(page))
    assert "张奶奶" in shown.split("村委会", 1)[1]  # the session still names her
