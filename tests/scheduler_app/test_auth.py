"""Logging in and out, password changes, and sessions that end when they should."""

from __future__ import annotations

import re

import pytest

from scheduler_app.auth.services import LOCKOUT_FAILURES
from scheduler_app.extensions import db
from scheduler_app.models import AuditEvent, Role, User
from tests.conftest import PASSWORD, csrf_token, post_form


def _audit_actions() -> list[str]:
    return list(db.session.execute(db.select(AuditEvent.action).order_by(AuditEvent.id)).scalars())


def test_login_with_the_right_password_reaches_the_home_page(client, make_user, login) -> None:
    """A user logging in with the right password lands on their home page, and the login is audited."""
    user = make_user(Role.COORDINATOR, display_name="李协调")
    login(user)
    page = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Hello, 李协调" in page
    assert "login" in _audit_actions()


def test_wrong_password_and_unknown_user_get_the_same_message(client, make_user) -> None:
    """Wrong password and unknown username give one message, so accounts cannot be discovered."""
    user = make_user(Role.COORDINATOR)
    wrong = post_form(client, "/auth/login", {"username": user.username, "password": "nope-nope"},
                      headers={"Accept-Language": "en"})
    unknown = post_form(client, "/auth/login", {"username": "nobody-here", "password": "nope-nope"},
                        headers={"Accept-Language": "en"})
    assert wrong.status_code == unknown.status_code == 200
    assert "Wrong username or password." in wrong.get_data(as_text=True)
    assert "Wrong username or password." in unknown.get_data(as_text=True)
    assert _audit_actions().count("login_failed") == 2
    assert client.get("/").status_code == 302


def test_disabled_account_cannot_log_in(client, make_user) -> None:
    """A disabled account is refused with the same message as a wrong password."""
    user = make_user(Role.MANAGER, active=False)
    response = post_form(client, "/auth/login", {"username": user.username, "password": PASSWORD},
                         headers={"Accept-Language": "en"})
    assert "Wrong username or password." in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_login_form_without_csrf_token_is_refused(client, make_user) -> None:
    """A POST without the CSRF token changes nothing and is answered 400."""
    user = make_user(Role.COORDINATOR)
    response = client.post("/auth/login", data={"username": user.username, "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/").status_code == 302


def test_logout_is_a_post_and_ends_the_session(client, make_user, login) -> None:
    """Logging out needs a POST with a CSRF token; afterwards the home page asks for a login."""
    login(make_user(Role.COORDINATOR))
    assert client.get("/auth/logout").status_code == 405
    assert client.post("/auth/logout").status_code == 400  # no CSRF token
    assert client.get("/").status_code == 200
    assert post_form(client, "/auth/logout", {}, page="/").status_code == 302
    assert client.get("/").status_code == 302


def test_next_parameter_cannot_redirect_off_site(client, make_user) -> None:
    """After login, ?next= is followed only to a local path, never to another site."""
    user = make_user(Role.COORDINATOR)
    response = post_form(client, "/auth/login?next=//evil.example/x",
                         {"username": user.username, "password": PASSWORD}, page="/auth/login")
    assert response.headers["Location"] == "/"


def test_password_change_ends_other_sessions(app, make_user) -> None:
    """After a password change, another browser's old session cookie no longer works."""
    user = make_user(Role.COORDINATOR)
    phone, laptop = app.test_client(), app.test_client()
    for c in (phone, laptop):
        assert post_form(c, "/auth/login", {"username": user.username, "password": PASSWORD}).status_code == 302
    response = post_form(laptop, "/auth/password", {"current": PASSWORD, "new": "a much longer secret",
                                                     "repeat": "a much longer secret"})
    assert response.status_code == 302
    assert laptop.get("/").status_code == 200  # the session that changed it stays in
    assert phone.get("/").status_code == 302   # the other one is logged out
    fresh = app.test_client()
    assert post_form(fresh, "/auth/login", {"username": user.username,
                                            "password": "a much longer secret"}).status_code == 302


def test_password_change_needs_the_current_password(client, make_user, login) -> None:
    """A wrong current password leaves the password unchanged."""
    user = make_user(Role.COORDINATOR)
    login(user)
    before = user.password_hash
    response = post_form(client, "/auth/password", {"current": "not it", "new": "another long one",
                                                     "repeat": "another long one"},
                         headers={"Accept-Language": "en"})
    assert "This is not your current password." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, user.id).password_hash == before


