"""Flask extensions, created unbound here and bound to an app in ``create_app``."""

from typing import TYPE_CHECKING

from flask import Flask, current_app
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Named constraints let Alembic's batch mode rebuild SQLite tables reliably.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base for every Peiban model."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
# The models' base class. ``db.Model`` is made at run time from ``Base`` (adding Flask-SQLAlchemy's table names
# and query property), and mypy cannot take an attribute of an instance as a base class (python/mypy#8603): it
# checks the models against ``Base``, whose mapping and typing ``db.Model`` shares.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model
migrate = Migrate(render_as_batch=True, compare_type=True)
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
# Throttles by address (behind a reverse proxy, PEIBAN_PROXY_HOPS makes the address the client's); its storage
# is Redis when REDIS_URL is set, so every server process counts together, else this process's memory.
limiter = Limiter(get_remote_address, default_limits=[])


def this_app() -> Flask:
    """The app of the current context itself, not its proxy: for a thread, a job or a login that outlives it."""
    return current_app._get_current_object()  # type: ignore[attr-defined]  # werkzeug's proxy method
