"""A volunteer mother's phone without signal, in Debian's chromium at 360 × 740, in Chinese and in English.

Her week is read offline with the banner; a diary handed in and an activity declined offline wait in the
phone's outbox and reach the server exactly once when the phone is online again; a diary changed on another
phone meanwhile is shown as not taken, with her text; logging out leaves no cache and no IndexedDB behind.
"""

from __future__ import annotations

import datetime as dt
import time

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from scheduler_app.extensions import db
from scheduler_app.models import Assignment, AssignmentStatus, DiaryEntry, DiaryStatus, User
from tests.browser.conftest import DEMO_PASSWORD, log_in
from tests.browser.pages import say
from tests.conftest import post_form
from tests.forms import form_data

pytestmark = pytest.mark.parametrize("language", ["zh_CN", "en"])

KEPT_PAGES = """async (count) => {
  const cache = await caches.open('peiban-pages');
  return (await cache.keys()).length >= count;
}"""
OUTBOX_STATES = """async () => (await window.peibanOutbox.items()).map(i => i.state).sort().join(',')"""
OUTBOX_STATES_ARE = """async (want) => !!window.peibanOutbox
  && (await window.peibanOutbox.items()).map(i => i.state).sort().join(',') === want"""
STORAGE_LEFT = """async () => {
  const names = (await caches.keys()).join(',');
  const dbs = (await indexedDB.databases()).map(d => d.name).join(',');
  return names + '|' + dbs;
}"""


def until(page, predicate: str, arg: object = None, timeout_ms: int = 15_000) -> None:
    """Poll the async ``predicate`` in the page until it holds (Playwright's wait_for_function evaluates a
    string with eval, which the app's CSP rightly refuses; evaluate does not)."""
    deadline = time.monotonic() + timeout_ms / 1000
    while time.monotonic() < deadline:
        try:
            if page.evaluate(predicate, arg):
                return
        except PlaywrightError:  # the page is between two loads: ask again
            pass
        page.wait_for_timeout(200)
    raise AssertionError(f"not reached within {timeout_ms} ms: {predicate}")


def _mother(server) -> User:
    with server.app.app_context():
        user = db.session.execute(db.select(User).where(User.username == "mother")).scalar_one()
        db.session.expunge(user)
        return user


