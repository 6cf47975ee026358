"""The period of a report."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField
from wtforms.validators import DataRequired, ValidationError

MAX_REPORT_DAYS = 366  # a report covers at most a year


class ReportPeriodForm(FlaskForm):
    """From and to, inclusive (a GET form: no CSRF token)."""

    class Meta:  # noqa: D106 - WTForms options
        csrf = False

    first_day = DateField(_l("From"), validators=[DataRequired()])
    last_day = DateField(_l("To"), validators=[DataRequired()])

    def validate_last_day(self, field: DateField) -> None:
        """The period ends on or after its first day and spans at most a year."""
        if self.first_day.data and field.data:
            if field.data < self.first_day.data:
                raise ValidationError(_l("The end must not be before the start."))
            if (field.data - self.first_day.data).days >= MAX_REPORT_DAYS:
                raise ValidationError(_l("At most a year at a time."))
