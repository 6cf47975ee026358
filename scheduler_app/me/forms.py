"""A volunteer's answers to an assignment."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length


class ConfirmForm(FlaskForm):
    """I will be there."""

    submit = SubmitField(_l("Confirm"))


class DeclineForm(FlaskForm):
    """I cannot come, and why (the coordinator reads it when re-planning)."""

    reason = TextAreaField(_l("Why can you not come?"), validators=[DataRequired(), Length(max=500)])
    submit = SubmitField(_l("Decline"))
