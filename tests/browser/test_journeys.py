"""The main journeys in Debian's chromium, in Chinese and in English, with a screenshot of every page.

Every page a journey looks at is also checked: axe-core finds no WCAG 2.1 A/AA violation (labels,
contrast, names), the page is in the language asked for, and on a phone nothing is wider than the screen.
"""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from openpyxl import load_workbook

from scheduler_app.extensions import db
from scheduler_app.models import (
    Assignment,
    AssignmentStatus,
    DiaryEntry,
    DiaryStatus,
    Roster,
    RosterStatus,
    User,
    Week,
)
from scheduler_app.weekly import week_start_of
from tests.browser.conftest import ROOT, log_in
from tests.browser.pages import say

pytestmark = pytest.mark.parametrize("language", ["zh_CN", "en"])

SPREADSHEETS = ROOT / "seed" / "spreadsheets"
IMPORT_ORDER = [("villages", "villages.csv"), ("sites", "sites.xlsx"), ("volunteers", "volunteers.csv"),
                ("children", "children.xlsx")]
# The quickest search the week page offers: the demo week is solved well within it.
TIME_LIMIT_S = "10"
SOLVE_TIMEOUT_MS = 90_000


# The accounts that answer their own week on the volunteer's pages: the demo mother (home visits) and the demo
# social worker (family interviews), each with the folder her screenshots go to.
SELF_SERVICE = {"mother": "volunteer", "social": "social-worker"}


@pytest.mark.parametrize("username", list(SELF_SERVICE))
def test_a_volunteer_or_a_social_worker_confirms_her_week_and_hands_in_a_diary_on_a_phone(
        serve, journey, language, username) -> None:
    """On a 360 × 740 phone the demo mother (or the demo social worker) confirms an activity of this week and
    hands in the diary of last week's visit (or family interview), with a worry flagged; the database holds both
    answers; every page fits the phone with tap targets of 24 px at least."""
    server = serve()
    if username != "mother":
        _leave_unanswered(server, username)
    walk = journey(language, SELF_SERVICE[username], phone=True)
    page = walk.page
    log_in(walk, server, username)
    walk.look("my-week")

    page.locator(".answer form button").first.click()
    assert say(server.app, language, "Confirmed. Thank you!") in walk.flash()
    walk.look("confirmed")

    due = page.locator("#due-title + ul a")
    due_before = due.count()
    assert due_before > 0, f"the demo's {username} has last week's activities to write up"
    due.first.click()
    walk.look("diary-form")
    page.locator("input[name=activities]").first.check()
    page.fill("#what_was_done", "陪她写作业，聊学校的事。" if language == "zh_CN" else "Homework; we talked.")
    page.fill("#emotional", "提到妈妈时哭了。" if language == "zh_CN" else "She cried when her mother came up.")
    page.check("#concern")
    page.click("#send")
    assert say(server.app, language, "Handed in. Thank you!") in walk.flash()
    walk.look("handed-in")
    assert page.locator("#due-title + ul a").count() == due_before - 1

    with server.app.app_context():
        mother = db.session.execute(db.select(User).where(User.username == username)).scalar_one()
        confirmed = db.session.execute(db.select(Assignment).join(Roster).where(
            Assignment.volunteer_id == mother.volunteer_id, Assignment.status == AssignmentStatus.CONFIRMED,
            Roster.status == RosterStatus.PUBLISHED)).scalars().all()
        entry = db.session.execute(db.select(DiaryEntry).where(DiaryEntry.volunteer_id == mother.volunteer_id)
                                   .order_by(DiaryEntry.id.desc()).limit(1)).scalar_one()
    assert confirmed and entry.status == DiaryStatus.SUBMITTED and entry.concern and entry.observations["emotional"]
    walk.assert_clean()


