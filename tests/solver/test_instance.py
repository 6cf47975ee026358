"""Parsing roster-instance/1: valid documents become dataclasses, bad ones name the field and reason."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from solver import InstanceError, parse_instance
from solver.instance import Interval, Settings


def test_contract_example_parses(tiny_doc) -> None:
    """The contract's tiny example parses with every field in place."""
    inst = parse_instance(tiny_doc())
    assert inst.week_start == dt.date(2026, 11, 23)
    assert [c.id for c in inst.children] == ["C1", "C2", "C3", "C4"]
    assert inst.child_by_id["C2"].visit_windows[0] == Interval("tue", 18 * 60 + 30, 20 * 60 + 30)
    assert inst.volunteer_by_id["V4"].roles == ("visitor", "tutor")


def test_required_tutors_follow_the_ratio_rule(tiny_doc) -> None:
    """required = max(min_tutors, ceil(attending / ratio)), zero when nobody attends."""
    inst = parse_instance(tiny_doc())
    site = inst.sites[0]
    assert inst.required_tutors(site, "mon") == 2  # 3 children, 2 per tutor
    assert inst.required_tutors(site, "wed") == 1  # 2 children
    assert inst.required_tutors(site, "tue") == 0  # no session
    assert inst.needed_subjects(site, "wed") == ["chinese", "math"]


def test_dataclasses_are_frozen(tiny_doc) -> None:
    """Instance objects cannot be changed after validation."""
    inst = parse_instance(tiny_doc())
    with pytest.raises(dataclasses.FrozenInstanceError):
        inst.children[0].priority = 5  # type: ignore[misc]  # the assignment this test expects to be refused


def test_dataclasses_validate_themselves() -> None:
    """Constructing a dataclass with a bad value raises, without any parser involved."""
    with pytest.raises(ValueError, match="road_factor"):
        Settings(visit_minutes=60, speed_kmh=20, road_factor=0.5)
    with pytest.raises(ValueError, match="start must be before end"):
        Interval("mon", 600, 600)


@pytest.mark.parametrize(("edit", "path", "reason"), [
    (lambda d: d.pop("settings"), "settings", "required field is missing"),
    (lambda d: d.update(schema="roster-instance/2"), "schema", "expected 'roster-instance/1'"),
    (lambda d: d.update(week_start="2026-11-24"), "", "must be a Monday"),
    (lambda d: d["children"][1]["visit_windows"][0].update(end="18:00"), "children[1].visit_windows[0]",
     "start must be before end"),
    (lambda d: d["children"][1]["visit_windows"][0].update(start="25:00"), "children[1].visit_windows[0].start",
     "expected a time"),
    (lambda d: d["children"][0].update(priority=9), "children[0]", "priority must be"),
    (lambda d: d["children"][0].update(site="S9"), "children[0].site", "no site with id 'S9'"),
    (lambda d: d["children"][0].update(attends=["tue"]), "children[0].attends", "holds no session on tue"),
    (lambda d: d["children"][0].update(primary_volunteer="V99"), "children[0].primary_volunteer", "no volunteer"),
    (lambda d: d["children"][2].update(id="C1"), "children[2].id", "duplicate id 'C1'"),
    (lambda d: d["volunteers"][0].update(roles=["driver"]), "volunteers[0]", "roles must be tutor or visitor"),
    (lambda d: d["volunteers"][2].update(lat=91), "volunteers[2]", "lat must be"),
    (lambda d: d["volunteers"][2].update(max_km=True), "volunteers[2]", "max_km must be"),
    (lambda d: d["volunteers"][3].update(colour="red"), "volunteers[3].colour", "unknown field"),
    (lambda d: d["sites"][0].pop("sessions"), "sites[0].sessions", "required field is missing"),
    (lambda d: d["pinned"].append({"kind": "visit", "volunteer": "V3", "child": "C9", "day": "sat"}),
     "pinned[0].child", "no child with id 'C9'"),
    (lambda d: d["forbidden"].append({"kind": "tutoring", "volunteer": "V1", "child": "C1", "day": "mon"}),
     "forbidden[0].site", "required field is missing"),
    (lambda d: d.update(children={}), "children", "expected an array"),
])
def test_bad_instance_names_field_and_reason(tiny_doc, edit, path: str, reason: str) -> None:
    """Each kind of bad input raises InstanceError with the JSON path and a readable reason."""
    doc = tiny_doc()
    edit(doc)
    with pytest.raises(InstanceError) as info:
        parse_instance(doc)
    assert info.value.path == path
    assert reason in info.value.reason


def test_absent_optional_limits_count_as_zero(tiny_doc) -> None:
    """A volunteer without load limits, subjects or trained gets 0, none and false."""
    doc = tiny_doc()
    for key in ("subjects", "trained", "max_sessions_per_week", "max_visits_per_week", "max_visits_per_day"):
        doc["volunteers"][0].pop(key)
    v = parse_instance(doc).volunteers[0]
    assert (v.subjects, v.trained, v.max_sessions_per_week, v.max_visits_per_week, v.max_visits_per_day) == \
        ((), False, 0, 0, 0)
