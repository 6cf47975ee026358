"""Rule C4 (solver.calls.rules.lines): never more calls at once at a site than its lines."""

from __future__ import annotations

from dataclasses import replace

from solver.calls.check import check
from solver.calls.schedule import CallSchedule

NARROW = (("wed", "19:00", "19:20"),)  # room for exactly one call a line


def test_two_lines_carry_two_calls_at_once(week, solved) -> None:
    """Two families free only 19:00–19:20, two lines and two supervisors: both call at once, on lines 1 and 2."""
    inst = week.instance(sites=[week.site(lines=2, hours=NARROW)],
                         families=[week.family("F1"), week.family("F2")],
                         children=[week.child("C1", "F1"), week.child("C2", "F2")],
                         supervisors=[week.supervisor("V1"), week.supervisor("V2")])
    schedule, _ = solved(inst)
    assert sorted(c.line for c in schedule.calls) == [1, 2] and not schedule.unmet


def test_one_line_carries_one_call_at_a_time(week, solved) -> None:
    """Infeasible by one: the same week with one line: one family calls, the other is unmet because the line is
    taken."""
    inst = week.instance(sites=[week.site(lines=1, hours=NARROW)],
                         families=[week.family("F1"), week.family("F2")],
                         children=[week.child("C1", "F1"), week.child("C2", "F2")],
                         supervisors=[week.supervisor("V1"), week.supervisor("V2")])
    schedule, _ = solved(inst)
    assert len(schedule.calls) == 1
    [unmet] = schedule.unmet
    assert "line(s) at S1 are taken" in unmet.reason


def test_back_to_back_calls_share_a_line(week, solved) -> None:
    """Edge case: one line open 19:00–19:40 holds two 20-minute calls, the second starting as the first ends."""
    inst = week.instance(sites=[week.site(lines=1, hours=(("wed", "19:00", "19:40"),))],
                         families=[week.family("F1"), week.family("F2")],
                         children=[week.child("C1", "F1"), week.child("C2", "F2")])
    schedule, _ = solved(inst)
    assert sorted((c.start, c.line) for c in schedule.calls) == [(19 * 60, 1), (19 * 60 + 20, 1)]


def test_the_checker_refuses_two_calls_on_one_line_at_once_and_a_line_that_is_not_there(week, solved) -> None:
    """Two overlapping calls on line 1, and a call on line 2 of a one-line site, are broken rules."""
    inst = week.instance(sites=[week.site(lines=2, hours=NARROW)], families=[week.family("F1"), week.family("F2")],
                         children=[week.child("C1", "F1"), week.child("C2", "F2")],
                         supervisors=[week.supervisor("V1"), week.supervisor("V2")])
    schedule, _ = solved(inst)
    same = CallSchedule(schedule.week_start, tuple(replace(c, line=1) for c in schedule.calls), ())
    assert any("both on line 1" in v for v in check(inst, same).violations)
    beyond = CallSchedule(schedule.week_start, (replace(schedule.calls[0], line=3),), schedule.unmet)
    assert any("line 3, but site S1 has 2" in v for v in check(inst, beyond).violations)
