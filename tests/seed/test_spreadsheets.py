"""The shipped demo spreadsheets: what the generator writes, importable into the demo week, and the broken
file's row report leads a coordinator to the three mistakes."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pytest

from scheduler_app.contract.instance import build_instance
from scheduler_app.contract.roster import INTERVIEW
from scheduler_app.extensions import db
from scheduler_app.models import Child, Role
from scheduler_app.tabular import read_table, write_csv
from seed.demo import load_demo
from seed.spreadsheets import BROKEN, FILES, MISTAKES, OUT, build
from tests.conftest import csrf_token

MONDAY = dt.date(2026, 11, 23)
EN = {"Accept-Language": "en"}


def test_shipped_files_are_what_the_generator_writes(tmp_path: Path) -> None:
    """Regenerating the spreadsheets gives the same cells as the files in seed/spreadsheets/."""
    build(tmp_path)
    for name in [n for n, _enc in FILES.values()] + [BROKEN]:
        assert read_table(name, (tmp_path / name).read_bytes()) == read_table(name, (OUT / name).read_bytes()), name


def upload(client, kind: str, path: Path, data: bytes | None = None):
    """Import one spreadsheet through the import page."""
    return client.post("/data/", headers=EN, content_type="multipart/form-data",
                       data={"csrf_token": csrf_token(client, "/data/"), "kind": kind,
                             "file": (io.BytesIO(data if data is not None else path.read_bytes()), path.name)})


@pytest.fixture
def imported(app, make_org, make_user, login):
    """A new organisation that imported the four demo spreadsheets in order; returns (org, client)."""
    org = make_org(name="导入测试机构")
    client = login(make_user(Role.COORDINATOR, org=org))
    for kind, (name, _encoding) in FILES.items():
        response = upload(client, kind, OUT / name)
        assert response.status_code == 302, (kind, response.get_data(as_text=True)[-2000:])
    return org, client


def test_importing_the_demo_spreadsheets_gives_the_demo_week(imported) -> None:
    """The week built from the imported spreadsheets equals the demo's own week, child by child."""
    org, _client = imported
    demo = load_demo()
    mine, theirs = build_instance(org.id, MONDAY), build_instance(demo.id, MONDAY)
    # The spreadsheets do not carry one-on-one support (it is set on the support page): the demo's weekly
    # interviews are the only children of its week that the imported one lacks.
    theirs["children"] = [c for c in theirs["children"] if not c["id"].endswith(INTERVIEW)]
    for key in ("sites", "children", "volunteers", "settings"):
        assert mine[key] == theirs[key], key


def test_broken_file_reports_its_three_mistakes_and_fixed_file_imports(imported) -> None:
    """The broken children file is refused with one report line per mistake (row, column); nothing changes.
    With the three cells put right, it imports with every child unchanged."""
    org, client = imported
    broken = OUT / BROKEN
    response = upload(client, "children", broken)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    reported = re.findall(r'<tr><td class="num">(\d+)</td><td>([^<]*)</td>', page)
    table = read_table(BROKEN, broken.read_bytes())
    rows = {cells[0]: number for number, cells in table.rows}
    columns = {"grade": "Grade", "attends": "Attends on", "primary_volunteer_id": "Regular visitor"}
    assert reported == [(str(rows[code]), columns[key]) for code, key, _value in MISTAKES]
    db.session.expire_all()
    assert db.session.execute(db.select(Child).where(Child.organisation_id == org.id, Child.code == "C004")) \
        .scalar_one().grade is not None
    good = {cells[0]: cells for _n, cells in read_table("children.xlsx", (OUT / "children.xlsx").read_bytes()).rows}
    fixed = write_csv(table.header, [good[cells[0]] for _n, cells in table.rows], encoding="gb18030")
    done = upload(client, "children", broken, fixed)
    assert done.status_code == 302
    assert "0 added, 0 updated, 120 unchanged" in client.get("/data/", headers=EN).get_data(as_text=True)
