"""Reasons a coordinator can act on (solver.explain): for each kind of gap (a child's missing visit, a session's
missing tutor, an uncovered subject) the message says what stands in the way, naming who could have come."""

from __future__ import annotations

import pytest

from solver.candidates import build_candidates
from solver.explain import Explainer
from solver.places import Geography
from solver.roster import TutoringAssignment, Visit
from solver.validate import Shortfall

SESSION = (16 * 60 + 30, 18 * 60)


@pytest.fixture
def explain():  # a builder
    """Builder: the explainer of an instance with a roster of these tutoring assignments and visits."""
    def make(inst, tutoring: tuple = (), visits: tuple = ()) -> Explainer:
        geo = Geography(inst)
        return Explainer(inst, geo, build_candidates(inst, geo), list(tutoring), list(visits))
    return make


def _visit(volunteer: str, child: str, start: int = 9 * 60) -> Visit:
    return Visit(volunteer, child, "sat", start, start + 60)


# A child's missing visit
def test_a_child_without_visit_windows_is_told_so(week, explain) -> None:
    """A child who needs a visit but has no window gives that as the reason, whoever is free."""
    inst = week.instance(children=[week.child("C1", windows=())], volunteers=[week.visitor("M1")])
    unmet = explain(inst).child("C1", 1)
    assert (unmet.child, unmet.missing, unmet.reason) == ("C1", 1, "the child has no visit windows")


def test_a_child_beyond_every_visitors_reach_is_told_the_nearest(week, explain) -> None:
    """Infeasible by one: a child 11 km from a mother with a reach of 10 km names her, the distance and the reach."""
    inst = week.instance(children=[week.child("C1", km=11)], volunteers=[week.visitor("M1", max_km=10)])
    assert explain(inst).child("C1", 1).reason == ("no visitor lives within reach of the child's home "
                                                   "(nearest: M1, 11.0 km away, reach 10 km)")


def test_a_child_in_a_week_without_visitors_is_told_nobody_lives_within_reach(week, explain) -> None:
    """Edge case: with no volunteer mother at all there is no nearest one to name."""
    inst = week.instance(children=[week.child("C1")], volunteers=[week.tutor("T1")])
    assert explain(inst).child("C1", 1).reason == "no visitor lives within reach of the child's home"


def test_a_child_who_needs_a_trained_visitor_is_told_the_nearest_trained_one(week, explain) -> None:
    """A child needing a trained visitor names the nearest trained mother (12 km, reach 10), not the untrained
    neighbour."""
    inst = week.instance(children=[week.child("C1", needs_trained=True)],
                         volunteers=[week.visitor("M1"), week.visitor("M2", km=12, max_km=10, trained=True)])
    assert explain(inst).child("C1", 1).reason == ("no trained visitor lives within reach of the child's home "
                                                   "(nearest: M2, 12.0 km away, reach 10 km)")


def test_a_child_whose_visitors_are_not_free_in_her_windows_is_told_her_windows(week, explain) -> None:
    """A mother within reach who is free only on Sunday is named, with the child's Saturday window."""
    inst = week.instance(children=[week.child("C1")],
                         volunteers=[week.visitor("M1", availability=(("sun", "08:00", "13:00"),))])
    assert explain(inst).child("C1", 1).reason == ("no visitor within reach (M1) is free during the child's visit "
                                                   "windows (sat 09:00–12:00)")


def test_a_child_is_told_what_keeps_each_visitor_who_could_come_away(week, explain) -> None:
    """Three mothers could come on Saturday: one is booked then, one is at her daily and one at her weekly limit;
    each is named with her reason, in that order."""
    inst = week.instance(children=[week.child(c) for c in ("C1", "C2", "C3", "C4")],
                         volunteers=[week.visitor("M1"), week.visitor("M2", per_day=1), week.visitor("M3", per_week=1)])
    booked = (_visit("M1", "C2"), _visit("M2", "C3"), _visit("M3", "C4"))
    assert explain(inst, visits=booked).child("C1", 1).reason == (
        "visitors who could come on Saturday: M1 is already booked at those times; M2 is at their daily limit on "
        "Saturday; M3 is at their weekly limit")


def test_two_visitors_kept_away_alike_are_named_together(week, explain) -> None:
    """Edge case: two mothers both at their weekly limit are one clause, in the plural."""
    inst = week.instance(children=[week.child(c) for c in ("C1", "C2", "C3")],
                         volunteers=[week.visitor("M1", per_week=1), week.visitor("M2", per_week=1)])
    reason = explain(inst, visits=(_visit("M1", "C2"), _visit("M2", "C3"))).child("C1", 1).reason
    assert reason == "visitors who could come on Saturday: M1, M2 are at their weekly limit"



