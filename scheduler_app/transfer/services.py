"""Spreadsheet import and export of villages, sites, volunteers and children: all rows or none."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import inspect
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from scheduler_app import audit
from scheduler_app.extensions import db
from scheduler_app.permissions import Permission
from scheduler_app.permissions import has as has_permission
from scheduler_app.privacy.services import SENSITIVE_CHILD_FIELDS, hidden_child_fields
from scheduler_app.records.children import CHILD
from scheduler_app.records.editing import changed_values, write
from scheduler_app.records.fields import Date, Lookups, RecordSpec
from scheduler_app.records.places import SITE, VILLAGE
from scheduler_app.records.volunteers import VOLUNTEER
from scheduler_app.tabular import Table

# In the order a new organisation imports them: each kind refers only to kinds before it.
KINDS: dict[str, RecordSpec] = {"villages": VILLAGE, "sites": SITE, "volunteers": VOLUNTEER, "children": CHILD}
KIND_LABELS = {"villages": _l("Villages"), "sites": _l("Sites"), "volunteers": _l("Volunteers"),
               "children": _l("Children")}
MAX_ERRORS_SHOWN = 200  # a file broken on every row says so in a page that still loads


@dataclass(frozen=True)
class RowError:
    """Why one cell (or the whole row, or the header when ``row`` is 1) cannot be imported."""

    row: int
    column: str
    reason: str
    record: str = ""  # the row's code (or village name), so the coordinator finds it by name too


@dataclass
class ImportReport:
    """What an import did, or why it did nothing."""

    kind: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the file was imported."""
        return not self.errors


def _key(spec: RecordSpec, values: dict[str, Any]) -> tuple:
    return tuple((values.get(k) or "") for k in spec.natural_key)


def _existing(spec: RecordSpec, organisation_id: int) -> dict[tuple, Any]:
    # Load the weekly intervals with their records: one query per collection, not one per record.
    collections = [selectinload(getattr(spec.model, r.key)) for r in inspect(spec.model).relationships if r.uselist]
    records = db.session.execute(db.select(spec.model).where(spec.model.organisation_id == organisation_id)
                                 .options(*collections)).scalars()
    return {_key(spec, spec.read(r)): r for r in records}


def _columns(spec: RecordSpec, header: list[str], report: ImportReport) -> dict[int, str]:
    """Map each column position to a field key; unknown and repeated columns are errors, and so is a missing
    natural key (rows could not be matched). Other required columns are only needed for new records, and
    a new record without one is reported on its row."""
    by_header = {name: f.key for f in spec.fields for name in f.headers()}
    columns: dict[int, str] = {}
    unknown = []
    for position, name in enumerate(header):
        if not name:
            continue
        key = by_header.get(name.strip().lower())
        if key is None:
            unknown.append(name)
            report.errors.append(RowError(1, name, _("unknown column")))
        elif key in columns.values():
            report.errors.append(RowError(1, name, _("this column appears twice")))
        else:
            columns[position] = key
    for f in spec.fields:
        if f.key in spec.natural_key and f.key not in columns.values():
            report.errors.append(RowError(1, str(f.label), _("a required column is missing")))
    if unknown:  # the list of columns once, not with every unknown one (a file of another kind has many)
        names = _(", ").join(str(f.label) for f in spec.fields)
        kind = KIND_LABELS[next(k for k, known in KINDS.items() if known is spec)]
        report.errors.append(RowError(1, "", _("this file has none of the columns of the %(kind)s file: is it the "
                                               "right kind of file? They are: %(names)s", kind=kind, names=names)
                                      if not columns else
                                      _("the columns of the %(kind)s file are: %(names)s", kind=kind, names=names)))
    return columns


