"""Account administration for admins."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from scheduler_app import audit
from scheduler_app.admin.forms import (
    NewUserForm,
    OrganisationForm,
    PermissionsForm,
    ResetPasswordForm,
    ToggleUserForm,
)
from scheduler_app.admin.services import (
    SETTINGS,
    AccountError,
    OrganisationNameError,
    SettingsConflictError,
    create_user,
    list_users,
    login_slip,
    reset_password,
    save_settings,
    set_permissions,
    toggle_active,
    unlinked_volunteers,
)
from scheduler_app.auth.forms import EndSessionForm
from scheduler_app.auth.services import (
    end_login_session,
    open_sessions,
    remove_two_step,
    roles_required,
    say_session_ended,
)
from scheduler_app.extensions import db
from scheduler_app.models import Organisation, Role, User
from scheduler_app.permissions import ALLOWED, LABELS
from scheduler_app.schooldays import known_until

bp = Blueprint("admin", __name__)


@bp.route("/users", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def users():
    """List accounts and create a new one; its first password is shown once."""
    form = NewUserForm()
    form.volunteer_id.choices = [(0, "—")] + [(v.id, f"{v.code} {v.name}")
                                             for v in unlinked_volunteers(current_user.organisation_id)]
    if form.validate_on_submit():
        try:
            user, password = create_user(current_user.organisation_id, form.username.data.strip(),
                                         Role(form.role.data), form.display_name.data or "",
                                         form.volunteer_id.data or None)
        except AccountError as exc:
            messages = {"volunteer_id": _("A volunteer account must be linked to a volunteer record."),
                        "username": _("This username or volunteer record already has an account.")}
            getattr(form, exc.field).errors.append(messages[exc.field])
        else:
            flash(_("Account %(name)s created. First password (shown once): %(password)s",
                    name=user.username, password=password), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/users.html", form=form, users=list_users(current_user.organisation_id),
                           toggle=ToggleUserForm(), reset=ResetPasswordForm())


@bp.route("/users/<int:user_id>/active", methods=["POST"])
@roles_required(Role.ADMIN)
def toggle_user(user_id: int):
    """Disable an active account or re-enable a disabled one."""
    form = ToggleUserForm()
    if not form.validate_on_submit():
        abort(400)
    if user_id == current_user.id:
        flash(_("You cannot disable your own account."), "error")
        return redirect(url_for("admin.users"))
    if toggle_active(current_user.organisation_id, user_id) is None:
        abort(404)
    flash(_("Account updated."), "success")
    return redirect(url_for("admin.users"))


@bp.route("/users/<int:user_id>/permissions", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def user_permissions(user_id: int):
    """Grant or withhold an account's permissions within its role: sensitive child data, exports, the audit log,
    approving anonymisation."""
    user = db.session.get(User, user_id)
    if user is None or user.organisation_id != current_user.organisation_id:
        abort(404)
    form = PermissionsForm(data={"permissions": list(user.permissions or [])})
    form.permissions.choices = [(p.value, LABELS[p]) for p in sorted(ALLOWED[user.role])]
    if form.validate_on_submit():
        set_permissions(current_user.organisation_id, user.id, form.permissions.data or [])
        flash(_("Permissions of %(name)s saved.", name=user.username), "success")
        return redirect(url_for("admin.users"))
    return render_template("admin/permissions.html", form=form, user=user)


@bp.route("/users/<int:user_id>/sessions")
@roles_required(Role.ADMIN)
def user_sessions(user_id: int):
    """Where an account is signed in, kept sessions included; the admin can end any of them."""
    user = db.session.get(User, user_id)
    if user is None or user.organisation_id != current_user.organisation_id:
        abort(404)
    return render_template("auth/sessions.html", rows=open_sessions(user.id), form=EndSessionForm(), current=None,
                           end_url="admin.end_user_session", user=user)


@bp.route("/users/<int:user_id>/sessions/<sid>/end", methods=["POST"])
@roles_required(Role.ADMIN)
def end_user_session(user_id: int, sid: str):
    """End one session of an account of the organisation."""
    user = db.session.get(User, user_id)
    if not EndSessionForm().validate_on_submit():
        abort(400)
    if user is None or user.organisation_id != current_user.organisation_id:
        abort(404)
    say_session_ended(end_login_session(user.id, sid))
    return redirect(url_for("admin.user_sessions", user_id=user.id))


@bp.route("/users/<int:user_id>/reset", methods=["POST"])
@roles_required(Role.ADMIN, Role.COORDINATOR)
def reset_user_password(user_id: int):
    """A forgotten password: a one-time password, changed at the next login, shown once on a printable slip.
    Admins reset any other account; coordinators their volunteers'."""
    if not ResetPasswordForm().validate_on_submit():
        abort(400)
    try:
        user, password = reset_password(current_user.organisation_id, user_id, current_user)
    except AccountError as exc:
        if exc.field == "user":
            abort(404)  # not an account of this organisation (or one's own: that is Password in the menu)
        flash(_("This password cannot be reset from your account: coordinators reset their volunteers' passwords, "
                "admins any other account of the organisation."), "error")
        return redirect(url_for("main.home"))
    slip = login_slip(user, password, request.url_root)
    return render_template("admin/slips.html", slips=[slip]), 200, {"Cache-Control": "no-store"}


@bp.route("/users/<int:user_id>/two-step/remove", methods=["POST"])
@roles_required(Role.ADMIN)
def remove_user_two_step(user_id: int):
    """A lost authenticator phone: the admin turns the account's two-step login off (audited); its owner logs
    in with the password and turns it on again with a new phone."""
    if not ResetPasswordForm().validate_on_submit():
        abort(400)
    user = db.session.get(User, user_id)
    if user is None or user.organisation_id != current_user.organisation_id:
        abort(404)
    remove_two_step(user)
    audit.record("two_step_removed", "user", user.id)
    db.session.commit()
    flash(_("Two-step login of %(name)s is off.", name=user.username), "success")
    return redirect(url_for("admin.users"))


@bp.route("/organisation", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def organisation():
    """The organisation's name and settings (visit length, travel, warnings, how long records are kept)."""
    org = db.session.get(Organisation, current_user.organisation_id)
    form = OrganisationForm(obj=org)
    if not form.is_submitted():
        form.version.data = org.version_id
    if form.validate_on_submit():
        try:
            save_settings(org.id, int(form.version.data), {key: getattr(form, key).data for key in SETTINGS})
        except SettingsConflictError:
            db.session.rollback()
            flash(_("Someone else saved the settings while you were editing; nothing was saved. Here they are "
                    "as saved now: make your changes again."), "error")
            return redirect(url_for("admin.organisation"))
        except OrganisationNameError:
            db.session.rollback()
            form.name.errors.append(_("Another organisation on this server already has this name."))
        else:
            flash(_("Settings saved."), "success")
            return redirect(url_for("admin.organisation"))
    return render_template("admin/organisation.html", form=form, known_until=known_until())
