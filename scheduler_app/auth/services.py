"""Password hashing (argon2id), login, and the role guard for views."""

from __future__ import annotations

import functools
import secrets
from collections.abc import Callable
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import Flask, abort
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from scheduler_app import audit
from scheduler_app.extensions import db, login_manager
from scheduler_app.models import Role, User, utcnow

_hasher = PasswordHasher()  # argon2id with the library's RFC 9106 low-memory defaults
# Verified against when the username is unknown, so both paths cost the same time.
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))
MIN_PASSWORD_LENGTH = 8


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


def authenticate(username: str, password: str) -> User | None:
    """Return the active user with these credentials, auditing success and failure."""
    user = db.session.execute(db.select(User).where(User.username == username)).scalar_one_or_none()
    if user is None:
        verify_password(_DUMMY_HASH, password)
        audit.record("login_failed", username=username[:80])
        return None
    if not verify_password(user.password_hash, password) or not user.active:
        audit.record("login_failed", "user", user.id, user=user)
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    audit.record("login", "user", user.id, user=user)
    return user


def init_login(app: Flask) -> None:
    """Bind Flask-Login; sessions carry the account's token so a changed token ends them."""
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.session_protection = "strong"

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
