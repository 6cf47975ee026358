"""Log in, log out, change password."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from scheduler_app import audit
from scheduler_app.auth import bp
from scheduler_app.auth.forms import ChangePasswordForm, LoginForm
from scheduler_app.auth.services import (
    LOCKOUT_FAILURES,
    LOCKOUT_WINDOW,
    authenticate,
    password_problem,
    set_password,
    start_session,
    verify_password,
)
from scheduler_app.extensions import db


def _safe_next(target: str | None) -> str:
    """Only follow a same-site relative ?next= target, never an open redirect."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("main.home")


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Show the login form; on valid credentials start a session."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.username.data.strip(), form.password.data)
        db.session.commit()  # the audit event is kept whether or not the login succeeded
        if user is None:
            # One message whether the account exists, the password was wrong or the username is locked out.
            flash(_("Wrong username or password. After %(num)d wrong tries, a username must wait %(minutes)d "
                    "minutes.", num=LOCKOUT_FAILURES, minutes=LOCKOUT_WINDOW.seconds // 60), "error")
        else:
            start_session(user)
            if user.must_change_password:
                flash(_("Please choose a new password."), "info")
                return redirect(url_for("auth.change_password"))
            return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """End the session."""
    audit.record("logout", "user", current_user.id)
    db.session.commit()
    logout_user()
    flash(_("You have logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Change one's own password; other sessions of the account end."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        problem = password_problem(form.new.data, current_user.username)
        if not verify_password(current_user.password_hash, form.current.data):
            form.current.errors.append(_("This is not your current password."))
        elif problem:
            form.new.errors.append(problem)
        else:
            user = current_user._get_current_object()  # the proxy itself must not be stored by login_user
            set_password(user, form.new.data)
            user.must_change_password = False
            audit.record("password_changed", "user", user.id)
            db.session.commit()
            login_user(user)  # re-issue this session with the new token
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("main.home"))
    return render_template("auth/password.html", form=form)