def _leave_unanswered(server, username: str) -> None:
    """Her activities of this week wait for her answer, as the demo leaves the demo mother's (the demo's history
    answers everyone else's)."""
    with server.app.app_context():
        account = db.session.execute(db.select(User).where(User.username == username)).scalar_one()
        mine = db.session.execute(db.select(Assignment).join(Roster).join(Week).where(
            Assignment.volunteer_id == account.volunteer_id, Week.start_date == week_start_of(dt.date.today()),
            Assignment.status == AssignmentStatus.CONFIRMED)).scalars().all()
        assert mine, f"the demo's {username} has activities this week"
        for assignment in mine:
            assignment.status = AssignmentStatus.PLANNED
        db.session.commit()


def test_manager_approves_diaries_and_exports_the_report(serve, journey, language) -> None:
    """The manager ticks two waiting diary entries and approves them together, then opens the period report
    and downloads it as Excel: the file's labels are in the page's language and the approved hours agree."""
    server = serve()
    walk = journey(language, "manager")
    page = walk.page
    log_in(walk, server, "manager")
    walk.look("home")

    walk.menu("/diaries/")
    walk.look("review-queue")
    boxes = page.locator("input[name=entry]")
    waiting = boxes.count()
    assert waiting >= 2, "the demo has last week's diaries waiting for review"
    ticked = [boxes.nth(i).get_attribute("value").split(":")[0] for i in range(2)]
    boxes.nth(0).check()
    boxes.nth(1).check()
    page.click("#submit")
    assert say(server.app, language, "%(num)d diary entry approved.", "%(num)d diary entries approved.", 2) \
        in walk.flash()
    walk.look("approved")
    for entry_id in ticked:  # gone from the queue (the page fills up again from the next ones)
        assert page.locator(f"input[name=entry][value^='{entry_id}:']").count() == 0
    with server.app.app_context():
        states = {db.session.get(DiaryEntry, int(i)).status for i in ticked}
    assert states == {DiaryStatus.APPROVED}

    walk.menu("/reports/dashboard")
    walk.look("dashboard")
    walk.menu("/reports/")
    page.locator("form.no-print a.button").first.click()  # the first preset period
    walk.look("report")
    shown_hours = page.locator("table .num").nth(2).inner_text()
    with page.expect_download() as download:
        page.locator("a[href*='export.xlsx']").click()
    workbook = load_workbook(io.BytesIO(download.value.path().read_bytes()))
    cells = [str(c.value) for row in workbook.active.iter_rows() for c in row if c.value is not None]
    assert say(server.app, language, "Approved hours") in cells
    assert any(re.sub(r"[^\d.]", "", shown_hours) == re.sub(r"[^\d.]", "", c) for c in cells), shown_hours
    walk.assert_clean()


