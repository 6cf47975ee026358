"""Input no form would send answers 400 or 404, never 500, on SQLite and PostgreSQL: ids beyond what the database
holds, dates no week has, a letter where a number goes, a NUL byte anywhere."""

from __future__ import annotations

import pytest

from scheduler_app.models import Role
from tests.conftest import csrf_token

ODD_PATHS = [
    ("/children/?min_risk=abc", 200),                        # an unknown choice filters nothing
    ("/rosters/0001-01-01", 404), ("/rosters/9999-12-27", 404),  # no week before 2000 or after 2099
    ("/children/99999999999999999999999", 404),              # beyond 64 bits: names no record
    ("/volunteers/18446744073709551616", 404),
    ("/rosters/2026-11-30/map?day=99999999999999999999", 404),
    ("/rosters/2026-11-30?roster=99999999999999999999", 200),  # an id no record has: the week as it is
    ("/rosters/2026-11-30?compare=-1", 200),
    ("/children/?q=%00", 400), ("/audit/?child=a%00b", 400),  # a NUL is never typed, only forged
]


@pytest.mark.parametrize(("path", "status"), ODD_PATHS)
def test_odd_urls_are_refused_not_crashed_on(app, make_org, make_user, login, path: str, status: int) -> None:
    """Each odd URL, as a manager (who may open all of them), answers as listed, not 500."""
    client = login(make_user(Role.MANAGER, org=make_org()))
    assert client.get(path).status_code == status


def test_a_nul_byte_in_the_login_form_is_a_bad_request(app) -> None:
    """A username with a NUL (PostgreSQL cannot store it) is refused with 400 before any query runs."""
    client = app.test_client()
    response = client.post("/auth/login", data={"username": "a\x00b", "password": "x",
                                                "csrf_token": csrf_token(client)})
    assert response.status_code == 400
