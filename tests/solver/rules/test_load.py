"""Rule family 4 (solver.rules.load): no volunteer gets more sessions a week, visits a week or visits a day than
her limits allow (an absent limit is 0); what the limits leave undone is reported with the limit named."""

from __future__ import annotations

from solver.backend import CpSatBackend
from solver.candidates import build_candidates
from solver.places import Geography
from solver.rules.load import add_load_rules
from solver.variables import RosterVars

SAT_SUN = (("sat", "08:00", "13:00"), ("sun", "08:00", "13:00"))


def _three_children(week, windows: tuple = (("sat", "09:00", "12:00"),)) -> list[dict]:
    """Three children next door; the third matters least (priority 1 against 2)."""
    return [week.child("C1", priority=2, windows=windows), week.child("C2", priority=2, windows=windows),
            week.child("C3", priority=1, windows=windows)]


def test_a_volunteer_is_never_given_more_visits_than_her_weekly_cap(week, solved) -> None:
    """Infeasible by one: a mother who makes two visits a week visits the two children who matter most of three,
    and the third is one visit short because she is at her weekly limit."""
    inst = week.instance(children=_three_children(week), volunteers=[week.visitor("M1", per_week=2)])
    roster, report = solved(inst)
    assert {v.child for v in roster.visits} == {"C1", "C2"}
    [unmet] = roster.unmet.visits
    assert (unmet.child, unmet.missing) == ("C3", 1)
    assert unmet.reason == "visitors who could come on Saturday: M1 is at their weekly limit"
    assert report.levels.shortfall == 1


def test_a_volunteer_exactly_at_her_weekly_cap_makes_every_visit(week, solved) -> None:
    """Edge case: with a weekly limit of three, the same mother visits all three children and is at her cap."""
    inst = week.instance(children=_three_children(week), volunteers=[week.visitor("M1", per_week=3)])
    roster, report = solved(inst)
    assert len(roster.visits) == 3 and not roster.unmet.visits
    assert report.levels.fairness == 1.0  # three visits of three


def test_a_volunteer_is_never_given_more_visits_a_day_than_her_daily_cap(week, solved) -> None:
    """Infeasible by one: a mother who makes two visits a day leaves the third Saturday child one visit short, at
    her daily limit on Saturday, though her weekly limit is five."""
    inst = week.instance(children=_three_children(week), volunteers=[week.visitor("M1", per_day=2)])
    roster, _report = solved(inst)
    assert {v.child for v in roster.visits} == {"C1", "C2"}
    [unmet] = roster.unmet.visits
    assert unmet.child == "C3"
    assert unmet.reason == "visitors who could come on Saturday: M1 is at their daily limit on Saturday"


def test_the_daily_cap_is_per_day_so_a_second_day_takes_the_rest(week, solved) -> None:
    """Edge case: with two visits a day and windows on both weekend days, the three visits are spread two and one."""
    weekend = (("sat", "09:00", "12:00"), ("sun", "09:00", "12:00"))
    inst = week.instance(children=_three_children(week, weekend),
                         volunteers=[week.visitor("M1", per_day=2, availability=SAT_SUN)])
    roster, _report = solved(inst)
    assert len(roster.visits) == 3 and not roster.unmet.visits
    assert sorted(sum(v.day == d for v in roster.visits) for d in ("sat", "sun")) == [1, 2]


def test_a_tutor_is_never_given_more_sessions_than_her_weekly_cap(week, solved) -> None:
    """Infeasible by one: a tutor free on Monday and Wednesday who tutors once a week staffs one of the two
    sessions; the other lacks its tutor, and the reason says she is at her weekly limit."""
    days = (("mon", "16:30", "18:00"), ("wed", "16:30", "18:00"))
    inst = week.instance(sites=[week.site(sessions=days)],
                         children=[week.pupil("C1", attends=("mon", "wed")), week.pupil("C2", attends=("mon", "wed"))],
                         volunteers=[week.tutor("T1", sessions=1, availability=(
                             ("mon", "16:00", "18:30"), ("wed", "16:00", "18:30")))])
    roster, report = solved(inst)
    [taught] = roster.tutoring
    [unmet] = roster.unmet.tutors
    assert {taught.day, unmet.day} == {"mon", "wed"} and unmet.missing == 1
    assert unmet.reason == "2 children need 1 tutor; other tutors who could come: T1 is at their weekly limit"
    assert report.levels.shortfall == 2


def test_an_absent_visit_limit_counts_as_zero(week, solved) -> None:
    """Edge case: a mother whose visit limits are absent makes no visit, though she is free next door."""
    mother = week.visitor("M1")
    del mother["max_visits_per_week"], mother["max_visits_per_day"]
    inst = week.instance(children=[week.child("C1")], volunteers=[mother])
    roster, _report = solved(inst)
    assert not roster.visits
    assert [(u.child, u.missing) for u in roster.unmet.visits] == [("C1", 1)]


def test_the_rule_alone_holds_takes_to_the_cap_and_counts_the_load(week) -> None:
    """In the model on its own: of three possible visits a mother with a weekly limit of two takes two, and her
    load (for the fairness level) is two."""
    inst = week.instance(children=_three_children(week), volunteers=[week.visitor("M1", per_week=2)])
    m = CpSatBackend(1, 0, exact=False)
    xs = RosterVars(m, build_candidates(inst, Geography(inst)))
    assert len(xs.candidates) == 3
    loads = add_load_rules(m, xs, inst)
    m.solve(-xs.taken(xs.candidates), 2)
    assert sum(m.value(xs.take[c.index]) for c in xs.candidates) == 2
    assert m.value(loads["M1"]) == 2
