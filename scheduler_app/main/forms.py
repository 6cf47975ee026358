"""The language switch form."""

from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.validators import AnyOf

from scheduler_app.config import LANGUAGES


class LanguageForm(FlaskForm):
    """Which language to show the pages in."""

    lang = HiddenField(validators=[AnyOf(LANGUAGES)])
    next = HiddenField()
