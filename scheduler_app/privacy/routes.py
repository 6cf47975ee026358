"""Consent and rights pages: a child's consents, data download and anonymisation request; managers' decisions."""

from __future__ import annotations

import datetime as dt
import json

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from scheduler_app.auth.services import require, roles_required
from scheduler_app.children.services import open_child
from scheduler_app.extensions import db
from scheduler_app.models import GuardianConsent, Role
from scheduler_app.permissions import Permission
from scheduler_app.permissions import has as has_permission
from scheduler_app.privacy.forms import ConsentForm, DecideForm, ErasureForm, WithdrawForm
from scheduler_app.privacy.services import (
    CATEGORIES,
    METHODS,
    PrivacyError,
    child_consents,
    child_data,
    decide_erasure,
    is_anonymised,
    pending_erasure,
    record_consent,
    request_erasure,
    waiting_erasures,
    withdraw_consent,
)

bp = Blueprint("privacy", __name__)


def _page(child, form: ConsentForm | None = None, erasure_form: ErasureForm | None = None):
    """The consent and rights page of a child."""
    return render_template("privacy/child.html", child=child, consents=child_consents(child),
                           form=form or ConsentForm(formdata=None, given_on=dt.date.today()),
                           withdraw=WithdrawForm(formdata=None, withdrawn_on=dt.date.today()),
                           erasure_form=erasure_form or ErasureForm(formdata=None), pending=pending_erasure(child),
                           anonymised=is_anonymised(child), methods=METHODS, categories=CATEGORIES,
                           may_export=has_permission(current_user, Permission.EXPORT)
                           and has_permission(current_user, Permission.CHILD_SENSITIVE))


@bp.route("/children/<int:child_id>", methods=["GET", "POST"])
@roles_required(Role.COORDINATOR, Role.MANAGER)
def child_rights(child_id: int):
    """A child's guardian consents (record a new one here) and the requests a guardian may make."""
    child = open_child(current_user.organisation_id, child_id)
    if child is None:
        abort(404)
    form = ConsentForm()
    if request.method == "GET":
        form.given_on.data = dt.date.today()
    if form.validate_on_submit():
        record_consent(child, form.given_by.data.strip(), form.relationship.data.strip(), form.given_on.data,
                       form.method.data, form.categories.data, current_user, note=(form.note.data or "").strip())
        flash(_("Consent recorded."), "success")
        return redirect(url_for("privacy.child_rights", child_id=child.id))
    return _page(child, form=form)


@bp.route("/consents/<int:consent_id>/withdraw", methods=["POST"])
@roles_required(Role.COORDINATOR, Role.MANAGER)
def withdraw(consent_id: int):
    """Record that a guardian withdrew a consent; what it covered is hidden from then on."""
    form = WithdrawForm()
    consent = db.session.get(GuardianConsent, consent_id)
    if consent is None or consent.child.organisation_id != current_user.organisation_id:
        abort(404)
    if not form.validate_on_submit():
        flash(_("Give the day the consent was withdrawn, not in the future."), "error")
    else:
        try:
            withdraw_consent(current_user.organisation_id, consent_id, form.withdrawn_on.data)
        except PrivacyError:
            flash(_("This consent cannot be withdrawn on that day: it was already withdrawn, or given later."),
                  "error")
        else:
            flash(_("Consent withdrawn."), "success")
    return redirect(url_for("privacy.child_rights", child_id=consent.child_id))


@bp.route("/children/<int:child_id>/data")
@roles_required(Role.COORDINATOR, Role.MANAGER)
def child_data_download(child_id: int):
    """Everything held about the child as a JSON file, for a guardian's request; needs the export and the
    sensitive-data permissions."""
    require(Permission.EXPORT)
    require(Permission.CHILD_SENSITIVE)
    child = open_child(current_user.organisation_id, child_id)
    if child is None:
        abort(404)
    body = json.dumps(child_data(child), ensure_ascii=False, indent=2)
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": f"attachment; filename=child-{child.id}-data.json"})


@bp.route("/children/<int:child_id>/erasure", methods=["POST"])
@roles_required(Role.COORDINATOR, Role.MANAGER)
def ask_erasure(child_id: int):
    """Ask for the child's record to be anonymised; a manager other than the asker decides."""
    child = open_child(current_user.organisation_id, child_id)
    if child is None:
        abort(404)
    form = ErasureForm()
    if not form.validate_on_submit():
        return _page(child, erasure_form=form), 422
    try:
        request_erasure(child, form.reason.data.strip(), current_user)
    except PrivacyError:
        flash(_("This child's record is already anonymised or waits for a decision."), "error")
    else:
        flash(_("Request sent. A manager other than you must approve it."), "success")
    return redirect(url_for("privacy.child_rights", child_id=child.id))


@bp.route("/erasures")
@roles_required(Role.MANAGER)
def erasures():
    """Anonymisation requests waiting for a decision."""
    return render_template("privacy/erasures.html", requests=waiting_erasures(current_user.organisation_id),
                           decide=DecideForm(), may_decide=has_permission(current_user, Permission.ERASURE))


@bp.route("/erasures/<int:request_id>", methods=["POST"])
@roles_required(Role.MANAGER)
def decide(request_id: int):
    """Approve (the child is anonymised at once) or refuse a request; not one's own."""
    require(Permission.ERASURE)
    form = DecideForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        request = decide_erasure(current_user.organisation_id, request_id, bool(form.approve.data), current_user)
    except PrivacyError:
        flash(_("You cannot decide this request: it was decided already, or you made it."), "error")
        return redirect(url_for("privacy.erasures"))
    if request is None:
        abort(404)
    flash(_("The child's record was anonymised.") if form.approve.data else _("Request refused."), "success")
    return redirect(url_for("privacy.erasures"))
