"""Reading and writing spreadsheets: CSV (UTF-8, UTF-8 with BOM, GB18030) and XLSX, safe to open in Excel."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from flask import Response
from flask_babel import gettext as _
from openpyxl import Workbook, load_workbook  # parses through defusedxml, which requirements.txt pins
from openpyxl.cell import WriteOnlyCell

# Encodings tried in order: what Excel on a Chinese Windows saves is GB18030 (a superset of GBK);
# "Save as CSV UTF-8" writes a BOM, which utf-8-sig strips.
CSV_ENCODINGS = ("utf-8-sig", "gb18030")
MAX_ROWS = 5000  # a county NGO has ~2,000 children; more rows is a wrong file, not a bigger NGO
# A file is refused before it can cost the server: our files have at most 25 columns and short cells, and an
# XLSX of the 5 MiB upload limit unpacks to a few tens of MB at most (a "zip bomb" unpacks to gigabytes).
MAX_COLUMNS = 100
MAX_CELL_CHARS = 5000
MAX_XLSX_UNPACKED = 64 * 1024 * 1024
# A cell starting with one of these is run as a formula by Excel (CSV injection).
# Full-width forms too: Chinese input methods type ＝ for =, and spreadsheets read it as a formula's start.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIME = "text/csv"  # Flask adds "; charset=utf-8" itself
FORMATS = ("csv", "xlsx")


class TableError(ValueError):
    """The file cannot be read as a table; the message says why in the user's language."""


@dataclass(frozen=True)
class Table:
    """A sheet's header and data rows, each row with its number as the spreadsheet shows it (header = 1)."""

    header: list[str]
    rows: list[tuple[int, list[str]]]


def read_table(filename: str, data: bytes) -> Table:
    """Read an uploaded CSV or XLSX file into text cells; blank rows are skipped."""
    if data[:4] == b"PK\x03\x04" or filename.lower().endswith((".xlsx", ".xlsm")):
        raw = _read_xlsx(data)
    else:
        try:  # csv stops at its own 128 KB field limit; a longer cell is not a record either
            raw = [_checked_row(row) for row in csv.reader(io.StringIO(_decode(data)))]
        except csv.Error as exc:
            raise TableError(_("A cell holds more than %(max)d characters; this is not a file of records.",
                               max=MAX_CELL_CHARS)) from exc
    numbered = [(n, [c.strip() for c in row]) for n, row in enumerate(raw, start=1)]
    numbered = [(n, row) for n, row in numbered if any(row)]
    if not numbered:
        raise TableError(_("The file is empty."))
    (_header_row, header), *rows = numbered
    if len(rows) > MAX_ROWS:
        raise TableError(_("The file has %(rows)d rows; at most %(max)d can be imported at once.",
                           rows=len(rows), max=MAX_ROWS))
    return Table(header=header, rows=[(n, unescape_cells(row)) for n, row in rows])


def _decode(data: bytes) -> str:
    for encoding in CSV_ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise TableError(_("The file is not text in UTF-8 or GB18030; save it as CSV or XLSX and try again."))


