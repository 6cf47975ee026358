"""Filter the review queue; approve entries; return one with a comment."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, HiddenField, SelectField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

STATUSES = [("submitted", _l("waiting for review")), ("returned", _l("returned")), ("approved", _l("approved")),
            ("", _l("all"))]


class QueueFilterForm(FlaskForm):
    """Which diary entries to show (a GET form: no CSRF token)."""

    class Meta:  # noqa: D106 - WTForms options
        csrf = False

    status = SelectField(_l("State"), choices=STATUSES, default="submitted", validators=[Optional()])
    volunteer = SelectField(_l("Volunteer"), coerce=str, validators=[Optional()])
    site = SelectField(_l("Site"), coerce=str, validators=[Optional()])
    week = DateField(_l("Week of"), validators=[Optional()])
    concern = BooleanField(_l("Only with a concern"))


class ApproveForm(FlaskForm):
    """Approve the ticked entries (each checkbox carries "id:version")."""

    submit = SubmitField(_l("Approve ticked entries"))


class ReturnForm(FlaskForm):
    """Return an entry to its volunteer, saying what to change."""

    version = HiddenField(validators=[InputRequired()])
    comment = TextAreaField(_l("What should the volunteer change?"), validators=[DataRequired(), Length(max=2000)])
    submit = SubmitField(_l("Return to the volunteer"))
