"""The call window's forms: the week to plan, a site's call room, a child's parents, a call's record."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

HOURS_HINT = _l("Days and times, e.g. “wed 18:30-20:30; sat 09:00-12:00”.")


class WeekForm(FlaskForm):
    """Which week to show (a GET form: no CSRF token)."""

    class Meta:  # noqa: D106 - WTForms options
        csrf = False

    week = DateField(_l("Week of"), validators=[Optional()])


class PlanForm(FlaskForm):
    """Plan the week's calls."""

    week = HiddenField(validators=[InputRequired()])
    submit = SubmitField(_l("Plan the week's calls"))


class SendSlotsForm(FlaskForm):
    """Send the week's call times to the parents who agreed to messages."""

    week = HiddenField(validators=[InputRequired()])
    submit = SubmitField(_l("Send slots to parents"))


class RoomForm(FlaskForm):
    """A site's call equipment and room hours."""

    lines = IntegerField(_l("Calls at once (lines)"), validators=[InputRequired(), NumberRange(1, 20)])
    hours = StringField(_l("Room hours"), description=HOURS_HINT, validators=[Length(max=500)])
    submit = SubmitField(_l("Save"))


class ParentsForm(FlaskForm):
    """A child's parents for the call window."""

    family = StringField(_l("Family"), description=_l("Siblings share one call: give them the same family, e.g. "
                                                       "the elder child's code."), validators=[Length(max=64)])
    parent_name = StringField(_l("Parent's name"), validators=[Length(max=100)])
    works_at = StringField(_l("Where they work"), validators=[Length(max=200)])
    reach = StringField(_l("How to reach them (phone or WeChat)"), validators=[Length(max=200)])
    calls_per_week = IntegerField(_l("Calls a week"), default=1, validators=[InputRequired(), NumberRange(1, 7)])
    hours = StringField(_l("When they can take a call"), description=HOURS_HINT, validators=[Length(max=500)])
    messages_agreed = BooleanField(_l("The parents agreed to get their call times by message"))
    channel_id = SelectField(_l("Send them on"), coerce=int, default=0, choices=[(0, "—")],
                             description=_l("E-mail, or an SMS gateway: a group robot is never offered."))
    address = StringField(_l("Their address there (e-mail or mobile number)"), validators=[Length(max=254)])
    locale = SelectField(_l("Their language"), choices=[("zh_CN", "中文"), ("en", "English")], default="zh_CN")
    quiet_from = TimeField(_l("Quiet from"), validators=[Optional()])
    quiet_until = TimeField(_l("Quiet until"), validators=[Optional()],
                            description=_l("A message due in these hours waits until they end (e.g. 21:30 to "
                                           "07:00)."))
    submit = SubmitField(_l("Save"))


class RecordForm(FlaskForm):
    """How a call went."""

    took_place = BooleanField(_l("The call took place"))
    minutes = IntegerField(_l("Minutes"), validators=[Optional(), NumberRange(1, 240)])
    notes = TextAreaField(_l("Notes"), validators=[Length(max=2000)])
    conflict = BooleanField(_l("A conflict between child and parent: tell the social worker"))
    submit = SubmitField(_l("Save the record"))
