"""Every page each role can open, walked in Debian's chromium on a 360 × 740 phone in Chinese and English.

The walk starts at the home page and follows every link to a page of the app (one page per route and set of
query arguments: a second child's record is the same page as the first); it fails on a page wider than the
phone and on a tap target under 24 × 24 px (WCAG 2.2, 2.5.8 Target Size, Minimum: a link in a sentence, or a
small target with room around it, passes). Each route the role may open must be reached, so a new page is
walked as soon as a link leads to it. On a 1280 px desktop the roster's session grid shows the whole week.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Error as PlaywrightError

from scheduler_app.models import Role
from tests.browser.conftest import DESKTOP, log_in
from tests.browser.pages import TARGET_BOX_JS, overflow_problem, untranslated_problem
from tests.scheduler_app.test_routes_matrix import EXPECTED

TARGET_PX = 24
MAX_PAGES = 120  # a walk that goes on past this is following links without end
# Pages a link leads to that are not HTML pages to read on a phone: files, feeds, the worker's own files.
NOT_PAGES = {"main.service_worker", "main.manifest", "calendar.feed", "static",
             "operations.healthz", "operations.readyz", "operations.metrics_page",  # for probes, not people
             "rosters.week_progress", "calls.progress"}  # the figures the week pages poll while a job runs
DOWNLOAD = re.compile(r"/(export|download|hours\.(csv|xlsx)|national|template)\b|\.(csv|xlsx|ics|pdf)$|fmt=|/data$")
# What a role reaches only by acting first (a form's answer, an error, a page for one moment), so no link of
# the walk leads there; each is visited by the journeys and the HTTP tests instead.
ONLY_AFTER_ACTING = {
    "auth.login",            # the walk is logged in
    "auth.two_factor",       # after a password, with two-step login on
    "auth.recovery_codes",   # once, after turning two-step login on
    "main.offline",          # what the phone's worker shows without signal
    "admin.login_slips",     # right after making passwords
    "me.certificate_page",   # the answer of the hours page's form (its dates)
    "me.hours_export",       # a download, from the same form
    "calls.record",          # a call's record: there are calls once the week is planned (the calls journey)
}
# A volunteer opens these only for a session she tutors: the demo mother tutors none (the tutor's walk reaches them).
ONLY_FOR_TUTORS = {"schoolyear.attendance", "schoolyear.sign_in_sheet"}
ROLES = {"coordinator": Role.COORDINATOR, "manager": Role.MANAGER, "admin": Role.ADMIN, "mother": Role.VOLUNTEER,
         "tutor": Role.VOLUNTEER, "social": Role.SOCIAL_WORKER}

SMALL_TARGETS = """(least) => {
  const seen = (el) => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0
                           && getComputedStyle(el).visibility !== 'hidden'; };
