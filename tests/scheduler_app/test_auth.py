"""Logging in and out, password changes, and sessions that end when they should."""

from __future__ import annotations

from scheduler_app.extensions import db
from scheduler_app.models import AuditEvent, Role, User
from tests.conftest import PASSWORD, post_form


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
