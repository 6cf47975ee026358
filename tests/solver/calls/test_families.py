"""Rule C2 (solver.calls.rules.families): siblings share one call; at most one call a family a day; no more calls
than the most any of its children needs."""

from __future__ import annotations

from dataclasses import replace

from solver.calls.check import check
from solver.calls.schedule import CallSchedule

TWO_DAYS = (("wed", "19:00", "21:00"), ("sat", "09:00", "11:00"))


def test_siblings_share_one_call(week, solved) -> None:
    """Two sisters of one family are in one call, not two."""
    inst = week.instance(families=[week.family("F1")], children=[week.child("C1", "F1"), week.child("C2", "F1")])
    schedule, report = solved(inst)
    [call] = schedule.calls
    assert call.children == ("C1", "C2") and report.levels.delivered == 2


def test_a_child_needing_two_calls_gets_them_on_two_days(week, solved) -> None:
    """A case plan of two calls a week, parents and room free Wednesday and Saturday: one call each day."""
    inst = week.instance(sites=[week.site(hours=TWO_DAYS)], families=[week.family("F1", hours=TWO_DAYS)],
                         children=[week.child("C1", "F1", calls=2)],
                         supervisors=[week.supervisor("V1", hours=TWO_DAYS)])
    schedule, _ = solved(inst)
    assert sorted(c.day for c in schedule.calls) == ["sat", "wed"] and not schedule.unmet


def test_a_family_has_at_most_one_call_a_day(week, solved) -> None:
    """Infeasible by one: two calls needed, a single free evening: one call, one missing, and the reason says she
    has at most one call a day, though the room has time for six."""
    inst = week.instance(families=[week.family("F1")], children=[week.child("C1", "F1", calls=2)])
    schedule, _ = solved(inst)
    assert len(schedule.calls) == 1
    [unmet] = schedule.unmet
    assert unmet.missing == 1 and "one call a day" in unmet.reason


def test_siblings_with_different_needs_get_the_larger_in_shared_calls(week, solved) -> None:
    """Edge case: one sibling needs two calls, the other one; the family gets two calls, both children in each,
    and nobody is short."""
    inst = week.instance(sites=[week.site(hours=TWO_DAYS)], families=[week.family("F1", hours=TWO_DAYS)],
                         children=[week.child("C1", "F1", calls=2), week.child("C2", "F1")],
                         supervisors=[week.supervisor("V1", hours=TWO_DAYS)])
    schedule, report = solved(inst)
    assert len(schedule.calls) == 2 and all(c.children == ("C1", "C2") for c in schedule.calls)
    assert not schedule.unmet and report.levels.delivered == 3


def test_the_checker_refuses_a_sibling_left_out_and_two_calls_a_day(week, solved) -> None:
    """A call naming one sister of two, and a second call on the same day, are both broken rules."""
    inst = week.instance(families=[week.family("F1")], children=[week.child("C1", "F1"), week.child("C2", "F1")])
    schedule, _ = solved(inst)
    [call] = schedule.calls
    alone = CallSchedule(schedule.week_start, (replace(call, children=("C1",)),), ())
    assert any("not family F1's" in v for v in check(inst, alone).violations)
    twice = CallSchedule(schedule.week_start, (call, replace(call, start=call.start + 40, end=call.end + 40)), ())
    violations = check(inst, twice).violations
    assert any("2 calls on wed" in v for v in violations) and any("needs 1" in v for v in violations)
