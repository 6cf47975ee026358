"""The spreadsheet upload form."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import SelectField, SubmitField
from wtforms.validators import DataRequired

from scheduler_app.transfer.services import KIND_LABELS


class ImportForm(FlaskForm):
    """Which records the file holds, and the file (CSV or XLSX)."""

    kind = SelectField(_l("Records"), choices=list(KIND_LABELS.items()), validators=[DataRequired()])
    file = FileField(_l("Spreadsheet (CSV or XLSX)"), validators=[
        FileRequired(_l("Choose a file.")),
        FileAllowed(["csv", "xlsx", "txt"], _l("Only CSV and XLSX files can be imported."))])
    submit = SubmitField(_l("Import"))
