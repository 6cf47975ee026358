"""Creating and disabling accounts; creating an organisation and keeping its settings."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from scheduler_app import audit
from scheduler_app.auth.services import generate_password, hash_password, link_qr_svg, new_session_token, set_password
from scheduler_app.extensions import db
from scheduler_app.models import Organisation, Role, User, Volunteer
from scheduler_app.permissions import ALLOWED
from scheduler_app.roles import SELF_SERVICE_ROLES


class AccountError(ValueError):
    """An account that cannot be created as asked; the message names the field."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def _new_account(organisation_id: int, username: str, role: Role, display_name: str,
                 volunteer_id: int | None) -> tuple[User, str]:
    """A new account (added to the session, not committed) with a random first password that must be changed at
    the first login; the account and the password."""
    password = generate_password()
    user = User(organisation_id=organisation_id, username=username, display_name=display_name, role=role,
                volunteer_id=volunteer_id, password_hash=hash_password(password), session_token=new_session_token(),
                must_change_password=True)
    db.session.add(user)
    return user, password


def create_user(organisation_id: int, username: str, role: Role, display_name: str = "",
                volunteer_id: int | None = None) -> tuple[User, str]:
    """Create an account with a random first password that must be changed; return it and the password."""
    if role in SELF_SERVICE_ROLES:
        volunteer = db.session.get(Volunteer, volunteer_id) if volunteer_id else None
        if volunteer is None or volunteer.organisation_id != organisation_id:
            raise AccountError("volunteer_id", "A volunteer account must be linked to a volunteer record.")
        # A social worker's record is where her interviews are planned from: it is marked as hers.
        volunteer.is_social_worker = volunteer.is_social_worker or role == Role.SOCIAL_WORKER
    else:
        volunteer_id = None
    user, password = _new_account(organisation_id, username, role, display_name or username, volunteer_id)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise AccountError("username", "This username or volunteer record already has an account.") from None
    audit.record("user_created", "user", user.id, organisation_id=organisation_id, role=str(role))
    db.session.commit()
    return user, password


def toggle_active(organisation_id: int, user_id: int) -> User | None:
    """Disable an active account of the organisation (ending its sessions) or re-enable a disabled one."""
    user = db.session.get(User, user_id)
    if user is None or user.organisation_id != organisation_id:
        return None
    active = not user.active
    user.active = active
    user.session_token = new_session_token()
    audit.record("user_enabled" if active else "user_disabled", "user", user.id)
    db.session.commit()
    return user


def list_users(organisation_id: int) -> list[User]:
    """The organisation's accounts by role then username."""
    stmt = db.select(User).where(User.organisation_id == organisation_id).order_by(User.role, User.username)
    return list(db.session.execute(stmt).scalars())


def unlinked_volunteers(organisation_id: int) -> list[Volunteer]:
    """Active volunteers who have no account yet."""
    linked = db.select(User.volunteer_id).where(User.volunteer_id.is_not(None))
    stmt = (db.select(Volunteer).where(Volunteer.organisation_id == organisation_id, Volunteer.active,
                                       Volunteer.id.not_in(linked)).order_by(Volunteer.code))
    return list(db.session.execute(stmt).scalars())


def set_permissions(organisation_id: int, user_id: int, granted: list[str]) -> User | None:
    """Give the account exactly these permissions (those its role does not allow are dropped); audited.
    None if the account is not the organisation's."""
    user = db.session.get(User, user_id)
    if user is None or user.organisation_id != organisation_id:
        return None
    allowed = {p.value for p in ALLOWED[user.role]}
    before = sorted(user.permissions or [])
    user.permissions = sorted(set(granted) & allowed)
    audit.record("permissions_changed", "user", user.id, before=before, after=user.permissions)
    db.session.commit()
    return user


# What an organisation's admin may change; the roster, the warnings and the retention purge read them.
SETTINGS = ("name", "visit_minutes", "speed_kmh", "road_factor", "warn_after_days", "retention_years", "time_zone",
            "reminder_at", "digest_at")


def _as_logged(value: Any) -> Any:
    """A setting as the audit log's JSON holds it (a clock time as HH:MM)."""
    return value.strftime("%H:%M") if isinstance(value, dt.time) else value


class SettingsConflictError(Exception):
    """Another admin saved the organisation's settings since this one opened them; nothing was written."""


class OrganisationNameError(ValueError):
    """Another organisation on this deployment already has the name."""


