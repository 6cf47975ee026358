"""Peiban web app: the factory that builds a configured Flask application."""

from __future__ import annotations

import contextlib
from pathlib import Path

from flask import Flask, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import OperationalError
from werkzeug.middleware.proxy_fix import ProxyFix

from scheduler_app import cli, i18n, inputs
from scheduler_app.admin.routes import bp as admin_bp
from scheduler_app.auditlog.routes import bp as auditlog_bp
from scheduler_app.auth.routes import bp as auth_bp
from scheduler_app.auth.services import init_login
from scheduler_app.calendar.routes import bp as calendar_bp
from scheduler_app.calls.routes import bp as calls_bp
from scheduler_app.cases.alerts import unread_count as unread_case_alerts
from scheduler_app.cases.routes import bp as cases_bp
from scheduler_app.children.routes import bp as children_bp
from scheduler_app.config import load_config
from scheduler_app.database import configure_sqlite
from scheduler_app.diaries.routes import bp as diaries_bp
from scheduler_app.earlywarning.routes import bp as earlywarning_bp
from scheduler_app.earlywarning.services import open_count
from scheduler_app.extensions import csrf, db, limiter, migrate
from scheduler_app.main.routes import bp as main_bp
from scheduler_app.me.routes import bp as me_bp
from scheduler_app.messages.jobs import init_app as init_message_jobs
from scheduler_app.messages.routes import bp as messages_bp
from scheduler_app.models import Role
from scheduler_app.operations import init_app as init_operations
from scheduler_app.operations.routes import bp as operations_bp
from scheduler_app.permissions import Permission
from scheduler_app.permissions import has as has_permission
from scheduler_app.places.routes import bp as places_bp
from scheduler_app.privacy.routes import bp as privacy_bp
from scheduler_app.programmes.routes import bp as programmes_bp
from scheduler_app.reports.routes import bp as reports_bp
from scheduler_app.roles import SELF_SERVICE_ROLES
from scheduler_app.rosters.routes import bp as rosters_bp
from scheduler_app.schoolyear.routes import bp as schoolyear_bp
from scheduler_app.transfer.routes import bp as transfer_bp
from scheduler_app.volunteers.routes import bp as volunteers_bp

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict | None = None) -> Flask:
    """Build the app: load config, bind extensions, register blueprints and CLI commands."""
    app = Flask(__name__, instance_relative_config=True,
                template_folder=str(PROJECT_ROOT / "templates"),
                static_folder=str(PROJECT_ROOT / "static"))
    instance_path = Path(app.instance_path)
    instance_path.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(PermissionError):  # the database, its backups and the secret key live here
        instance_path.chmod(0o700)
    app.config.update(load_config(instance_path, config))
    # First of the request hooks: every request gets its id and clock, even one a later hook answers early.
    init_operations(app)
    inputs.init_app(app)

    if app.config["PEIBAN_PROXY_HOPS"]:
        hops = app.config["PEIBAN_PROXY_HOPS"]
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]  # Flask's documented way to wrap the WSGI app
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    init_login(app)
    i18n.init_app(app)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        with app.app_context():
            configure_sqlite(db.engine, app.config["SQLITE_BUSY_TIMEOUT_MS"])

    app.register_blueprint(main_bp)
    app.register_blueprint(operations_bp)
    app.register_blueprint(auth_bp, url_prefix="/auth")
    app.register_blueprint(children_bp, url_prefix="/children")
    app.register_blueprint(me_bp, url_prefix="/me")
    app.register_blueprint(rosters_bp, url_prefix="/rosters")
    app.register_blueprint(volunteers_bp, url_prefix="/volunteers")
    app.register_blueprint(places_bp, url_prefix="/places")
    app.register_blueprint(transfer_bp, url_prefix="/data")
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(calendar_bp, url_prefix="/calendar")
    app.register_blueprint(diaries_bp, url_prefix="/diaries")
    app.register_blueprint(calls_bp, url_prefix="/calls")
    app.register_blueprint(earlywarning_bp, url_prefix="/warnings")
    app.register_blueprint(reports_bp, url_prefix="/reports")
    app.register_blueprint(privacy_bp, url_prefix="/privacy")
    app.register_blueprint(auditlog_bp, url_prefix="/audit")
    app.register_blueprint(messages_bp, url_prefix="/messages")
    app.register_blueprint(cases_bp, url_prefix="/cases")
    app.register_blueprint(schoolyear_bp, url_prefix="/school-year")
    app.register_blueprint(programmes_bp, url_prefix="/programmes")
    init_message_jobs(app)
    cli.register(app)
    _register_headers(app)
    _register_errors(app)
    _register_badges(app)
    return app


