"""Password hashing (argon2id), login, and the role guard for views."""

from __future__ import annotations

import datetime as dt
import enum
import functools
import hashlib
import secrets
import time
from collections.abc import Callable
from typing import Any, cast
from urllib.parse import urlsplit

import pyotp
import segno
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import Flask, abort, current_app, flash, has_request_context, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user
from itsdangerous import BadData, URLSafeTimedSerializer
from sqlalchemy import CursorResult, func
from zxcvbn import zxcvbn
from zxcvbn.frequency_lists import FREQUENCY_LISTS

from scheduler_app import audit, outbox
from scheduler_app.extensions import db, login_manager
from scheduler_app.models import AuditEvent, LoginFailure, LoginSession, RecoveryCode, Role, User, utcnow
from scheduler_app.offline import prefetching
from scheduler_app.permissions import Permission
from scheduler_app.permissions import has as has_permission

_hasher = PasswordHasher()  # argon2id with the library's RFC 9106 low-memory defaults
# Verified against when the username is unknown, so both paths cost the same time.
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))
MIN_PASSWORD_LENGTH = 8  # OWASP ASVS v5: at least 8 characters, no composition rules
# A username with this many failed logins within the last window cannot log in until fewer lie within it
# (counted in the database, so every server process agrees; a refused attempt while locked is not counted).
LOCKOUT_FAILURES = 5
LOCKOUT_WINDOW = dt.timedelta(minutes=15)
# A browser the account has logged in on carries a signed cookie saying so; failures from it are counted apart
# from everyone else's, so strangers who lock the username out do not lock its owner out of her own browser.
KNOWN_DEVICE_DAYS = 180
KNOWN_DEVICE_SALT = "peiban-known-device"
# Failed logins for usernames no account has are audited up to this many an hour: a spray of made-up names
# must not fill the audit log (the lockout still counts every one, and the address limit slows the spray).
MAX_UNKNOWN_FAILURES_AUDITED = 200
SESSION_STARTED, SESSION_SEEN = "login_at", "seen_at"  # session keys: when the login and the last request were
SESSION_ID = "sid"  # session key: the LoginSession row this browser's login is
SESSION_KEPT = "kept"  # session key: "keep me signed in on this phone" was chosen at the login
SESSION_SAVED = "seen_saved_at"  # session key: when the session's row last heard of a request
SEEN_SAVE_SECONDS = 600  # the row's seen_at is brought up to date at most this often (not a write per page)
WIPE_ALL = "wipe_all"  # session key: logged out on purpose, so the next page wipes the phone's outbox too
PENDING_USER = "two_step_user"  # session key: the account whose password was right, waiting for its code
SECOND_STEP_SECONDS = 300  # the code must follow the password within five minutes
# Two-step login is offered to the accounts that reach many children's records.
TWO_STEP_ROLES = (Role.ADMIN, Role.MANAGER, Role.COORDINATOR, Role.SOCIAL_WORKER)
TOTP_ISSUER = "Peiban"
TOTP_DIGITS = 6
TOTP_QR_SCALE = 5  # pixels per QR module: about 200 px wide, easy for a phone camera
SLIP_QR_SCALE = 3  # a printed slip's QR code: about 2.5 cm wide
MIN_PASSWORD_SCORE = 2  # zxcvbn's 0–4: below 2 falls to an online guesser within days
# Words a guesser tries first here that zxcvbn's English lists lack: the app's own (its demo password), love
# numbers and phrases, and common surnames in pinyin ("woaini1314", "zhang123").
GUESSABLE_WORDS = ("peiban", "peiban-demo", "woaini", "aini", "5201314", "1314", "520", "zhang", "wang", "li",
                   "liu", "chen", "yang", "huang", "zhao", "wu", "zhou", "xu", "sun", "ma", "zhu", "hu", "guo",
                   "he", "lin", "luo", "gao", "baobao", "laopo", "laogong")
# What an account that must choose its own password may still open: that page, logging out, the language, and
# what a page needs to load (static files, the phone's worker and manifest).
FIRST_PASSWORD_OPEN = frozenset({"auth.change_password", "auth.logout", "main.set_language", "static",
                                 "main.service_worker", "main.manifest", "main.offline"})


def new_totp_secret() -> str:
    """A fresh base32 secret for an authenticator app."""
    return pyotp.random_base32()


