"""Edit forms built from a record's fields, so a form and a spreadsheet column share one definition."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    FloatField,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import Optional
from wtforms.widgets import CheckboxInput, ListWidget

from scheduler_app.records.fields import Choice, Choices, Date, Days, Flag, Intervals, Lookups, Number, RecordSpec, Ref
from scheduler_app.weekly import Interval, day_label

SPARE_INTERVAL_ROWS = 2  # empty rows under the filled ones, to add intervals without JavaScript
MAX_INTERVAL_ROWS = 21   # three a day is plenty; more rows is a crafted request
LONG_TEXT = frozenset({"background", "academic_notes"})


class MultiCheckboxField(SelectMultipleField):
    """Several choices as tick boxes (better on a phone than a multiple select)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class IntervalRow(Form):
    """One weekly interval: day, start, end. A row left blank is ignored."""

    day = SelectField(_l("Day"), validators=[Optional()])
    start = TimeField(_l("From"), validators=[Optional()])
    end = TimeField(_l("To"), validators=[Optional()])


class RecordForm(FlaskForm):
    """Fields every record form has: the version and the snapshot it was opened at (to detect conflicts)."""

    version = HiddenField()
    snapshot = HiddenField()
    submit = SubmitField(_l("Save"))


def _field_for(f: Any) -> Any:
    kind, label = f.kind, f.label
    if isinstance(kind, Intervals):
        return FieldList(FormField(IntervalRow), label=label, max_entries=MAX_INTERVAL_ROWS)
    if isinstance(kind, Flag):
        return BooleanField(label)
    if isinstance(kind, Number):
        return (IntegerField if kind.whole else FloatField)(label, validators=[Optional()])
    if isinstance(kind, Date):
        return DateField(label, validators=[Optional()])
    if isinstance(kind, Days):
        return MultiCheckboxField(label, coerce=int, validators=[Optional()])
    if isinstance(kind, Choices):
        return MultiCheckboxField(label, validators=[Optional()])
    if isinstance(kind, Choice | Ref):
        return SelectField(label, validators=[Optional()])
    return (TextAreaField if f.key in LONG_TEXT else StringField)(label)


_FORMS: dict[str, type[RecordForm]] = {}


def record_form(spec: RecordSpec) -> type[RecordForm]:
    """The edit form class for a kind of record: one form field per record field, same key and label."""
    if spec.name not in _FORMS:
        attrs = {f.key: _field_for(f) for f in spec.fields}
        _FORMS[spec.name] = type(f"{spec.name.title()}Form", (RecordForm,), attrs)
    return _FORMS[spec.name]


def set_choices(form: RecordForm, spec: RecordSpec, lookups: Lookups) -> None:
    """Fill the choices of select and tick-box fields (villages, sites and volunteers of the organisation)."""
    days = [(i, day_label(i)) for i in range(7)]
    for f in spec.fields:
        field = form[f.key]
        if isinstance(f.kind, Days):
            field.choices = days
        elif isinstance(f.kind, Choices):
            field.choices = [(k, str(v)) for k, v in f.kind.options.items()]
        elif isinstance(f.kind, Choice):
            blank = [] if f.kind.default else [("", "—")]
            field.choices = blank + [(k, str(v)) for k, v in f.kind.options.items()]
        elif isinstance(f.kind, Ref):
            field.choices = [("", "—")] + _ref_choices(f.kind.target, lookups)
        elif isinstance(f.kind, Intervals):
            for row in field:
                row.form.day.choices = [("", "—")] + [(str(i), label) for i, label in days]


def _ref_choices(target: str, lookups: Lookups) -> list[tuple[str, str]]:
    if target == "village":
        return sorted((str(i), lookups.village_label(i)) for i in lookups.villages)
    if target == "site":
        return [(str(s.id), f"{s.code} {s.name}") for s in sorted(lookups.sites.values(), key=lambda s: s.code)]
    # Inactive visitors stay in the list so a record that names one still opens; the rules refuse them.
    return [(str(v.id), f"{v.code} {v.name}") for v in sorted(lookups.volunteers.values(), key=lambda v: v.code)
            if v.is_visitor]


def fill(form: RecordForm, spec: RecordSpec, values: dict[str, Any]) -> None:
    """Show a record's values in the form, with spare empty rows for weekly intervals."""
    for f in spec.fields:
        field, value = form[f.key], values.get(f.key)
        if isinstance(f.kind, Intervals):
            while len(field.entries):
                field.pop_entry()
            for interval in value or []:
                field.append_entry({"day": str(interval.day_index), "start": interval.start, "end": interval.end})
            for _spare in range(SPARE_INTERVAL_ROWS):
                field.append_entry()
        else:
            field.data = ("" if value is None else str(value)) if isinstance(f.kind, Ref | Choice) else value
            # Number and date inputs show what was typed before their data: forget it.
            field.raw_data = None


def read(form: RecordForm, spec: RecordSpec) -> tuple[dict[str, Any], dict[str, str]]:
    """The values the user entered, and the errors of rows that cannot be read (a time without a day)."""
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for f in spec.fields:
        field = form[f.key]
        if isinstance(f.kind, Intervals):
            intervals = []
            for row in field:
                day, start, end = row.form.day.data, row.form.start.data, row.form.end.data
                if not day and start is None and end is None:
                    continue
                if not day or start is None or end is None:
                    errors[f.key] = str(_l("each row needs a day, a start and an end"))
                    continue
                intervals.append(Interval(int(day), start, end))
            values[f.key] = sorted(intervals)
        elif isinstance(f.kind, Ref):
            values[f.key] = int(field.data) if field.data else None
        elif isinstance(f.kind, Choice):
            values[f.key] = field.data or f.kind.empty
        elif isinstance(f.kind, Days | Choices):
            values[f.key] = [c for c, _label in field.choices if c in (field.data or [])]
        elif isinstance(f.kind, Flag):
            values[f.key] = bool(field.data)
        elif isinstance(f.kind, Number | Date):
            values[f.key] = field.data
        else:
            values[f.key] = (field.data or "").strip()
    return values, errors
