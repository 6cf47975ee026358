"""Forms for recording and withdrawing consent, and for asking for and deciding an anonymisation."""

from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, SubmitField, TextAreaField, ValidationError
from wtforms.validators import DataRequired, Length, Optional

from scheduler_app.privacy.services import CATEGORIES, METHODS
from scheduler_app.records.forms import MultiCheckboxField


def not_in_future(form: FlaskForm, field: DateField) -> None:
    """A consent is recorded after it was given."""
    if field.data and field.data > dt.date.today():
        raise ValidationError(_l("This date is in the future."))


class ConsentForm(FlaskForm):
    """A guardian's consent: who, relationship, date, method, what it covers."""

    given_by = StringField(_l("Given by"), validators=[DataRequired(), Length(max=100)])
    relationship = StringField(_l("Relationship to the child"), validators=[DataRequired(), Length(max=50)])
    given_on = DateField(_l("Given on"), validators=[DataRequired(), not_in_future])
    method = SelectField(_l("How it was given"), choices=list(METHODS.items()), validators=[DataRequired()])
    categories = MultiCheckboxField(_l("What it covers"), choices=list(CATEGORIES.items()),
                                    validators=[DataRequired(message=_l("Tick at least one."))])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=1000)])
    submit = SubmitField(_l("Record consent"))


class WithdrawForm(FlaskForm):
    """The day a guardian withdrew a consent."""

    withdrawn_on = DateField(_l("Withdrawn on"), validators=[DataRequired(), not_in_future])
    submit = SubmitField(_l("Withdraw"))


class ErasureForm(FlaskForm):
    """Why the child's record should be anonymised."""

    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=2000)],
                           description=_l("A second person (a manager) must approve before anything changes."))
    submit = SubmitField(_l("Ask to anonymise"))


class DecideForm(FlaskForm):
    """Approve or refuse an anonymisation request."""

    approve = SubmitField(_l("Approve and anonymise"))
    refuse = SubmitField(_l("Refuse"))