def totp_uri(user: User, secret: str) -> str:
    """The otpauth:// link an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=TOTP_ISSUER)


def totp_qr_svg(uri: str) -> str:
    """The link as an inline SVG QR code (drawn on the server: no script, no external service)."""
    return segno.make(uri, error="m").svg_inline(scale=TOTP_QR_SCALE, title="QR")


def link_qr_svg(link: str) -> str:
    """A web address as an inline SVG QR code, for a printed login slip."""
    return segno.make(link, error="m").svg_inline(scale=SLIP_QR_SCALE, title="QR")


def totp_matches(secret: str, code: str) -> bool:
    """The six-digit code is the app's current one (one 30-second step either side, for clock drift)."""
    code = "".join(code.split())
    return len(code) == TOTP_DIGITS and code.isdigit() and pyotp.TOTP(secret).verify(code, valid_window=1)


RECOVERY_CODES = 10  # single-use codes given when two-step login is turned on, for a lost phone
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read off paper without doubt


def _recovery_hash(code: str) -> str:
    """A recovery code as stored: lower case, without spaces or dashes, hashed."""
    return hashlib.sha256("".join(code.lower().replace("-", "").split()).encode()).hexdigest()


def new_recovery_codes(user: User) -> list[str]:
    """Replace the account's recovery codes with ten new ones (xxxxx-xxxxx), returned once to be written down."""
    db.session.execute(db.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _n in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _c in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
        db.session.add(RecoveryCode(user_id=user.id, code_hash=_recovery_hash(raw)))
    return codes


def _use_recovery_code(user: User, code: str) -> bool:
    """Spend one unused recovery code of the account; a used or unknown one is refused."""
    # One UPDATE, so that two logins racing with the same code cannot both spend it.
    spent = cast("CursorResult[Any]", db.session.execute(db.update(RecoveryCode).where(  # an UPDATE's result
        RecoveryCode.user_id == user.id, RecoveryCode.code_hash == _recovery_hash(code),
        RecoveryCode.used_at.is_(None)).values(used_at=utcnow())))
    return spent.rowcount == 1


def remove_two_step(user: User) -> None:
    """Turn the account's two-step login off and forget its recovery codes (its owner with the password, or an
    admin for a lost phone); the caller audits who did it."""
    user.totp_secret = None
    db.session.execute(db.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))


def begin_second_step(user: User) -> None:
    """The password was right and the account has two-step login: remember who is half logged in, briefly."""
    session[PENDING_USER] = {"id": user.id, "token": user.session_token, "at": time.time()}


def pending_second_step() -> User | None:
    """The account waiting for its code, if the password step was recent and nothing changed since."""
    pending = session.get(PENDING_USER)
    if not pending or time.time() - pending.get("at", 0) > SECOND_STEP_SECONDS:
        return None
    user = db.session.get(User, pending.get("id"))
    if user is None or not user.active or user.session_token != pending.get("token") or not user.totp_secret:
        return None
    return user


def finish_second_step(user: User, code: str) -> bool:
    """Check the code; a wrong one counts towards the username's lockout like a wrong password."""
    device = known_device(user.username)
    if locked_out(user.username, device):
        audit.record("login_failed", "user", user.id, user=user, step="code")
        return False
    step = "code"
    if not totp_matches(user.totp_secret or "", code):
        if not _use_recovery_code(user, code):
            audit.record("login_failed", "user", user.id, user=user, step="code")
            _count_failure(user.username, device)
            return False
        step = "recovery_code"
    session.pop(PENDING_USER, None)
    db.session.execute(db.delete(LoginFailure).where(LoginFailure.username == user.username))
    audit.record("login", "user", user.id, user=user, step=step)
    return True


def start_session(user: User, keep: bool = False) -> None:
    """Log the user in on this browser: a new server-side session row (older ended or expired rows are purged),
    and the session's clocks. ``keep`` ("keep me signed in on this phone", for volunteers only) makes the
    session last PEIBAN_KEEP_SIGNED_IN_DAYS whether used or not, in a cookie that outlives the browser."""
    keep = keep and user.role == Role.VOLUNTEER
    now = utcnow()
    short = now - dt.timedelta(hours=current_app.config["PEIBAN_SESSION_HOURS"])
    long = now - dt.timedelta(days=current_app.config["PEIBAN_KEEP_SIGNED_IN_DAYS"])
    db.session.execute(db.delete(LoginSession).where(
        (LoginSession.ended_at.is_not(None)) | (LoginSession.started_at < long)
        | (~LoginSession.persistent & (LoginSession.started_at < short))))
    row = LoginSession(id=secrets.token_urlsafe(32), user_id=user.id, remote_addr=(request.remote_addr or "")[:64],
                       persistent=keep, user_agent=(request.user_agent.string or "")[:200], seen_at=now)
    db.session.add(row)
    db.session.commit()
    session.pop(PENDING_USER, None)  # a half-done second step does not carry over
    session.pop(WIPE_ALL, None)
    login_user(user)
    session.permanent = keep  # the cookie then expires with PERMANENT_SESSION_LIFETIME, not with the browser
    session[SESSION_ID], session[SESSION_KEPT] = row.id, keep
    session[SESSION_STARTED] = session[SESSION_SEEN] = session[SESSION_SAVED] = time.time()


