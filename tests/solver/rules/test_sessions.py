"""Rule family 1 and the tutoring part of shortfall (solver.rules.sessions): a 4:30 classroom session gets
max(min_tutors, ceil(attending / children_per_tutor)) tutors, each staffing it once, and among them a teacher of
every subject its children need; a session short of either is reported."""

from __future__ import annotations

from solver.backend import CpSatBackend
from solver.candidates import build_candidates
from solver.places import Geography
from solver.rules.sessions import add_session_rules
from solver.variables import RosterVars


def _tutors(roster, day: str = "mon") -> set[str]:
    return {t.volunteer for t in roster.tutoring if t.day == day}


def _pupils(week, n: int, subjects: tuple[str, ...] = ()) -> list[dict]:
    return [week.pupil(f"C{i}", subjects=subjects) for i in range(1, n + 1)]


def test_a_session_gets_as_many_tutors_as_its_children_need(week, solved) -> None:
    """Three children at two per tutor need two tutors; both free tutors staff the whole session."""
    inst = week.instance(sites=[week.site()], children=_pupils(week, 3),
                         volunteers=[week.tutor("T1"), week.tutor("T2", km=2)])
    roster, report = solved(inst)
    assert _tutors(roster) == {"T1", "T2"}
    assert {(t.start, t.end) for t in roster.tutoring} == {(16 * 60 + 30, 18 * 60)}
    assert not roster.unmet.tutors and report.levels.shortfall == 0


def test_a_session_one_tutor_short_is_reported_as_one_missing_tutor(week, solved) -> None:
    """Infeasible by one: with one tutor for three children the session lacks one tutor, worth 2 of shortfall, and
    the reason says she is the only tutor free on Monday."""
    inst = week.instance(sites=[week.site()], children=_pupils(week, 3), volunteers=[week.tutor("T1")])
    roster, report = solved(inst)
    assert _tutors(roster) == {"T1"}
    [unmet] = roster.unmet.tutors
    assert (unmet.site, unmet.day, unmet.missing) == ("S1", "mon", 1)
    assert unmet.reason == "3 children need 2 tutors; T1 is the only tutor available on Monday"
    assert report.levels.shortfall == 2


def test_children_exactly_filling_the_ratio_need_no_extra_tutor(week, solved) -> None:
    """Edge case: four children at two per tutor need ceil(4 / 2) = 2 tutors, not 3; a third free tutor stays home."""
    inst = week.instance(sites=[week.site()], children=_pupils(week, 4),
                         volunteers=[week.tutor("T1"), week.tutor("T2"), week.tutor("T3", km=5)])
    assert inst.required_tutors(inst.site_by_id["S1"], "mon") == 2
    roster, _report = solved(inst)
    assert _tutors(roster) == {"T1", "T2"} and not roster.unmet.tutors


def test_a_session_with_no_child_attending_needs_no_tutor(week, solved) -> None:
    """Edge case: a session nobody attends that day needs no tutor and is not reported, even with min_tutors 1."""
    inst = week.instance(sites=[week.site(sessions=(("mon", "16:30", "18:00"), ("tue", "16:30", "18:00")))],
                         children=_pupils(week, 1), volunteers=[week.tutor("T1", availability=(
                             ("mon", "16:00", "18:30"), ("tue", "16:00", "18:30")))])
    roster, _report = solved(inst)
    assert {t.day for t in roster.tutoring} == {"mon"} and not roster.unmet.tutors


def test_a_session_gets_a_teacher_of_each_subject_its_children_need(week, solved) -> None:
    """One tutor is enough for two children, but they need math and english: the math and the english tutors
    both come, though the math tutor alone would meet the ratio."""
    inst = week.instance(sites=[week.site()],
                         children=[week.pupil("C1", subjects=("math",)), week.pupil("C2", subjects=("english",))],
                         volunteers=[week.tutor("T1", subjects=("math",)),
                                     week.tutor("T2", km=3, subjects=("english",))])
    roster, _report = solved(inst)
    assert _tutors(roster) == {"T1", "T2"} and not roster.unmet.subjects


def test_a_subject_nobody_teaches_is_reported_uncovered(week, solved) -> None:
    """Infeasible by one: with no english tutor the session is staffed but english is uncovered, worth 1."""
    inst = week.instance(sites=[week.site()],
                         children=[week.pupil("C1", subjects=("math",)), week.pupil("C2", subjects=("english",))],
                         volunteers=[week.tutor("T1", subjects=("math",))])
    roster, report = solved(inst)
    assert _tutors(roster) == {"T1"} and not roster.unmet.tutors
    [unmet] = roster.unmet.subjects
    assert (unmet.site, unmet.day, unmet.subject) == ("S1", "mon", "english")
    assert unmet.reason == "no tutor who teaches english is available on Monday within reach of the site"
    assert report.levels.shortfall == 1


def test_the_rule_alone_counts_missing_tutors_and_uncovered_subjects(week) -> None:
    """In the model on its own: with nothing taken, a session needing two tutors misses two, and each needed
    subject is uncovered; taking the one math tutor leaves one tutor missing and english uncovered."""
    inst = week.instance(sites=[week.site()],
                         children=[week.pupil("C1", subjects=("math",)), week.pupil("C2", subjects=("english",)),
                                   week.pupil("C3")],
                         volunteers=[week.tutor("T1", subjects=("math",))])
    m = CpSatBackend(1, 0, exact=False)
    xs = RosterVars(m, build_candidates(inst, Geography(inst)))
    missing, uncovered = add_session_rules(m, xs, inst, [("S1", "mon")])
    [cand] = xs.candidates
    m.add(xs.take[cand.index] == 0)
    m.solve(sum(missing.values()) + sum(uncovered.values()), 2)
    assert m.value(missing[("S1", "mon")]) == 2
    assert m.value(uncovered[("S1", "mon", "math")]) == 1 == m.value(uncovered[("S1", "mon", "english")])
    m = CpSatBackend(1, 0, exact=False)
    xs = RosterVars(m, xs.candidates)
    missing, uncovered = add_session_rules(m, xs, inst, [("S1", "mon")])
    m.solve(sum(missing.values()) + sum(uncovered.values()), 2)
    assert m.value(xs.take[cand.index]) == 1 and m.value(missing[("S1", "mon")]) == 1
    assert m.value(uncovered[("S1", "mon", "math")]) == 0 and m.value(uncovered[("S1", "mon", "english")]) == 1
