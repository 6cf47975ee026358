"""Creating and disabling accounts."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from scheduler_app import audit
from scheduler_app.auth.services import generate_password, hash_password, new_session_token
from scheduler_app.extensions import db
from scheduler_app.models import Role, User, Volunteer
from scheduler_app.permissions import ALLOWED


class AccountError(ValueError):
    """An account that cannot be created as asked; the message names the field."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def create_user(organisation_id: int, username: str, role: Role, display_name: str = "",
                volunteer_id: int | None = None) -> tuple[User, str]:
    """Create an account with a random first password that must be changed; return it and the password."""
    if role == Role.VOLUNTEER:
        volunteer = db.session.get(Volunteer, volunteer_id) if volunteer_id else None
        if volunteer is None or volunteer.organisation_id != organisation_id:
            raise AccountError("volunteer_id", "A volunteer account must be linked to a volunteer record.")
    else:
        volunteer_id = None
    password = generate_password()
    user = User(organisation_id=organisation_id, username=username, display_name=display_name or username,
                role=role, volunteer_id=volunteer_id, password_hash=hash_password(password),
                session_token=new_session_token(), must_change_password=True)
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise AccountError("username", "This username or volunteer record already has an account.") from None
    audit.record("user_created", "user", user.id, role=str(role))
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
