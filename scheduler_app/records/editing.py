"""Saving a record from a form: validate, detect a concurrent edit, write only what changed, audit it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.orm.exc import StaleDataError

from scheduler_app import audit
from scheduler_app.database import owned
from scheduler_app.extensions import db
from scheduler_app.models import utcnow
from scheduler_app.records.fields import Lookups, RecordInvalidError, RecordSpec


@dataclass(frozen=True)
class Change:
    """One field another user changed while this user was editing: as it was, as it is now, this user's
    entry, and whether this user changed it too (a clash to settle by hand)."""

    label: str
    before: Any
    now: Any
    yours: Any
    clash: bool


class EditConflictError(Exception):
    """Someone else saved the record since this user opened it; nothing was written.

    ``merged`` holds the values to show again: the other person's value where this user left a field
    as it was, this user's entry where they changed it.
    """

    def __init__(self, changes: list[Change], merged: dict[str, Any], version: int, snapshot: str) -> None:
        super().__init__(", ".join(c.label for c in changes))
        self.changes, self.merged, self.version, self.snapshot = changes, merged, version, snapshot


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="peiban-record-snapshot")


def snapshot(spec: RecordSpec, values: dict[str, Any], lookups: Lookups) -> str:
    """A signed copy of the record as the form showed it, so a conflict can say what someone else changed."""
    return _serializer().dumps(spec.format(values, lookups))


def find(spec: RecordSpec, organisation_id: int, record_id: int) -> Any:
    """One of the organisation's records, or None (someone else's id is treated as missing)."""
    return owned(spec.model, organisation_id, record_id)


def duplicate_key(spec: RecordSpec, organisation_id: int, values: dict[str, Any], record_id: int | None) -> bool:
    """True when another record of the organisation already has these natural-key values."""
    stmt = db.select(spec.model.id).where(spec.model.organisation_id == organisation_id,
                                          *(getattr(spec.model, k) == (values.get(k) or spec.field(k).kind.empty)
                                            for k in spec.natural_key))
    if record_id is not None:
        stmt = stmt.where(spec.model.id != record_id)
    return db.session.execute(stmt.limit(1)).first() is not None


def changed_values(spec: RecordSpec, record: Any, values: dict[str, Any]) -> dict[str, Any]:
    """The values that differ from the record (all given values for a new record)."""
    before = spec.read(record) if record is not None else {}
    return {f.key: values.get(f.key, f.kind.empty) for f in spec.fields
            if record is None or values.get(f.key, f.kind.empty) != before[f.key]}


def write(spec: RecordSpec, organisation_id: int, record: Any, changes: dict[str, Any], lookups: Lookups) -> Any:
    """Apply changes to a record (a new one when ``record`` is None) in the current transaction."""
    if record is None:
        record = spec.model(organisation_id=organisation_id)
        db.session.add(record)
    spec.apply(record, changes, lookups)
    # Touching the row makes its version advance even when only child rows (windows, sessions) changed.
    record.updated_at = utcnow()
    return record


def save(spec: RecordSpec, organisation_id: int, record_id: int | None, values: dict[str, Any], *,
         version: int | None = None, token: str | None = None) -> tuple[Any, list[str]]:
    """Validate and save a record from a form; returns it and the keys that changed.

    Raises ``RecordInvalidError`` with an error per field, or ``EditConflictError`` when the record was saved by
    someone else after ``version``, or no version was given for an existing record (what differs is listed); in
    both cases nothing is written.
    """
    lookups = Lookups.load(organisation_id)
    record = find(spec, organisation_id, record_id) if record_id is not None else None
    if record_id is not None and record is None:
        raise LookupError(record_id)
    # An existing record saved without the version its form showed is a conflict too: nothing says the user
    # saw what is saved now (a form from an old page, a hand-made request).
    if record is not None and (version is None or record.version_id != version):
        raise _conflict(spec, record, token, values, lookups)
    errors = spec.check(values, lookups)
    if not errors and duplicate_key(spec, organisation_id, values, record_id):
        errors[spec.natural_key[-1]] = _("another record already has this %(field)s",
                                         field=str(spec.field(spec.natural_key[-1]).label))
    if errors:
        raise RecordInvalidError(errors)
    changes = changed_values(spec, record, values)
    if not changes:
        return record, []
    record = write(spec, organisation_id, record, changes, lookups)
    try:
        db.session.flush()
        audit.record(f"{spec.name}_{'updated' if record_id else 'created'}", spec.name, record.id,
                     fields=sorted(changes))
        db.session.commit()
    except StaleDataError:
        # The row changed between our read and our write: report it like any other conflict.
        db.session.rollback()
        record = find(spec, organisation_id, record_id) if record_id is not None else None
        raise _conflict(spec, record, token, values, lookups) from None
    return record, sorted(changes)


def _conflict(spec: RecordSpec, record: Any, token: str | None, mine: dict[str, Any],
              lookups: Lookups) -> EditConflictError:
    """Compare what the user saw, what is saved now, and what the user entered, field by field."""
    try:
        before = _serializer().loads(token) if token else {}
    except BadSignature:
        before = {}
    current = spec.read(record)
    now, yours = spec.format(current, lookups), spec.format(mine, lookups)
    changes, merged = [], {}
    for f in spec.fields:
        # Without a trustworthy snapshot every entry counts as the user's own.
        seen = before.get(f.key, object())
        untouched = yours[f.key] == seen
        merged[f.key] = current[f.key] if untouched else mine.get(f.key, f.kind.empty)
        if now[f.key] != seen:
            changes.append(Change(str(f.label), before.get(f.key, "?"), now[f.key], yours[f.key],
                                  clash=not untouched and yours[f.key] != now[f.key]))
    return EditConflictError(changes, merged, record.version_id, snapshot(spec, current, lookups))
