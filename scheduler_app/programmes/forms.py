"""Forms for an activity: its plan, its staff, the children taking part, what came of it."""

from __future__ import annotations

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


class ActivityForm(FlaskForm):
    """An activity's plan: what, where, when, how many staff, whether it is a trip."""

    version = HiddenField()
    title = StringField(_l("Activity"), validators=[DataRequired(), Length(max=200)],
                        description=_l("e.g. a visit to the county museum, a Tang poetry recitation contest"))
    place = StringField(_l("Place"), validators=[DataRequired(), Length(max=200)])
    held_on = DateField(_l("Date"), validators=[DataRequired()])
    start = TimeField(_l("From"), validators=[DataRequired()])
    end = TimeField(_l("To"), validators=[DataRequired()])
    staff_needed = IntegerField(_l("Staff needed"), default=1, validators=[InputRequired(), NumberRange(0, 200)])
    trip = BooleanField(_l("A trip away from the site (each child needs a guardian's consent to trips)"))
    description = TextAreaField(_l("What happens"), validators=[Optional(), Length(max=4000)])
    submit = SubmitField(_l("Save"))


class StaffForm(FlaskForm):
    """Put a volunteer on the activity's staff."""

    volunteer_id = SelectField(_l("Volunteer"), coerce=int, validators=[DataRequired()])
    submit = SubmitField(_l("Assign"))


class ParticipantForm(FlaskForm):
    """A child who takes part."""

    child_id = SelectField(_l("Child"), coerce=int, validators=[DataRequired()])
    submit = SubmitField(_l("Add the child"))


class OutcomeForm(FlaskForm):
    """What came of the activity."""

    outcome = TextAreaField(_l("What came of it"), validators=[Optional(), Length(max=4000)])
    submit = SubmitField(_l("Save what came of it"))



class SupportForm(FlaskForm):
    """Put a child under one-on-one support with a social worker."""

    child_id = SelectField(_l("Child"), coerce=int, validators=[DataRequired()])
    social_worker_id = SelectField(_l("Social worker"), coerce=int, validators=[DataRequired()])
    submit = SubmitField(_l("Start one-on-one support"))
