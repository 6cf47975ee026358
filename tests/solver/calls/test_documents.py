"""The call documents: call-instance/1 and call-schedule/1 follow their JSON Schemas, bad input is refused with
its JSON path, a week with no possible call still has a result, the checker is honest about shortfall, and the
command line solves and checks."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from solver.__main__ import main
from solver.calls.check import check
from solver.calls.instance import parse_call_instance
from solver.calls.schedule import CallSchedule, parse_call_schedule
from solver.calls.solve import CallSettings, greedy_result, solve_calls
from solver.instance import InstanceError

CALLS = Path(__file__).resolve().parents[3] / "solver" / "calls"
INSTANCE = CALLS / "examples" / "tiny.call-instance.json"
SCHEDULE = CALLS / "examples" / "tiny.call-schedule.json"


def _schema(name: str) -> dict:
    return json.loads((CALLS / "schemas" / f"{name}.schema.json").read_text())


def test_the_examples_follow_their_schemas_and_the_checker() -> None:
    """The tiny example instance and its schedule validate against the schemas, and the schedule is valid."""
    raw, out = json.loads(INSTANCE.read_text()), json.loads(SCHEDULE.read_text())
    jsonschema.validate(raw, _schema("call-instance"))
    jsonschema.validate(out, _schema("call-schedule"))
    assert check(parse_call_instance(raw), parse_call_schedule(out)).ok


def test_a_solved_schedule_follows_its_schema_and_reads_back_the_same() -> None:
    """The solver's schedule is a valid call-schedule/1 and parses back into the same calls."""
    inst = parse_call_instance(json.loads(INSTANCE.read_text()))
    result = solve_calls(inst, CallSettings(time_limit_s=5, workers=1))
    doc = result.schedule.to_json()
    jsonschema.validate(doc, _schema("call-schedule"))
    again = parse_call_schedule(doc)
    assert sorted(again.calls, key=repr) == sorted(result.schedule.calls, key=repr)


@pytest.mark.parametrize(("edit", "path"), [
    (lambda d: d["families"][0]["parent_hours"][0].update(end="19:00"), "families[0].parent_hours[0]"),
    (lambda d: d["families"][0]["parent_hours"][0].update(end="25:00"), "families[0].parent_hours[0].end"),
    (lambda d: d["children"][2].update(calls_per_week=0), "children[2]"),
    (lambda d: d["children"][0].update(family="F9"), "children[0].family"),
    (lambda d: d["sites"][0].update(lines=0), "sites[0]"),
    (lambda d: d["supervisors"][1].update(site="S9"), "supervisors[1].site"),
    (lambda d: d["families"][0].update(phone="138"), "families[0].phone"),
    (lambda d: d.update(week_start="2026-12-01"), "(document)"),
])
def test_a_bad_instance_is_refused_naming_the_field(edit, path) -> None:
    """Each bad value is refused with the JSON path of the field, never a traceback."""
    raw = json.loads(INSTANCE.read_text())
    edit(raw)
    with pytest.raises(InstanceError) as caught:
        parse_call_instance(raw)
    assert str(caught.value).startswith(path)


def test_a_week_with_no_possible_call_still_has_a_result_with_every_reason(week) -> None:
    """No supervisor at all: the result holds an empty, valid schedule and each child's reason."""
    inst = week.instance(families=[week.family("F1"), week.family("F2")],
                         children=[week.child("C1", "F1"), week.child("C2", "F2")], supervisors=[])
    result = solve_calls(inst, CallSettings(time_limit_s=2, workers=1))
    assert result.report.ok and not result.schedule.calls
    assert [u.child for u in result.schedule.unmet] == ["C1", "C2"]
    assert all("no supervisor" in u.reason for u in result.schedule.unmet)


def test_the_checker_refuses_a_shortfall_left_out_or_made_up(week) -> None:
    """Rule C5: an unmet list that omits a short child, or lists one who has her call, is broken."""
    inst = parse_call_instance(json.loads(INSTANCE.read_text()))
    schedule = parse_call_schedule(json.loads(SCHEDULE.read_text()))
    hidden = CallSchedule(schedule.week_start, schedule.calls, ())
    assert any("child C4 misses 1 call(s), listed 0" in v for v in check(inst, hidden).violations)
    invented = CallSchedule(schedule.week_start, schedule.calls[1:], schedule.unmet)
    assert any("child C1 misses 1 call(s), listed 0" in v for v in check(inst, invented).violations)


def test_the_greedy_baseline_is_valid_and_no_better_than_the_solver() -> None:
    """The coordinator-by-hand baseline passes the checker and delivers no more than the solver."""
    inst = parse_call_instance(json.loads(INSTANCE.read_text()))
    greedy = greedy_result(inst)
    solved = solve_calls(inst, CallSettings(time_limit_s=5, workers=1))
    assert greedy.report.ok and greedy.report.levels.delivered <= solved.report.levels.delivered


def test_the_command_line_solves_and_checks_a_call_week(tmp_path, capsys) -> None:
    """`python -m solver calls solve IN -o OUT` writes a schedule that `calls check IN OUT` finds valid; a
    broken one exits 1 naming the rule."""
    out = tmp_path / "schedule.json"
    assert main(["calls", "solve", str(INSTANCE), "-o", str(out), "--time-limit", "5"]) == 0
    assert main(["calls", "check", str(INSTANCE), str(out)]) == 0
    assert capsys.readouterr().out.strip().endswith("valid")
    doc = json.loads(out.read_text())
    doc["calls"][0]["start"], doc["calls"][0]["end"] = "07:00", "07:20"
    out.write_text(json.dumps(doc))
    assert main(["calls", "check", str(INSTANCE), str(out)]) == 1
    assert "outside the room's hours" in capsys.readouterr().out


def test_the_command_line_refuses_a_bad_call_instance(tmp_path, capsys) -> None:
    """A bad instance exits 2 with the field's path on standard error."""
    raw = json.loads(INSTANCE.read_text())
    raw["sites"][0]["lines"] = 99
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(raw))
    assert main(["calls", "solve", str(bad)]) == 2
    assert "sites[0]: lines must be" in capsys.readouterr().err
