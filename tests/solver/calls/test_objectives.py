"""The levels (solver.calls.rules.objectives): calls delivered, then last week's slot kept, then the supervisors'
load spread."""

from __future__ import annotations

NARROW = (("wed", "19:00", "19:20"),)


def test_last_weeks_slot_is_kept_when_it_is_free(week, solved) -> None:
    """A family called at 20:10 last week is called at 20:10 again, though the evening is open from 19:00."""
    inst = week.instance(families=[week.family("F1", previous={"day": "wed", "start": "20:10"})],
                         children=[week.child("C1", "F1")])
    schedule, report = solved(inst)
    [call] = schedule.calls
    assert call.start == 20 * 60 + 10 and report.levels.kept == 1


def test_a_kept_slot_never_costs_another_child_her_call(week, solved) -> None:
    """Infeasible by one: F1's old slot 19:00 is the only time F2 can call (one line); F1 moves, F2 calls at
    19:00, and both are delivered."""
    inst = week.instance(families=[week.family("F1", previous={"day": "wed", "start": "19:00"}),
                                   week.family("F2", hours=NARROW)],
                         children=[week.child("C1", "F1"), week.child("C2", "F2")])
    schedule, report = solved(inst)
    starts = {c.family: c.start for c in schedule.calls}
    assert starts["F2"] == 19 * 60 and starts["F1"] != 19 * 60
    assert report.levels.delivered == 2 and report.levels.kept == 0


def test_a_slot_at_a_time_no_longer_open_is_simply_not_kept(week, solved) -> None:
    """Edge case: last week's slot falls outside this week's room hours; the family is called anyway."""
    inst = week.instance(families=[week.family("F1", previous={"day": "sat", "start": "10:00"})],
                         children=[week.child("C1", "F1")])
    schedule, report = solved(inst)
    assert len(schedule.calls) == 1 and report.levels.kept == 0


def test_the_supervisors_load_is_spread(week, solved) -> None:
    """Two calls and two volunteers free all evening: one call each (load 1² + 1² = 2, not 2² = 4)."""
    inst = week.instance(families=[week.family("F1"), week.family("F2")],
                         children=[week.child("C1", "F1"), week.child("C2", "F2")],
                         supervisors=[week.supervisor("V1"), week.supervisor("V2")])
    schedule, report = solved(inst)
    assert {c.supervisor for c in schedule.calls} == {"V1", "V2"} and report.levels.load == 2
