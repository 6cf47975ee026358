"""The greedy baseline (solver.greedy): what a coordinator does by hand, pins and last week first, then the most
urgent child with the nearest free volunteer; its roster obeys every rule and covers what it obviously can."""

from __future__ import annotations

import pytest

from solver import parse_instance
from solver.bench.generate import generate
from solver.candidates import build_candidates
from solver.greedy import GreedyState, greedy_roster, state_of, try_take
from solver.places import Geography
from solver.solve import greedy_only
from solver.validate import validate


def _greedy(inst) -> tuple:
    """The greedy roster of a week and the checker's report on it, which must find no broken rule."""
    roster = greedy_only(inst)
    report = validate(inst, roster)
    assert report.ok, report.violations
    return roster, report


def _pairs(roster) -> set[tuple[str, str]]:
    return {(v.volunteer, v.child) for v in roster.visits} | {(t.volunteer, t.site) for t in roster.tutoring}


def test_the_greedy_roster_of_the_contract_example_obeys_every_rule(tiny_doc) -> None:
    """On the contract's tiny week the greedy roster is valid and leaves undone only what no roster can do: C4,
    whom nobody can reach (1), Monday's second tutor (2) and Monday's english (1), 4 in all."""
    inst = parse_instance(tiny_doc())
    _roster, report = _greedy(inst)
    assert report.levels.shortfall == 4


@pytest.mark.parametrize("seed", [1, 2])
def test_the_greedy_roster_of_a_generated_district_obeys_every_rule(seed: int) -> None:
    """On a small generated district (dozens of children and volunteers) the greedy roster is valid."""
    _greedy(parse_instance(generate("small", seed=seed)))


def test_the_greedy_roster_covers_what_it_obviously_can(week) -> None:
    """A free neighbour visits the child and a free tutor staffs the session: nothing is left undone."""
    inst = week.instance(sites=[week.site()], children=[week.child("C1"), week.pupil("C2")],
                         volunteers=[week.visitor("M1"), week.tutor("T1")])
    roster, report = _greedy(inst)
    assert _pairs(roster) == {("M1", "C1"), ("T1", "S1")} and report.levels.shortfall == 0


def test_the_greedy_roster_sends_the_nearest_free_volunteer(week) -> None:
    """Of two mothers 2 km and 5 km away, the nearer one visits."""
    inst = week.instance(children=[week.child("C1")], volunteers=[week.visitor("M1", km=5), week.visitor("M2", km=2)])
    roster, _report = _greedy(inst)
    assert _pairs(roster) == {("M2", "C1")}


def test_the_greedy_roster_visits_the_most_urgent_child_first(week) -> None:
    """Infeasible by one: with one visit a week for a priority-1 and a priority-3 child, the priority-3 child is
    visited and the other one is reported one visit short."""
    inst = week.instance(children=[week.child("C1"), week.child("C2", priority=3)],
                         volunteers=[week.visitor("M1", per_week=1)])
    roster, report = _greedy(inst)
    assert _pairs(roster) == {("M1", "C2")}
    assert [(u.child, u.missing) for u in roster.unmet.visits] == [("C1", 1)] and report.levels.shortfall == 1


def test_the_greedy_roster_honours_pins_and_keeps_last_weeks_pairs_first(week) -> None:
    """A pinned mother 5 km away visits C1 and last week's mother 4 km away visits C2, though a neighbour is free
    for both."""
    inst = week.instance(children=[week.child("C1"), week.child("C2")],
                         volunteers=[week.visitor("M1"), week.visitor("M2", km=5), week.visitor("M3", km=4)],
                         pinned=[{"kind": "visit", "volunteer": "M2", "child": "C1", "day": "sat"}],
                         previous=[{"kind": "visit", "volunteer": "M3", "child": "C2", "day": "sat"}])
    roster, _report = _greedy(inst)
    assert _pairs(roster) == {("M2", "C1"), ("M3", "C2")}


