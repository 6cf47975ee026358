"""The volunteer list's search form and the dates-away forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, SubmitField, TimeField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from scheduler_app.models import Volunteer
from scheduler_app.volunteers.services import DatesAwayError, add_date_away


class VolunteerSearchForm(FlaskForm):
    """Search by name, code or affiliation, filter by role (a GET form: no CSRF token)."""

    class Meta:  # noqa: D106 - WTForms options
        csrf = False

    q = StringField(_l("Search"), validators=[Optional()])
    role = SelectField(_l("Role"), choices=[("", "—"), ("tutor", _l("tutor")), ("visitor", _l("home visitor"))],
                       validators=[Optional()])
    inactive = BooleanField(_l("Include inactive"))
    page = IntegerField(validators=[Optional(), NumberRange(min=1)], default=1)


class DateAwayForm(FlaskForm):
    """Days the volunteer cannot serve: first and last day, a stretch of each day if not all of it, and why."""

    first_day = DateField(_l("First day"), validators=[DataRequired()])
    last_day = DateField(_l("Last day"), validators=[DataRequired()])
    start = TimeField(_l("From (empty for the whole day)"), validators=[Optional()])
    end = TimeField(_l("Until"), validators=[Optional()])
    reason = StringField(_l("Reason (exams, holiday, illness)"), validators=[Optional(), Length(max=200)])
    submit = SubmitField(_l("Add dates away"))

    def record_for(self, volunteer: Volunteer) -> bool:
        """Validate and record the dates for the volunteer; False, with the reason at the last day, if not."""
        if not self.validate_on_submit():
            return False
        try:
            add_date_away(volunteer, self.first_day.data, self.last_day.data, self.reason.data or "",
                          self.start.data, self.end.data)
        except DatesAwayError as exc:
            self.last_day.errors = [*self.last_day.errors, str(exc)]
            return False
        return True


class RemoveForm(FlaskForm):
    """A button that removes one entry."""

    submit = SubmitField(_l("Remove"))


class CalendarLinkForm(FlaskForm):
    """Make a new private calendar link, or revoke the current one."""

    create = SubmitField(_l("Make a new calendar link"))
    revoke = SubmitField(_l("Revoke the link"))