def create_organisation(name: str) -> Organisation:
    """A new organisation on this deployment, with the default settings; its first admin is made next."""
    name = name.strip()
    if not name:
        raise OrganisationNameError("An organisation needs a name.")
    taken = db.session.execute(db.select(Organisation.id).where(Organisation.name == name)).first()
    if taken is not None:
        raise OrganisationNameError(f"An organisation named {name!r} already exists.")
    organisation = Organisation(name=name)
    db.session.add(organisation)
    db.session.flush()
    audit.record("organisation_created", "organisation", organisation.id, organisation_id=organisation.id)
    return organisation


def save_settings(organisation_id: int, version: int, values: dict[str, Any]) -> Organisation:
    """Write the organisation's settings as the admin saw them at ``version``; audited with what changed.
    Raises SettingsConflictError when someone saved in between, OrganisationNameError for a taken name."""
    organisation = db.session.get_one(Organisation, organisation_id)
    if organisation.version_id != version:
        raise SettingsConflictError
    if "name" in values:
        values = {**values, "name": values["name"].strip()}
    changed = {key: (getattr(organisation, key), values[key]) for key in SETTINGS
               if key in values and getattr(organisation, key) != values[key]}
    if not changed:
        return organisation
    if "name" in changed and db.session.execute(
            db.select(Organisation.id).where(Organisation.name == values["name"],
                                             Organisation.id != organisation_id)).first() is not None:
        raise OrganisationNameError(values["name"])
    for key, (_before, after) in changed.items():
        setattr(organisation, key, after)
    audit.record("organisation_settings_changed", "organisation", organisation.id,
                 before={k: _as_logged(b) for k, (b, _a) in changed.items()},
                 after={k: _as_logged(a) for k, (_b, a) in changed.items()})
    try:
        db.session.commit()
    except StaleDataError:  # saved by someone else between the check above and this write
        db.session.rollback()
        raise SettingsConflictError from None
    return organisation


def account_of(volunteer_id: int) -> User | None:
    """The login account linked to a volunteer record, if she has one."""
    return db.session.execute(db.select(User).where(User.volunteer_id == volunteer_id)).scalar_one_or_none()


def reset_password(organisation_id: int, user_id: int, by: User) -> tuple[User, str]:
    """Give an account a one-time password it must change at the next login (its sessions end). An admin may
    reset any other account of the organisation; a coordinator only its volunteers'. Audited."""
    user = db.session.get(User, user_id)
    if user is None or user.organisation_id != organisation_id or user.id == by.id:
        raise AccountError("user", "not found")
    if by.role != Role.ADMIN and not (by.role == Role.COORDINATOR and user.role == Role.VOLUNTEER):
        raise AccountError("role", "not allowed")
    password = generate_password()
    set_password(user, password)
    user.must_change_password = True
    audit.record("password_reset", "user", user.id)
    db.session.commit()
    return user, password


@dataclass(frozen=True)
class LoginSlip:
    """What a volunteer needs to log in the first time, printed on paper: her name, username, one-time password
    and the server's address (also as a QR code for the phone's camera)."""

    name: str
    username: str
    password: str
    address: str
    qr_svg: str  # segno's SVG: paths only, the address is not in it as text


def login_slip(user: User, password: str, address: str) -> LoginSlip:
    """The slip of an account whose one-time password was just made."""
    name = user.volunteer.name if user.volunteer is not None else user.display_name
    return LoginSlip(name or user.username, user.username, password, address, link_qr_svg(address))


def volunteer_accounts(organisation_id: int) -> list[tuple[User, str]]:
    """An account for every active volunteer of the organisation who has none, all or none: her username from
    her code (with a number added when taken), a one-time password she must change at the first login. Each is
    audited. Returns the accounts with their passwords, in code order."""
    created: list[tuple[User, str]] = []
    taken: set[str] = set()

    def free(name: str) -> bool:
        return name not in taken and db.session.execute(
            db.select(User.id).where(User.username == name)).first() is None

    for volunteer in unlinked_volunteers(organisation_id):
        base = volunteer.code.lower()
        username, n = base, 1
        while not free(username):
            n += 1
            username = f"{base}-{n}"
        taken.add(username)
        created.append(_new_account(organisation_id, username, Role.VOLUNTEER, volunteer.name, volunteer.id))
    db.session.flush()
    for user, _password in created:
        audit.record("user_created", "user", user.id, organisation_id=organisation_id, role="volunteer", bulk=True)
    db.session.commit()
    return created