def import_table(organisation_id: int, kind: str, table: Table, filename: str = "", user: Any = None
                 ) -> ImportReport:
    """Import every row of a sheet, or none: each row is read and checked first; if any row is wrong, the
    report lists row, column and reason and nothing is written. Rows are matched to existing records by
    their natural key (code; township and name for villages), so importing the same file twice changes
    nothing the second time. Columns left out of the file keep their current values, and so do a child's
    sensitive cells left empty where the user's export left them empty (no permission or no consent)."""
    spec = KINDS[kind]
    report = ImportReport(kind=kind, rows=len(table.rows))
    columns = _columns(spec, table.header, report)
    if report.errors:
        return report
    lookups = Lookups.load(organisation_id)
    existing = _existing(spec, organisation_id)
    hidden = hidden_child_fields(user, [r.id for r in existing.values()]) if spec is CHILD else {}
    # Without the sensitive-data permission a file may not write what the edit page would refuse to show.
    forbidden = {f for fields in SENSITIVE_CHILD_FIELDS.values() for f in fields} \
        if spec is CHILD and user is not None and not has_permission(user, Permission.CHILD_SENSITIVE) else set()
    planned: list[tuple[Any, dict[str, Any]]] = []
    seen: dict[tuple, int] = {}
    labels = {f.key: str(f.label) for f in spec.fields}
    key_positions = [p for p, k in columns.items() if k in spec.natural_key]
    for number, cells in table.rows:
        parsed: dict[str, Any] = {}
        record_name = "/".join(cells[p] for p in key_positions if p < len(cells) and cells[p])
        for position, key in columns.items():
            text = cells[position] if position < len(cells) else ""
            try:
                parsed[key] = spec.field(key).kind.parse(text, lookups)
            except ValueError as exc:
                report.errors.append(RowError(number, labels[key], str(exc), record_name))
        if len(parsed) < len(columns):
            continue
        natural = _key(spec, parsed)
        record = existing.get(natural)
        stored = spec.read(record) if record is not None else spec.new_values()
        values = {**stored, **parsed}
        for field_key in hidden.get(record.id, set()) if record is not None else ():
            if values.get(field_key) in (None, ""):
                values[field_key] = stored[field_key]
        for field_key in [k for k in columns.values() if k in forbidden]:  # in the file's order
            if values[field_key] not in (None, "") and values[field_key] != stored[field_key]:
                report.errors.append(RowError(number, labels[field_key], _(
                    "sensitive data: your account may not change it (ask for the sensitive-data permission)"),
                    record_name))
        if natural in seen:
            report.errors.append(RowError(number, labels[spec.natural_key[-1]],
                                          _("the same record is already on row %(row)d", row=seen[natural]),
                                          record_name))
            continue
        seen[natural] = number
        for field_key, reason in spec.check(values, lookups).items():
            report.errors.append(RowError(number, labels[field_key], reason, record_name))
        planned.append((record, values))
    if report.errors:
        del report.errors[MAX_ERRORS_SHOWN:]
        return report
    try:  # a record changed, or one with the same key added, since the file was checked: nothing is written
        for record, values in planned:
            changes = changed_values(spec, record, values)
            if not changes:
                report.unchanged += 1
                continue
            write(spec, organisation_id, record, changes, lookups)
            if record is None:
                report.created += 1
            else:
                report.updated += 1
        audit.record("import", spec.name, None, file=filename, rows=report.rows, created=report.created,
                     updated=report.updated, unchanged=report.unchanged)
        db.session.commit()
    except (StaleDataError, IntegrityError):
        db.session.rollback()
        report.created = report.updated = report.unchanged = 0
        report.errors.append(RowError(0, "", _("someone changed these records while the file was being "
                                               "imported; nothing was imported, please import it again")))
    return report


def export_rows(organisation_id: int, kind: str, user: Any = None, *, operator: bool = False
                ) -> tuple[list[str], list[list[Any]]]:
    """The kind's records as a header in the user's language and one row per record, by natural key;
    a child's sensitive cells stay empty unless the user may read them (``operator``: a command run on the
    server, which hides nothing); the export is audited."""
    spec = KINDS[kind]
    lookups = Lookups.load(organisation_id)
    records = sorted(_existing(spec, organisation_id).items(), key=lambda item: item[0])
    hidden = hidden_child_fields(user, [r.id for _, r in records]) if spec is CHILD and not operator else {}
    rows = []
    for _record_key, record in records:
        cells = spec.format(spec.read(record), lookups)
        blank = hidden.get(record.id, set())
        # Dates go out as dates, so Excel shows and sorts them as dates (a date written as text is edited as
        # text, and "2015/10/9" does not come back as it went out).
        rows.append(["" if f.key in blank else
                     dt.date.fromisoformat(cells[f.key]) if isinstance(f.kind, Date) and cells[f.key] else cells[f.key]
                     for f in spec.fields])
    audit.record("export", spec.name, None, rows=len(rows))
    db.session.commit()
    return template_header(kind), rows


def template_header(kind: str) -> list[str]:
    """The columns of a kind's spreadsheet, labelled in the user's language."""
    return [str(f.label) for f in KINDS[kind].fields]
