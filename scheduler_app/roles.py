"""The roles of user accounts, apart from the models so that the permissions can name them (the models import both;
``scheduler_app.models.Role`` is this one)."""

import enum


class Role(enum.StrEnum):
    """What a user account may do."""

    ADMIN = "admin"
    MANAGER = "manager"
    COORDINATOR = "coordinator"
    VOLUNTEER = "volunteer"
    # The organisation's professional social workers: their account is linked to their volunteer record (the
    # availability, home and limits their family interviews are planned from), marked ``is_social_worker``.
    SOCIAL_WORKER = "social_worker"


# The roles whose account is linked to a volunteer record (the schema's ``volunteer_linked`` check says the same):
# they serve in the published week themselves, so the volunteer's own pages (scheduler_app.me) are theirs too,
# acting on that record only.
SELF_SERVICE_ROLES = frozenset({Role.VOLUNTEER, Role.SOCIAL_WORKER})
