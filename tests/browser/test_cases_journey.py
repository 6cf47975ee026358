"""A manager handling an urgent concern, in Debian's chromium, in Chinese and in English: the demo mother raises it
on her phone and sees it received; the manager is alerted in the menu, opens the case, records the mandatory
report, an action and a referral, and closes the case with its outcome. Every page is checked (axe, language,
phone width) and photographed."""

from __future__ import annotations

import pytest

from scheduler_app.extensions import db
from scheduler_app.models import CaseStatus, Referral, SafeguardingCase, Severity
from tests.browser.conftest import log_in
from tests.browser.pages import say

pytestmark = pytest.mark.parametrize("language", ["zh_CN", "en"])


def test_manager_handles_an_urgent_concern_a_volunteer_raised(serve, journey, language) -> None:
    """From the volunteer's urgent concern to a closed case, through the pages only."""
    server = serve()
    mother = journey(language, "urgent-concern/mother", phone=True)
    log_in(mother, server, "mother")
    mother.menu("/cases/concern")
    mother.look("concern-form")
    mother.page.locator("#child").select_option(index=0)
    mother.page.fill("#what", "孩子手臂上有淤青，说不敢回家。" if language == "zh_CN"
                     else "Bruises on her arm; she says she is afraid to go home.")
    mother.page.check("#urgent")
    mother.page.click("#submit")
    assert say(server.app, language, "Thank you: your concern was received. The coordinator will act on it.") \
        in mother.flash()
    mother.look("received")
    mother.assert_clean()

    walk = journey(language, "urgent-concern/manager")
    page = walk.page
    log_in(walk, server, "manager")
    assert page.locator("nav.menu a[href='/cases/'] .badge").inner_text() == "1"  # the alert, at once
    walk.menu("/cases/")
    walk.look("cases")
    page.locator("#alerts-title + ul a").first.click()
    walk.look("case")
    with server.app.app_context():
        case = db.session.execute(db.select(SafeguardingCase).where(
            SafeguardingCase.severity == Severity.URGENT)).scalar_one()
        case_id = case.id

    page.fill("#report-reported_to", "镇派出所" if language == "zh_CN" else "Township police station")
    page.click("#report-submit")
    assert say(server.app, language, "Mandatory report recorded.") in walk.flash()

    page.locator("#actions summary").last.click()
    page.fill("#action-what", "今天上门核实" if language == "zh_CN" else "Visit today to check")
    page.click("#action-submit")
    assert say(server.app, language, "Action added.") in walk.flash()

    page.locator("#referrals summary").last.click()
    page.select_option("#referral-to_role", "children_director")
    page.fill("#referral-contact", "刘主任 13800000000")
    page.fill("#referral-shared", "手臂淤青，不敢回家" if language == "zh_CN" else "Bruises, afraid to go home")
    page.select_option("#referral-basis", "mandatory_report")
    page.click("#referral-submit")
    assert say(server.app, language, "Referral recorded.") in walk.flash()
    walk.look("worked")

    page.select_option("#case-status", "closed")
    page.fill("#case-outcome", "派出所介入，孩子由姑姑照顾" if language == "zh_CN"
              else "Police stepped in; her aunt cares for her")
    page.click("#case-submit")
    assert say(server.app, language, "Case closed.") in walk.flash()
    walk.look("closed")

    with server.app.app_context():
        case = db.session.get_one(SafeguardingCase, case_id)
        assert case.status == CaseStatus.CLOSED and case.reported_at is not None and case.actions
        assert db.session.execute(db.select(Referral).where(Referral.case_id == case_id)).scalar_one().basis \
            == "mandatory_report"
    walk.assert_clean()
