"""Write the demo organisation as the spreadsheets a coordinator would bring: ``python -m seed.spreadsheets``.

The files in ``seed/spreadsheets/`` are what this writes: villages as UTF-8 CSV with a BOM, sites and
children as XLSX, volunteers as GB18030 CSV (what Excel on a Chinese Windows saves), all with Chinese
headers; and ``children-broken.csv``, the children with three deliberate mistakes for the import report.
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
from pathlib import Path

from flask_babel import force_locale
from flask_migrate import upgrade

from scheduler_app import create_app
from scheduler_app.extensions import db
from scheduler_app.tabular import write_csv, write_xlsx
from scheduler_app.transfer.services import KIND_LABELS, KINDS, export_rows
from seed.demo import load_demo

OUT = Path(__file__).resolve().parent / "spreadsheets"
DEMO_DAY = dt.date(2026, 11, 23)  # birth dates follow from the day the demo is drawn; fix it for the files
FILES = {"villages": ("villages.csv", "utf-8-sig"), "sites": ("sites.xlsx", None),
         "volunteers": ("volunteers.csv", "gb18030"), "children": ("children.xlsx", None)}
BROKEN = "children-broken.csv"
# (child code, column key, wrong value): each breaks a different rule.
MISTAKES = (
    ("C004", "grade", "13"),                     # grades run from 1 to 12
    ("C012", "attends", "周三、周日"),           # the site (S02) holds no session on Sunday
    ("C020", "primary_volunteer_id", "M99"),     # no such volunteer
)


def build(out: Path = OUT) -> list[Path]:
    """Load the demo into a throwaway database and export each kind of record; returns the files written."""


    out.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/demo.sqlite3", "SECRET_KEY": "seed"})
        with app.test_request_context(), force_locale("zh_CN"):
            upgrade()
            org = load_demo(today=DEMO_DAY)
            for kind, (name, encoding) in FILES.items():
                header, rows = export_rows(org.id, kind, operator=True)
                path = out / name
                if encoding is None:
                    path.write_bytes(write_xlsx(header, rows, title=str(KIND_LABELS[kind])))
                else:
                    path.write_bytes(write_csv(header, rows, encoding=encoding))
                written.append(path)
                if kind == "children":
                    keys = [f.key for f in KINDS[kind].fields]
                    broken = [list(r) for r in rows]
                    for code, key, value in MISTAKES:
                        row = next(r for r in broken if r[0] == code)
                        row[keys.index(key)] = value
                    (out / BROKEN).write_bytes(write_csv(header, broken, encoding="gb18030"))
                    written.append(out / BROKEN)
            db.engine.dispose()
    return written


if __name__ == "__main__":
    for written_path in build(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT):
        print(written_path)
