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

from scheduler_app.records.forms import MultiCheckboxField


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


class ClassForm(FlaskForm):
    """The child's class and class teacher."""

    class_name = StringField(_l("Class"), validators=[Optional(), Length(max=50)],
                             description=_l("e.g. grade 3, class 2"))
    teacher_name = StringField(_l("Class teacher"), validators=[Optional(), Length(max=100)])
    teacher_phone = StringField(_l("Class teacher's phone"), validators=[Optional(), Length(max=50)])
    submit = SubmitField(_l("Save the class"))


class TeacherVisitForm(FlaskForm):
    """A class teacher's home visit that took place."""

    visited_on = DateField(_l("Date of the visit"), validators=[DataRequired()])
    teacher_name = StringField(_l("Teacher"), validators=[DataRequired(), Length(max=100)])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=4000)])
    submit = SubmitField(_l("Record the visit"))


class HandbookForm(FlaskForm):
    """A handbook for the library."""

    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("What it is about"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Add the handbook"))


class GroupForm(FlaskForm):
    """A new parenting group."""

    name = StringField(_l("Group name"), validators=[DataRequired(), Length(max=200)],
                       description=_l("e.g. the grandmothers of Taodian village"))
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Start the group"))


class MemberForm(FlaskForm):
    """A guardian who joins the group, named by a child she or he raises."""

    child_id = SelectField(_l("Guardian of"), coerce=int, validators=[DataRequired()])
    submit = SubmitField(_l("Add the guardian"))


class GroupSessionForm(FlaskForm):
    """A session held: when, where, who led it, who came, the handbooks given, notes."""

    held_on = DateField(_l("Date"), validators=[DataRequired()])
    place = StringField(_l("Place"), validators=[DataRequired(), Length(max=200)])
    facilitator = StringField(_l("Facilitator"), validators=[DataRequired(), Length(max=100)])
    attended = MultiCheckboxField(_l("Who came"), coerce=int, validators=[Optional()])
    handbooks = MultiCheckboxField(_l("Handbooks given"), coerce=int, validators=[Optional()])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=4000)])
    submit = SubmitField(_l("Record the session"))
