"""Spreadsheets in: UTF-8, UTF-8 with BOM, GB18030 and XLSX; spreadsheets out: safe against formula injection."""

from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from scheduler_app.tabular import MAX_ROWS, Share, TableError, read_table, write_csv, write_xlsx

ROWS = "编号,姓名\nC001,王欣怡\n\nC002,李子轩\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_in_each_encoding_reads_the_same(in_request, encoding: str) -> None:
    """A CSV saved as UTF-8, UTF-8 with a BOM or GB18030 gives the same header and rows; blank rows are skipped
    and rows keep the numbers the spreadsheet shows."""
    table = read_table("children.csv", ROWS.encode(encoding))
    assert table.header == ["编号", "姓名"]
    assert table.rows == [(2, ["C001", "王欣怡"]), (4, ["C002", "李子轩"])]


def test_xlsx_cells_read_as_typed_text(in_request) -> None:
    """XLSX numbers, dates and text come back as the text a person typed: 5 not 5.0, dates ISO."""
    import datetime as dt
    book = Workbook()
    book.active.append(["编号", "年级", "出生日期", "纬度"])
    book.active.append(["C001", 5, dt.datetime(2015, 3, 1), 30.45])
    buffer = io.BytesIO()
    book.save(buffer)
    table = read_table("children.xlsx", buffer.getvalue())
    assert table.rows == [(2, ["C001", "5", "2015-03-01", "30.45"])]


def test_unreadable_files_are_refused_with_a_reason(in_request) -> None:
    """Binary junk, a broken XLSX and an empty file each raise a clear TableError."""
    with pytest.raises(TableError, match="UTF-8"):
        read_table("x.csv", b"\xff\xfe\x00\x81\x30\x81")
    with pytest.raises(TableError, match="XLSX"):
        read_table("x.xlsx", b"PK\x03\x04 not really a zip")
    with pytest.raises(TableError, match="empty"):
        read_table("x.csv", b"\n\n")


def test_too_many_rows_are_refused(in_request) -> None:
    """A file with more than MAX_ROWS data rows is refused before anything is checked."""
    body = "code\n" + "\n".join(f"C{i}" for i in range(MAX_ROWS + 1))
    with pytest.raises(TableError, match=str(MAX_ROWS)):
        read_table("x.csv", body.encode())


DANGEROUS = ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)"]


def test_csv_export_escapes_formulas_and_reads_back(in_request) -> None:
    """Cells starting with = + - @ are written with a leading apostrophe (inert in Excel), the file starts
    with a BOM, and reading it back gives the original text."""
    data = write_csv(["note"], [[d] for d in DANGEROUS])
    assert data.startswith(b"\xef\xbb\xbf")
    import csv
    written = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))[1:]
    assert written == [["'" + d] for d in DANGEROUS]
    assert [cells for _n, cells in read_table("x.csv", data).rows] == [[d] for d in DANGEROUS]


def test_xlsx_export_stores_text_not_formulas(in_request) -> None:
    """In the XLSX export no cell is a formula: dangerous text is stored as escaped text."""
    book = load_workbook(io.BytesIO(write_xlsx(["note"], [[d] for d in DANGEROUS], title="t")))
    cells = [row[0] for row in book.active.iter_rows(min_row=2)]
    assert all(c.data_type == "s" for c in cells)
    assert [c.value for c in cells] == ["'" + d for d in DANGEROUS]
    assert [cells for _n, cells in read_table("x.xlsx", write_xlsx(["note"], [[d] for d in DANGEROUS], "t")).rows] \
        == [[d] for d in DANGEROUS]


def test_csv_writes_whole_numbers_without_a_point_and_shares_as_percentages() -> None:
    """570.0 hours is written 570, 2.5 stays 2.5, a share of 0.263 is 26.3%; a negative share is refused."""
    text = write_csv(["h"], [[570.0], [2.5], [Share(0.263)]]).decode("utf-8-sig").splitlines()
    assert text == ["h", "570", "2.5", "26.3%"]
    with pytest.raises(ValueError, match="not negative"):
        Share(-0.1)


@pytest.mark.parametrize("text", ["＝1+1", "＋86 139", "－5", "＠SUM(A1)", "=1+1"])
def test_a_cell_that_starts_like_a_formula_in_any_width_is_made_inert(text: str) -> None:
    """Half- and full-width = + - @ at the start of a cell get a leading apostrophe in CSV and XLSX, and the
    import takes it off again."""
    line = write_csv(["h"], [[text]]).decode("utf-8-sig").splitlines()[1]
    assert line == "'" + text
    cell = load_workbook(io.BytesIO(write_xlsx(["h"], [[text]], title="t"))).active["A2"]
    assert cell.value == "'" + text and cell.data_type == "s"
    assert read_table("t.csv", write_csv(["h"], [[text]])).rows[0][1] == [text]


def test_a_header_of_two_thousand_columns_is_refused_at_once() -> None:
    """An XLSX whose header row fills 2,000 columns is refused while its first row is read (not after parsing
    millions of cells), and so is such a CSV; neither lists an error per column."""
    book = Workbook()
    book.active.append([f"c{i}" for i in range(2000)])
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(TableError, match="more than 100 columns"):
        read_table("wide.xlsx", buffer.getvalue())
    with pytest.raises(TableError, match="more than 100 columns"):
        read_table("wide.csv", (",".join(f"c{i}" for i in range(2000)) + "\n").encode())


def test_a_workbook_that_unpacks_to_gigabytes_is_refused_before_parsing() -> None:
    """A small XLSX whose shared strings unpack to 100 MB (a zip bomb) is refused from the zip's own sizes."""
    book = Workbook()
    book.active.append(["Code"])
    buffer = io.BytesIO()
    book.save(buffer)
    bomb = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as original, \
            zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as out:
        for entry in original.infolist():
            out.writestr(entry, original.read(entry))
        out.writestr("xl/padding.xml", b" " * (100 * 1024 * 1024))
    assert len(bomb.getvalue()) < 1024 * 1024
    with pytest.raises(TableError, match="unpacks to 100 MB"):
        read_table("bomb.xlsx", bomb.getvalue())


def test_a_cell_longer_than_any_record_is_refused_not_a_crash() -> None:
    """A CSV cell of 200 KB (past csv's own 128 KB limit) and one of 6,000 characters are refused with a
    message, not an error page."""
    for size in (200_000, 6_000):
        with pytest.raises(TableError, match="more than 5000 characters"):
            read_table("long.csv", ("Code,Name\nC1," + "字" * size + "\n").encode())
