"""Acknowledge a warning, or resolve it with a note."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional


class HandleForm(FlaskForm):
    """Someone is on it (acknowledge), or it is dealt with (resolve, saying how)."""

    version = HiddenField(validators=[InputRequired()])
    note = TextAreaField(_l("Note (what was done)"), validators=[Optional(), Length(max=2000)])
    acknowledge = SubmitField(_l("I am on it"))
    resolve = SubmitField(_l("Resolved"))