def test_coordinator_imports_generates_edits_and_publishes_a_roster(serve, journey, language) -> None:
    """From an empty organisation the coordinator is refused a broken children file (rows named, nothing
    imported), imports the four demo spreadsheets, generates next week's roster in the background, gives one
    assignment to another volunteer and publishes: the published roster holds that change."""
    server = serve(demo=False)
    with server.app.app_context():
        from scheduler_app.auth.services import hash_password, new_session_token
        from scheduler_app.models import Organisation, Role
        org = Organisation(name="黄州区关爱留守儿童协会")
        db.session.add(org)
        db.session.add(User(organisation=org, username="coordinator", display_name="协调员", role=Role.COORDINATOR,
                            password_hash=hash_password("coordinator-pass"), session_token=new_session_token()))
        db.session.commit()
    walk = journey(language, "coordinator")
    page = walk.page
    log_in(walk, server, "coordinator", "coordinator-pass")
    walk.look("home")

    walk.menu("/data/")
    walk.look("import-page")
    for kind, name in IMPORT_ORDER:
        if kind == "children":
            # First the children's file with three mistakes: refused whole, each row named.
            page.select_option("#kind", "children")
            page.set_input_files("#file", str(SPREADSHEETS / "children-broken.csv"))
            page.click("#submit")
            walk.look("broken-file-refused")
            assert say(server.app, language, "Nothing was imported") in page.locator("#report-title").inner_text()
            rows = page.locator(".report tbody tr td:first-child").all_inner_texts()
            assert sorted(set(rows), key=int) == ["5", "13", "21"]
        page.select_option("#kind", kind)
        page.set_input_files("#file", str(SPREADSHEETS / name))
        page.click("#submit")
        assert "flash-success" in (page.locator(".flash").first.get_attribute("class") or ""), walk.flash()
    walk.look("imported")

    walk.menu("/rosters/")
    page.click("nav.pager a >> nth=1")  # next week
    walk.look("empty-week")
    page.select_option("#time_limit", TIME_LIMIT_S)
    page.click("#submit")
    walk.look("generating")
    publish = page.locator("form[action*='/publish'] button")
    publish.wait_for(timeout=SOLVE_TIMEOUT_MS)  # the page refreshes itself until the draft is stored
    walk.look("draft")
    page.locator("details:has(ul.unmet) summary").click()
    walk.look("not-covered-and-why")
    reasons = " ".join(page.locator("ul.unmet .muted").all_inner_texts())
    if language == "zh_CN":  # the solver's reasons, in the page's language
        assert "能来的" in reasons and "visitors who could come" not in reasons
    else:
        assert "who could come" in reasons

    page.locator("details:has(a[href*='/assignments/']) summary").click()
    # The demo week is tight: most activities have nobody else free. The coordinator opens 4:30 sessions
    # of college tutors (codes T..) until the page offers someone free to take one over.
    links = page.locator("tr:has(th .muted:text-matches('^T[0-9]+$')) a[href*='/assignments/']")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    free = page.locator("#volunteer optgroup").nth(0).locator("option")
    for href in hrefs:
        page.goto(server.url + href)
        if free.count():
            break
    assert free.count(), "nobody is free to take over any tutor's session"
    walk.look("change-assignment")
    before = page.locator("dl.facts dd").nth(2).inner_text()
    # First someone the page says would break a rule: refused, and the rule is named in the page's language.
    blocked = page.locator("#volunteer optgroup").nth(1).locator("option").first
    page.select_option("#volunteer", blocked.get_attribute("value"))
    page.click("#reassign")
    refusal = say(server.app, language, "Not changed: %(rules)s", rules="")
    rule_word = say(server.app, language, "rule %(rule)d: %(message)s", rule=0, message="").split("0")[0]
    assert walk.flash().startswith(refusal) and rule_word in walk.flash(), walk.flash()
    walk.look("change-refused")
    # Then the first of those free to take it.
    new_volunteer = free.first.inner_text().split(" ", 1)[1]
    page.select_option("#volunteer", free.first.get_attribute("value"))
    page.click("#reassign")
    assert "flash-success" in (page.locator(".flash").first.get_attribute("class") or ""), walk.flash()
    walk.look("changed")
    page.locator("form[action*='/publish'] button").first.click()
    assert "flash-success" in (page.locator(".flash").first.get_attribute("class") or ""), walk.flash()
    walk.look("published")

    with server.app.app_context():
        published = db.session.execute(db.select(Roster).where(Roster.status == RosterStatus.PUBLISHED)).scalar_one()
        names = {a.volunteer.name for a in published.assignments}
    assert new_volunteer in names and before
    walk.assert_clean()


def test_admin_changes_the_organisation_settings_on_a_phone(serve, journey, language) -> None:
    """The admin opens Settings from the menu on a phone, is told which field is wrong when the road factor is
    below 1, then saves a 45-minute home visit: the next week is built with it."""
    import datetime as dt

    from scheduler_app.contract.instance import build_instance
    from scheduler_app.models import Organisation

    server = serve()
    walk = journey(language, "admin", phone=True)
    page = walk.page
    log_in(walk, server, "admin")
    walk.menu("/admin/organisation")
    walk.look("settings")
    page.fill("#road_factor", "0.5")
    page.click("#submit")
    assert page.locator("#road_factor-error").is_visible()
    walk.look("settings-refused")
    page.fill("#road_factor", "1.35")
    page.fill("#visit_minutes", "45")
    page.click("#submit")
    assert say(server.app, language, "Settings saved.") in walk.flash()
    walk.look("settings-saved")
    with server.app.app_context():
        org = db.session.execute(db.select(Organisation)).scalar_one()
        assert build_instance(org.id, dt.date(2026, 11, 30))["settings"]["visit_minutes"] == 45
    walk.assert_clean()
