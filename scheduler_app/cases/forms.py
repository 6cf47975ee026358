"""The forms of a safeguarding case: a concern (staff's and a volunteer's), the case's own fields, an action, a
referral and its answer, the mandatory report, a case plan."""

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
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from scheduler_app.cases.services import BASES, REFERRAL_ROLES, SEVERITIES, STATUSES
from scheduler_app.records.fields import SUBJECTS
from scheduler_app.records.forms import MultiCheckboxField


def _optional_id(value: object) -> int | None:
    """A select's value as an id, or None for the empty choice."""
    return int(str(value)) if value is not None and str(value).isdigit() else None


class ConcernForm(FlaskForm):
    """A coordinator or manager enters a concern about a child: it opens or joins her case."""

    child = SelectField(_l("Child"), coerce=int, validators=[InputRequired()])
    severity = SelectField(_l("Severity"), choices=[(k.value, v) for k, v in SEVERITIES.items()], default="high")
    what = TextAreaField(_l("What was seen or heard"), validators=[DataRequired(), Length(max=4000)])
    submit = SubmitField(_l("Record the concern"))


class VolunteerConcernForm(FlaskForm):
    """A volunteer reports a worry about a child she visits."""

    child = SelectField(_l("Child"), coerce=int, validators=[InputRequired()])
    what = TextAreaField(_l("What did you see or hear?"), validators=[DataRequired(), Length(max=4000)])
    urgent = BooleanField(_l("The child may be in danger now (injury, abuse, hurting herself, gone missing)"))
    submit = SubmitField(_l("Send to the coordinator"))


class CaseForm(FlaskForm):
    """The case's status, severity, owner and due date; closing needs the outcome."""

    version = HiddenField(validators=[InputRequired()])
    status = SelectField(_l("Status"), choices=[(k.value, v) for k, v in STATUSES.items()])
    severity = SelectField(_l("Severity"), choices=[(k.value, v) for k, v in SEVERITIES.items()])
    owner = SelectField(_l("Owner"), coerce=_optional_id, validate_choice=False)
    due_on = DateField(_l("Act by"), validators=[InputRequired()])
    outcome = TextAreaField(_l("Outcome (when closing)"), validators=[Optional(), Length(max=4000)])
    submit = SubmitField(_l("Save the case"))


class ActionForm(FlaskForm):
    """Something to do on the case, by whom and by when."""

    what = TextAreaField(_l("What is to be done"), validators=[DataRequired(), Length(max=2000)])
    owner = SelectField(_l("Who does it"), coerce=_optional_id, validate_choice=False)
    due_on = DateField(_l("Due on"), validators=[InputRequired()])
    submit = SubmitField(_l("Add the action"))


class DoneForm(FlaskForm):
    """The action was done, on a day, with a note."""

    done_on = DateField(_l("Done on"), validators=[InputRequired()])
    note = TextAreaField(_l("How it went"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Done"))


class ReferralForm(FlaskForm):
    """A referral: to whom, the contact, the date, what was shared and on what basis."""

    to_role = SelectField(_l("Referred to"), choices=list(REFERRAL_ROLES.items()))
    contact = StringField(_l("Person contacted and how to reach them"),
                          validators=[DataRequired(), Length(max=200)])
    referred_on = DateField(_l("On"), validators=[InputRequired()])
    shared = TextAreaField(_l("What was shared"), validators=[DataRequired(), Length(max=4000)])
    basis = SelectField(_l("Consent or legal basis"), choices=list(BASES.items()))
    basis_note = StringField(_l("Note on the basis"), validators=[Optional(), Length(max=500)])
    submit = SubmitField(_l("Record the referral"))


class AnswerForm(FlaskForm):
    """The answer a referral received."""

    answer = TextAreaField(_l("Answer received"), validators=[DataRequired(), Length(max=4000)])
    answered_on = DateField(_l("On"), validators=[InputRequired()])
    submit = SubmitField(_l("Record the answer"))


class ReportForm(FlaskForm):
    """The mandatory report (强制报告): to whom, on which day and at what time."""

    reported_to = StringField(_l("Reported to (e.g. the township police station)"),
                              validators=[DataRequired(), Length(max=200)])
    reported_on = DateField(_l("On"), validators=[InputRequired()])
    reported_time = TimeField(_l("At"), validators=[InputRequired()])
    submit = SubmitField(_l("Record the mandatory report"))


class PlanForm(FlaskForm):
    """A case plan: its period, goals and the services the child gets in it."""

    first_day = DateField(_l("From"), validators=[InputRequired()])
    last_day = DateField(_l("Until"), validators=[InputRequired()])
    goals = TextAreaField(_l("Goals"), validators=[DataRequired(), Length(max=4000)])
    visits_per_week = IntegerField(_l("Home visits a week (at least)"),
                                   validators=[Optional(), NumberRange(min=0, max=7)])
    needs_trained = BooleanField(_l("A trained visitor"))
    regular_visitor = SelectField(_l("Regular visitor"), coerce=_optional_id, validate_choice=False)
    subjects = MultiCheckboxField(_l("Tutoring in"), choices=list(SUBJECTS.items()), validators=[Optional()])
    submit = SubmitField(_l("Add the plan"))
