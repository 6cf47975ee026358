"""The roles of user accounts, apart from the models so that the permissions can name them (the models import both;
``scheduler_app.models.Role`` is this one)."""

import enum


class Role(enum.StrEnum):
    """What a user account may do."""

    ADMIN = "admin"
    MANAGER = "manager"
    COORDINATOR = "coordinator"
    VOLUNTEER = "volunteer"
