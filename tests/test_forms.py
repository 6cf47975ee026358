"""The test helper that reads forms submits what a browser would, so tests post what a person could."""

from __future__ import annotations

import pytest

from tests.forms import csrf_token_in, form_data

PAGE = """<form id="search"><input name="q" value="x"></form>
<form method="post">
  <input type="hidden" name="csrf_token" value="tok">
  <input name="name" value="李 &amp; 王"><input name="note">
  <input type="checkbox" name="trained" value="y" checked><input type="checkbox" name="active" value="y">
  <input type="radio" name="kind" value="a"><input type="radio" name="kind" value="b" checked>
  <input name="locked" value="z" disabled><input type="submit" name="save" value="Save">
  <select name="day"><option value="0">Mon</option><option value="2" selected>Wed</option></select>
  <select name="site"><option disabled>—</option><option>S 1</option></select>
  <select name="subjects" multiple><option value="maths">maths</option></select>
  <select name="empty"></select>
  <textarea name="what">
first line
second</textarea>
</form>"""


def test_a_form_sends_what_a_browser_sends_as_the_page_stands() -> None:
    """Ticked boxes and chosen options only; a single select falls back to its first choosable option, a
    multiple or empty one sends nothing; disabled controls and buttons are not sent; a textarea drops the newline
    after its start tag; character references are read."""
    assert form_data(PAGE) == {"csrf_token": ["tok"], "name": ["李 & 王"], "note": [""], "trained": ["y"],
                               "kind": ["b"], "day": ["2"], "site": ["S 1"], "what": ["first line\nsecond"]}


def test_forms_are_counted_from_the_top_and_the_token_is_read_from_any() -> None:
    """Form 0 is the first on the page; the CSRF token is found though the first form has none."""
    assert form_data(PAGE, 0) == {"q": ["x"]}
    assert csrf_token_in(PAGE) == "tok"


def test_a_page_without_a_token_says_so() -> None:
    """No form with a CSRF token: an error, not an empty token posted."""
    with pytest.raises(LookupError):
        csrf_token_in("<form><input name='q'></form>")