def test_disabling_an_account_ends_its_session(app, client, make_user, login) -> None:
    """An account disabled by an admin is logged out at its next request."""
    user = make_user(Role.COORDINATOR)
    login(user)
    assert client.get("/").status_code == 200
    user.active = False
    db.session.commit()
    assert client.get("/").status_code == 302


def test_passwords_are_stored_as_argon2id(app, make_user) -> None:
    """Password hashes are argon2id, never the password itself."""
    user = make_user(Role.COORDINATOR)
    assert user.password_hash.startswith("$argon2id$") and PASSWORD not in user.password_hash


def test_five_failures_lock_a_username_for_fifteen_minutes_whether_or_not_it_exists(client, make_user) -> None:
    """After five wrong passwords the right one is refused too, with the same message as any failure; an
    unknown username locks the same way; once the failures are older than the window, the login works."""
    import datetime as dt

    from scheduler_app.auth.services import LOCKOUT_FAILURES, LOCKOUT_WINDOW
    from scheduler_app.models import LoginFailure
    user = make_user(Role.COORDINATOR, locale="en")
    en = {"Accept-Language": "en"}
    for _ in range(LOCKOUT_FAILURES):
        post_form(client, "/auth/login", {"username": user.username, "password": "wrong-guess"}, headers=en)
        post_form(client, "/auth/login", {"username": "no-such-user", "password": "wrong-guess"}, headers=en)
    right = post_form(client, "/auth/login", {"username": user.username, "password": PASSWORD}, headers=en)
    unknown = post_form(client, "/auth/login", {"username": "no-such-user", "password": "x-y-z-w"}, headers=en)
    message = "Wrong username or password. After 5 wrong tries, a username must wait 15 minutes."
    assert right.status_code == unknown.status_code == 200
    assert message in right.get_data(as_text=True) and message in unknown.get_data(as_text=True)
    assert client.get("/").status_code == 302
    assert _audit_actions().count("login_locked_out") == 2
    db.session.execute(db.update(LoginFailure).values(
        failed_at=LoginFailure.failed_at - LOCKOUT_WINDOW - dt.timedelta(minutes=1)))
    db.session.commit()
    assert post_form(client, "/auth/login", {"username": user.username, "password": PASSWORD}).status_code == 302
    assert db.session.execute(db.select(LoginFailure).where(LoginFailure.username == user.username)).first() is None


def test_a_new_password_must_be_long_not_common_and_not_the_username(client, make_user, login) -> None:
    """Short, commonly used or username-equal new passwords are refused with the reason and change nothing; a
    long uncommon one is accepted (no composition rules)."""
    user = make_user(Role.COORDINATOR, username="wangfang")
    login(user)
    en = {"Accept-Language": "en"}
    before = user.password_hash
    for new, reason in [("short", "Use at least 8 characters."),
                        ("password1", "This password is among the most commonly used ones; choose another."),
                        ("WangFang", "The password must not be the username.")]:
        page = post_form(client, "/auth/password", {"current": PASSWORD, "new": new, "repeat": new},
                         headers=en).get_data(as_text=True)
        assert reason in page, new
    db.session.expire_all()
    assert db.session.get(User, user.id).password_hash == before
    ok = post_form(client, "/auth/password", {"current": PASSWORD, "new": "lotus pond summer", "repeat":
                                              "lotus pond summer"})
    assert ok.status_code == 302


@pytest.mark.parametrize("guessable", ["woaini1314", "zhang123", "aaaaaaaa", "peiban-demo", "wangfang1",
                                       "黄州区阳光2026", "12345678a"])
