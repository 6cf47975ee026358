"""The children list's search form."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, StringField
from wtforms.validators import NumberRange, Optional

from scheduler_app.records.fields import SUBJECTS


class ChildSearchForm(FlaskForm):
    """Search by name, code, village or site, and filter by risk, site and needs (a GET form: no CSRF token)."""

    class Meta:  # noqa: D106 - WTForms options
        csrf = False

    q = StringField(_l("Search"), validators=[Optional()])
    min_risk = SelectField(_l("Risk at least"), choices=[("", "—")] + [(str(i), str(i)) for i in range(1, 6)],
                           validators=[Optional()])
    site = SelectField(_l("Site"), choices=[("", "—")], validators=[Optional()])
    subject = SelectField(_l("Needs help with"), choices=[("", "—")] + [(k, v) for k, v in SUBJECTS.items()],
                          validators=[Optional()])
    needs_trained = BooleanField(_l("Needs a trained visitor"))
    inactive = BooleanField(_l("Include inactive"))
    page = IntegerField(validators=[Optional(), NumberRange(min=1)], default=1)
