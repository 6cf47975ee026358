"""Spreadsheet import and export through HTTP: all rows or none, a row report, idempotent re-import,
every encoding, size limits, formula-safe exports, templates in the user's language."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest

from scheduler_app.extensions import db
from scheduler_app.models import AuditEvent, Child, Role
from tests.conftest import PASSWORD, csrf_token, post_form

EN = {"Accept-Language": "en"}
HEADER = "Code,Name,Village,Visits a week,Visit windows,Risk level"


@pytest.fixture
def desk(make_org, make_user, make_child, login):
    """A coordinator's logged-in client in an organisation with one village (from child C0)."""
    org = make_org()
    village = make_child(org, "C0", name="已有儿童").village
    client = login(make_user(Role.COORDINATOR, org=org))
    return {"org": org, "village": village.name, "client": client}


def upload(client, kind: str, body: bytes, name: str = "children.csv"):
    """Post a spreadsheet to the import form as a browser would."""
    return client.post("/data/", headers=EN, content_type="multipart/form-data",
                       data={"csrf_token": csrf_token(client, "/data/"), "kind": kind,
                             "file": (io.BytesIO(body), name)})


def report_rows(html: str) -> list[tuple[str, str]]:
    """(row, column) of each line of the import report."""
    return re.findall(r'<tr><td class="num">(\d+|—)</td><td>([^<]*)</td>', html)


def children(org_id: int) -> dict[str, Child]:
    """The organisation's children by code, fresh from the database."""
    db.session.expire_all()
    rows = db.session.execute(db.select(Child).where(Child.organisation_id == org_id)).scalars()
    return {c.code: c for c in rows}


def csv_of(*rows: str, encoding: str = "utf-8") -> bytes:
    """A CSV file with the English header and these rows."""
    return ("\n".join([HEADER, *rows]) + "\n").encode(encoding)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_import_in_each_encoding_then_again_changes_nothing(app, desk, encoding) -> None:
    """New children import from UTF-8, UTF-8 with BOM and GB18030 files; the same file again is all unchanged."""
    body = csv_of(f"C1,王欣怡,{desk['village']},1,周六 09:00-11:00,2", f"C2,李子轩,{desk['village']},2,"
                  "sat 09:00-11:00; 周日 14:00-16:00,4", encoding=encoding)
    first = upload(desk["client"], "children", body)
    assert first.status_code == 302
    found = children(desk["org"].id)
    assert found["C1"].name == "王欣怡" and len(found["C2"].visit_windows) == 2
    versions = {code: c.version_id for code, c in found.items()}
    second = upload(desk["client"], "children", body)
    page = desk["client"].get(second.headers["Location"], headers=EN).get_data(as_text=True)
    assert "0 added, 0 updated, 2 unchanged" in page
    assert {code: c.version_id for code, c in children(desk["org"].id).items()} == versions


def test_one_bad_row_imports_nothing_and_is_reported(app, desk) -> None:
    """With rows 2 and 4 good and row 3 wrong in two cells, nothing is imported and the report names
    row 3, each column and the reason."""
    body = csv_of(f"C1,王欣怡,{desk['village']},1,周六 09:00-11:00,2",
                  "C2,李子轩,没有这个村,1,周六 25:00-26:00,2",
                  f"C3,张雨桐,{desk['village']},1,周六 09:00-11:00,3")
    response = upload(desk["client"], "children", body)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "Nothing was imported" in page
    assert report_rows(page) == [("3", "Village"), ("3", "Visit windows")]
    assert "没有这个村" in page and "25:00" in page
    assert set(children(desk["org"].id)) == {"C0"}


def test_rule_broken_across_columns_is_reported_at_the_column(app, desk) -> None:
    """Two visits a week with one window day is reported at the visit windows of that row."""
    response = upload(desk["client"], "children", csv_of(f"C1,王欣怡,{desk['village']},2,周六 09:00-11:00,2"))
    assert report_rows(response.get_data(as_text=True)) == [("2", "Visit windows")]


