"""A tutor records who came to her session on a 360 px phone, changes it, and prints the sign-in sheet."""

from __future__ import annotations

import pytest

from scheduler_app.extensions import db
from scheduler_app.models import Attendance
from tests.browser.conftest import log_in


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_a_tutor_records_attendance_on_her_phone(serve, journey, language) -> None:
    """The demo tutor opens a session of hers from "Attendance to record": every child enrolled is ticked; she
    unticks one and saves without a reason (refused, nothing stored, the row named), gives the reason and saves;
    then ticks her again (she came late) and saves: the rows follow each save. Every page fits the phone."""
    server = serve()
    walk = journey(language, "attendance", phone=True)
    page = walk.page
    log_in(walk, server, "tutor")
    walk.look("home")
    page.locator("[data-attendance-due] a").first.click()
    page.wait_for_load_state()
    walk.look("attendance")
    boxes = page.locator(".attendance-row input[type=checkbox]")
    count = boxes.count()
    assert count >= 2 and all(boxes.nth(i).is_checked() for i in range(count))
    url = page.url
    boxes.first.uncheck()
    page.locator("form.attendance button[type=submit], form.attendance input[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".attendance-row .error").count() == 1
    walk.look("attendance-refused")
    with server.app.app_context():
        assert db.session.execute(db.select(Attendance)).first() is None
    page.locator(".attendance-row input[type=text]").first.fill("生病" if language == "zh_CN" else "ill")
    page.locator("form.attendance button[type=submit], form.attendance input[type=submit]").click()
    walk.flash()
    walk.look("attendance-saved")
    with server.app.app_context():
        rows = db.session.execute(db.select(Attendance)).scalars().all()
        assert len(rows) == count and sum(not r.present for r in rows) == 1
    page.goto(url)
    page.locator(".attendance-row input[type=checkbox]").first.check()
    page.locator("form.attendance button[type=submit], form.attendance input[type=submit]").click()
    walk.flash()
    with server.app.app_context():
        assert all(r.present and not r.reason for r in db.session.execute(db.select(Attendance)).scalars())
    page.goto(url + "/sheet")
    walk.look("sign-in-sheet")
    assert page.locator(".signature-line").count() >= 3
    walk.assert_clean()
