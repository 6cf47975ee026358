"""Password hashing (argon2id), login, and the role guard for views."""

from __future__ import annotations

import datetime as dt
import functools
import secrets
import time
from collections.abc import Callable
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import Flask, abort, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import func

from scheduler_app import audit
from scheduler_app.extensions import db, login_manager
from scheduler_app.models import LoginFailure, Role, User, utcnow

_hasher = PasswordHasher()  # argon2id with the library's RFC 9106 low-memory defaults
# Verified against when the username is unknown, so both paths cost the same time.
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))
MIN_PASSWORD_LENGTH = 8  # OWASP ASVS v5: at least 8 characters, no composition rules
# A username with this many failed logins within the last window cannot log in until fewer lie within it
# (counted in the database, so every server process agrees; a refused attempt while locked is not counted).
LOCKOUT_FAILURES = 5
LOCKOUT_WINDOW = dt.timedelta(minutes=15)
SESSION_STARTED, SESSION_SEEN = "login_at", "seen_at"  # session keys: when the login and the last request were


def start_session(user: User) -> None:
    """Log the user in on this browser, starting the session's clocks."""
    login_user(user)
    session[SESSION_STARTED] = session[SESSION_SEEN] = time.time()


def hash_password(password: str) -> str:
    """Hash a password with argon2id."""
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True when the password matches the hash."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def new_session_token() -> str:
    """A fresh random token; changing it ends every session of the account."""
    return secrets.token_hex(16)


def set_password(user: User, password: str) -> None:
    """Set a new password and end the account's other sessions."""
    user.password_hash = hash_password(password)
    user.session_token = new_session_token()


def generate_password() -> str:
    """A random first password, readable aloud (letters and digits, 16 characters)."""
    return secrets.token_urlsafe(12)


def locked_out(username: str) -> bool:
    """True when the username has failed LOCKOUT_FAILURES times within the last LOCKOUT_WINDOW."""
    since = utcnow() - LOCKOUT_WINDOW
    failures = db.session.execute(db.select(func.count()).select_from(LoginFailure).where(
        LoginFailure.username == username, LoginFailure.failed_at >= since)).scalar_one()
    return failures >= LOCKOUT_FAILURES


def _count_failure(username: str) -> None:
    """Record a failed login, and forget failures too old to count for anyone (the table stays small)."""
    db.session.execute(db.delete(LoginFailure).where(LoginFailure.failed_at < utcnow() - LOCKOUT_WINDOW))
    db.session.add(LoginFailure(username=username))


def authenticate(username: str, password: str) -> User | None:
    """Return the active user with these credentials, auditing success and failure. A failure is counted for
    the username as typed, whether or not the account exists; a locked-out username is refused even with the
    right password, and costs the same time."""
    username = username[:80]
    if locked_out(username):
        verify_password(_DUMMY_HASH, password)
        audit.record("login_locked_out", username=username)
        return None
    user = db.session.execute(db.select(User).where(User.username == username)).scalar_one_or_none()
    if user is None:
        verify_password(_DUMMY_HASH, password)
        audit.record("login_failed", username=username)
        _count_failure(username)
        return None
    if not verify_password(user.password_hash, password) or not user.active:
        audit.record("login_failed", "user", user.id, user=user)
        _count_failure(username)
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    db.session.execute(db.delete(LoginFailure).where(LoginFailure.username == username))
    user.last_login_at = utcnow()
    audit.record("login", "user", user.id, user=user)
    return user


@functools.cache
def _common_passwords() -> frozenset[str]:
    """The 30,000 most common passwords of zxcvbn's list (shipped in the package: no network needed)."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS
    return frozenset(FREQUENCY_LISTS["passwords"])


def password_problem(password: str, username: str = "") -> str | None:
    """Why a new password is refused (too short, the username, or a commonly used one), or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return _("Use at least %(num)d characters.", num=MIN_PASSWORD_LENGTH)
    if username and password.casefold() == username.casefold():
        return _("The password must not be the username.")
    if password.casefold() in _common_passwords():
        return _("This password is among the most commonly used ones; choose another.")
    return None


def init_login(app: Flask) -> None:
    """Bind Flask-Login; sessions carry the account's token so a changed token ends them."""
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.session_protection = "strong"

    @app.before_request
    def _end_old_sessions():  # noqa: ANN202 - None or a redirect
        """End a session idle for PEIBAN_IDLE_MINUTES or older than PEIBAN_SESSION_HOURS, checked on the server
        (a copied cookie does not outlive them)."""
        if request.endpoint == "static" or not current_user.is_authenticated:
            return None
        now = time.time()
        started, seen = session.get(SESSION_STARTED), session.get(SESSION_SEEN)
        if (started is None or now - started > app.config["PEIBAN_SESSION_HOURS"] * 3600
                or now - (seen or started) > app.config["PEIBAN_IDLE_MINUTES"] * 60):
            audit.record("session_expired", "user", current_user.id)
            db.session.commit()
            logout_user()
            flash(_("Your session has ended; please log in again."), "info")
            return redirect(url_for("auth.login", next=request.path if request.method == "GET" else None))
        session[SESSION_SEEN] = now
        return None

    @login_manager.user_loader
    def _load_user(session_id: str) -> User | None:
        user_id, _, token = session_id.partition(":")
        if not user_id.isdigit():
            return None
        user = db.session.get(User, int(user_id))
        if user is None or not user.active or not secrets.compare_digest(user.session_token, token):
            return None
        return user


def roles_required(*roles: Role) -> Callable:
    """Decorate a view so only logged-in users holding one of these roles reach it (403 otherwise)."""
    allowed = frozenset(roles)

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if current_user.role not in allowed:
                audit.record("access_refused", detail_view=view.__name__)
                db.session.commit()
                abort(403)
            return view(*args, **kwargs)
        wrapped.allowed_roles = allowed  # read by the route-matrix test
        return wrapped
    return decorator
