"""The edit page every record shares: show, validate, save or explain a conflict, then go back to the record."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from flask import abort, flash, redirect, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from scheduler_app.records import editing, forms
from scheduler_app.records.fields import Lookups, RecordInvalidError, RecordSpec


def show(form: forms.RecordForm, spec: RecordSpec, record: Any, lookups: Lookups) -> None:
    """Fill a record's form (a new record's when ``record`` is None) with the version and snapshot it shows."""
    values = spec.read(record) if record is not None else spec.new_values()
    forms.fill(form, spec, values)
    form.version.data = str(record.version_id) if record is not None else ""
    form.snapshot.data = editing.snapshot(spec, values, lookups)


def entered(form: forms.RecordForm, spec: RecordSpec) -> tuple[dict[str, Any], int | None]:
    """The values the user entered and the version the form was opened at; RecordInvalidError when a row
    of weekly intervals cannot be read."""
    values, row_errors = forms.read(form, spec)
    if row_errors:
        raise RecordInvalidError(row_errors)
    return values, int(form.version.data) if (form.version.data or "").isdigit() else None


def edit_record(spec: RecordSpec, record_id: int | None, *, sections: Sequence[tuple[Any, tuple[str, ...]]],
                title: str, done: Callable[[Any], str], cancel: str):
    """GET shows the form (a new record when ``record_id`` is None); POST saves it and redirects to ``done``.

    A POST whose record was saved by someone else since the form was opened is not written: the form
    comes back with the other person's changes taken in where the user left a field alone, the user's
    entries where they changed it, and a list of what the other person changed (clashes marked), so
    saving again is a deliberate choice that loses nobody's work silently.
    """
    organisation_id = current_user.organisation_id
    record = editing.find(spec, organisation_id, record_id) if record_id is not None else None
    if record_id is not None and record is None:
        abort(404)
    form = forms.record_form(spec)()
    lookups = Lookups.load(organisation_id)
    conflict = None
    status = 200
    if request.method == "GET":
        show(form, spec, record, lookups)
    forms.set_choices(form, spec, lookups)
    if request.method == "POST":
        status = 422
        if form.validate_on_submit():
            try:
                values, version = entered(form, spec)
                saved, changed = editing.save(spec, organisation_id, record_id, values, version=version,
                                              token=form.snapshot.data)
            except RecordInvalidError as exc:
                for key, message in exc.errors.items():
                    form[key].errors = [*form[key].errors, message]
                flash(_("Nothing was saved: please correct the fields marked below."), "error")
            except editing.EditConflictError as exc:
                conflict = exc.changes
                forms.fill(form, spec, exc.merged)
                forms.set_choices(form, spec, lookups)
                form.version.data, form.snapshot.data = str(exc.version), exc.snapshot
                status = 409
                flash(_("Someone else saved this record while you were editing it. Nothing was saved; their changes "
                        "are listed below and taken into the form where you had not changed the field. "
                        "Check, then save again."), "error")
            else:
                flash(_("Saved.") if changed else _("No changes to save."), "success")
                return redirect(done(saved))
    return render_template("records/edit.html", form=form, sections=sections, title=title, conflict=conflict,
                           cancel=cancel, record=record), status, {"Cache-Control": "no-store"}
