"""Lower bounds on shortfall (solver.bound): no roster is ever better than the bound, and on weeks whose answer can
be worked out by hand the bound is that answer."""

from __future__ import annotations

import pytest

from solver.bound import lp_relaxation, shortfall_bound, subject_bound, tutor_bound, unserved_shortfall, visit_bound
from solver.candidates import build_candidates
from solver.places import Geography


def _bounds(inst) -> tuple[int, int, int]:
    cands = build_candidates(inst, Geography(inst))
    return visit_bound(inst, cands), tutor_bound(inst, cands), subject_bound(inst, cands)


def test_the_visit_bound_is_the_missing_visits_a_weekly_cap_forces(week, solved) -> None:
    """Three children (priorities 2, 2, 1) and one mother making two visits a week: at best the priority-1 child
    misses one visit, so the bound is 1, and the solver's roster reaches it."""
    inst = week.instance(children=[week.child("C1", priority=2), week.child("C2", priority=2), week.child("C3")],
                         volunteers=[week.visitor("M1", per_week=2)])
    assert _bounds(inst) == (1, 0, 0)
    roster, report = solved(inst)
    assert report.levels.shortfall == 1 == roster.stats["shortfall_bound"]


def test_the_visit_bound_sends_the_one_visit_to_the_child_who_matters_most(week) -> None:
    """With one visit a week for a priority-3 and a priority-1 child, the least shortfall is 1, not 3."""
    inst = week.instance(children=[week.child("C1", priority=3), week.child("C2")],
                         volunteers=[week.visitor("M1", per_week=1)])
    assert _bounds(inst)[0] == 1


def test_the_tutor_and_subject_bounds_count_a_missing_tutor_twice_and_a_subject_once(week, solved) -> None:
    """Three children needing english at two per tutor, one tutor who teaches math only: one tutor missing (2) and
    english uncovered (1), a bound of 3 that the roster reaches."""
    inst = week.instance(sites=[week.site()], children=[week.pupil(f"C{i}", subjects=("english",)) for i in (1, 2, 3)],
                         volunteers=[week.tutor("T1", subjects=("math",))])
    assert _bounds(inst) == (0, 2, 1)
    roster, report = solved(inst)
    assert report.levels.shortfall == 3 == roster.stats["shortfall_bound"]


def test_the_tutor_bound_respects_a_tutors_weekly_cap(week) -> None:
    """Infeasible by one: a tutor who tutors once a week leaves one of two sessions without its tutor (2); with a
    cap of two, none (0)."""
    days = (("mon", "16:30", "18:00"), ("wed", "16:30", "18:00"))
    free = (("mon", "16:00", "18:30"), ("wed", "16:00", "18:30"))
    for cap, bound in ((1, 2), (2, 0)):
        inst = week.instance(sites=[week.site(sessions=days)], children=[week.pupil("C1", attends=("mon", "wed"))],
                             volunteers=[week.tutor("T1", sessions=cap, availability=free)])
        assert _bounds(inst)[1] == bound


def test_what_nobody_can_do_is_counted_whole(week, solved) -> None:
    """A priority-3 child needing two visits with no mother in reach (3 × 2) and a session of three children
    needing math with no tutor in reach (2 × 2 tutors + 1 subject) leave 11 that no roster can avoid."""
    inst = week.instance(sites=[week.site(km=30)], children=[
        week.child("C0", km=30, visits=2, priority=3, windows=(("sat", "09:00", "12:00"), ("sun", "09:00", "12:00"))),
        *(week.pupil(f"C{i}", subjects=("math",), km=30) for i in (1, 2, 3))],
        volunteers=[week.visitor("M1"), week.tutor("T1", subjects=("math",))])
    cands = build_candidates(inst, Geography(inst))
    assert not cands
    assert unserved_shortfall(inst, cands) == 11 == shortfall_bound(inst, cands)
    _roster, report = solved(inst)
    assert report.levels.shortfall == 11


def test_the_flow_bound_ignores_travel_and_stays_below_the_roster(week, solved) -> None:
    """Edge case: two visits that cannot share a trip one minute too short (see the runs rules) both pass the flow
    bound, which ignores travel between activities: it says 0 while the best roster misses one; the LP relaxation
    is no higher, and the solver's own proof raises the reported bound to the 1 it reaches."""
    inst = week.instance(children=[week.child("C1"), week.child("C2", km=9.5)],
                         volunteers=[week.visitor("M1", availability=(("sat", "09:00", "11:19"),))])
    geo = Geography(inst)
    cands = build_candidates(inst, geo)
    assert shortfall_bound(inst, cands) == 0
    relaxed, values = lp_relaxation(inst, geo, cands, 2)
    assert relaxed == pytest.approx(0) and set(values) == {c.index for c in cands}
    roster, report = solved(inst)
    assert report.levels.shortfall == 1 == roster.stats["shortfall_bound"]


def test_a_week_with_nothing_to_do_has_a_bound_of_zero(week) -> None:
    """Edge case: no child needs a visit and no child attends the session: every bound is 0."""
    inst = week.instance(sites=[week.site()], children=[week.child("C1", visits=0)],
                         volunteers=[week.visitor("M1"), week.tutor("T1")])
    assert _bounds(inst) == (0, 0, 0)


def test_the_later_levels_bounds_are_never_above_the_roster_and_tight_by_hand(week, solved) -> None:
    """At the proven shortfall, the continuity bound is the continuity reached (0 with the regular visitor, 1 when
    she is one minute short of the time), and the travel bound is the 6 km driven less half a 10 m unit for each
    of the two routes, rounded down: 5.99."""
    for free, continuity, km, km_bound in (("13:00", 0, 6.0, 5.99), ("10:05", 1, 0.0, 0.0)):
        inst = week.instance(children=[week.child("C1", primary_volunteer="M2")],
                             volunteers=[week.visitor("M1"),
                                         week.visitor("M2", km=3, availability=(("sat", "09:00", free),))])
        roster, report = solved(inst)
        assert report.levels.continuity == continuity == roster.stats["continuity_bound"]
        assert report.levels.travel_km == pytest.approx(km)
        assert roster.stats["travel_km_bound"] == km_bound <= report.levels.travel_km