def test_a_child_whose_only_visitor_takes_no_visits_this_week_is_told_so(week, explain) -> None:
    """A mother within reach whose weekly limit is 0 is named for that, not as "not free"."""
    inst = week.instance(children=[week.child("C1")], volunteers=[week.visitor("M1", per_week=0)])
    assert explain(inst).child("C1", 1).reason == ("visitors within reach cannot come during the child's visit "
                                                   "windows (sat 09:00–12:00): M1 takes no visits this week")


def test_a_child_whose_visitor_is_forbidden_with_her_is_told_so(week, explain) -> None:
    """Infeasible by one: the only mother free on Saturday is a forbidden pair with the child on Saturday, and a
    second one is simply not free then; each is named with her reason."""
    forbidden = [{"kind": "visit", "volunteer": "M1", "child": "C1", "day": "sat"}]
    inst = week.instance(children=[week.child("C1")],
                         volunteers=[week.visitor("M1"), week.visitor("M2", availability=(("sun", "08:00", "13:00"),))],
                         forbidden=forbidden)
    assert explain(inst).child("C1", 1).reason == ("visitors within reach cannot come during the child's visit "
                                                   "windows (sat 09:00–12:00): M2 is not free then; "
                                                   "M1 is ruled out here (declined, or kept apart by the coordinator)")


def test_a_child_forbidden_on_another_day_only_keeps_the_plain_reason(week, explain) -> None:
    """Edge case: a forbidden pair on Sunday does not explain a Saturday window; the mother is not free then."""
    forbidden = [{"kind": "visit", "volunteer": "M1", "child": "C1", "day": "sun"}]
    inst = week.instance(children=[week.child("C1")],
                         volunteers=[week.visitor("M1", availability=(("sun", "08:00", "13:00"),))],
                         forbidden=forbidden)
    assert explain(inst).child("C1", 1).reason == ("no visitor within reach (M1) is free during the child's visit "
                                                   "windows (sat 09:00–12:00)")


# A session's missing tutor
def test_a_session_no_tutor_can_reach_in_time_names_the_nearest(week, explain) -> None:
    """Two children need one tutor; the only tutor lives 21 km away with a reach of 20: she is named."""
    inst = week.instance(sites=[week.site()], children=[week.pupil("C1"), week.pupil("C2")],
                         volunteers=[week.tutor("T1", km=21)])
    unmet = explain(inst).session("S1", "mon", 1)
    assert (unmet.site, unmet.day, unmet.missing) == ("S1", "mon", 1)
    assert unmet.reason == ("2 children need 1 tutor; no tutor can be at the site in time on Monday "
                            "(nearest: T1, 21.0 km away, reach 20 km)")



def test_a_session_whose_tutors_take_no_sessions_this_week_says_so(week, explain) -> None:
    """A tutor next to the site with a weekly limit of 0 is named for that, not as unable to arrive in time."""
    inst = week.instance(sites=[week.site()], children=[week.pupil("C1")], volunteers=[week.tutor("T1", sessions=0)])
    assert explain(inst).session("S1", "mon", 1).reason == (
        "1 child needs a tutor; tutors within reach cannot come on Monday: T1 takes no sessions this week")


def test_a_session_whose_tutors_are_forbidden_there_says_so(week, explain) -> None:
    """Two tutors forbidden at the site on Monday are one clause; the one out of reach is not named."""
    forbidden = [{"kind": "tutoring", "volunteer": t, "site": "S1", "day": "mon"} for t in ("T1", "T2")]
    inst = week.instance(sites=[week.site()], children=[week.pupil("C1")],
                         volunteers=[week.tutor("T1"), week.tutor("T2"), week.tutor("T3", km=21)], forbidden=forbidden)
    assert explain(inst).session("S1", "mon", 1).reason == (
        "1 child needs a tutor; tutors within reach cannot come on Monday: T1, T2 are ruled out here (declined, or "
        "kept apart by the coordinator)")

def test_one_child_is_one_child_in_the_reason(week, explain) -> None:
    """Edge case: a session with one child says "1 child needs a tutor", not "1 children need 1 tutor"."""
    inst = week.instance(sites=[week.site()], children=[week.pupil("C1")], volunteers=[week.tutor("T1", km=21)])
    assert explain(inst).session("S1", "mon", 1).reason.startswith("1 child needs a tutor; no tutor can be at")