def _limits(kept: bool) -> tuple[float, float]:
    """A session's longest life and longest idle time, in seconds."""
    config = current_app.config
    if kept:
        days = config["PEIBAN_KEEP_SIGNED_IN_DAYS"] * 86400.0
        return days, days
    return config["PEIBAN_SESSION_HOURS"] * 3600.0, config["PEIBAN_IDLE_MINUTES"] * 60.0


def open_sessions(user_id: int) -> list[LoginSession]:
    """The account's sessions that are still open (not ended and within their limits), newest first."""
    rows = db.session.execute(db.select(LoginSession).where(
        LoginSession.user_id == user_id, LoginSession.ended_at.is_(None))
        .order_by(LoginSession.started_at.desc())).scalars()
    now = utcnow()
    result = []
    for row in rows:
        life, idle = _limits(row.persistent)
        started = _aware(row.started_at)
        seen = _aware(row.seen_at) if row.seen_at else started
        if (now - started).total_seconds() <= life and (now - seen).total_seconds() <= idle + SEEN_SAVE_SECONDS:
            result.append(row)
    return result


def say_session_ended(done: bool) -> None:
    """Tell whoever ended a session (its owner, or an admin) whether it ended now or had ended before (a second
    press, another tab)."""
    flash(_("Signed out there.") if done else _("That session had already ended."), "success" if done else "info")


def _aware(moment: dt.datetime) -> dt.datetime:
    """SQLite hands back naive UTC times; PostgreSQL aware ones."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def end_login_session(user_id: int, sid: str) -> bool:
    """End one open session of the account (from its own list, or by an admin); False when there is none."""
    row = db.session.get(LoginSession, sid)
    if row is None or row.user_id != user_id or row.ended_at is not None:
        return False
    row.ended_at = utcnow()
    audit.record("session_ended", "user", user_id, kept=row.persistent)
    db.session.commit()
    return True


def end_session() -> None:
    """Log out this browser and end its server-side session, so a copy of the cookie no longer works."""
    sid = session.get(SESSION_ID)
    if sid:
        db.session.execute(db.update(LoginSession).where(LoginSession.id == sid, LoginSession.ended_at.is_(None))
                           .values(ended_at=utcnow()))
        db.session.commit()
    logout_user()
    session.pop(SESSION_ID, None)


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
    """Set a new password and end the account's other sessions (this browser's stays, if it is the account's)."""
    user.password_hash = hash_password(password)
    user.session_token = new_session_token()
    mine = session.get(SESSION_ID) if has_request_context() else None
    db.session.execute(db.update(LoginSession).where(
        LoginSession.user_id == user.id, LoginSession.ended_at.is_(None), LoginSession.id != (mine or ""))
        .values(ended_at=utcnow()))


def generate_password() -> str:
    """A random first password, readable aloud (letters and digits, 16 characters)."""
    return secrets.token_urlsafe(12)


def _device_signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=KNOWN_DEVICE_SALT)


def known_device_token(user: User) -> str:
    """The signed cookie value a browser gets at a login: this account has logged in here."""
    return _device_signer().dumps({"u": user.id, "d": secrets.token_hex(8)})


def known_device(username: str) -> str | None:
    """This browser's id when it carries a valid known-browser cookie of the account with this username."""
    token = request.cookies.get(current_app.config["PEIBAN_DEVICE_COOKIE"]) if has_request_context() else None
    if not token:
        return None
    try:
        data = _device_signer().loads(token, max_age=KNOWN_DEVICE_DAYS * 24 * 3600)
    except BadData:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("d"), str):
        return None
    user_id = db.session.execute(db.select(User.id).where(User.username == username)).scalar()
    return data["d"][:32] if user_id is not None and data.get("u") == user_id else None


def locked_out(username: str, device: str | None = None) -> bool:
    """True when the username has failed LOCKOUT_FAILURES times within the last LOCKOUT_WINDOW from unknown
    browsers (``device`` None), or from the known browser ``device``."""
    since = utcnow() - LOCKOUT_WINDOW
    same_browser = LoginFailure.device == device if device else LoginFailure.device.is_(None)
    failures = db.session.execute(db.select(func.count()).select_from(LoginFailure).where(
        LoginFailure.username == username, LoginFailure.failed_at >= since, same_browser)).scalar_one()
    return failures >= LOCKOUT_FAILURES


