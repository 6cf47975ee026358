"""The coordinator plans the week's family calls in Debian's chromium, in Chinese and in English, on a phone.

Every page looked at is checked as in the other journeys (axe-core, the language, the phone's width).
"""

from __future__ import annotations

import datetime as dt

import pytest

from scheduler_app.extensions import db
from scheduler_app.models import Child, FamilyCall, GuardianConsent, Site
from tests.browser.conftest import log_in
from tests.browser.pages import say

pytestmark = pytest.mark.parametrize("language", ["zh_CN", "en"])


def test_coordinator_sets_up_a_call_room_and_parents_then_plans_and_records_the_weeks_calls(
        serve, journey, language) -> None:
    """The demo coordinator gives site S02 a call room (one line, Wednesday evening and Saturday morning), enters
    two sisters' parents (one family, free Wednesday from 20:00), plans the week: the sisters share one call on
    Wednesday with a volunteer mother free then, the page shows it with the text for the parents; the
    coordinator records the call with a conflict flagged for the social worker."""
    server = serve()
    with server.app.app_context():
        # The guardians' consent for calls was signed on paper; recording it is the privacy page's own journey.
        site = db.session.execute(db.select(Site).where(Site.code == "S02")).scalar_one()
        sisters = list(db.session.execute(db.select(Child).where(Child.site_id == site.id, Child.active)
                                          .order_by(Child.code).limit(2)).scalars())
        for child in sisters:
            db.session.add(GuardianConsent(child_id=child.id, given_by="王建国", relationship_to_child="父亲",
                                           given_on=dt.date(2026, 1, 5), method="paper", categories=["calls"]))
        db.session.commit()
        site_id, sister_ids, names = site.id, [c.id for c in sisters], [c.name for c in sisters]
    walk = journey(language, "calls", phone=True)
    page = walk.page
    log_in(walk, server, "coordinator")
    walk.menu("/calls/")
    walk.look("week-empty")

    page.click(f"a[href='/calls/rooms/{site_id}']")
    page.fill("#lines", "1")
    page.fill("#hours", "wed 18:30-20:30")
    page.click("#submit")
    assert "flash-success" in (page.locator(".flash").first.get_attribute("class") or ""), walk.flash()
    page.goto(server.url + f"/calls/rooms/{site_id}")
    page.fill("#hours", "wed 20:30-18:30")
    page.click("#submit")
    walk.look("room-hours-refused")
    assert "20:30-18:30" in page.locator(".error").first.inner_text()  # the field's message names the interval
    page.fill("#hours", "wed 18:30-20:30; sat 09:00-12:00")
    page.click("#submit")
    assert "flash-success" in (page.locator(".flash").first.get_attribute("class") or ""), walk.flash()

    for child_id in sister_ids:
        page.goto(server.url + f"/children/{child_id}")
        page.click(f"a[href='/calls/parents/{child_id}']")
        page.fill("#family", "WANG")
        page.fill("#parent_name", "王建国")
        page.fill("#works_at", "深圳 电子厂")
        page.fill("#reach", "13800000000")
        page.fill("#hours", "wed 20:00-22:00")
        if child_id == sister_ids[0]:
            walk.look("parents")
        page.click("#submit")
        assert "flash-success" in (page.locator(".flash").first.get_attribute("class") or ""), walk.flash()

    walk.menu("/calls/")
    page.click("form[action='/calls/plan'] #submit")
    assert "flash-success" in (page.locator(".flash").first.get_attribute("class") or ""), walk.flash()
    walk.look("planned")
    text = page.locator("main").inner_text()
    assert f"{names[0]}, {names[1]}" in text and "13800000000" in text

    page.locator("a[href$='/record']").first.click()
    walk.look("record")
    page.check("#took_place")
    page.fill("#minutes", "18")
    page.fill("#notes", "孩子想妈妈")
    page.check("#conflict")
    page.click("#submit")
    assert say(server.app, language, "Call recorded.") in walk.flash()
    walk.look("recorded")
    assert say(server.app, language, "conflict: social worker told") in page.locator("main").inner_text()

    with server.app.app_context():
        [call] = db.session.execute(db.select(FamilyCall)).scalars()
        assert sorted(call.child_ids) == sorted(sister_ids) and call.day == "wed"
        assert dt.time(20) <= call.start and call.end <= dt.time(20, 30)
        assert (call.took_place, call.minutes, call.conflict) == (True, 18, True)
    walk.assert_clean()