def test_header_problems_are_reported_on_row_one(app, desk) -> None:
    """An unknown column, and a file without the required code column, are reported on row 1."""
    unknown = upload(desk["client"], "children", b"Code,Name,Shoe size,Visits a week,Risk level\nC1,A,38,0,1\n")
    assert report_rows(unknown.get_data(as_text=True)) == [("1", "Shoe size"), ("1", "—")]
    assert unknown.get_data(as_text=True).count("Visits a week") == 1  # the columns are listed once
    missing = upload(desk["client"], "children", b"Name,Visits a week,Risk level\nA,0,1\n")
    assert ("1", "Code") in report_rows(missing.get_data(as_text=True))


def test_the_same_code_twice_in_a_file_is_refused(app, desk) -> None:
    """Two rows with one code: the second is reported, naming the first."""
    v = desk["village"]
    response = upload(desk["client"], "children", csv_of(f"C1,甲,{v},0,,1", f"C1,乙,{v},0,,1"))
    page = response.get_data(as_text=True)
    assert report_rows(page) == [("3", "Code")] and "already on row 2" in page


def test_columns_left_out_keep_their_values(app, desk) -> None:
    """A file with only code and risk level updates the risk and leaves name and windows as they were."""
    before = children(desk["org"].id)["C0"]
    windows = [(w.day_index, w.start) for w in before.visit_windows]
    response = upload(desk["client"], "children", b"Code,Risk level\nC0,5\n")
    assert response.status_code == 302, response.get_data(as_text=True)[-2500:]
    after = children(desk["org"].id)["C0"]
    assert (after.risk_level, after.name) == (5, "已有儿童")
    assert [(w.day_index, w.start) for w in after.visit_windows] == windows


def test_xlsx_import(app, desk) -> None:
    """An XLSX workbook with Chinese headers imports like a CSV."""
    from openpyxl import Workbook
    book = Workbook()
    book.active.append(["编号", "姓名", "村", "每周家访", "可探访时段", "风险等级"])
    book.active.append(["C7", "周子涵", desk["village"], 1, "周三 18:00-19:30", 3])
    buffer = io.BytesIO()
    book.save(buffer)
    assert upload(desk["client"], "children", buffer.getvalue(), "children.xlsx").status_code == 302
    assert children(desk["org"].id)["C7"].visit_windows[0].day_index == 2


def test_oversized_upload_is_refused(app, desk) -> None:
    """A file above the upload limit is refused with 413 before it is read."""
    limit = app.config["MAX_CONTENT_LENGTH"]
    response = upload(desk["client"], "children", b"x" * (limit + 1))
    assert response.status_code == 413
    assert set(children(desk["org"].id)) == {"C0"}


def test_export_escapes_formulas_and_is_audited(app, desk, make_child) -> None:
    """A child named “=HYPERLINK(...)” is exported with a leading apostrophe in CSV; the export is audited."""
    make_child(desk["org"], "C9", name='=HYPERLINK("http://evil","x")')
    response = desk["client"].get("/data/children/export.csv", headers=EN)
    body = response.data.decode("utf-8-sig")
    assert response.headers["Content-Type"].startswith("text/csv") and response.data.startswith(b"\xef\xbb\xbf")
    assert "'=HYPERLINK" in body and ',=HYPERLINK' not in body
    event = db.session.execute(db.select(AuditEvent).where(AuditEvent.action == "export")).scalar_one()
    assert event.detail["rows"] == 2


def test_export_then_import_changes_nothing(app, desk, make_child) -> None:
    """Every field survives an export and re-import, in both formats: all rows come back unchanged."""
    make_child(desk["org"], "C9", name="-负号开头", guardian_phone="+8613900000000")
    for fmt in ("csv", "xlsx"):
        body = desk["client"].get(f"/data/children/export.{fmt}").data
        response = upload(desk["client"], "children", body, f"children.{fmt}")
        page = desk["client"].get(response.headers["Location"], headers=EN).get_data(as_text=True)
        assert "0 added, 0 updated, 2 unchanged" in page, fmt


