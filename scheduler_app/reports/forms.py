"""A period of days: the report's, and (with a language) the volunteer's certificate and hours export."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField
from wtforms.validators import DataRequired, ValidationError

MAX_REPORT_DAYS = 366  # a report covers at most a year


class PeriodForm(FlaskForm):
    """From and to, inclusive (a GET form: no CSRF token); subclasses set how far apart they may be."""

    class Meta:  # noqa: D106 - WTForms options
        csrf = False

    max_span_days: int = MAX_REPORT_DAYS - 1  # last_day - first_day at most
    too_long = _l("At most a year at a time.")

    first_day = DateField(_l("From"), validators=[DataRequired()])
    last_day = DateField(_l("To"), validators=[DataRequired()])

    def validate_last_day(self, field: DateField) -> None:
        """The period ends on or after its first day and spans at most max_span_days."""
        if self.first_day.data and field.data:
            if field.data < self.first_day.data:
                raise ValidationError(_l("The end must not be before the start."))
            if (field.data - self.first_day.data).days > self.max_span_days:
                raise ValidationError(self.too_long)


class ReportPeriodForm(PeriodForm):
    """The period of a report: at most a year."""