def _read_xlsx(data: bytes) -> list[list[str]]:
    """The first sheet's rows as text; refused before parsing when it unpacks to more than MAX_XLSX_UNPACKED, and
    while reading at the first row wider than MAX_COLUMNS (a 2,000,000-cell header costs minutes and gigabytes)."""
    # openpyxl parses through defusedxml when it is installed (it is pinned in requirements.txt).
    try:
        unpacked = sum(entry.file_size for entry in zipfile.ZipFile(io.BytesIO(data)).infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise TableError(_("The file is not a readable XLSX workbook.")) from exc
    if unpacked > MAX_XLSX_UNPACKED:
        raise TableError(_("The workbook unpacks to %(mb)d MB; a spreadsheet of this app's records is far smaller. "
                           "Save only the sheet to import.", mb=unpacked // (1024 * 1024)))
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise TableError(_("The file is not a readable XLSX workbook.")) from exc
    try:
        sheet = book.worksheets[0]
        rows = []
        for row in sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS + 1):
            rows.append(_checked_row([_cell_text(v) for v in row]))
            if len(rows) > MAX_ROWS + 1:
                break
        return rows
    finally:
        book.close()


def _checked_row(row: list[str]) -> list[str]:
    """A row within the limits, its empty cells at the end dropped; TableError past MAX_COLUMNS filled columns or
    a cell longer than MAX_CELL_CHARS."""
    while row and not row[-1]:
        row.pop()
    if len(row) > MAX_COLUMNS:
        raise TableError(_("The file has more than %(max)d columns; this app's spreadsheets have at most 25.",
                           max=MAX_COLUMNS))
    if any(len(cell) > MAX_CELL_CHARS for cell in row):
        raise TableError(_("A cell holds more than %(max)d characters; this is not a file of records.",
                           max=MAX_CELL_CHARS))
    return row


def _cell_text(value: object) -> str:
    """A cell's value as the text a person would type: dates ISO, whole numbers without '.0'."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def escape_cell(value: object) -> object:
    """Make a text cell inert in Excel: one that starts like a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def unescape_cells(row: list[str]) -> list[str]:
    """Undo ``escape_cell`` so an exported file imports back unchanged."""
    return [c[1:] if c.startswith("'") and c[1:].startswith(FORMULA_PREFIXES) else c for c in row]


@dataclass(frozen=True)
class Share:
    """A proportion (0.263) for a spreadsheet: a number shown as a percentage in XLSX, "26.3%" in CSV (more than
    1 when more was done than needed)."""

    value: float

    def __post_init__(self) -> None:
        if not self.value >= 0:  # also refuses NaN
            raise ValueError(f"a share is not negative, not {self.value}")


def _csv_cell(value: object) -> object:
    """A value as CSV text: a share as a percentage, 570.0 as 570, text formula-escaped."""
    if value is None:
        return ""
    if isinstance(value, Share):
        return f"{value.value:.1%}"
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return escape_cell(value)


def write_csv(header: Sequence[str], rows: Iterable[Sequence[object]], encoding: str = "utf-8-sig") -> bytes:
    """A formula-escaped CSV file; by default UTF-8 with a BOM, which Chinese Excel opens correctly."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([escape_cell(h) for h in header])
    for row in rows:
        writer.writerow([_csv_cell(v) for v in row])
    return out.getvalue().encode(encoding)


def write_xlsx(header: Sequence[str], rows: Iterable[Sequence[object]], title: str) -> bytes:
    """An XLSX workbook with one sheet; text cells are stored as text, never as formulas."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title[:31])
    sheet.freeze_panes = "A2"

    def cells(values: Sequence[object]) -> list[WriteOnlyCell]:
        out = []
        for value in values:
            shown = value.value if isinstance(value, Share) else value
            cell = WriteOnlyCell(sheet, value="" if shown is None else escape_cell(shown))
            if isinstance(value, Share):
                cell.number_format = "0.0%"  # a number Excel can add up, shown as 26.3%
            elif isinstance(cell.value, str):
                cell.data_type = "s"  # never let openpyxl turn "=..." into a formula
            elif isinstance(value, dt.date) and not isinstance(value, dt.datetime):
                cell.number_format = "yyyy-mm-dd"  # a real date, shown as the file's other dates are
            out.append(cell)
        return out

    sheet.append(cells(header))
    for row in rows:
        sheet.append(cells(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def download(fmt: str, header: Sequence[str], rows: Iterable[Sequence[object]], title: str, stem: str) -> Response:
    """A spreadsheet (``fmt`` one of FORMATS) as a file download (never cached: the app sends no-store on
    every response)."""
    if fmt == "csv":
        body, mime = write_csv(header, rows), CSV_MIME
    else:
        body, mime = write_xlsx(header, rows, title=title), XLSX_MIME
    return Response(body, mimetype=mime, headers={"Content-Disposition": f'attachment; filename="{stem}.{fmt}"'})
