"""Forms for creating and disabling accounts and for the organisation's settings."""

from zoneinfo import available_timezones

import pytz
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import FloatField, HiddenField, IntegerField, SelectField, StringField, SubmitField, TimeField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp, ValidationError

from scheduler_app.records.forms import MultiCheckboxField

ROLE_CHOICES = [("coordinator", _l("Coordinator")), ("manager", _l("Manager")),
                ("volunteer", _l("Volunteer")), ("social_worker", _l("Social worker")),
                ("admin", _l("Administrator"))]


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


class OrganisationForm(FlaskForm):
    """The organisation's name and the settings the roster, the warnings and the retention purge read; the
    ranges are those the database accepts."""

    name = StringField(_l("Organisation name"), validators=[DataRequired(), Length(max=200)])
    visit_minutes = IntegerField(_l("Length of a home visit (minutes)"),
                                 validators=[InputRequired(), NumberRange(min=10, max=240)])
    speed_kmh = FloatField(_l("Travel speed on village roads (km/h)"),
                           validators=[InputRequired(), NumberRange(min=1, max=120)],
                           description=_l("Used with the road factor to tell how long a volunteer takes between "
                                          "homes and sites."))
    road_factor = FloatField(_l("Road factor"), validators=[InputRequired(), NumberRange(min=1, max=5)],
                             description=_l("How much longer the road is than the straight line (1.35 is usual "
                                            "for hilly villages)."))
    warn_after_days = IntegerField(_l("Warn when a child has had no home visit for (days)"),
                                   validators=[InputRequired(), NumberRange(min=1, max=365)])
    retention_years = IntegerField(_l("Keep the records of a child who left for (years)"),
                                   validators=[InputRequired(), NumberRange(min=1, max=30)],
                                   description=_l("After this, they are anonymised by the daily clean-up (set up by "
                                                  "whoever runs the server)."))
    # Zones both zoneinfo (the calendar feed) and pytz (Flask-Babel's formatting) know; not "localtime" or "Factory".
    time_zone = SelectField(_l("Time zone"), choices=[(z, z) for z in sorted(available_timezones()
                                                                            & set(pytz.common_timezones))],
                            validators=[DataRequired()],
                            description=_l("Roster times are clock times there, and every time Peiban shows "
                                           "(the audit log, when a roster was made) is in it."))
    reminder_at = TimeField(_l("Evening-before reminder at"), validators=[InputRequired()],
                            description=_l("Volunteers are reminded of the next day's activities from this time on."))
    digest_at = TimeField(_l("Daily warnings digest at"), validators=[InputRequired()],
                          description=_l("Managers and coordinators get the open warnings from this time on."))
    version = HiddenField()
    submit = SubmitField(_l("Save settings"))

    def validate_version(self, field: HiddenField) -> None:
        """The version the form was opened at is a number (the page always sends one)."""
        if not str(field.data or "").isdigit():
            raise ValidationError(_l("The form is out of date; open the settings again."))


class ResetPasswordForm(FlaskForm):
    """Reset an account's password to a one-time one (the CSRF token only)."""

    submit = SubmitField(_l("New one-time password and login slip"))
