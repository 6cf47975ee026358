"""Rule C3 (solver.calls.rules.supervision): a supervisor of the site present for the whole call, with one call at
a time, within her weekly limit."""

from __future__ import annotations

from dataclasses import replace

from solver.calls.check import check
from solver.calls.schedule import CallSchedule

NARROW = (("wed", "19:00", "19:20"),)


def test_a_supervisor_present_for_the_whole_call_sits_with_it(week, solved) -> None:
    """A volunteer at the site 19:00–19:20 sits with the 19:00 call."""
    inst = week.instance(families=[week.family("F1", hours=NARROW)], children=[week.child("C1", "F1")],
                         supervisors=[week.supervisor("V1", hours=NARROW)])
    schedule, _ = solved(inst)
    [call] = schedule.calls
    assert (call.supervisor, call.start) == ("V1", 19 * 60)


def test_a_supervisor_leaving_one_minute_early_cannot_sit_with_the_call(week, solved) -> None:
    """Infeasible by one: the volunteer leaves at 19:19, one minute before the call ends; no call, and the reason
    says no supervisor is there for a whole call."""
    inst = week.instance(families=[week.family("F1", hours=NARROW)], children=[week.child("C1", "F1")],
                         supervisors=[week.supervisor("V1", hours=(("wed", "19:00", "19:19"),))])
    schedule, _ = solved(inst)
    assert not schedule.calls
    assert "no supervisor is at S1" in schedule.unmet[0].reason


def test_a_supervisor_at_another_site_does_not_count(week, solved) -> None:
    """A volunteer of site S2 does not supervise at S1, whatever her hours."""
    inst = week.instance(sites=[week.site("S1"), week.site("S2")], families=[week.family("F1")],
                         children=[week.child("C1", "F1")], supervisors=[week.supervisor("V1", site="S2")])
    schedule, _ = solved(inst)
    assert not schedule.calls


def test_one_supervisor_sits_with_one_call_at_a_time_though_two_lines_are_free(week, solved) -> None:
    """Edge case: two lines, two families free only 19:00–19:20, one supervisor: one call, the other child unmet
    because the supervisor sits with another call."""
    inst = week.instance(sites=[week.site(lines=2, hours=NARROW)], families=[week.family("F1"), week.family("F2")],
                         children=[week.child("C1", "F1"), week.child("C2", "F2")])
    schedule, _ = solved(inst)
    assert len(schedule.calls) == 1
    assert "sit with other calls" in schedule.unmet[0].reason


def test_a_supervisor_stays_within_her_weekly_limit(week, solved) -> None:
    """Infeasible by one: a volunteer with a limit of one call a week and two families: one call only."""
    inst = week.instance(families=[week.family("F1"), week.family("F2")],
                         children=[week.child("C1", "F1"), week.child("C2", "F2")],
                         supervisors=[week.supervisor("V1", max_calls_per_week=1)])
    schedule, _ = solved(inst)
    assert len(schedule.calls) == 1
    assert "weekly limit" in schedule.unmet[0].reason


def test_the_checker_refuses_a_supervisor_at_two_calls_at_once_and_one_who_is_not_there(week, solved) -> None:
    """Two overlapping calls with one supervisor, and a call outside her hours, are broken rules."""
    inst = week.instance(sites=[week.site(lines=2, hours=NARROW)], families=[week.family("F1"), week.family("F2")],
                         children=[week.child("C1", "F1"), week.child("C2", "F2")],
                         supervisors=[week.supervisor("V1"), week.supervisor("V2")])
    schedule, _ = solved(inst)
    both = CallSchedule(schedule.week_start, tuple(replace(c, supervisor="V1") for c in schedule.calls), ())
    assert any("supervisor V1: calls[0] and calls[1] overlap" in v for v in check(inst, both).violations)
    inst2 = week.instance(families=[week.family("F1")], children=[week.child("C1", "F1")],
                          supervisors=[week.supervisor("V1", hours=NARROW)])
    late = CallSchedule(schedule.week_start, (replace(schedule.calls[0], family="F1", children=("C1",), supervisor="V1",
                                                      start=20 * 60, end=20 * 60 + 20, line=1),), ())
    assert any("not at site S1 for all of the call" in v for v in check(inst2, late).violations)
