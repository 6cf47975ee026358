"""The language switch, and the volunteer's button that marks notifications read."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SubmitField
from wtforms.validators import AnyOf

from scheduler_app.config import LANGUAGES


class LanguageForm(FlaskForm):
    """Which language to show the pages in."""

    lang = HiddenField(validators=[AnyOf(LANGUAGES)])
    next = HiddenField()


class ReadForm(FlaskForm):
    """Mark the volunteer's notifications read."""

    submit = SubmitField(_l("Got it"))