def _unknown_failures_recorded() -> int:
    """Audit rows of failed logins for no account within the last hour (a spray of made-up usernames)."""
    return db.session.execute(db.select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "login_failed", AuditEvent.user_id.is_(None),
        AuditEvent.at >= utcnow() - dt.timedelta(hours=1))).scalar_one()


def _count_failure(username: str, device: str | None = None) -> None:
    """Record a failed login, and forget failures too old to count for anyone (the table stays small)."""
    db.session.execute(db.delete(LoginFailure).where(LoginFailure.failed_at < utcnow() - LOCKOUT_WINDOW))
    db.session.add(LoginFailure(username=username, device=device))


class CurrentPassword(enum.Enum):
    """What checking the logged-in user's current password found."""

    RIGHT = "right"
    WRONG = "wrong"
    LOCKED = "locked"  # too many wrong tries lately: refused without looking at it


def check_current_password(user: User, password: str) -> CurrentPassword:
    """Whether the logged-in user typed her current password (to change it, or two-step login): a wrong one counts
    towards the same lockout as a wrong login, so a left-open session does not let the password be guessed without
    end; while the username is locked even the right one is refused."""
    device = known_device(user.username)
    if locked_out(user.username, device):
        return CurrentPassword.LOCKED
    if verify_password(user.password_hash, password):
        return CurrentPassword.RIGHT
    audit.record("login_failed", "user", user.id, user=user, reason="current password")
    _count_failure(user.username, device)
    db.session.commit()
    return CurrentPassword.WRONG


def authenticate(username: str, password: str) -> User | None:
    """Return the active user with these credentials, auditing success and failure. A failure is counted for
    the username as typed, whether or not the account exists; a locked-out username is refused even with the
    right password, and costs the same time."""
    username = username[:80]
    device = known_device(username)
    locked = locked_out(username, device)
    found = db.session.execute(db.select(User.id, User.password_hash, User.active)
                               .where(User.username == username)).first()
    # Argon2 takes a good fraction of a second of CPU on purpose; on SQLite an open transaction holds the
    # database's write lock, so end it while hashing (under load, logins otherwise queue for the lock).
    db.session.rollback()
    stored_hash = found.password_hash if found is not None and not locked else _DUMMY_HASH
    matches = verify_password(stored_hash, password)
    if locked:
        audit.record("login_locked_out", username=username)
        return None
    if found is None:
        if _unknown_failures_recorded() < MAX_UNKNOWN_FAILURES_AUDITED:
            audit.record("login_failed", username=username)
        _count_failure(username)
        return None
    user = db.session.get_one(User, found.id)
    if not matches or not user.active or user.password_hash != found.password_hash:
        audit.record("login_failed", "user", user.id, user=user)
        _count_failure(username, device)
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    # With two-step login the password alone is not a login yet: finish_second_step clears the failures and
    # records the login (clearing them here would let wrong codes be guessed four at a time without end).
    if not user.totp_secret:
        db.session.execute(db.delete(LoginFailure).where(LoginFailure.username == username))
    user.last_login_at = utcnow()
    audit.record("login_password_ok" if user.totp_secret else "login", "user", user.id, user=user)
    return user


@functools.cache
def _common_passwords() -> frozenset[str]:
    """The 30,000 most common passwords of zxcvbn's list (shipped in the package: no network needed)."""
    return frozenset(FREQUENCY_LISTS["passwords"])


