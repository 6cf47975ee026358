"""Attendance at the 4:30 classroom: recorded by the session's tutor or a coordinator, changeable, with reasons
for absence; and the sign-in sheet naming children as the reader may see them."""

from __future__ import annotations

import datetime as dt

import pytest

from scheduler_app.extensions import db
from scheduler_app.models import Attendance, ChildAway, Role
from tests.conftest import csrf_token, post_form
from tests.forms import form_data

MONDAY = dt.date(2026, 11, 23)


@pytest.fixture
def classroom(make_org, make_site, make_child, make_volunteer, make_week, make_user):
    """A site meeting Monday and Wednesday; three children on Monday (one of them away that week) and one on
    Wednesday only; a tutor with Monday's session in the published week, with her account."""
    org = make_org()
    site = make_site(org, "S1", days=(0, 2), name="希望小学")
    hua = make_child(org, "C1", site=site, attends=["mon", "wed"], name="王小花")
    ming = make_child(org, "C2", site=site, attends=["mon"], name="李明明")
    away = make_child(org, "C3", site=site, attends=["mon"], name="张丽丽")
    make_child(org, "C4", site=site, attends=["wed"], name="赵强强")
    db.session.add(ChildAway(child=away, first_day=MONDAY, last_day=MONDAY + dt.timedelta(days=6),
                             reason="在父母处"))
    db.session.commit()
    tutor = make_volunteer(org, "T1", roles=("tutor",), name="陈老师",
                           availability=((0, "15:30", "19:00"), (2, "15:30", "19:00")), max_sessions_per_week=2)
    make_week(org, MONDAY, (tutor, site, 0, "16:30", "18:00"))
    account = make_user(Role.VOLUNTEER, org=org, volunteer=tutor)
    return org, site, (hua, ming, away), tutor, account


def _url(site, day: dt.date = MONDAY) -> str:
    return f"/school-year/attendance/{site.id}/{day.isoformat()}"


def test_children_enrolled_that_day_are_ticked_until_recorded(app, classroom, login) -> None:
    """The tutor's page lists the children enrolled for Monday, ticked, and not the child away that week nor the
    Wednesday-only one."""
    org, site, (hua, ming, away), tutor, account = classroom
    page = login(account).get(_url(site)).get_data(as_text=True)
    assert "小花" in page and "明明" in page and "丽丽" not in page and "强强" not in page
    assert "王小花" not in page  # a volunteer sees a child's given name
    data = form_data(page)
    assert data[f"present-{hua.id}"] == ["y"] and data[f"present-{ming.id}"] == ["y"]


def test_attendance_is_recorded_and_changed_an_absence_needs_its_reason(app, classroom, make_user, login) -> None:
    """Unticking a child without a reason is refused naming her and stores nothing; with the reason both rows are
    stored; a coordinator changes it later (she came after all)."""
    org, site, (hua, ming, away), tutor, account = classroom
    client = login(account)
    refused = post_form(client, _url(site), {f"present-{hua.id}": "y"}, headers={"Accept-Language": "en"})
    assert refused.status_code == 422 and "Say why 明明 did not come." in refused.get_data(as_text=True)
    assert db.session.execute(db.select(Attendance)).first() is None
    done = post_form(client, _url(site), {f"present-{hua.id}": "y", f"reason-{ming.id}": "生病"})
    assert done.status_code == 302
    rows = {a.child_id: a for a in db.session.execute(db.select(Attendance)).scalars()}
    assert rows[hua.id].present and not rows[ming.id].present and rows[ming.id].reason == "生病"
    assert away.id not in rows
    client.post("/auth/logout", data={"csrf_token": csrf_token(client, "/")})
    coordinator = login(make_user(Role.COORDINATOR, org=org))
    page = coordinator.get(_url(site)).get_data(as_text=True)
    assert "李明明" in page and "生病" in page  # a coordinator sees the full name and what was recorded
    assert post_form(coordinator, _url(site), {f"present-{hua.id}": "y", f"present-{ming.id}": "y"}
                     ).status_code == 302
    db.session.expire_all()
    assert all(a.present and a.reason == "" for a in db.session.execute(db.select(Attendance)).scalars())
    assert db.session.execute(db.select(db.func.count()).select_from(Attendance)).scalar_one() == 2


def test_a_tutor_opens_only_her_own_sessions_and_not_before_they_happen(app, classroom, login) -> None:
    """Wednesday's session is not hers (404); a session not held (Tuesday) is 404; next week's Monday is not
    recorded before it takes place."""
    org, site, children, tutor, account = classroom
    client = login(account)
    assert client.get(_url(site, MONDAY + dt.timedelta(days=2))).status_code == 404
    assert client.get(_url(site, MONDAY + dt.timedelta(days=1))).status_code == 404
    assert client.get(f"/school-year/attendance/{site.id}/not-a-date").status_code == 404


def test_attendance_waits_for_the_session_to_take_place(app, classroom, make_user, login, make_week) -> None:
    """A coordinator cannot record a session of next month yet."""
    org, site, (hua, ming, away), tutor, account = classroom
    later = dt.date.today() + dt.timedelta(days=14 - dt.date.today().weekday())
    client = login(make_user(Role.COORDINATOR, org=org))
    response = post_form(client, _url(site, later), {f"present-{hua.id}": "y"}, headers={"Accept-Language": "en"})
    assert response.status_code == 422 and "once the session has taken place" in response.get_data(as_text=True)
    assert db.session.execute(db.select(Attendance)).first() is None


def test_sign_in_sheet_names_children_as_the_reader_may_and_has_lines_for_tutors(app, classroom, make_user,
                                                                                 login) -> None:
    """The sheet lists the session's children (a manager sees full names, the tutor given names) and the tutor's
    name with a line to sign."""
    org, site, children, tutor, account = classroom
    manager = login(make_user(Role.MANAGER, org=org))
    sheet = manager.get(f"{_url(site)}/sheet").get_data(as_text=True)
    assert "王小花" in sheet and "李明明" in sheet and "陈老师" in sheet and "signature-line" in sheet
    manager.post("/auth/logout", data={"csrf_token": csrf_token(manager, "/")})
    mine = login(account).get(f"{_url(site)}/sheet").get_data(as_text=True)
    assert "小花" in mine and "王小花" not in mine
