"""Forms for the school year: the admin's own calendar days and terms, closures, children away, attendance."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, Optional

from scheduler_app.models import CalendarDay, ChildAway, SchoolTerm, SiteClosure

WEEKDAYS = [(0, _l("Monday")), (1, _l("Tuesday")), (2, _l("Wednesday")), (3, _l("Thursday")), (4, _l("Friday")),
            (5, _l("Saturday")), (6, _l("Sunday"))]


class CalendarDayForm(FlaskForm):
    """The admin's own entry for a date: a day off, or a working day (调休) keeping a weekday's timetable."""

    day = DateField(_l("Date"), validators=[InputRequired()])
    working = SelectField(_l("The day is"), choices=[("off", _l("a day off")), ("working", _l("a working day"))],
                          validators=[InputRequired()])
    name = StringField(_l("Name"), validators=[Optional(), Length(max=CalendarDay.NAME_MAX)],
                       description=_l("e.g. 国庆节; for a working day, e.g. 国庆调休"))
    follows = SelectField(_l("Timetable of"), coerce=lambda v: None if v in ("", None) else int(v),
                          choices=[("", _l("the weekday it pays back (from the calendar)")), *WEEKDAYS],
                          validators=[Optional()],
                          description=_l("On a working day, whose sessions it holds."))
    submit = SubmitField(_l("Save day"))


class TermForm(FlaskForm):
    """A school term: outside every term there is no 4:30 classroom."""

    name = StringField(_l("Term"), validators=[InputRequired(), Length(max=SchoolTerm.NAME_MAX)])
    first_day = DateField(_l("First day"), validators=[InputRequired()])
    last_day = DateField(_l("Last day"), validators=[InputRequired()])
    submit = SubmitField(_l("Add term"))


class ClosureForm(FlaskForm):
    """A site closed for some days, with the reason."""

    site = SelectField(_l("Site"), coerce=int, validators=[InputRequired()])
    first_day = DateField(_l("First day"), validators=[InputRequired()])
    last_day = DateField(_l("Last day"), validators=[InputRequired()])
    reason = StringField(_l("Reason"), validators=[InputRequired(), Length(max=SiteClosure.REASON_MAX)])
    submit = SubmitField(_l("Close the site"))


class ChildAwayForm(FlaskForm):
    """Days a child is not at home (e.g. the summer with her parents)."""

    child = SelectField(_l("Child"), coerce=int, validators=[InputRequired()])
    first_day = DateField(_l("First day"), validators=[InputRequired()])
    last_day = DateField(_l("Last day"), validators=[InputRequired()])
    reason = StringField(_l("Reason"), validators=[InputRequired(), Length(max=ChildAway.REASON_MAX)],
                         description=_l("e.g. 在父母处"))
    submit = SubmitField(_l("Record days away"))


class RemoveForm(FlaskForm):
    """A button removing one entry."""

    submit = SubmitField(_l("Remove"))


class AttendanceForm(FlaskForm):
    """Who came: one checkbox and one reason per child, read by the view (the children vary per session)."""

    submit = SubmitField(_l("Save attendance"))
