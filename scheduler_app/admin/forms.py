"""Forms for creating and disabling accounts."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from scheduler_app.records.forms import MultiCheckboxField

ROLE_CHOICES = [("coordinator", _l("Coordinator")), ("manager", _l("Manager")),
                ("volunteer", _l("Volunteer")), ("admin", _l("Administrator"))]


class NewUserForm(FlaskForm):
    """A new account; a volunteer account is linked to a volunteer record."""

    username = StringField(_l("Username"), validators=[
        DataRequired(), Length(min=3, max=80),
        Regexp(r"^[A-Za-z0-9_.-]+$", message=_l("Use letters, digits, dot, dash or underscore."))])
    display_name = StringField(_l("Name"), validators=[Optional(), Length(max=100)])
    role = SelectField(_l("Role"), choices=ROLE_CHOICES, validators=[DataRequired()])
    volunteer_id = SelectField(_l("Volunteer record"), coerce=int, validators=[Optional()])
    submit = SubmitField(_l("Create account"))


class ToggleUserForm(FlaskForm):
    """A button that disables or re-enables an account."""

    submit = SubmitField()


class PermissionsForm(FlaskForm):
    """The permissions an account holds, among those its role allows."""

    permissions = MultiCheckboxField(_l("Permissions"), validators=[Optional()])
    submit = SubmitField(_l("Save permissions"))
