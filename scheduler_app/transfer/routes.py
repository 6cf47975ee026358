"""Import, export and template downloads."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from scheduler_app.auth.services import require, roles_required
from scheduler_app.database import reading_first
from scheduler_app.models import Role
from scheduler_app.permissions import Permission
from scheduler_app.tabular import FORMATS, TableError, download, read_table
from scheduler_app.transfer.forms import ImportForm
from scheduler_app.transfer.services import KIND_LABELS, KINDS, export_rows, import_table, template_header

bp = Blueprint("transfer", __name__)


@bp.route("/", methods=["GET", "POST"])
@roles_required(Role.COORDINATOR, Role.MANAGER)
def index():
    """The import form (coordinators) and the download links (managers too, for their reports); a wrong file
    gets a row-by-row report and changes nothing."""
    can_import = current_user.role == Role.COORDINATOR
    if not can_import:  # a manager only downloads, and only with the export permission
        if request.method == "POST":
            abort(403)
        require(Permission.EXPORT)
    form = ImportForm()
    report = None
    if form.validate_on_submit():
        upload = form.file.data
        # Reading and checking a big file takes seconds: other people's saves must not wait for it.
        with reading_first():
            try:
                table = read_table(upload.filename or "", upload.read())
            except TableError as exc:
                form.file.errors.append(str(exc))
            else:
                report = import_table(current_user.organisation_id, form.kind.data, table, upload.filename or "",
                                      current_user)
        if report is not None and report.ok:
            flash(_("%(kind)s imported: %(created)d added, %(updated)d updated, %(unchanged)d unchanged.",
                    kind=KIND_LABELS[report.kind], created=report.created, updated=report.updated,
                    unchanged=report.unchanged), "success")
            return redirect(url_for("transfer.index"))
    status = 422 if report is not None or form.errors else 200
    return render_template("transfer/index.html", form=form, report=report, kinds=KIND_LABELS,
                           formats=FORMATS, can_import=can_import), status


@bp.route("/<kind>/export.<fmt>")
@roles_required(Role.COORDINATOR, Role.MANAGER)
def export(kind: str, fmt: str):
    """All of a kind's records as a spreadsheet in the user's language, formula-safe; needs the export
    permission, and sensitive child columns are filled only as the user's permission and each guardian's
    consent allow."""
    require(Permission.EXPORT)
    if kind not in KINDS or fmt not in FORMATS:
        abort(404)
    header, rows = export_rows(current_user.organisation_id, kind, current_user)
    return download(fmt, header, rows, str(KIND_LABELS[kind]), f"peiban-{kind}-{dt.date.today().isoformat()}")


@bp.route("/<kind>/template.<fmt>")
@roles_required(Role.COORDINATOR, Role.MANAGER)
def template(kind: str, fmt: str):
    """An empty spreadsheet with the kind's columns in the user's language."""
    if kind not in KINDS or fmt not in FORMATS:
        abort(404)
    return download(fmt, template_header(kind), [], str(KIND_LABELS[kind]), f"peiban-{kind}-template")
