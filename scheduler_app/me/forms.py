"""A volunteer's answers to an assignment, and the service diary."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, HiddenField, SelectField, SubmitField, TextAreaField, TimeField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from scheduler_app.records.forms import MultiCheckboxField


class ConfirmForm(FlaskForm):
    """I will be there."""

    submit = SubmitField(_l("Confirm"))


class DeclineForm(FlaskForm):
    """I cannot come, and why (the coordinator reads it when re-planning)."""

    reason = TextAreaField(_l("Why can you not come?"), validators=[DataRequired(), Length(max=500)])
    submit = SubmitField(_l("Decline"))


ACTIVITIES = {"homework": _l("homework help"), "reading": _l("reading together"), "care": _l("life care"),
              "talk": _l("a heart-to-heart talk"), "safety": _l("safety check at home"),
              "play": _l("games or sport"), "other": _l("other")}
DIMENSIONS = {"psychological": _l("Psychological"), "emotional": _l("Emotional"),
              "behavioural": _l("Behavioural"), "health": _l("Health"), "social": _l("Social")}


class DiaryForm(FlaskForm):
    """The service diary after one activity: times, what was done, the child's state (visits), what I gained."""

    version = HiddenField()
    started_at = TimeField(_l("Started"), validators=[DataRequired()])
    ended_at = TimeField(_l("Ended"), validators=[DataRequired()])
    activities = MultiCheckboxField(_l("What we did"), choices=list(ACTIVITIES.items()), validators=[Optional()])
    what_was_done = TextAreaField(_l("In a few words"), validators=[Optional(), Length(max=4000)])
    psychological = TextAreaField(DIMENSIONS["psychological"], validators=[Optional(), Length(max=2000)])
    emotional = TextAreaField(DIMENSIONS["emotional"], validators=[Optional(), Length(max=2000)])
    behavioural = TextAreaField(DIMENSIONS["behavioural"], validators=[Optional(), Length(max=2000)])
    health = TextAreaField(DIMENSIONS["health"], validators=[Optional(), Length(max=2000)])
    social = TextAreaField(DIMENSIONS["social"], validators=[Optional(), Length(max=2000)])
    concern = BooleanField(_l("I am worried about this child: the coordinator should look"))
    gained = TextAreaField(_l("What I gained"), validators=[Optional(), Length(max=2000)])
    save = SubmitField(_l("Save draft"))
    send = SubmitField(_l("Hand in"))


LANGUAGES = [("zh_CN", "中文"), ("en", "English")]
MAX_PERIOD_DAYS = 5 * 366  # a certificate covers at most five years; longer is a typing mistake


class PeriodForm(FlaskForm):
    """A period of service, for the certificate and the hours export (a GET form: no CSRF token)."""

    class Meta:  # noqa: D106 - WTForms options
        csrf = False

    first_day = DateField(_l("From"), validators=[DataRequired()])
    last_day = DateField(_l("To"), validators=[DataRequired()])
    lang = SelectField(_l("Language of the certificate"), choices=LANGUAGES, validators=[Optional()])

    def validate_last_day(self, field: DateField) -> None:
        """The period ends on or after its first day, and spans at most five years."""
        if self.first_day.data and field.data:
            if field.data < self.first_day.data:
                raise ValidationError(_l("The end must not be before the start."))
            if (field.data - self.first_day.data).days > MAX_PERIOD_DAYS:
                raise ValidationError(_l("At most five years at a time."))
