"""The four ranking levels (solver.rules.objectives): shortfall weighs a child's missing visit by her priority and a
missing tutor by 2; then continuity, travel and fairness break ties, in that order."""

from __future__ import annotations

import pytest

from solver.rules.objectives import shortfall_expr

WEEKEND = (("sat", "08:00", "13:00"), ("sun", "08:00", "13:00"))


def _tutor_or_visit(week, priority: int) -> object:
    """One volunteer who tutors and visits, free Monday 16:00–19:00: the session (one pupil, so one tutor) and a
    visit to C9 whose window is 16:30–18:00 overlap, so she can do only one of them."""
    both = week.tutor("V1", availability=(("mon", "16:00", "19:00"),), sessions=1, roles=["tutor", "visitor"],
                      max_visits_per_week=1, max_visits_per_day=1)
    return week.instance(sites=[week.site()],
                         children=[week.pupil("C1"),
                                   week.child("C9", priority=priority, windows=(("mon", "16:30", "18:00"),))],
                         volunteers=[both])


def test_shortfall_weighs_visits_by_priority_and_tutors_by_two(week) -> None:
    """The level-1 expression: a priority-3 child missing two visits, a session missing one tutor and one uncovered
    subject make 3 × 2 + 2 × 1 + 1 = 9."""
    inst = week.instance(children=[week.child("C1", priority=3, visits=2)])
    assert shortfall_expr(inst, {"C1": 2}, {("S1", "mon"): 1}, {("S1", "mon", "math"): 1}) == 9


def test_a_missing_tutor_outweighs_a_priority_one_visit(week, solved) -> None:
    """Infeasible by one: the volunteer cannot do both, so she tutors (a missing tutor would cost 2) and the
    priority-1 child is one visit short (costing 1)."""
    roster, report = solved(_tutor_or_visit(week, priority=1))
    assert len(roster.tutoring) == 1 and not roster.visits
    assert report.levels.shortfall == 1


def test_a_priority_three_child_outweighs_a_missing_tutor(week, solved) -> None:
    """A child at risk (priority 3) is visited and the session goes without its tutor: 2 rather than 3."""
    roster, report = solved(_tutor_or_visit(week, priority=3))
    assert not roster.tutoring and len(roster.visits) == 1
    assert report.levels.shortfall == 2
    assert [(u.site, u.missing) for u in roster.unmet.tutors] == [("S1", 1)]


def test_a_priority_two_child_and_a_tutor_weigh_the_same(week, solved) -> None:
    """Edge case: at priority 2 either choice leaves 2 of shortfall; the volunteer does exactly one of them."""
    roster, report = solved(_tutor_or_visit(week, priority=2))
    assert len(roster.tutoring) + len(roster.visits) == 1
    assert report.levels.shortfall == 2


def test_at_equal_shortfall_a_child_keeps_her_regular_visitor(week, solved) -> None:
    """A child whose regular visitor lives 3 km away is visited by her rather than by the neighbour."""
    inst = week.instance(children=[week.child("C1", primary_volunteer="M2")],
                         volunteers=[week.visitor("M1"), week.visitor("M2", km=3)])
    roster, report = solved(inst)
    assert [v.volunteer for v in roster.visits] == ["M2"]
    assert report.levels.continuity == 0 and report.levels.travel_km == pytest.approx(6.0)


def test_a_regular_visitor_one_minute_short_of_the_time_loses_the_visit_to_continuity(week, solved) -> None:
    """Infeasible by one: the regular visitor needs 3 + 60 + 3 = 66 minutes and is free 65 (09:00–10:05), so the
    neighbour visits and continuity counts one visit by someone else; shortfall stays 0."""
    inst = week.instance(children=[week.child("C1", primary_volunteer="M2")],
                         volunteers=[week.visitor("M1"),
                                     week.visitor("M2", km=3, availability=(("sat", "09:00", "10:05"),))])
    roster, report = solved(inst)
    assert [v.volunteer for v in roster.visits] == ["M1"]
    assert report.levels.shortfall == 0 and report.levels.continuity == 1


def test_last_weeks_tutor_is_kept_over_a_nearer_one(week, solved) -> None:
    """Edge case (previous): a session that needs one tutor keeps last week's tutor 4 km away over one 1 km away.
    (Not one at the site itself: a second tutor there would cost no level at all, so either roster is optimal.)"""
    inst = week.instance(sites=[week.site()], children=[week.pupil("C1")],
                         volunteers=[week.tutor("T1", km=1), week.tutor("T2", km=4)],
                         previous=[{"kind": "tutoring", "volunteer": "T2", "site": "S1", "day": "mon"}])
    roster, report = solved(inst)
    assert [t.volunteer for t in roster.tutoring] == ["T2"]
    assert report.levels.continuity == 0 and report.levels.travel_km == pytest.approx(8.0)


def test_at_equal_continuity_the_nearer_volunteer_goes(week, solved) -> None:
    """Of two mothers 2 km and 5 km away, the nearer visits: 4 km of travel, not 10."""
    inst = week.instance(children=[week.child("C1")], volunteers=[week.visitor("M1", km=5), week.visitor("M2", km=2)])
    roster, report = solved(inst)
    assert [v.volunteer for v in roster.visits] == ["M2"]
    assert report.levels.travel_km == pytest.approx(4.0)


def test_at_equal_travel_the_load_is_shared(week, solved) -> None:
    """Two neighbours who each make two visits a week share a Saturday and a Sunday visit, one each (share 1/2)."""
    inst = week.instance(children=[week.child("C1"), week.child("C2", windows=(("sun", "09:00", "12:00"),))],
                         volunteers=[week.visitor("M1", per_week=2, availability=WEEKEND),
                                     week.visitor("M2", per_week=2, availability=WEEKEND)])
    roster, report = solved(inst)
    assert {v.volunteer for v in roster.visits} == {"M1", "M2"}
    assert report.levels.fairness == 0.5


def test_fairness_is_a_share_of_each_volunteers_own_limit(week, solved) -> None:
    """Edge case: with limits of four and one, both visits go to the mother with four (share 2/4), since one each
    would fill the other's limit (share 1/1)."""
    inst = week.instance(children=[week.child("C1"), week.child("C2", windows=(("sun", "09:00", "12:00"),))],
                         volunteers=[week.visitor("M1", per_week=4, availability=WEEKEND),
                                     week.visitor("M2", per_week=1, availability=WEEKEND)])
    roster, report = solved(inst)
    assert {v.volunteer for v in roster.visits} == {"M1"}
    assert report.levels.fairness == 0.5
