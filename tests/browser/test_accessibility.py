"""Accessibility basics in the browser: the checks can fail, and the key pages work by keyboard alone."""

from __future__ import annotations

import pytest

from tests.browser.conftest import DEMO_PASSWORD, LANGUAGES, PHONE
from tests.browser.pages import accessibility_problems, overflow_problem, say

MAX_TABS = 40  # a volunteer's first answer is reachable within this many presses of Tab

FOCUS_RING = """() => {
  const el = document.activeElement, style = getComputedStyle(el);
  return {tag: el.tagName, id: el.id, text: (el.innerText || el.value || '').trim(),
          ring: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2};
}"""


def test_the_checks_find_an_unlabelled_field_low_contrast_and_a_too_wide_page(browser) -> None:
    """On a page made to fail, axe reports the input without a label and the pale text, and the width check
    reports the table wider than a phone: the journeys' clean result means something."""
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.set_content('<html lang="en"><head><title>bad</title></head><body><main>'
                     '<p style="color:#bbb;background:#fff">pale words</p><input type="text" name="x">'
                     '<table style="width:900px"><tr><td>wide</td></tr></table></main></body></html>')
    problems = " ".join(accessibility_problems(page))
    assert "label" in problems and "color-contrast" in problems
    assert overflow_problem(page) is not None
    context.close()


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_a_volunteer_logs_in_and_confirms_by_keyboard_alone_with_the_focus_always_visible(
        serve, browser, language) -> None:
    """With only Tab, typing and Enter, the demo mother logs in and confirms her first assignment on a phone;
    every element Tab reaches shows a focus ring of at least 2 px."""
    server = serve()
    context = browser.new_context(locale=LANGUAGES[language], viewport=PHONE)
    page = context.new_page()
    page.goto(server.url + "/auth/login")
    confirm = say(server.app, language, "Confirm")
    reached = []
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUS_RING)
        reached.append(focused)
        assert focused["ring"], f"no visible focus on {focused}"
        if focused["id"] == "username":
            page.keyboard.type("mother")
        elif focused["id"] == "password":
            page.keyboard.type(DEMO_PASSWORD)
            page.keyboard.press("Enter")
            page.wait_for_url(lambda url: "/auth/login" not in url)
        elif focused["tag"] == "BUTTON" and focused["text"] == confirm:
            page.keyboard.press("Enter")
            page.wait_for_load_state()
            break
    else:
        pytest.fail(f"Confirm not reached in {MAX_TABS} presses of Tab: {[f['text'] or f['id'] for f in reached]}")
    assert say(server.app, language, "Confirmed. Thank you!") in page.locator(".flash").inner_text()
    context.close()