""" + TARGET_BOX_JS + """
  // WCAG's inline exception: a link in a sentence, its height set by the line of text around it.
  // Other links beside it are no sentence: only the words that are not targets count.
  const words = (block) => { const copy = block.cloneNode(true);
    copy.querySelectorAll('a, button, input, select, textarea, summary').forEach(t => t.remove());
    return copy.textContent.replace(/[\\s·|,，、:：;；()（）\\-–—→]/g, ''); };
  const inSentence = (el) => el.tagName === 'A' && el.parentElement && words(el.parentElement).length > 0
    && getComputedStyle(el.parentElement).display !== 'flex';
  const targets = [...document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary')]
    .filter(seen).filter(el => !el.closest('[hidden], .sr-only'));
  const boxes = targets.map(box);
  const small = boxes.map(r => r.width < least - 0.5 || r.height < least - 0.5);
  const centre = (r) => [(r.left + r.right) / 2, (r.top + r.bottom) / 2];
  const near = (r, [x, y]) => Math.hypot(Math.max(r.left - x, 0, x - r.right), Math.max(r.top - y, 0, y - r.bottom));
  return targets.map((el, i) => {
    if (!small[i] || inSentence(el)) { return null; }
    // The spacing exception: a 24 px circle on the target meets no other target, nor another small one's circle.
    const c = centre(boxes[i]);
    const crowded = boxes.some((r, j) => j !== i && (near(r, c) < least / 2
      || (small[j] && Math.hypot(centre(r)[0] - c[0], centre(r)[1] - c[1]) < least)));
    return crowded ? `${el.tagName.toLowerCase()} "${(el.innerText || el.value || el.name || '').trim().slice(0, 30)}"`
                     + ` ${Math.round(boxes[i].width)}×${Math.round(boxes[i].height)}` : null;
  }).filter(Boolean);
}"""


def _pattern(url: str) -> str:
    """One page per route and query arguments: ids and dates become N, query values are dropped."""
    parts = urlsplit(url)
    keys = sorted({pair.split("=")[0] for pair in parts.query.split("&") if pair})
    return re.sub(r"\d+", "N", parts.path) + ("?" + "&".join(keys) if keys else "")


def _endpoint(app, url: str) -> str | None:
    """The Flask endpoint answering a GET of ``url``, or None when no route does."""
    try:
        endpoint, _args = app.url_map.bind("localhost").match(urlsplit(url).path, method="GET")
    except Exception:
        return None
    return endpoint


def _walk(walk, server) -> tuple[set[str], list[str]]:
    """Follow every link from the home page; the endpoints reached, and the problems of every page."""
    page, base = walk.page, server.url
    queue, seen, reached, problems = [base + "/"], set(), set(), []
    while queue and len(seen) < MAX_PAGES:
        url = queue.pop(0)
        if _pattern(url) in seen:
            continue
        seen.add(_pattern(url))
        try:
            response = page.goto(url)
        except PlaywrightError as exc:  # a link to a file: the browser downloads it instead of showing a page
            if "Download is starting" in str(exc):
                continue
            raise
        if response is None or "text/html" not in (response.headers.get("content-type") or ""):
            continue
        reached |= {e for e in (_endpoint(server.app, url), _endpoint(server.app, page.url)) if e}

        found = [p for p in (overflow_problem(page), untranslated_problem(page, walk.language)) if p]
        small = page.evaluate(SMALL_TARGETS, TARGET_PX)
        if small:
            found.append(f"{page.url}: tap targets under {TARGET_PX} px: {'; '.join(small[:6])}")
        if found:
            problems += found
            name = _pattern(url).strip("/").replace("/", "_")[:60]
            page.screenshot(path=str(walk.folder / f"{len(problems):02d}-{name}.png"), full_page=True)
        for href in page.eval_on_selector_all("a[href]", "els => els.map(a => a.href)"):
            if href.startswith(base) and DOWNLOAD.search(href):  # a file: offered is enough, it is not a page
                reached |= {e for e in (_endpoint(server.app, href),) if e}
            elif href.startswith(base) and not DOWNLOAD.search(href) and "/auth/logout" not in href \
                    and _pattern(href.split("#")[0]) not in seen:
                queue.append(href.split("#")[0])
    return reached, problems


@pytest.mark.parametrize("language", ["zh_CN", "en"])
@pytest.mark.parametrize("username", list(ROLES))
def test_every_page_of_a_role_fits_a_phone_with_targets_a_thumb_can_hit(serve, journey, username, language) -> None:
    """Logged in as the demo's coordinator, manager, admin, volunteer mother or tutor, every page the role can
    open is reached by links and fits 360 px, with no tap target under 24 × 24 px."""
    server = serve()
    walk = journey(language, f"every-page/{username}", phone=True)
    log_in(walk, server, username)
    reached, problems = _walk(walk, server)
    role = ROLES[username]
    openable = {endpoint for endpoint, (method, roles) in EXPECTED.items()
                if method == "GET" and roles is not None and role in roles}
    missed = openable - reached - NOT_PAGES - ONLY_AFTER_ACTING - (ONLY_FOR_TUTORS if username == "mother" else set())
    assert not missed, f"no link leads {username} to: {sorted(missed)}"
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_the_roster_grid_shows_the_whole_week_on_a_desktop(serve, journey, language) -> None:
    """At 1280 px the coordinator's week shows every day of the session grid without scrolling it sideways."""
    server = serve()
    walk = journey(language, "every-page/desktop-grid")
    assert walk.page.viewport_size == DESKTOP
    log_in(walk, server, "coordinator")
    walk.page.goto(server.url + "/rosters/")
    grid = walk.page.locator("table.grid").first
    days = grid.locator("thead th").count() - 1
    assert days >= 5, "the demo's sites meet every school day"
    fits = grid.evaluate("t => { const w = t.closest('.table-wrap'); return [w.scrollWidth, w.clientWidth]; }")
    walk.look("week")
    assert fits[0] <= fits[1] + 1, f"the grid is {fits[0]} px wide in a {fits[1]} px frame"