def _register_badges(app: Flask) -> None:
    """The menu's count of open warnings, for the people who act on them, and what the account may open."""
    @app.context_processor
    def badges() -> dict:
        if getattr(current_user, "is_authenticated", False) and current_user.role in (Role.MANAGER,
                                                                                      Role.COORDINATOR):
            return {"open_warnings": open_count(current_user.organisation_id),
                    "case_alerts": unread_case_alerts(current_user)}
        return {"open_warnings": 0, "case_alerts": 0}

    @app.context_processor
    def permissions() -> dict:
        def may(name: str) -> bool:
            """Whether the current account holds the named permission (for menus; routes check again)."""
            return has_permission(current_user, Permission(name))
        # The roles with the volunteer's own pages: their menu links them, and their phone keeps them offline.
        self_service = getattr(current_user, "role", None) in SELF_SERVICE_ROLES
        return {"may": may, "self_service": self_service}


def _register_headers(app: Flask) -> None:
    """Baseline security headers; pages never embed inline script, so a strict CSP holds."""
    @app.after_request
    def _headers(response):
        if request.endpoint != "static":
            # Pages and downloads may hold children's data: no browser or proxy may keep a copy.
            response.headers.setdefault("Cache-Control", "no-store")
        if request.is_secure and app.config["PEIBAN_HSTS_SECONDS"]:
            response.headers.setdefault("Strict-Transport-Security",
                                        f"max-age={app.config['PEIBAN_HSTS_SECONDS']}")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "frame-ancestors 'none'; form-action 'self'; base-uri 'self'")
        return response


def _register_errors(app: Flask) -> None:
    """Generic, translated error pages that reveal nothing about the request or the data."""
    pages = {
        400: (lambda: _("Bad request"), lambda: _("The form could not be accepted. Please go back and try again.")),
        403: (lambda: _("Not allowed"), lambda: _("Your account may not open this page.")),
        404: (lambda: _("Not found"), lambda: _("There is no such page.")),
        413: (lambda: _("Too large"), lambda: _("The uploaded file is too large.")),
        429: (lambda: _("Too many tries"), lambda: _("Too many tries from this address. Wait a few minutes, then "
                                                     "try again.")),
        500: (lambda: _("Something went wrong"), lambda: _("The error has been logged. Nothing was saved.")),
        503: (lambda: _("Busy"), lambda: _("The database was busy with someone else's long change and could not "
                                            "save yours in time. Nothing was saved: go back and try again.")),
    }

    def handler(code: int):
        def handle(_error):
            if code == 500:
                db.session.rollback()
            title, message = pages[code]
            return render_template("errors/error.html", title=title(), message=message()), code
        return handle

    for code in pages:
        app.register_error_handler(code, handler(code))

    def database_error(error: OperationalError):
        # SQLite's "database is locked": a write waited for the one write lock past the busy timeout.
        db.session.rollback()
        if "database is locked" not in str(error.orig):
            app.logger.exception("database error", exc_info=error)
            return handler(500)(error)
        response = handler(503)(error)
        return response[0], 503, {"Retry-After": "5"}

    app.register_error_handler(OperationalError, database_error)
