"""Rule family 5 (solver.rules.children): a child is visited at most once a day and no more often than she needs,
inside her visit windows, by a trained visitor when she needs one; what she still misses is reported."""

from __future__ import annotations

from solver.backend import CpSatBackend
from solver.candidates import build_candidates
from solver.places import Geography
from solver.rules.children import add_child_rules
from solver.variables import RosterVars

WEEKEND = (("sat", "08:00", "13:00"), ("sun", "08:00", "13:00"))


def _visits(roster) -> set[tuple[str, str, str]]:
    return {(v.volunteer, v.child, v.day) for v in roster.visits}


def test_a_child_gets_every_visit_she_needs_on_different_days(week, solved) -> None:
    """A child who needs two visits and has windows on Saturday and Sunday is visited on both days."""
    inst = week.instance(children=[week.child("C1", visits=2, windows=(("sat", "09:00", "12:00"),
                                                                       ("sun", "09:00", "12:00")))],
                         volunteers=[week.visitor("M1", availability=WEEKEND)])
    roster, report = solved(inst)
    assert _visits(roster) == {("M1", "C1", "sat"), ("M1", "C1", "sun")}
    assert not roster.unmet.visits and report.levels.shortfall == 0


def test_a_child_is_visited_at_most_once_a_day(week, solved) -> None:
    """Infeasible by one: a child who needs two visits but is free only on Saturday gets one, though two volunteer
    mothers are free that morning; the second is reported missing, at her priority."""
    inst = week.instance(children=[week.child("C1", visits=2, priority=2)],
                         volunteers=[week.visitor("M1"), week.visitor("M2")])
    roster, report = solved(inst)
    assert len(roster.visits) == 1 and roster.visits[0].day == "sat"
    [unmet] = roster.unmet.visits
    assert (unmet.child, unmet.missing) == ("C1", 1)
    assert "Saturday" in unmet.reason
    assert report.levels.shortfall == 2  # priority 2 × one missing visit


def test_a_child_is_never_visited_more_often_than_she_needs(week, solved) -> None:
    """A child who needs one visit gets exactly one, though a volunteer mother is free on both her days."""
    inst = week.instance(children=[week.child("C1", visits=1, windows=(("sat", "09:00", "12:00"),
                                                                       ("sun", "09:00", "12:00")))],
                         volunteers=[week.visitor("M1", availability=WEEKEND)])
    roster, _report = solved(inst)
    assert len(roster.visits) == 1 and not roster.unmet.visits


def test_a_window_exactly_as_long_as_the_visit_holds_it(week, solved) -> None:
    """Edge case: a neighbour free 09:00–10:00 visits a child whose window is 09:00–10:00, for the full hour."""
    inst = week.instance(children=[week.child("C1", windows=(("sat", "09:00", "10:00"),))],
                         volunteers=[week.visitor("M1", availability=(("sat", "09:00", "10:00"),))])
    roster, _report = solved(inst)
    [visit] = roster.visits
    assert (visit.start, visit.end) == (9 * 60, 10 * 60)


def test_a_window_one_minute_shorter_than_the_visit_cannot_hold_it(week, solved) -> None:
    """Infeasible by one: a window of 59 minutes holds no one-hour visit; the child is reported one visit short,
    with her window named."""
    inst = week.instance(children=[week.child("C1", windows=(("sat", "09:00", "09:59"),))],
                         volunteers=[week.visitor("M1")])
    roster, _report = solved(inst)
    assert not roster.visits
    [unmet] = roster.unmet.visits
    assert (unmet.child, unmet.missing) == ("C1", 1)
    assert unmet.reason == "no visitor within reach (M1) is free during the child's visit windows (sat 09:00–09:59)"


def test_a_child_who_needs_no_visit_gets_none_and_is_not_listed_unmet(week, solved) -> None:
    """Edge case: visits_per_week 0 means no visit is made and nothing is missing, whatever her windows."""
    inst = week.instance(children=[week.child("C1", visits=0)], volunteers=[week.visitor("M1")])
    roster, report = solved(inst)
    assert not roster.visits and not roster.unmet.visits and report.levels.shortfall == 0


def test_a_child_who_needs_a_trained_visitor_gets_one_even_from_further_away(week, solved) -> None:
    """A child needing a trained visitor is visited by the trained mother 3 km away, not the untrained neighbour."""
    inst = week.instance(children=[week.child("C1", needs_trained=True)],
                         volunteers=[week.visitor("M1"), week.visitor("M2", km=3, trained=True)])
    roster, _report = solved(inst)
    assert _visits(roster) == {("M2", "C1", "sat")}


def test_a_child_who_needs_a_trained_visitor_is_not_visited_by_an_untrained_one(week, solved) -> None:
    """Infeasible by one: with the only trained mother untrained, the child is left one visit short and the reason
    says no trained visitor is within reach."""
    inst = week.instance(children=[week.child("C1", needs_trained=True)], volunteers=[week.visitor("M1")])
    roster, _report = solved(inst)
    assert not roster.visits
    [unmet] = roster.unmet.visits
    assert unmet.missing == 1 and unmet.reason == "no trained visitor lives within reach of the child's home"


def test_the_rule_alone_keeps_two_visitors_from_the_same_child_on_the_same_day(week) -> None:
    """In the model on its own: two mothers free the same Saturday give the child one visit that day, and the
    missing-visits expression counts the other one."""
    inst = week.instance(children=[week.child("C1", visits=2)], volunteers=[week.visitor("M1"), week.visitor("M2")])
    m = CpSatBackend(1, 0, exact=False)
    xs = RosterVars(m, build_candidates(inst, Geography(inst)))
    assert len(xs.candidates) == 2
    missing = add_child_rules(m, xs, inst, ["C1"])
    m.solve(missing["C1"], 2)
    assert sum(m.value(xs.take[c.index]) for c in xs.candidates) == 1
    assert m.value(missing["C1"]) == 1
