"""The children list's search form."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField
from wtforms.validators import NumberRange, Optional


class ChildSearchForm(FlaskForm):
    """Search by name, village or site code, and filter by risk level (a GET form: no CSRF token)."""

    class Meta:  # noqa: D106 - WTForms options
        csrf = False

    q = StringField(_l("Search"), validators=[Optional()])
    min_risk = SelectField(_l("Risk at least"), choices=[("", "—")] + [(str(i), str(i)) for i in range(1, 6)],
                           validators=[Optional()])
    page = IntegerField(validators=[Optional(), NumberRange(min=1)], default=1)
