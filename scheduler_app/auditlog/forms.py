"""The audit log search form (GET: a search changes nothing)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField
from wtforms.validators import Length, NumberRange, Optional


class AuditSearchForm(FlaskForm):
    """Who, what, which record, between which days."""

    class Meta:
        """Form options."""

        csrf = False  # a search is a GET link that can be bookmarked

    username = StringField(_l("User"), validators=[Optional(), Length(max=80)])
    action = SelectField(_l("Action"), validators=[Optional()])
    child = StringField(_l("Child code"), validators=[Optional(), Length(max=64)])
    since = DateField(_l("From"), validators=[Optional()])
    until = DateField(_l("To"), validators=[Optional()])
    page = IntegerField(validators=[Optional(), NumberRange(min=1)])
