"""Forms for logging in and changing one's password."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length


class LoginForm(FlaskForm):
    """Username and password."""

    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=80)],
                           render_kw={"autocomplete": "username", "autocapitalize": "none"})
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)],
                             render_kw={"autocomplete": "current-password"})
    keep = BooleanField(_l("Keep me signed in on this phone (volunteers only)"))
    submit = SubmitField(_l("Log in"))


class EndSessionForm(FlaskForm):
    """End one signed-in browser (the CSRF token only)."""

    submit = SubmitField(_l("Sign out there"))


class ChangePasswordForm(FlaskForm):
    """The current password and a new one, typed twice."""

    current = PasswordField(_l("Current password"), validators=[DataRequired()],
                            render_kw={"autocomplete": "current-password"})
    new = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=200)],  # rules: password_problem
                        render_kw={"autocomplete": "new-password"})
    repeat = PasswordField(_l("Repeat new password"),
                           validators=[DataRequired(), EqualTo("new", message=_l("The two passwords differ."))],
                           render_kw={"autocomplete": "new-password"})
    submit = SubmitField(_l("Change password"))


class CodeForm(FlaskForm):
    """The six-digit code from the authenticator app, or one of the account's recovery codes."""

    code = StringField(_l("Code from your authenticator app, or a recovery code"),
                       validators=[DataRequired(), Length(max=24)], render_kw={"autocomplete": "one-time-code"})
    submit = SubmitField(_l("Continue"))


class TwoStepOnForm(FlaskForm):
    """Turn two-step login on: prove the app holds the secret, and that the account's owner is at the keyboard."""

    password = PasswordField(_l("Current password"), validators=[DataRequired()],
                             render_kw={"autocomplete": "current-password"})
    code = StringField(_l("Code from your authenticator app"), validators=[DataRequired(), Length(max=12)],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"})
    submit = SubmitField(_l("Turn on two-step login"))


class TwoStepOffForm(FlaskForm):
    """Turn two-step login off: needs the password."""

    password = PasswordField(_l("Current password"), validators=[DataRequired()],
                             render_kw={"autocomplete": "current-password"})
    submit = SubmitField(_l("Turn off two-step login"))