def test_a_password_easy_to_guess_here_is_refused(client, make_org, make_user, login, guessable: str) -> None:
    """Love numbers, a surname with digits, repeats, the demo's password, the username or the organisation's name
    with a digit are refused as easy to guess (zxcvbn with this place's words), and nothing changes."""
    user = make_user(Role.COORDINATOR, username="wangfang", org=make_org(name="黄州区阳光"))
    login(user)
    page = post_form(client, "/auth/password", {"current": PASSWORD, "new": guessable, "repeat": guessable},
                     headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "easy to guess" in page or "most commonly used" in page
    db.session.expire_all()
    assert db.session.get(User, user.id).password_hash == user.password_hash


def test_a_session_ends_when_idle_too_long_and_when_too_old(app, client, make_user, login) -> None:
    """A session unused for longer than PEIBAN_IDLE_MINUTES, or started longer than PEIBAN_SESSION_HOURS ago
    though used all along, is ended on the server: the next page asks for a login again."""
    import time
    user = make_user(Role.COORDINATOR)
    for key, age in (("seen_at", app.config["PEIBAN_IDLE_MINUTES"] * 60 + 5),
                     ("login_at", app.config["PEIBAN_SESSION_HOURS"] * 3600 + 5)):
        login(user)
        assert client.get("/").status_code == 200
        with client.session_transaction() as session:
            session[key] = time.time() - age
            if key == "login_at":
                session["seen_at"] = time.time()  # used a moment ago: only its age ends it
        response = client.get("/children/")
        assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
        assert client.get("/").status_code == 302
    assert _audit_actions().count("session_expired") == 2


def test_pages_are_not_stored_and_hsts_is_sent_only_over_https(app, client, make_user, login) -> None:
    """Every page (child data included) says Cache-Control: no-store, static files may be cached; HSTS goes out
    on HTTPS requests only, and not at all when PEIBAN_HSTS_SECONDS is 0."""
    login(make_user(Role.COORDINATOR))
    page = client.get("/children/")
    assert page.headers["Cache-Control"] == "no-store" and "Strict-Transport-Security" not in page.headers
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert "no-store" not in client.get("/static/peiban.css").headers.get("Cache-Control", "")
    secure = client.get("/auth/login", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"] == f"max-age={365 * 24 * 3600}"
    app.config["PEIBAN_HSTS_SECONDS"] = 0
    assert "Strict-Transport-Security" not in client.get("/auth/login", base_url="https://localhost").headers


def test_two_step_login_asks_for_the_apps_code(app, make_user, client) -> None:
    """A coordinator turns on two-step login with a code from the app; afterwards the password alone does not
    log in, a wrong code is refused and counted like a wrong password, and the right code logs in."""
    import pyotp

    from scheduler_app.models import LoginFailure
    user = make_user(Role.COORDINATOR, locale="en")
    post_form(client, "/auth/login", {"username": user.username, "password": PASSWORD})
    client.get("/auth/two-step")
    with client.session_transaction() as session:
        secret = session["two_step_setup"]
    response = post_form(client, "/auth/two-step", {"password": PASSWORD, "code": pyotp.TOTP(secret).now()})
    codes = re.findall(r'<code class="mono">', response.get_data(as_text=True))
    assert response.status_code == 200 and len(codes) == 10  # the recovery codes, shown once
    db.session.expire_all()
    assert db.session.get(User, user.id).totp_secret == secret
    post_form(client, "/auth/logout", {}, page="/")

    response = post_form(client, "/auth/login", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302 and "/auth/code" in response.headers["Location"]
    assert client.get("/children/").status_code == 302  # not logged in yet
    wrong = str((int(pyotp.TOTP(secret).now()) + 500000) % 1000000).zfill(6)
    response = post_form(client, "/auth/code", {"code": wrong}, headers={"Accept-Language": "en"})
    assert response.status_code == 200 and "This code is not right." in response.get_data(as_text=True)
    assert db.session.execute(db.select(LoginFailure).where(LoginFailure.username == user.username)).first()
    response = post_form(client, "/auth/code", {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302
    assert client.get("/children/").status_code == 200


def test_volunteers_are_not_offered_two_step_login(app, make_user, login) -> None:
    """Two-step login is for accounts that reach many children's records: a volunteer is refused the page."""
    assert login(make_user(Role.VOLUNTEER)).get("/auth/two-step").status_code == 403


def test_a_copied_session_cookie_is_refused_after_logout(app, make_user) -> None:
    """Sessions are kept on the server: a copy of the session cookie taken before logging out no longer logs
    anyone in afterwards (while another browser of the same account stays logged in)."""
    from scheduler_app.models import LoginSession
    user = make_user(Role.COORDINATOR)
    browser, other = app.test_client(), app.test_client()
    for c in (browser, other):
        assert post_form(c, "/auth/login", {"username": user.username, "password": PASSWORD}).status_code == 302
    cookie = browser.get_cookie("session").value
    assert post_form(browser, "/auth/logout", {}, page="/").status_code == 302
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    assert thief.get("/children/").status_code == 302
    assert other.get("/children/").status_code == 200
    ended = db.session.execute(db.select(LoginSession).where(LoginSession.ended_at.is_not(None))).scalars().all()
    assert len(ended) == 1 and ended[0].user_id == user.id


def test_the_right_password_does_not_reset_the_count_of_wrong_codes(app, make_user, client) -> None:
    """With two-step login, wrong codes count towards the lockout and typing the right password again does not
    wipe them: four wrong codes, the password again, one more wrong code, and the username is locked, so even
    the right code is refused (else the six digits could be guessed four at a time without end)."""
    import pyotp
    secret = pyotp.random_base32()
    user = make_user(Role.COORDINATOR, totp_secret=secret)
    wrong = str((int(pyotp.TOTP(secret).now()) + 500000) % 1000000).zfill(6)
    post_form(client, "/auth/login", {"username": user.username, "password": PASSWORD})
    for _ in range(4):
        post_form(client, "/auth/code", {"code": wrong})
    response = post_form(client, "/auth/login", {"username": user.username, "password": PASSWORD})
    assert "/auth/code" in response.headers["Location"]
    post_form(client, "/auth/code", {"code": wrong})
    post_form(client, "/auth/code", {"code": pyotp.TOTP(secret).now()})
    assert client.get("/children/").status_code == 302  # still not logged in


def _two_step_user(client, make_user):
    """A coordinator who has turned two-step login on; her secret and her ten recovery codes."""
    import pyotp
    user = make_user(Role.COORDINATOR, locale="en")
    post_form(client, "/auth/login", {"username": user.username, "password": PASSWORD})
    client.get("/auth/two-step")
    with client.session_transaction() as session:
        secret = session["two_step_setup"]
    page = post_form(client, "/auth/two-step",
                     {"password": PASSWORD, "code": pyotp.TOTP(secret).now()}).get_data(as_text=True)
    post_form(client, "/auth/logout", {}, page="/")
    return user, secret, re.findall(r'<code class="mono">([^<]+)</code>', page)


def test_a_recovery_code_logs_in_once_and_is_refused_the_second_time(app, make_user, client) -> None:
    """With the phone lost, one of the ten recovery codes (typed in capitals, with spaces) stands in for the app's
    code once; the same code again is refused and counted like a wrong password; the use is audited."""
    from scheduler_app.models import AuditEvent, LoginFailure
    user, _secret, codes = _two_step_user(client, make_user)
    assert len(set(codes)) == 10
    post_form(client, "/auth/login", {"username": user.username, "password": PASSWORD})
    response = post_form(client, "/auth/code", {"code": " " + codes[3].upper().replace("-", " ") + " "})
    assert response.status_code == 302 and client.get("/children/").status_code == 200
    post_form(client, "/auth/logout", {}, page="/")
    post_form(client, "/auth/login", {"username": user.username, "password": PASSWORD})
    again = post_form(client, "/auth/code", {"code": codes[3]}, headers={"Accept-Language": "en"})
    assert again.status_code == 200 and "This code is not right." in again.get_data(as_text=True)
    assert client.get("/children/").status_code == 302
    assert db.session.execute(db.select(LoginFailure).where(LoginFailure.username == user.username)).first()
    used = db.session.execute(db.select(AuditEvent).where(AuditEvent.action == "login")).scalars().all()
    assert any((e.detail or {}).get("step") == "recovery_code" for e in used)


def test_an_admin_removes_a_lost_phones_two_step_login(app, make_org, make_user, client) -> None:
    """An admin turns off the two-step login of a coordinator who lost her phone: she logs in with the password
    alone; her recovery codes are gone; another organisation's admin cannot (404); it is audited."""
    from scheduler_app.models import AuditEvent, RecoveryCode
    user, _secret, _codes = _two_step_user(client, make_user)
    stranger = app.test_client()
    post_form(stranger, "/auth/login", {"username": make_user(Role.ADMIN, org=make_org()).username,
                                        "password": PASSWORD})
    assert post_form(stranger, f"/admin/users/{user.id}/two-step/remove", {}, page="/").status_code == 404
    admin = app.test_client()
    post_form(admin, "/auth/login", {"username": make_user(Role.ADMIN, org=user.organisation).username,
                                     "password": PASSWORD})
    assert post_form(admin, f"/admin/users/{user.id}/two-step/remove", {}, page="/").status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).totp_secret is None
    assert not db.session.execute(db.select(RecoveryCode).where(RecoveryCode.user_id == user.id)).first()
    assert db.session.execute(db.select(AuditEvent).where(AuditEvent.action == "two_step_removed")).scalar_one()
    response = post_form(client, "/auth/login", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302 and "/auth/code" not in response.headers["Location"]


def test_a_one_time_password_opens_nothing_but_the_password_page(app, make_org, make_user, make_child) -> None:
    """An account with a password an admin set logs in and is sent to choose its own; until it does, a child's
    profile and the children's export redirect to the password page (they opened before); once it has, they
    open."""
    org = make_org()
    child = make_child(org, "C1")
    account = make_user(Role.COORDINATOR, org=org, must_change_password=True)
    client = app.test_client()
    assert post_form(client, "/auth/login", {"username": account.username, "password": PASSWORD}
                     ).headers["Location"].startswith("/auth/password")
    for path in (f"/children/{child.id}", "/data/children/export.csv", "/"):
        refused = client.get(path)
        assert (refused.status_code, refused.headers.get("Location")) == (302, "/auth/password"), path
    changed = post_form(client, "/auth/password", {"current": PASSWORD, "new": "河边的柳树又绿了",
                                                   "repeat": "河边的柳树又绿了"})
    assert changed.status_code == 302, changed.get_data(as_text=True)[-1500:]
    assert client.get(f"/children/{child.id}").status_code == 200


def test_guessing_the_current_password_locks_like_guessing_at_login(client, make_user, login) -> None:
    """Five wrong current passwords on the change form lock the username as five wrong logins do: the sixth try,
    with the right one, is refused and the password is unchanged."""
    user = make_user(Role.COORDINATOR)
    login(user)
    en = {"Accept-Language": "en"}
    for _ in range(LOCKOUT_FAILURES):
        page = post_form(client, "/auth/password", {"current": "a wrong guess", "new": "lotus pond summer",
                                                    "repeat": "lotus pond summer"}, headers=en)
        assert "This is not your current password." in page.get_data(as_text=True)
    locked = post_form(client, "/auth/password", {"current": PASSWORD, "new": "lotus pond summer",
                                                  "repeat": "lotus pond summer"}, headers=en)
    assert "Too many wrong tries" in locked.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, user.id).password_hash == user.password_hash


def test_logins_from_one_address_are_throttled(app, make_user) -> None:
    """Past PEIBAN_LOGIN_RATE, further logins from the same address get 429 with a page saying to wait, even with
    the right password (spraying usernames costs time); another address is not affected."""
    app.config["PEIBAN_LOGIN_RATE"] = "3 per minute"
    user = make_user(Role.COORDINATOR)
    sprayer, other = app.test_client(), app.test_client()
    for name in ("ann", "bob", "cai"):
        data = {"username": name, "password": "x", "csrf_token": csrf_token(sprayer)}
        assert sprayer.post("/auth/login", data=data).status_code == 200
    data = {"username": user.username, "password": PASSWORD, "csrf_token": csrf_token(sprayer)}
    refused = sprayer.post("/auth/login", data=data, headers={"Accept-Language": "en"})
    assert refused.status_code == 429 and "Wait a few minutes" in refused.get_data(as_text=True)
    data = {"username": user.username, "password": PASSWORD, "csrf_token": csrf_token(other)}
    assert other.post("/auth/login", data=data, environ_base={"REMOTE_ADDR": "10.0.0.7"}).status_code == 302


def test_turning_on_two_step_login_asks_for_the_password(app, make_user, client) -> None:
    """Turning two-step login on needs the current password as well as a code, and a wrong password counts
    towards the lockout (someone at a left-open session cannot tie the account to their own phone)."""
    import pyotp

    from scheduler_app.models import LoginFailure
    user = make_user(Role.COORDINATOR, locale="en")
    post_form(client, "/auth/login", {"username": user.username, "password": PASSWORD})
    client.get("/auth/two-step")
    with client.session_transaction() as session:
        secret = session["two_step_setup"]
    page = post_form(client, "/auth/two-step", {"password": "not-the-password", "code": pyotp.TOTP(secret).now()})
    assert "This is not your current password." in page.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, user.id).totp_secret is None
    assert db.session.execute(db.select(LoginFailure).where(LoginFailure.username == user.username)).first()
    post_form(client, "/auth/two-step", {"password": PASSWORD, "code": pyotp.TOTP(secret).now()})
    db.session.expire_all()
    assert db.session.get(User, user.id).totp_secret == secret


def _log_in(client, username: str, password: str = PASSWORD) -> bool:
    """Whether this login form post logged in."""
    response = post_form(client, "/auth/login", {"username": username, "password": password})
    return response.status_code == 302 and "/auth/login" not in response.headers["Location"]


def test_strangers_locking_a_username_do_not_lock_its_owner_out_of_her_own_browser(app, make_user) -> None:
    """Five wrong passwords from strangers lock the username for every browser it never logged in on, while
    the browser its owner logged in on before still logs her in with the right password."""
    user = make_user(Role.ADMIN)
    hers, stranger, new = app.test_client(), app.test_client(), app.test_client()
    assert _log_in(hers, user.username)
    post_form(hers, "/auth/logout", {}, page="/")
    for _ in range(LOCKOUT_FAILURES):
        assert not _log_in(stranger, user.username, "wrong-wrong-wrong")
    assert not _log_in(stranger, user.username)  # the stranger's browser: locked, even with the password
    assert not _log_in(new, user.username)  # any other new browser too
    assert _log_in(hers, user.username)


def test_wrong_passwords_from_her_own_browser_lock_that_browser(app, make_user) -> None:
    """The known browser has its own count: five wrong passwords from it lock it as well."""
    user = make_user(Role.COORDINATOR)
    hers = app.test_client()
    assert _log_in(hers, user.username)
    post_form(hers, "/auth/logout", {}, page="/")
    for _ in range(LOCKOUT_FAILURES):
        assert not _log_in(hers, user.username, "wrong-wrong-wrong")
    assert not _log_in(hers, user.username)


def test_a_known_browser_cookie_of_another_account_does_not_pass_the_lock(app, make_user) -> None:
    """The cookie names the account it was given to: one copied from the attacker's own account, or one
    whose signature was tampered with, spares nothing."""
    victim, attacker = make_user(Role.ADMIN), make_user(Role.VOLUNTEER)
    browser = app.test_client()
    assert _log_in(browser, attacker.username)
    post_form(browser, "/auth/logout", {}, page="/")
    for _ in range(LOCKOUT_FAILURES):
        _log_in(browser, victim.username, "wrong-wrong-wrong")
    assert not _log_in(browser, victim.username)
    cookie = browser.get_cookie(app.config["PEIBAN_DEVICE_COOKIE"]).value
    browser.set_cookie(app.config["PEIBAN_DEVICE_COOKIE"], cookie[:-2] + ("AA" if cookie[-2:] != "AA" else "BB"))
    assert not _log_in(browser, victim.username)


def test_failed_logins_for_no_account_are_audited_only_up_to_an_hourly_cap(app, client, monkeypatch) -> None:
    """A spray of made-up usernames fills the audit log only up to the cap; failures for real accounts are
    always audited."""
    from scheduler_app.auth import services
    monkeypatch.setattr(services, "MAX_UNKNOWN_FAILURES_AUDITED", 3)
    for n in range(6):
        _log_in(client, f"made-up-{n}", "whatever-whatever")
    assert _audit_actions().count("login_failed") == 3