@pytest.mark.parametrize(("language", "first"), [("en", "Code"), ("zh_CN", "编号")])
def test_template_headers_follow_the_language(app, desk, language, first) -> None:
    """The empty template's header is in the user's language; it holds no data row."""
    desk["client"].post("/language", data={"lang": language, "next": "/",
                                           "csrf_token": csrf_token(desk["client"], "/")})
    text = desk["client"].get("/data/children/template.csv").data.decode("utf-8-sig")
    assert text.splitlines()[0].split(",")[0] == first and len(text.splitlines()) == 1


def test_dates_and_grades_as_chinese_excel_and_schools_write_them(app, desk) -> None:
    """Birth dates written 2015/10/9, 2012年10月24日 or with Excel's midnight, and grades written 五年级, 初一 or
    高二, import as the dates and grades they are; a month 13 is refused, naming the row and the column."""
    v = desk["village"]
    header = "Code,Name,Village,Visits a week,Risk level,Birth date,Grade"
    rows = [f"C1,王欣怡,{v},0,1,2015/10/9,五年级", f"C2,李子轩,{v},0,1,2012年10月24日,初一",
            f"C3,张可馨,{v},0,1,2009-03-07 00:00:00,高二"]
    response = upload(desk["client"], "children", ("\n".join([header, *rows]) + "\n").encode())
    assert response.status_code == 302
    found = children(desk["org"].id)
    assert [(found[c].birth_date, found[c].grade) for c in ("C1", "C2", "C3")] == [
        (dt.date(2015, 10, 9), 5), (dt.date(2012, 10, 24), 7), (dt.date(2009, 3, 7), 11)]
    refused = upload(desk["client"], "children", f"{header}\nC4,王五,{v},0,1,2015/13/1,三年级\n".encode())
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and ("2", "Birth date") in report_rows(html)
    assert "C4" not in children(desk["org"].id)


def test_a_manager_downloads_but_does_not_import(app, desk, make_user) -> None:
    """The manager's Export page offers the downloads without the import form; an import posted anyway is
    refused (403) and changes nothing."""
    account, manager = make_user(Role.MANAGER, org=desk["org"]), app.test_client()
    assert post_form(manager, "/auth/login", {"username": account.username, "password": PASSWORD}).status_code == 302
    page = manager.get("/data/", headers=EN).get_data(as_text=True)
    assert "/data/children/export.csv" in page and 'type="file"' not in page
    before = children(desk["org"].id)
    refused = manager.post("/data/", headers=EN, content_type="multipart/form-data",
                           data={"csrf_token": csrf_token(manager, "/auth/password"), "kind": "children",
                                 "file": (io.BytesIO(csv_of(f"C9,新儿童,,,,,,{desk['village']}")), "c.csv")})
    assert refused.status_code == 403 and children(desk["org"].id).keys() == before.keys()


def test_exported_dates_are_dates_in_xlsx_and_iso_in_csv(app, desk, make_child) -> None:
    """A birth date goes out as a real date in XLSX (Excel sorts and edits it as a date) and as 2015-10-09 in
    CSV; the XLSX comes back unchanged."""
    from openpyxl import load_workbook
    make_child(desk["org"], "C9", birth_date=dt.date(2015, 10, 9))
    workbook = desk["client"].get("/data/children/export.xlsx").data
    sheet = load_workbook(io.BytesIO(workbook)).active
    header = [c.value for c in sheet[1]]
    column = header.index("出生日期") if "出生日期" in header else header.index("Birth date")
    cell = next(row[column] for row in sheet.iter_rows(min_row=2) if row[0].value == "C9")
    assert cell.is_date and cell.value.date() == dt.date(2015, 10, 9) and cell.number_format == "yyyy-mm-dd"
    assert ",2015-10-09," in desk["client"].get("/data/children/export.csv").data.decode("utf-8-sig")
    back = upload(desk["client"], "children", workbook, "children.xlsx")
    assert "0 added, 0 updated, 2 unchanged" in desk["client"].get(back.headers["Location"], headers=EN).get_data(
        as_text=True)
    assert children(desk["org"].id)["C9"].birth_date == dt.date(2015, 10, 9)


