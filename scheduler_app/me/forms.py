"""A volunteer's answers to an assignment, and the service diary."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from scheduler_app.records.forms import MultiCheckboxField
from scheduler_app.reports.forms import PeriodForm as BasePeriodForm


class ConfirmForm(FlaskForm):
    """I will be there."""

    seen = HiddenField()  # the assignment's day and times as the page showed them (see scheduler_app.outbox)
    submit = SubmitField(_l("Confirm"))


class DeclineForm(FlaskForm):
    """I cannot come, and why (the coordinator reads it when re-planning)."""

    seen = HiddenField()  # the assignment's day and times as the page showed them (see scheduler_app.outbox)
    reason = TextAreaField(_l("Why can you not come?"), validators=[DataRequired(), Length(max=500)])
    # A decline usually means "not then", not "not that child": the re-plan must not give her the same time
    # elsewhere, so she is asked, and "not then" is recorded as a stretch away (see me.services.decline).
    when = RadioField(_l("At that time"), default="away",
                      choices=[("away", _l("I cannot do anything at that time")),
                               ("this", _l("I am free then, just not for this one"))])
    submit = SubmitField(_l("Decline"))


ACTIVITIES = {"homework": _l("homework help"), "reading": _l("reading together"), "care": _l("life care"),
              "talk": _l("a heart-to-heart talk"), "safety": _l("safety check at home"),
              "play": _l("games or sport"), "other": _l("other")}
# Why a home visit did not take place ("" = it took place); reports count only visits that took place.
NOT_HELD = {"not_home": _l("the child was not at home"), "refused": _l("the guardian refused"),
            "weather": _l("the weather"), "other": _l("another reason")}
MAX_TRAVEL_MINUTES = 8 * 60
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
    took_place = SelectField(_l("Did the visit take place?"), default="",
                             choices=[("", _l("yes")), *((k, _l("no: %(why)s", why=v)) for k, v in NOT_HELD.items())],
                             validators=[Optional()])
    travel_minutes = IntegerField(_l("Travel there and back (minutes)"), validators=[
        Optional(), NumberRange(min=0, max=MAX_TRAVEL_MINUTES)],
        description=_l("Kept apart: service hours count the time of the activity only."))
    gained = TextAreaField(_l("What I gained"), validators=[Optional(), Length(max=2000)])
    save = SubmitField(_l("Save draft"))
    send = SubmitField(_l("Hand in"))


LANGUAGES = [("zh_CN", "中文"), ("en", "English")]
MAX_PERIOD_DAYS = 5 * 366  # a certificate covers at most five years; longer is a typing mistake


class PeriodForm(BasePeriodForm):
    """A period of service, for the certificate and the hours export, and the certificate's language."""

    max_span_days = MAX_PERIOD_DAYS
    too_long = _l("At most five years at a time.")

    lang = SelectField(_l("Language of the certificate"), choices=LANGUAGES, validators=[Optional()])
