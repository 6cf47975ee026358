"""The command line: solve and check read and write the contract's JSON; bad input exits 2 with the field."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str) -> subprocess.CompletedProcess:
    """Run ``python -m solver`` in the project folder."""
    return subprocess.run([sys.executable, "-m", "solver", *args], cwd=ROOT, capture_output=True,  # noqa: S603
                          text=True, timeout=120)


def test_solve_then_check_round_trip(tmp_path: Path, tiny_doc) -> None:
    """`solve` writes a roster/1 file and `check` accepts it (exit 0, prints the levels)."""
    instance = tmp_path / "week.json"
    instance.write_text(json.dumps(tiny_doc()), encoding="utf-8")
    out = tmp_path / "roster.json"
    solved = run("solve", str(instance), "-o", str(out), "--time-limit", "5", "--seed", "3")
    assert solved.returncode == 0, solved.stderr
    assert json.loads(out.read_text())["schema"] == "roster/1"
    checked = run("check", str(instance), str(out))
    assert checked.returncode == 0 and "valid" in checked.stdout and "shortfall 4" in checked.stdout


def test_check_lists_broken_rules_and_exits_1(tmp_path: Path, tiny_doc, tiny_roster_doc) -> None:
    """A roster breaking two rules is reported rule by rule with exit status 1."""
    instance, roster = tmp_path / "i.json", tmp_path / "r.json"
    instance.write_text(json.dumps(tiny_doc()))
    bad = tiny_roster_doc()
    bad["visits"][2].update(start="10:06", end="11:06")
    bad["unmet"]["visits"] = []
    roster.write_text(json.dumps(bad))
    checked = run("check", str(instance), str(roster))
    assert checked.returncode == 1
    assert "rule 2:" in checked.stdout and "rule 7:" in checked.stdout and "INVALID: 2" in checked.stdout


def test_bad_instance_is_refused_naming_the_field(tmp_path: Path, tiny_doc) -> None:
    """An instance with a bad field exits 2 with its JSON path, and no traceback."""
    doc = tiny_doc()
    doc["children"][1]["visit_windows"][0]["end"] = "18:00"
    instance = tmp_path / "bad.json"
    instance.write_text(json.dumps(doc))
    solved = run("solve", str(instance))
    assert solved.returncode == 2
    assert "children[1].visit_windows[0]" in solved.stderr and "Traceback" not in solved.stderr


def test_unreadable_json_is_refused_with_line_and_column(tmp_path: Path) -> None:
    """A file that is not JSON is refused with where it breaks."""
    instance = tmp_path / "broken.json"
    instance.write_text('{"schema": ')
    solved = run("solve", str(instance))
    assert solved.returncode != 0 and "line 1" in solved.stderr and "Traceback" not in solved.stderr
