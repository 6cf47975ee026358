"""What the browser journeys check on every page they look at: accessibility, phone width, the language."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask_babel import force_locale, gettext, ngettext

# axe-core's rule tags for WCAG 2.0 and 2.1, levels A and AA: labels, names, contrast, keyboard traps...
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Fixed chrome (form controls, the focus ring) may stick out by a pixel or two when a page is zoomed;
# a table or a line of text wider than the screen is what a phone user cannot read.
OVERFLOW_TOLERANCE_PX = 2
# Screenshots stop at this height: a long list's first screens say what the page looks like.
MAX_SHOT_PX = 3000


def say(app: Flask, language: str, text: str, plural: str | None = None, num: int | None = None, **params) -> str:
    """The message as the app shows it in ``language`` (zh_CN or en), from the real catalogue."""
    with app.test_request_context(), force_locale(language):
        if plural is not None:
            return ngettext(text, plural, num, **params)
        return gettext(text, **params)


def accessibility_problems(page) -> list[str]:  # a Playwright page
    """axe-core's WCAG 2.1 A/AA violations on the page as it stands, one line per element."""
    from axe_playwright_python.sync_playwright import Axe
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    problems = []
    for violation in results.response["violations"]:
        for node in violation["nodes"]:
            problems.append(f"{page.url}: {violation['id']} ({violation['help']}) at {node['target']}: "
                            f"{node.get('failureSummary', '').splitlines()[-1].strip()}")
    return problems


def overflow_problem(page) -> str | None:  # a Playwright page
    """Whether the page is wider than the screen (a phone user would scroll sideways to read it)."""
    width = page.viewport_size["width"]
    scroll = page.evaluate("document.documentElement.scrollWidth")
    if scroll > width + OVERFLOW_TOLERANCE_PX:
        return f"{page.url}: {scroll} px wide on a {width} px screen"
    return None


# A tap target's box: a checkbox or a radio button is tapped through its label too, so it is the two together.
TARGET_BOX_JS = """  const box = (el) => {
    const r = el.getBoundingClientRect();
    const label = (el.type === 'checkbox' || el.type === 'radio')
      && (el.closest('label') || (el.id && document.querySelector(`label[for="${el.id}"]`)));
    if (!label) { return r; }
    const l = label.getBoundingClientRect();
    const top = Math.min(r.top, l.top), left = Math.min(r.left, l.left);
    const right = Math.max(r.right, l.right), bottom = Math.max(r.bottom, l.bottom);
    return {left, top, right, bottom, width: right - left, height: bottom - top};
  };
"""
TAP_TARGET_PX = 44  # WCAG 2.5.5: a target a thumb hits without touching its neighbour
SMALL_TARGETS = """(least) => {
  if (!document.body.classList.contains('phone')) { return []; }
  const seen = (el) => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
""" + TARGET_BOX_JS + """
  return [...document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea')]
    .filter(seen)
    .filter(el => { const r = box(el); return r.height < least - 0.5 || r.width < least - 0.5; })
    .map(el => `${el.tagName.toLowerCase()} "${(el.innerText || el.value || el.name || '').trim().slice(0, 30)}"`
               + ` ${Math.round(box(el).width)}×${Math.round(box(el).height)}`);
}"""


def small_target_problem(page) -> str | None:  # a Playwright page
    """On a volunteer's page (and the login page), the tap targets smaller than 44 × 44 px."""
    small = page.evaluate(SMALL_TARGETS, TAP_TARGET_PX)
    return f"{page.url}: tap targets under {TAP_TARGET_PX} px: {'; '.join(small[:8])}" if small else None


def untranslated_problem(page, language: str) -> str | None:  # a Playwright page
    """Whether the page says it is in another language than the one asked for."""
    lang = page.evaluate("document.documentElement.lang")
    wanted = "zh-CN" if language == "zh_CN" else "en"
    return None if lang == wanted else f"{page.url}: <html lang={lang!r}>, wanted {wanted!r}"


class Journey:
    """One user's journey in one language: screenshots, and the checks made on every page shown."""

    def __init__(self, page, language: str, folder: Path, phone: bool = False):
        self.page, self.language, self.folder, self.phone = page, language, folder, phone
        self.count = 0
        self.problems: list[str] = []

    def look(self, name: str) -> Path:
        """Screenshot the page as NN-name.png and check it: axe, the language, and on a phone the width."""
        self.page.wait_for_load_state()
        self.count += 1
        path = self.folder / f"{self.count:02d}-{name}.png"
        height = self.page.evaluate("document.documentElement.scrollHeight")
        width = self.page.viewport_size["width"]
        self.page.screenshot(path=str(path), full_page=True,
                             clip={"x": 0, "y": 0, "width": width, "height": min(height, MAX_SHOT_PX)})
        self.problems += accessibility_problems(self.page)
        for problem in (untranslated_problem(self.page, self.language),
                        overflow_problem(self.page) if self.phone else None,
                        small_target_problem(self.page) if self.phone else None):
            if problem:
                self.problems.append(problem)
        return path

    def menu(self, path: str) -> None:
        """Follow the main menu's link to ``path`` (the menu must offer it to this user), unfolding the part of the
        menu that holds it first, as she would."""
        link = self.page.locator(f"nav.menu a[href='{path}']")
        folded = self.page.locator(f"nav.menu details:not([open]):has(a[href='{path}']) > summary")
        if folded.count():
            folded.click()
        link.click()
        self.page.wait_for_load_state()

    def flash(self) -> str:
        """The text of the page's confirmation or error messages (waiting for them: a form sent through the
        phone's outbox goes on to the next page only once the server has answered)."""
        self.page.locator(".flash:visible").first.wait_for()
        return " ".join(self.page.locator(".flash").all_inner_texts())

    def assert_clean(self) -> None:
        """Fail with every problem seen on the way."""
        assert not self.problems, "\n".join(self.problems)