def password_problem(password: str, username: str = "", context: tuple[str, ...] = ()) -> str | None:
    """Why a new password is refused (too short, the username, a commonly used one, or one zxcvbn finds easy to
    guess from the username, the ``context`` words such as the organisation's name, the app's own words and the
    pinyin of Chinese favourites), or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return _("Use at least %(num)d characters.", num=MIN_PASSWORD_LENGTH)
    if username and password.casefold() == username.casefold():
        return _("The password must not be the username.")
    if password.casefold() in _common_passwords():
        return _("This password is among the most commonly used ones; choose another.")
    if zxcvbn(password, user_inputs=[username, *context, *GUESSABLE_WORDS])["score"] < MIN_PASSWORD_SCORE:
        return _("This password is easy to guess (a name, a word with digits, a date, a repeat); a few unrelated "
                 "words are better.")
    return None


def init_login(app: Flask) -> None:
    """Bind Flask-Login; sessions carry the account's token so a changed token ends them."""
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to see this page.")
    # "basic" only marks a session not fresh when the browser's address changes (school Wi-Fi to 4G); the
    # server-side LoginSession row is what binds a session, and logging out or an admin ends it there.
    login_manager.session_protection = "basic"

    @app.before_request
    def _end_old_sessions():  # None or a redirect
        """End a session idle for PEIBAN_IDLE_MINUTES or older than PEIBAN_SESSION_HOURS, checked on the server
        (a copied cookie does not outlive them)."""
        if request.endpoint == "static" or not current_user.is_authenticated:
            return None
        now = time.time()
        started, seen = session.get(SESSION_STARTED), session.get(SESSION_SEEN)
        life, idle = _limits(bool(session.get(SESSION_KEPT)))
        if started is None or now - started > life or now - (seen or started) > idle:
            audit.record("session_expired", "user", current_user.id)
            db.session.commit()
            end_session()
            if outbox.from_phone():
                return outbox.Delivery(outbox.Outcome.LOGIN, _("Your session has ended; please log in again.")
                                       ).reply()
            flash(_("Your session has ended; please log in again."), "info")
            return redirect(url_for("auth.login", next=request.path if request.method == "GET" else _form_page()))
        if prefetching() or (outbox.from_phone() and not outbox.on_screen()):
            # Not her activity, and the session cookie is left alone: a response to a background request that
            # arrives after a form's answer would otherwise overwrite that answer's message in the cookie.
            return None
        session[SESSION_SEEN] = now
        if now - session.get(SESSION_SAVED, 0) > SEEN_SAVE_SECONDS and isinstance(session.get(SESSION_ID), str):
            db.session.execute(db.update(LoginSession).where(LoginSession.id == session[SESSION_ID])
                               .values(seen_at=utcnow()))
            db.session.commit()
            session[SESSION_SAVED] = now
        return None

    @app.context_processor
    def _phone() -> dict:
        """Whether the login page wipes the phone's unsent items too (after logging out on purpose) or only the
        kept pages (a session that ended any other way: her unsent items wait for her next login)."""
        return {"wipe_all": bool(session.get(WIPE_ALL)), "prefetching": prefetching()}

    @app.before_request
    def _new_password_first():  # None or a redirect
        """An account given a one-time password (new, or reset by an admin) opens nothing but the password page
        until it has chosen its own: the one-time password was seen by someone else."""
        if not current_user.is_authenticated or not current_user.must_change_password \
                or request.endpoint in FIRST_PASSWORD_OPEN:
            return None
        if outbox.from_phone():
            return outbox.Delivery(outbox.Outcome.REFUSED, _("Please choose a new password.")).reply()
        flash(_("Please choose a new password."), "info")
        return redirect(url_for("auth.change_password"))

    @app.before_request
    def _phone_must_log_in():  # None or the JSON answer
        """An outbox item sent without a session waits on the phone for the next login (no redirect to follow)."""
        if outbox.from_phone() and not current_user.is_authenticated:
            return outbox.Delivery(outbox.Outcome.LOGIN, _("Please log in to send what is waiting.")).reply()
        return None

    @login_manager.user_loader
    def _load_user(session_id: str) -> User | None:
        user_id, _, token = session_id.partition(":")
        if not user_id.isdigit():
            return None
        user = db.session.get(User, int(user_id))
        if user is None or not user.active or not secrets.compare_digest(user.session_token, token):
            return None
        sid = session.get(SESSION_ID)
        row = db.session.get(LoginSession, sid) if isinstance(sid, str) else None
        if row is None or row.user_id != user.id or row.ended_at is not None:
            return None  # logged out on the server (or a cookie from before server-side sessions)
        return user


def _form_page() -> str | None:
    """The page a form was sent from (this site's only), to come back to after the login: its text is filled in
    again there (static/phone.js)."""
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc != request.host or not referrer.path.startswith("/"):
        return None
    return referrer.path


def require(permission: Permission) -> None:
    """Refuse the current user (403, audited) unless their account holds the permission."""
    if not has_permission(current_user, permission):
        audit.record("access_refused", permission=permission.value, path=request.path)
        db.session.commit()
        abort(403)


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
        wrapped.allowed_roles = allowed  # type: ignore[attr-defined]  # a mark on the view, read by the route-matrix test
        return wrapped
    return decorator


def safe_next(target: str | None) -> str:
    """Where a ``next`` may send the browser: a path on this site only, never an open redirect. Browsers drop
    tabs and line breaks and read a backslash as a slash ("/\t/evil" and "/\\evil" both become "//evil"), and a
    line break in a Location header is an error: any control character or backslash sends home instead."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target \
            and not any(ord(c) < 0x20 or ord(c) == 0x7F for c in target) and not urlsplit(target).netloc:
        return target
    return url_for("main.home")
