"""Two languages from the first line: Chinese by default for a Chinese browser, English on request."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from scheduler_app.solver_text import naming
from tests.conftest import csrf_token

TRANSLATIONS = Path(__file__).resolve().parents[2] / "scheduler_app" / "translations"


def test_chinese_browser_gets_chinese(client) -> None:
    """A browser asking for zh-CN sees the login page in Chinese with lang="zh-CN"."""
    page = client.get("/auth/login", headers={"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"}).get_data(as_text=True)
    assert '<html lang="zh-CN">' in page and "登录" in page and "Log in" not in page


def test_english_browser_gets_english(client) -> None:
    """A browser asking for English sees English."""
    page = client.get("/auth/login", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    assert '<html lang="en">' in page and "Log in" in page


def test_unknown_language_falls_back_to_chinese(client) -> None:
    """A browser with neither language gets the default, Chinese."""
    page = client.get("/auth/login", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "登录" in page


def test_language_switch_is_remembered(client) -> None:
    """Choosing English on a Chinese browser keeps English on later pages, and back."""
    zh = {"Accept-Language": "zh-CN"}
    response = client.post("/language", data={"lang": "en", "next": "/auth/login",
                                               "csrf_token": csrf_token(client)}, headers=zh)
    assert response.status_code == 302 and response.headers["Location"] == "/auth/login"
    assert "Log in" in client.get("/auth/login", headers=zh).get_data(as_text=True)
    client.post("/language", data={"lang": "zh_CN", "csrf_token": csrf_token(client)}, headers=zh)
    assert "登录" in client.get("/auth/login", headers=zh).get_data(as_text=True)


def test_language_switch_ignores_unknown_languages_and_foreign_targets(client) -> None:
    """An unknown language code changes nothing; an off-site next= is not followed."""
    response = client.post("/language", data={"lang": "xx", "next": "//evil.example/",
                                               "csrf_token": csrf_token(client)})
    assert response.headers["Location"] == "/"
    assert "登录" in client.get("/auth/login", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)


@pytest.mark.parametrize("target", ["/\t/evil.example", "/\\evil.example", "/\r\nSet-Cookie: x=1",
                                    "https://evil.example/", "//evil.example"])  # a NUL: test_bad_input
def test_the_language_switch_goes_nowhere_off_site(client, target: str) -> None:
    """A next= that a browser would read as another site (a tab or a backslash after the slash), or that
    would break the Location header (a line break), sends home; a path on the site is followed."""
    response = client.post("/language", data={"lang": "en", "next": target, "csrf_token": csrf_token(client)})
    assert (response.status_code, response.headers["Location"]) == (302, "/")
    fine = client.post("/language", data={"lang": "en", "next": "/me/hours?x=1", "csrf_token": csrf_token(client)})
    assert fine.headers["Location"] == "/me/hours?x=1"


def test_chinese_catalogue_translates_every_message() -> None:
    """Every message in the zh_CN catalogue has a translation (and none is fuzzy)."""
    with open(TRANSLATIONS / "zh_Hans_CN" / "LC_MESSAGES" / "messages.po", "rb") as fh:
        catalog = read_po(fh)
    untranslated = [m.id for m in catalog if m.id and (not m.string or (isinstance(m.string, tuple)
                                                                       and not all(m.string)) or m.fuzzy)]
    assert untranslated == []


def test_catalogue_covers_every_string_in_the_code(tmp_path) -> None:
    """Extracting messages from the code finds none missing from the zh_CN catalogue."""
    from babel.messages.extract import extract_from_dir
    from babel.messages.frontend import parse_mapping_cfg
    root = TRANSLATIONS.parents[1]
    with open(root / "babel.cfg") as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    found = {msg[2] if isinstance(msg[2], str) else msg[2][0]
             for msg in extract_from_dir(root, method_map, options_map,
                                         keywords={"_": None, "gettext": None, "ngettext": (1, 2),
                                                   "_l": None, "lazy_gettext": None, "Message": None})}
    with open(TRANSLATIONS / "zh_Hans_CN" / "LC_MESSAGES" / "messages.po", "rb") as fh:
        known = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(fh) if m.id}
    assert sorted(found - known) == []


def test_a_code_two_kinds_share_is_not_named() -> None:
    """Codes are unique within volunteers, children or sites, not across them: a code both a child and a
    volunteer hold stays a code (a message does not say which it means); the others get their names."""
    name = naming({"volunteers": [{"id": "001", "name": "陈春梅"}, {"id": "M2", "name": "宋秀兰"}],
                   "children": [{"id": "001", "name": "王欣怡"}], "sites": [{"id": "S1", "name": "站点"}]})
    assert (name("001"), name("M2"), name("S1"), name("09:00")) == ("001", "宋秀兰", "站点", "09:00")
