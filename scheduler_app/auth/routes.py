"""Log in, log out, change password."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user
from markupsafe import Markup

from scheduler_app import audit
from scheduler_app.auth.forms import (
    ChangePasswordForm,
    CodeForm,
    EndSessionForm,
    LoginForm,
    TwoStepOffForm,
    TwoStepOnForm,
)
from scheduler_app.auth.services import (
    KNOWN_DEVICE_DAYS,
    LOCKOUT_FAILURES,
    LOCKOUT_WINDOW,
    SESSION_ID,
    TWO_STEP_ROLES,
    WIPE_ALL,
    CurrentPassword,
    authenticate,
    begin_second_step,
    check_current_password,
    end_login_session,
    end_session,
    finish_second_step,
    known_device_token,
    new_recovery_codes,
    new_totp_secret,
    open_sessions,
    password_problem,
    pending_second_step,
    remove_two_step,
    roles_required,
    safe_next,
    say_session_ended,
    set_password,
    start_session,
    totp_matches,
    totp_qr_svg,
    totp_uri,
)
from scheduler_app.extensions import db, limiter
from scheduler_app.models import User

bp = Blueprint("auth", __name__)

# Session key (its name, not a secret) holding the secret shown while two-step login is being turned on.
SETUP_SECRET = "two_step_setup"  # noqa: S105


def _logged_in(user: User, keep: bool = False):  # a redirect
    """Start the session (after the password, or after the code too) and go where the user was going; a first
    password must be changed first."""
    start_session(user, keep=keep)
    if user.must_change_password:
        flash(_("Please choose a new password."), "info")
        response = redirect(url_for("auth.change_password"))
    else:
        response = redirect(safe_next(request.args.get("next")))
    response.set_cookie(current_app.config["PEIBAN_DEVICE_COOKIE"], known_device_token(user),
                        max_age=KNOWN_DEVICE_DAYS * 24 * 3600, httponly=True, samesite="Lax",
                        secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["PEIBAN_LOGIN_RATE"], methods=["POST"])
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
        elif user.totp_secret:
            begin_second_step(user)
            return redirect(url_for("auth.second_step", next=request.args.get("next")))
        else:
            return _logged_in(user, keep=bool(form.keep.data))
    return render_template("auth/login.html", form=form)


@bp.route("/code", methods=["GET", "POST"])
def second_step():
    """The second step of a two-step login: the code from the authenticator app."""
    user = pending_second_step()
    if user is None:
        flash(_("Please log in again."), "info")
        return redirect(url_for("auth.login"))
    form = CodeForm()
    if form.validate_on_submit():
        done = finish_second_step(user, form.code.data)
        db.session.commit()
        if done:
            return _logged_in(user)
        form.code.errors.append(_("This code is not right. Wrong codes count like wrong passwords."))
    return render_template("auth/code.html", form=form)


@bp.route("/two-step", methods=["GET", "POST"])
@roles_required(*TWO_STEP_ROLES)
def two_step():
    """Turn two-step login on (scan the QR code, type a code) or off (type the password)."""
    user = current_user._get_current_object()
    if user.totp_secret:
        form = TwoStepOffForm()
        if form.validate_on_submit():
            if check_current_password(user, form.password.data) is CurrentPassword.RIGHT:
                remove_two_step(user)
                audit.record("two_step_disabled", "user", user.id)
                db.session.commit()
                flash(_("Two-step login is off."), "success")
                return redirect(url_for("main.home"))
            form.password.errors.append(_("This is not your current password."))
        return render_template("auth/two_step.html", form=form, enabled=True)
    secret = session.get(SETUP_SECRET) or new_totp_secret()
    session[SETUP_SECRET] = secret
    form = TwoStepOnForm()
    if form.validate_on_submit():
        if check_current_password(user, form.password.data) is not CurrentPassword.RIGHT:
            form.password.errors.append(_("This is not your current password."))
        elif totp_matches(secret, form.code.data):
            user.totp_secret = secret
            session.pop(SETUP_SECRET, None)
            codes = new_recovery_codes(user)
            audit.record("two_step_enabled", "user", user.id)
            db.session.commit()
            flash(_("Two-step login is on: from now on you will be asked for a code after your password."),
                  "success")
            # Shown once, on this answer only (no redirect): the page is never stored (Cache-Control: no-store).
            return render_template("auth/recovery_codes.html", codes=codes)
        else:
            form.code.errors.append(_("This code is not right. Check the time on your phone and try again."))
    qr = Markup(totp_qr_svg(totp_uri(user, secret)))  # noqa: S704 - segno's SVG of our own link, no user text
    return render_template("auth/two_step.html", form=form, enabled=False, qr=qr,
                           secret=" ".join(secret[i:i + 4] for i in range(0, len(secret), 4)))


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """End the session."""
    audit.record("logout", "user", current_user.id)
    db.session.commit()
    end_session()
    session[WIPE_ALL] = True  # logging out on purpose wipes the phone's outbox too (see templates/base.html)
    flash(_("You have logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/sessions")
@login_required
def sessions():
    """Where I am signed in: each open session (this one marked, kept ones too), any of which I can end."""
    return render_template("auth/sessions.html", rows=open_sessions(current_user.id), form=EndSessionForm(),
                           current=session.get(SESSION_ID), end_url="auth.end_session_of_mine", user=None)


@bp.route("/sessions/<sid>/end", methods=["POST"])
@login_required
def end_session_of_mine(sid: str):
    """End one of my sessions (ending this one logs me out here)."""
    if not EndSessionForm().validate_on_submit():
        abort(400)
    say_session_ended(end_login_session(current_user.id, sid))
    return redirect(url_for("auth.sessions"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Change one's own password; other sessions of the account end."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        problem = password_problem(form.new.data, current_user.username,
                                   (current_user.organisation.name, current_user.display_name or ""))
        checked = check_current_password(current_user._get_current_object(), form.current.data)
        if checked is CurrentPassword.LOCKED:
            form.current.errors.append(_("Too many wrong tries: wait %(minutes)d minutes and try again.",
                                         minutes=int(LOCKOUT_WINDOW.total_seconds() // 60)))
        elif checked is CurrentPassword.WRONG:
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
