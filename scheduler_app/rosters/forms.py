"""Forms of the week page: generate a roster, publish a draft."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, SubmitField, TimeField
from wtforms.validators import DataRequired, InputRequired, Optional

from scheduler_app.rosters.runs import DEFAULT_TIME_LIMIT, TIME_LIMITS


class GenerateForm(FlaskForm):
    """Start a background solve of the week, with a time limit."""

    time_limit = SelectField(_l("Time to search"), coerce=int, default=DEFAULT_TIME_LIMIT,
                             choices=[(s, _l("%(seconds)d seconds", seconds=s)) for s in TIME_LIMITS],
                             validators=[InputRequired()])
    submit = SubmitField(_l("Generate roster"))


class PublishForm(FlaskForm):
    """Publish one draft, at the version the page showed."""

    version = HiddenField(validators=[DataRequired()])
    submit = SubmitField(_l("Publish to volunteers"))


class ReplanForm(FlaskForm):
    """A volunteer cannot serve from a day on: re-plan only their activities."""

    volunteer = SelectField(_l("Volunteer"), coerce=int, validators=[InputRequired()])
    from_day = SelectField(_l("Cannot serve from"), coerce=int, validators=[InputRequired()])
    time_limit = SelectField(_l("Time to search"), coerce=int, default=DEFAULT_TIME_LIMIT,
                             choices=[(s, _l("%(seconds)d seconds", seconds=s)) for s in TIME_LIMITS],
                             validators=[InputRequired()])
    submit = SubmitField(_l("Re-plan their activities"))


class RuleForm(FlaskForm):
    """Pin or forbid a volunteer at a site or with a child on a day."""

    rule = SelectField(_l("Rule"), choices=[("pinned", _l("must happen (pin)")), ("forbidden", _l("must not happen"))],
                       validators=[InputRequired()])
    volunteer = SelectField(_l("Volunteer"), coerce=int, validators=[InputRequired()])
    target = SelectField(_l("Site or child"), validators=[InputRequired()])
    day = SelectField(_l("Day"), coerce=int, validators=[InputRequired()])
    submit = SubmitField(_l("Add rule"))


class ButtonForm(FlaskForm):
    """A one-button form (pin this assignment, remove this rule)."""

    submit = SubmitField()


class AssignmentEditForm(FlaskForm):
    """Give an assignment to another volunteer at the same time, or remove it; at the version shown."""

    version = HiddenField(validators=[DataRequired()])
    # Only one action is submitted at a time: the other fields may be empty, and the service checks ids.
    volunteer = SelectField(_l("Give to"), coerce=int, validators=[Optional()], validate_choice=False)
    reassign = SubmitField(_l("Give to this volunteer"))
    move_day = SelectField(_l("Move to day"), validators=[Optional()], validate_choice=False)
    move_start = TimeField(_l("Start at"), validators=[Optional()])
    move = SubmitField(_l("Move"))
    swap_with = SelectField(_l("Swap volunteers with"), coerce=int, validators=[Optional()], validate_choice=False)
    swap = SubmitField(_l("Swap"))
    remove = SubmitField(_l("Remove this assignment"))