def test_a_session_whose_tutors_are_all_there_says_they_are_the_only_ones(week, explain) -> None:
    """Infeasible by one: five children need three tutors and the two free are both there: named, in the plural."""
    inst = week.instance(sites=[week.site()], children=[week.pupil(f"C{i}") for i in range(1, 6)],
                         volunteers=[week.tutor("T1"), week.tutor("T2")])
    there = (TutoringAssignment("T1", "S1", "mon", *SESSION), TutoringAssignment("T2", "S1", "mon", *SESSION))
    assert explain(inst, tutoring=there).session("S1", "mon", 1).reason == (
        "5 children need 3 tutors; T1, T2 are the only tutors available on Monday")


def test_a_session_is_told_what_keeps_the_other_tutors_away(week, explain) -> None:
    """A tutor who tutors once a week and is staffing Wednesday is at her weekly limit for Monday."""
    days = (("mon", "16:30", "18:00"), ("wed", "16:30", "18:00"))
    inst = week.instance(sites=[week.site(sessions=days)],
                         children=[week.pupil("C1", attends=("mon", "wed")), week.pupil("C2", attends=("mon", "wed"))],
                         volunteers=[week.tutor("T1", sessions=1, availability=(("mon", "16:00", "18:30"),
                                                                                 ("wed", "16:00", "18:30")))])
    wednesday = (TutoringAssignment("T1", "S1", "wed", *SESSION),)
    assert explain(inst, tutoring=wednesday).session("S1", "mon", 1).reason == (
        "2 children need 1 tutor; other tutors who could come: T1 is at their weekly limit")


# An uncovered subject
def test_a_subject_nobody_free_teaches_says_so(week, explain) -> None:
    """No tutor who teaches english is free on Monday within reach of the site."""
    inst = week.instance(sites=[week.site()], children=[week.pupil("C1", subjects=("english",))],
                         volunteers=[week.tutor("T1", subjects=("math",))])
    unmet = explain(inst).subject("S1", "mon", "english")
    assert (unmet.site, unmet.day, unmet.subject) == ("S1", "mon", "english")
    assert unmet.reason == "no tutor who teaches english is available on Monday within reach of the site"


def test_a_subject_whose_teacher_is_kept_away_names_her(week, explain) -> None:
    """The english tutor could come on Monday but is at her weekly limit (staffing Wednesday)."""
    days = (("mon", "16:30", "18:00"), ("wed", "16:30", "18:00"))
    inst = week.instance(sites=[week.site(sessions=days)],
                         children=[week.pupil("C1", attends=("mon", "wed"), subjects=("english",))],
                         volunteers=[week.tutor("T1", sessions=1, subjects=("english",), availability=(
                             ("mon", "16:00", "18:30"), ("wed", "16:00", "18:30")))])
    wednesday = (TutoringAssignment("T1", "S1", "wed", *SESSION),)
    assert explain(inst, tutoring=wednesday).subject("S1", "mon", "english").reason == (
        "tutors who teach english and could come: T1 is at their weekly limit")


def test_all_gaps_are_explained_in_a_stable_order(week, explain) -> None:
    """Every entry of a shortfall is explained once, children and sessions sorted by id and day."""
    inst = week.instance(sites=[week.site(sessions=(("mon", "16:30", "18:00"), ("tue", "16:30", "18:00")))],
                         children=[week.child("C2", windows=()), week.child("C1", windows=()),
                                   week.pupil("C3", attends=("mon", "tue"), subjects=("math",))])
    shortfall = Shortfall(visits={"C2": 1, "C1": 1}, tutors={("S1", "tue"): 1, ("S1", "mon"): 1},
                          subjects=frozenset({("S1", "tue", "math"), ("S1", "mon", "math")}))
    visits, tutors, subjects = explain(inst).all(shortfall)
    assert [u.child for u in visits] == ["C1", "C2"]
    assert [u.day for u in tutors] == ["mon", "tue"] and [u.day for u in subjects] == ["mon", "tue"]
    assert all(u.reason for u in (*visits, *tutors, *subjects))


def test_a_child_visited_once_on_her_only_day_is_not_told_her_visitors_are_booked(week, solved) -> None:
    """A child who needs two visits but is free only on Saturday gets one; the second mother has no booking, so the
    reason must not say she is booked (the child's only day already has its visit)."""
    inst = week.instance(children=[week.child("C1", visits=2)], volunteers=[week.visitor("M1"), week.visitor("M2")])
    roster, _report = solved(inst)
    [unmet] = roster.unmet.visits
    assert "already booked" not in unmet.reason
    assert unmet.reason == "the child already has a visit on Saturday, and a child is visited at most once a day"
