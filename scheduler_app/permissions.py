"""What an account may do beyond its role's pages: sensitive child fields, exports, the audit log, erasure."""

from __future__ import annotations

import enum
from typing import Any

from flask_babel import lazy_gettext as _l

from scheduler_app.roles import Role


class Permission(enum.StrEnum):
    """A right an admin grants or withholds per account, within what the account's role allows."""

    # Guardian's phone, exact home point, background and well-being observations (PIPL sensitive data).
    CHILD_SENSITIVE = "child_sensitive"
    # Downloading spreadsheets, reports and a child's data: files leave the server's protection.
    EXPORT = "export"
    # Searching the audit log: it shows who looked at which child.
    AUDIT = "audit"
    # Approving another person's request to anonymise a child's record.
    ERASURE = "erasure"


LABELS = {
    Permission.CHILD_SENSITIVE: _l("Sensitive child data (guardian's phone, home point, background, observations)"),
    Permission.EXPORT: _l("Export files with personal data"),
    Permission.AUDIT: _l("Search the audit log"),
    Permission.ERASURE: _l("Approve anonymising a child's record"),
}

# What each role may be given at most. Basic child fields (name, village, school, needs) come with the
# coordinator and manager roles themselves; volunteers see only what a visit needs, whatever is granted.
ALLOWED: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset({Permission.AUDIT}),
    Role.MANAGER: frozenset(Permission),
    Role.COORDINATOR: frozenset({Permission.CHILD_SENSITIVE, Permission.EXPORT}),
    Role.VOLUNTEER: frozenset(),
    # A social worker reads the sensitive data of the children whose case she holds (and no other child's).
    Role.SOCIAL_WORKER: frozenset({Permission.CHILD_SENSITIVE}),
}


def has(user: Any, permission: Permission) -> bool:
    """The account holds the permission and its role allows it (a stored grant beyond the role counts for nothing)."""
    role = getattr(user, "role", None)
    if role is None or not getattr(user, "is_authenticated", False):
        return False
    return permission.value in (user.permissions or []) and permission in ALLOWED[Role(role)]


def defaults_for(role: Role) -> list[str]:
    """The permissions a new account of this role starts with, as stored: all its role allows (an admin then
    withholds what a person's work does not need)."""
    return sorted(p.value for p in ALLOWED[role])
