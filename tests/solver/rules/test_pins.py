"""Rule family 6 (solver.rules.pins): every pinned assignment is in the roster and nothing forbidden is; pins that
cannot hold, alone or together, are refused with an error naming them."""

from __future__ import annotations

import pytest

from solver.backend import CpSatBackend
from solver.candidates import build_candidates
from solver.places import Geography
from solver.rules.load import add_load_rules
from solver.rules.pins import add_pin_rules
from solver.settings import SolverSettings
from solver.solve import solve
from solver.variables import RosterVars

WEEKEND = (("sat", "08:00", "13:00"), ("sun", "08:00", "13:00"))
PIN_SAT = {"kind": "visit", "volunteer": "M1", "child": "C1", "day": "sat"}
PIN_SUN = {"kind": "visit", "volunteer": "M1", "child": "C2", "day": "sun"}


def _two_days(week, cap: int) -> object:
    """C1 on Saturday and C2 on Sunday, both pinned to M1, whose weekly limit is ``cap``; M2 is free too."""
    return week.instance(children=[week.child("C1"), week.child("C2", windows=(("sun", "09:00", "12:00"),))],
                         volunteers=[week.visitor("M1", per_week=cap, availability=WEEKEND),
                                     week.visitor("M2", availability=WEEKEND)],
                         pinned=[PIN_SAT, PIN_SUN])


def test_a_pinned_visit_is_in_the_roster_even_when_it_costs_travel(week, solved) -> None:
    """Pinning the mother 3 km away to C1 puts her visit in the roster, though a neighbour is free."""
    inst = week.instance(children=[week.child("C1")], volunteers=[week.visitor("M2"), week.visitor("M1", km=3)],
                         pinned=[PIN_SAT])
    roster, report = solved(inst)
    assert {(v.volunteer, v.child, v.day) for v in roster.visits} == {("M1", "C1", "sat")}
    assert report.levels.travel_km == pytest.approx(6.0)  # 3 km there and 3 back


def test_pins_one_over_a_volunteers_weekly_cap_are_refused_together(week) -> None:
    """Infeasible by one: two pins for a mother who makes one visit a week cannot both hold; no roster is returned
    and the error names both pins."""
    result = solve(_two_days(week, cap=1), SolverSettings(time_limit_s=2))
    assert result.status == "PIN_INFEASIBLE" and result.roster is None
    assert result.error == ("these pins cannot all be honoured together: pinned[0] visit M1 → C1 on sat; "
                            "pinned[1] visit M1 → C2 on sun")


def test_pins_exactly_at_a_volunteers_weekly_cap_all_hold(week, solved) -> None:
    """Edge case: with a weekly limit of two, both pins hold and M2 is not needed."""
    roster, _report = solved(_two_days(week, cap=2))
    assert {(v.volunteer, v.child, v.day) for v in roster.visits} == {("M1", "C1", "sat"), ("M1", "C2", "sun")}


def test_a_pin_beyond_the_volunteers_reach_is_refused_with_the_distance(week) -> None:
    """Infeasible by one: a child 11 km away is beyond a reach of 10 km; the pin is named with the distance."""
    inst = week.instance(children=[week.child("C1", km=11)], volunteers=[week.visitor("M1", max_km=10)],
                         pinned=[PIN_SAT])
    result = solve(inst, SolverSettings(time_limit_s=2))
    assert result.status == "PIN_INFEASIBLE"
    assert result.error == ("pinned[0] visit M1 → C1 on sat cannot be honoured: 11.0 km from M1's home, beyond the "
                            "reach of 10 km")


def test_a_pin_exactly_at_the_volunteers_reach_is_honoured(week, solved) -> None:
    """Edge case: a child exactly 10 km away is within a reach of 10 km."""
    inst = week.instance(children=[week.child("C1", km=10)], volunteers=[week.visitor("M1", max_km=10)],
                         pinned=[PIN_SAT])
    roster, _report = solved(inst)
    assert [(v.volunteer, v.child) for v in roster.visits] == [("M1", "C1")]


def test_a_forbidden_visit_is_never_made_even_when_it_leaves_a_child_short(week, solved) -> None:
    """Forbidding the only free mother to visit C1 leaves C1 one visit short rather than break the rule; with a
    second mother 3 km away, she comes instead."""
    alone = week.instance(children=[week.child("C1")], volunteers=[week.visitor("M1")], forbidden=[PIN_SAT])
    roster, _report = solved(alone)
    assert not roster.visits and [(u.child, u.missing) for u in roster.unmet.visits] == [("C1", 1)]
    helped = week.instance(children=[week.child("C1")], volunteers=[week.visitor("M1"), week.visitor("M2", km=3)],
                           forbidden=[PIN_SAT])
    roster, _report = solved(helped)
    assert [v.volunteer for v in roster.visits] == ["M2"]


def test_the_rule_alone_names_the_pins_at_fault_through_assumptions(week) -> None:
    """In the model on its own (CP-SAT): the two pins and the weekly limit of one cannot hold together, and the
    solver's assumptions name both pins; with a limit of two the model is feasible and takes both."""
    for cap, feasible in ((1, False), (2, True)):
        inst = _two_days(week, cap)
        m = CpSatBackend(1, 0, exact=False)
        xs = RosterVars(m, build_candidates(inst, Geography(inst)))
        add_load_rules(m, xs, inst)
        literals = add_pin_rules(m, xs, list(inst.pinned))
        assert len(literals) == 2
        outcome = m.solve(0, 2)
        assert outcome.has_solution == feasible
        if feasible:
            assert {(c.volunteer, c.target) for c in xs.candidates if m.value(xs.take[c.index])} >= {
                ("M1", "C1"), ("M1", "C2")}
        else:
            assert m.failed_assumptions() == {lit.Index() for lit in literals}
