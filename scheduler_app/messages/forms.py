"""Forms for the organisation's channels, a person's own message choices and the delivery log's filter."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    SubmitField,
    TimeField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from scheduler_app.messages.sealing import ENV_PREFIX
from scheduler_app.records.forms import MultiCheckboxField

KIND_CHOICES = [("apprise", _l("Chat or SMS (Apprise URL: WeCom robot, DingTalk, webhook)")),
                ("email", _l("E-mail (SMTP server)"))]
SECURITY_CHOICES = [("starttls", _l("STARTTLS (port 587)")), ("ssl", _l("TLS (port 465)")),
                    ("none", _l("None (a server on this machine only)"))]


class ChannelForm(FlaskForm):
    """A channel of the organisation; the secret is never filled in again (empty keeps the stored one)."""

    kind = SelectField(_l("Kind"), choices=KIND_CHOICES, validators=[DataRequired()])
    label = StringField(_l("Channel name"), validators=[DataRequired(), Length(max=100)],
                        description=_l("As people choose it, e.g. \"Volunteers' WeCom group\"."))
    secret = PasswordField(_l("Secret: the Apprise URL, or the SMTP password"), validators=[Optional(),
                                                                                          Length(max=2000)],
                           description=_l("Stored encrypted and never shown again; leave empty to keep the "
                                          "stored one."))
    secret_env = StringField(_l("Or: environment variable holding it"), validators=[
        Optional(), Length(max=64),
        Regexp(rf"^{ENV_PREFIX}[A-Z0-9_]+$", message=_l("A name such as PEIBAN_CHANNEL_WECOM."))],
        description=_l("Set on the server by whoever runs it; then no secret is stored here."))
    smtp_host = StringField(_l("SMTP server (e-mail only)"), validators=[Optional(), Length(max=200)])
    smtp_port = IntegerField(_l("SMTP port"), default=587, validators=[Optional(), NumberRange(min=1, max=65535)])
    smtp_security = SelectField(_l("SMTP security"), choices=SECURITY_CHOICES, default="starttls")
    smtp_username = StringField(_l("SMTP user name"), validators=[Optional(), Length(max=200)])
    sender = StringField(_l("Sent from (e-mail address)"), validators=[Optional(), Length(max=254)])
    active = BooleanField(_l("In use"), default=True)
    submit = SubmitField(_l("Save channel"))


class ChannelActionForm(FlaskForm):
    """A button on one channel (send a test message, remove): the CSRF token only."""

    submit = SubmitField()


class ChoicesForm(FlaskForm):
    """A person's own choices: where her messages go and when they wait."""

    email = EmailField(_l("E-mail address"), validators=[
        Optional(), Length(max=254), Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message=_l("Not an e-mail address."))])
    channels = MultiCheckboxField(_l("Send my messages on"), coerce=int, validators=[Optional()],
                                  description=_l("Nothing ticked: only the notices in Peiban itself."))
    quiet_from = TimeField(_l("Quiet from"), validators=[Optional()])
    quiet_until = TimeField(_l("Quiet until"), validators=[Optional()],
                            description=_l("A message due in these hours waits until they end (e.g. 21:30 to "
                                           "07:00)."))
    submit = SubmitField(_l("Save"))

    def validate(self, extra_validators: dict | None = None) -> bool:
        """The fields, then the quiet hours as a whole: both ends or neither, and two different times (an empty
        end stops the field's own checks, so this is checked here)."""
        if not super().validate(extra_validators):
            return False
        start, end = self.quiet_from.data, self.quiet_until.data
        if (start is None) != (end is None):
            self.quiet_until.errors.append(_l("Give both times of the quiet hours, or neither."))
        elif start is not None and start == end:
            self.quiet_until.errors.append(_l("The quiet hours must end at another time than they start."))
        return not self.quiet_until.errors


class LogFilterForm(FlaskForm):
    """Which messages the delivery log shows."""

    class Meta:
        """Form options."""

        csrf = False  # a GET filter changes nothing

    state = SelectField(_l("State"), choices=[("", _l("All")), ("queued", _l("Waiting")), ("sent", _l("Sent")),
                                              ("failed", _l("Given up"))], validators=[Optional()])
