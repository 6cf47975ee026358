"""The warning list: scanned when opened; acknowledge or resolve each warning."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from scheduler_app.auth.services import roles_required
from scheduler_app.earlywarning.forms import HandleForm
from scheduler_app.earlywarning.services import (
    HIGH_RISK,
    KINDS,
    WarningChangedError,
    counts_by_kind,
    find_warning,
    handle,
    scan,
    warning_board,
    warning_list,
)
from scheduler_app.extensions import db
from scheduler_app.models import Organisation, Role

bp = Blueprint("earlywarning", __name__)


@bp.route("/")
@roles_required(Role.MANAGER, Role.COORDINATOR)
def index():
    """Bring the warnings up to date, then list them (or the resolved ones)."""
    scan(current_user.organisation_id)
    resolved = request.args.get("resolved") == "1"
    kind = request.args.get("kind") if request.args.get("kind") in KINDS else None
    org = db.session.get(Organisation, current_user.organisation_id)
    board = None if resolved or kind else warning_board(current_user.organisation_id)
    return render_template("earlywarning/index.html", board=board, high_risk=HIGH_RISK,
                           warnings=[] if board else warning_list(current_user.organisation_id, resolved, kind),
                           kind=kind,
                           counts=counts_by_kind(current_user.organisation_id), resolved=resolved, kinds=KINDS,
                           form=HandleForm(), org=org)


@bp.route("/<int:warning_id>", methods=["POST"])
@roles_required(Role.MANAGER, Role.COORDINATOR)
def handle_warning(warning_id: int):
    """Acknowledge the warning, or resolve it with a note."""
    warning = find_warning(current_user.organisation_id, warning_id)
    if warning is None:
        abort(404)
    form = HandleForm()
    if not form.validate_on_submit() or not (form.version.data or "").isdigit():
        flash(_("The form could not be accepted; try again."), "error")
        return redirect(url_for("earlywarning.index"))
    if form.resolve.data and not (form.note.data or "").strip():
        flash(_("Say in the note what was done before resolving the warning."), "error")
        return redirect(url_for("earlywarning.index") + f"#warning-{warning.id}")
    try:
        handle(warning, current_user, int(form.version.data), resolve=bool(form.resolve.data),
               note=form.note.data or "")
    except WarningChangedError:
        flash(_("Someone else handled this warning meanwhile; here is the list as it is now."), "error")
    else:
        flash(_("Warning resolved.") if form.resolve.data else _("Warning acknowledged."), "success")
    return redirect(url_for("earlywarning.index"))