def test_a_volunteer_reads_her_week_and_writes_offline(serve, journey, language) -> None:
    """Online she opens My week (the worker keeps it and the pages it links to); offline the reload shows it
    with the banner, she hands in a diary and declines an activity; a second diary meets an entry saved on
    another phone meanwhile. Online again, any page sends the outbox: the diary is in the database once and in
    the manager's review queue, the decline on the coordinator's week, the conflict shown with her text; the
    same item sent again makes no second entry; logging out wipes the phone."""
    server = serve()
    walk = journey(language, "offline", phone=True)
    page, context = walk.page, walk.page.context
    log_in(walk, server, "mother")
    until(page, "() => !!navigator.serviceWorker && navigator.serviceWorker.controller !== null")
    due = page.locator("#due-title + ul a")
    assert due.count() >= 2, "the demo mother has last week's visits to write up"
    diary_urls = [due.nth(i).get_attribute("href") for i in range(2)]
    decline = page.locator(".answer a[href$='/decline']").first
    decline_url = decline.get_attribute("href")
    until(page, KEPT_PAGES, 4)  # My week, two diaries, a decline page, …

    context.set_offline(True)
    page.reload()
    banner = page.locator("#offline-banner")
    assert banner.is_visible()
    said = say(server.app, language, "Offline: this page is as it was at %(time)s.", time="{time}")
    assert banner.inner_text().startswith(said.split("{time}")[0])
    walk.look("offline-week")

    page.goto(server.url + diary_urls[0])
    page.fill("#what_was_done", "离线写的日记。" if language == "zh_CN" else "Written without signal.")
    page.click("#send")
    page.wait_for_url(server.url + "/")
    # the outbox list is drawn from IndexedDB after the page loads: wait for it, do not count at once
    expect(page.locator("#outbox li[data-state=waiting]")).to_have_count(1)
    page.goto(server.url + decline_url)
    page.fill("#reason", "孩子的奶奶生病了" if language == "zh_CN" else "Her grandmother is ill")
    page.click("#submit")
    page.wait_for_url(server.url + "/")
    page.goto(server.url + diary_urls[1])
    mine = "我这边的记录。" if language == "zh_CN" else "My own notes."
    page.fill("#what_was_done", mine)
    page.click("#save")
    page.wait_for_url(server.url + "/")
    expect(page.locator("#outbox li[data-state=waiting]")).to_have_count(3)
    walk.look("outbox-waiting")
    page.close()

    other_phone = server.app.test_client()  # meanwhile the second diary is saved from another phone
    post_form(other_phone, "/auth/login", {"username": "mother", "password": DEMO_PASSWORD})
    data = form_data(other_phone.get(diary_urls[1]).get_data(as_text=True))
    data.update({"what_was_done": ["另一部手机"], "save": ["y"]})
    assert other_phone.post(diary_urls[1], data=data).status_code == 302

    context.set_offline(False)
    page = context.new_page()
    page.goto(server.url + "/me/hours")
    until(page, OUTBOX_STATES_ARE, "conflict,sent,sent")
    page.reload()
    walk.page = page
    walk.look("outbox-sent")
    conflict = page.locator("#outbox li[data-state=conflict]")
    assert mine in conflict.locator("textarea").input_value()  # with the times she gave
    sent_times = page.locator("#outbox li[data-state=sent]")
    expect(sent_times).to_have_count(2)

    mother = _mother(server)
    first_id, second_id = (int(u.split("/")[3]) for u in diary_urls)
    decline_id = int(decline_url.split("/")[3])
    with server.app.app_context():
        entries = db.session.execute(db.select(DiaryEntry).where(DiaryEntry.assignment_id == first_id)).scalars().all()
        assert [(e.status, e.volunteer_id) for e in entries] == [(DiaryStatus.SUBMITTED, mother.volunteer_id)]
        served = entries[0].served_on
        assert db.session.execute(db.select(DiaryEntry.what_was_done).where(
            DiaryEntry.assignment_id == second_id)).scalar_one() == "另一部手机"
        declined = db.session.get(Assignment, decline_id)
        assert declined.status == AssignmentStatus.DECLINED
        assert declined.decline_reason in ("孩子的奶奶生病了", "Her grandmother is ill")
        week_start = declined.roster.week.start_date

    page.evaluate("""async () => {  // the same item once more, as if its answer had been lost
      const item = (await window.peibanOutbox.items()).find(i => i.kind === 'diary' && i.state === 'sent');
      item.state = 'waiting';
      await window.peibanOutbox.store(item);
      await window.peibanOutbox.flush();
    }""")
    assert page.evaluate(OUTBOX_STATES) == "conflict,sent,sent"
    with server.app.app_context():
        assert db.session.execute(db.select(db.func.count()).select_from(DiaryEntry).where(
            DiaryEntry.assignment_id == first_id)).scalar_one() == 1

    manager, coordinator = server.app.test_client(), server.app.test_client()
    post_form(manager, "/auth/login", {"username": "manager", "password": DEMO_PASSWORD})
    post_form(coordinator, "/auth/login", {"username": "coordinator", "password": DEMO_PASSWORD})
    written = "离线写的日记。" if language == "zh_CN" else "Written without signal."
    monday = served - dt.timedelta(days=served.weekday())
    queue = manager.get(f"/diaries/?volunteer={mother.volunteer_id}&week={monday.isoformat()}")
    assert written in queue.get_data(as_text=True)
    week_page = coordinator.get(f"/rosters/{week_start.isoformat()}").get_data(as_text=True)
    assert declined.decline_reason in week_page

    page.once("dialog", lambda dialog: dialog.accept())
    page.click("form[data-logout] button")
    page.wait_for_selector("body[data-wiped=all]")
    walk.look("logged-out")
    assert page.evaluate(STORAGE_LEFT) == "|"
    walk.assert_clean()


def test_what_she_typed_when_the_session_ended_is_filled_in_after_the_login(serve, journey, language) -> None:
    """Her session ends while she changes her times; sending them lands on the login page; after the login she is
    back on the form with what she typed filled in and a note saying so, and nothing was saved meanwhile."""
    server = serve()
    walk = journey(language, "typed", phone=True)
    page = walk.page
    log_in(walk, server, "mother")
    page.goto(server.url + "/me/availability")
    field = page.locator("input[name$='-start']").first
    before = field.input_value()
    field.fill("15:35")
    server.app.config["PEIBAN_IDLE_MINUTES"] = 0  # the next request finds the session idle too long
    page.locator("form:has(input[name$='-start']) [type=submit]").first.click()
    page.wait_for_url(lambda url: "/auth/login" in url)
    server.app.config["PEIBAN_IDLE_MINUTES"] = 120
    page.fill("#username", "mother")
    page.fill("#password", DEMO_PASSWORD)
    page.press("#password", "Enter")
    page.wait_for_url(server.url + "/me/availability")
    page.locator("[data-restored]").wait_for()
    assert page.locator("input[name$='-start']").first.input_value() == "15:35"
    walk.look("restored")
    mother = _mother(server)
    with server.app.app_context():
        from scheduler_app.models import Volunteer
        saved = db.session.get(Volunteer, mother.volunteer_id).availability
    assert before in {a.start.strftime("%H:%M") for a in saved}
    walk.assert_clean()