def test_a_file_of_another_kind_is_named_as_such_once(app, desk) -> None:
    """A volunteers' file imported as children: each unknown column is reported, the list of the children's
    columns once, saying the file may be of another kind; nothing is imported."""
    body = b"Phone,Roles,Affiliation,Reach (km)\n13900000000,tutor,college,5\n"
    page = upload(desk["client"], "children", body).get_data(as_text=True)
    assert page.count("the right kind of file") == 1 and page.count("Visits a week") == 1
    assert [column for _row, column in report_rows(page)].count("—") == 1
    assert set(children(desk["org"].id)) == {"C0"}


def test_an_import_cannot_change_what_the_account_may_not_see(app, desk, make_user, make_child) -> None:
    """A coordinator without the sensitive-data permission imports a two-column file setting a child's
    guardian's phone and background: every such cell is refused, naming row and column, and nothing changes;
    the same columns left empty (as her export left them) import without a word."""
    make_child(desk["org"], "C9", guardian_phone="13900000000", background="父母在深圳")
    account, limited = make_user(Role.COORDINATOR, org=desk["org"], permissions=[]), app.test_client()
    assert post_form(limited, "/auth/login", {"username": account.username, "password": PASSWORD}).status_code == 302
    body = "Code,Guardian's phone,Background\nC9,13811112222,无\n".encode()
    page = upload(limited, "children", body).get_data(as_text=True)
    assert report_rows(page) == [("2", "Guardian&#39;s phone"), ("2", "Background")]
    assert "sensitive data" in page
    child = children(desk["org"].id)["C9"]
    assert (child.guardian_phone, child.background) == ("13900000000", "父母在深圳")
    kept = upload(limited, "children", b"Code,Guardian's phone,Background\nC9,,\n")
    assert kept.status_code == 302 and children(desk["org"].id)["C9"].guardian_phone == "13900000000"


def _sqlite_path(app) -> str:
    """The file of the app's SQLite database."""
    return db.engine.url.database


def test_other_saves_go_on_while_an_import_reads_its_file(app, desk, monkeypatch) -> None:
    """An import reads and checks its file without holding SQLite's write lock: someone else's save made
    meanwhile (here from another connection that waits at most 0.2 s) goes through, and the import then
    writes its rows."""
    import sqlite3

    from scheduler_app.transfer import routes
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("SQLite's single write lock")
    saved, org_id, path = [], desk["org"].id, _sqlite_path(app)

    def read_while_someone_saves(name, data):
        other = sqlite3.connect(path, timeout=0.2)
        other.execute("UPDATE organisation SET road_factor = 1.5 WHERE id = ?", (org_id,))
        other.commit()
        other.close()
        saved.append(True)
        return real_read(name, data)

    real_read = routes.read_table
    monkeypatch.setattr(routes, "read_table", read_while_someone_saves)
    response = upload(desk["client"], "children", csv_of(f"C1,王欣怡,{desk['village']},1,周六 09:00-11:00,2"))
    assert saved and response.status_code == 302
    assert "C1" in children(org_id)


def test_a_record_changed_while_the_import_read_its_file_refuses_the_import(app, desk, monkeypatch) -> None:
    """What the import read may change before it writes: a child of the file saved by someone else meanwhile
    makes the import refuse, with nothing written, instead of overwriting that save."""
    from scheduler_app.transfer import services
    first = upload(desk["client"], "children", csv_of(f"C1,王欣怡,{desk['village']},1,周六 09:00-11:00,2"))
    assert first.status_code == 302
    saved = []

    def someone_saves_before_the_write(*args):
        if not saved:
            with app.app_context():  # someone else's request: a session of its own
                child = db.session.execute(db.select(Child).where(Child.code == "C1")).scalar_one()
                child.risk_level = 5
                db.session.commit()
            saved.append(True)
        return real_changed(*args)

    real_changed = services.changed_values
    monkeypatch.setattr(services, "changed_values", someone_saves_before_the_write)
    response = upload(desk["client"], "children", csv_of(f"C1,王欣怡,{desk['village']},1,周六 09:00-11:00,3",
                                                         f"C2,李子轩,{desk['village']},1,周六 09:00-11:00,1"))
    assert saved and response.status_code == 422
    assert "someone changed these records" in response.get_data(as_text=True)
    found = children(desk["org"].id)
    assert found["C1"].risk_level == 5 and "C2" not in found