def test_the_greedy_roster_stops_exactly_at_each_limit(week) -> None:
    """Edge case: a mother who makes two visits a week makes exactly two of three, each child at most once."""
    inst = week.instance(children=[week.child(c) for c in ("C1", "C2", "C3")],
                         volunteers=[week.visitor("M1", per_week=2)])
    roster, _report = _greedy(inst)
    assert len(roster.visits) == 2 and len({v.child for v in roster.visits}) == 2


def test_a_candidate_that_does_not_fit_the_run_in_time_is_not_taken(week) -> None:
    """Infeasible by one: free 09:00–11:19, the mother takes the visit at home, and the one 10 minutes away no
    longer fits (it needs 140 minutes for both); given until 11:20 it does."""
    for until, both in (("11:19", False), ("11:20", True)):
        inst = week.instance(children=[week.child("C1"), week.child("C2", km=9.5)],
                             volunteers=[week.visitor("M1", availability=(("sat", "09:00", until),))])
        geo = Geography(inst)
        near, far = sorted(build_candidates(inst, geo), key=lambda c: c.km_from_home)
        state = GreedyState()
        assert try_take(inst, geo, state, near)
        assert try_take(inst, geo, state, far) == both
        assert len(state.chosen()) == (2 if both else 1)


def test_the_greedy_roster_is_a_start_not_the_answer(week, solved) -> None:
    """Two priority-3 children: C1 could be visited by either mother, C2 only by M1 (M2's reach is 3 km, C2 is
    4 km from her). Greedy sends the nearer M1 to C1 and leaves C2 with nobody (3 short); the solver sends M2 to C1
    and M1 to C2 (0 short)."""
    inst = week.instance(children=[week.child("C1", km=1, priority=3), week.child("C2", km=-1, priority=3)],
                         volunteers=[week.visitor("M1", per_week=1), week.visitor("M2", km=3, max_km=3, per_week=1)])
    geo = Geography(inst)
    state = greedy_roster(inst, geo, build_candidates(inst, geo))
    assert {(c.volunteer, c.target) for c, _t in state.chosen()} == {("M1", "C1")}
    _roster, greedy = _greedy(inst)
    assert greedy.levels.shortfall == 3
    roster, found = solved(inst)
    assert _pairs(roster) == {("M2", "C1"), ("M1", "C2")} and found.levels.shortfall == 0


def test_the_greedy_roster_fills_a_roster_already_made_without_moving_it(week) -> None:
    """From a roster where M1 visits C1 (a proposal whose run was cut down, C2 dropped), greedy keeps M1's visit
    as it is and gives C2 to M2, the only one with room: M1 is at her limit of one visit a week."""
    inst = week.instance(children=[week.child("C1"), week.child("C2")],
                         volunteers=[week.visitor("M1", per_week=1), week.visitor("M2", km=5)])
    geo = Geography(inst)
    cands = build_candidates(inst, geo)
    m1_c1 = next(c for c in cands if (c.volunteer, c.target) == ("M1", "C1"))
    late = m1_c1.latest  # not where greedy would put it, so a moved visit would show
    state = greedy_roster(inst, geo, cands, start=state_of([(m1_c1, late)]))
    assert {(c.volunteer, c.target, t if c is m1_c1 else None) for c, t in state.chosen()} == {
        ("M1", "C1", late), ("M2", "C2", None)}


def test_a_roster_already_made_counts_against_every_limit(week) -> None:
    """Infeasible by one: C1 already visited by M1 on Saturday is visited no more (once a week), and M1, at her
    limit, takes no one else, so C2 stays unvisited."""
    inst = week.instance(children=[week.child("C1"), week.child("C2")], volunteers=[week.visitor("M1", per_week=1)])
    geo = Geography(inst)
    cands = build_candidates(inst, geo)
    m1_c1 = next(c for c in cands if c.target == "C1")
    state = greedy_roster(inst, geo, cands, start=state_of([(m1_c1, m1_c1.earliest)]))
    assert [(c.volunteer, c.target) for c, _t in state.chosen()] == [("M1", "C1")]
