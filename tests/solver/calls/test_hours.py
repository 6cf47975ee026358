"""Rule C1 (solver.calls.rules.hours): a call lies inside both the parents' hours and the room's hours."""

from __future__ import annotations

from dataclasses import replace

from solver.calls.check import check
from solver.calls.schedule import CallSchedule


def test_a_call_is_placed_where_the_parents_and_the_room_meet(week, solved) -> None:
    """Parents free 20:00–22:00, room open 19:00–21:00: the call lies inside 20:00–21:00."""
    inst = week.instance(families=[week.family("F1", hours=(("wed", "20:00", "22:00"),))],
                         children=[week.child("C1", "F1")])
    schedule, report = solved(inst)
    [call] = schedule.calls
    assert call.day == "wed" and call.start >= 20 * 60 and call.end <= 21 * 60
    assert not schedule.unmet and report.levels.delivered == 1


def test_parents_free_one_minute_too_late_get_no_call(week, solved) -> None:
    """Infeasible by one: parents free from 20:41 while the room closes at 21:00 leave 19 minutes, one short of a
    20-minute call; the child is unmet with the reason."""
    inst = week.instance(families=[week.family("F1", hours=(("wed", "20:41", "22:00"),))],
                         children=[week.child("C1", "F1")], step_minutes=5)
    schedule, _ = solved(inst)
    assert not schedule.calls
    [unmet] = schedule.unmet
    assert (unmet.child, unmet.missing) == ("C1", 1)
    assert "never meet" in unmet.reason


def test_an_overlap_exactly_as_long_as_the_call_holds_it(week, solved) -> None:
    """Edge case: parents free 20:40–22:00 and the room open until 21:00 leave exactly 20 minutes: the call is
    20:40–21:00."""
    inst = week.instance(families=[week.family("F1", hours=(("wed", "20:40", "22:00"),))],
                         children=[week.child("C1", "F1")])
    schedule, _ = solved(inst)
    [call] = schedule.calls
    assert (call.start, call.end) == (20 * 60 + 40, 21 * 60)


def test_the_checker_refuses_a_call_outside_the_parents_hours(week, solved) -> None:
    """A call moved to 19:00 while the parents are free from 20:00 breaks the rule, and the checker says which."""
    inst = week.instance(families=[week.family("F1", hours=(("wed", "20:00", "22:00"),))],
                         children=[week.child("C1", "F1")])
    schedule, _ = solved(inst)
    moved = CallSchedule(schedule.week_start, (replace(schedule.calls[0], start=19 * 60, end=19 * 60 + 20),), ())
    assert any("outside the parents' hours" in v for v in check(inst, moved).violations)
    longer = CallSchedule(schedule.week_start, (replace(schedule.calls[0], end=schedule.calls[0].end + 5),), ())
    assert any("lasts 25 minutes" in v for v in check(inst, longer).violations)
