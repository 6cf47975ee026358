"""Rule family 2 by decomposition (solver.rules.runs): activities confined to one stretch of time fit in it in
sequence, a proposed run that cannot be timed is shrunk to a small core and cut (or cut down to its best part),
and the roster of the decomposed model still obeys every rule. Pair rows are tested in tests/solver/test_runs.py."""

from __future__ import annotations

import pytest

from solver.backend import CpSatBackend
from solver.candidates import build_candidates
from solver.columns import enumerate_runs
from solver.instance import parse_instance
from solver.places import Geography
from solver.rules.runs import (
    Stretch,
    add_centre_rules,
    add_energy_rules,
    add_pair_rules,
    minimal_infeasible,
    route_stretches,
    time_runs,
)
from solver.schedule import best_part
from solver.variables import RosterVars

# The assignment model with cuts; it searches neighbourhoods until its time is up, so it is given little.
DECOMPOSED = {"runs_max_candidates": 0, "runs_priced_candidates": 0, "time_limit_s": 0.5}


def _neighbours(week, window_end: str) -> tuple:
    """Three children at M1's home, each with a Saturday window from 09:00 to ``window_end``; the model's rows."""
    inst = week.instance(children=[week.child(f"C{i}", windows=(("sat", "09:00", window_end),)) for i in (1, 2, 3)],
                         volunteers=[week.visitor("M1")])
    geo = Geography(inst)
    m = CpSatBackend(1, 0, exact=False)
    return m, RosterVars(m, build_candidates(inst, geo)), geo


def _trip(week, until: str) -> tuple:
    """C1 and C3 at M1's home, C2 9.5 km north (10 minutes), all with a window 08:00–13:00; M1 free on Saturday
    09:00 until ``until``."""
    morning = (("sat", "08:00", "13:00"),)
    inst = week.instance(children=[week.child("C1", windows=morning), week.child("C2", km=9.5, windows=morning),
                                   week.child("C3", windows=morning)],
                         volunteers=[week.visitor("M1", availability=(("sat", "09:00", until),))])
    geo = Geography(inst)
    m = CpSatBackend(1, 0, exact=False)
    return inst, geo, RosterVars(m, build_candidates(inst, geo))


def test_three_visits_fit_a_window_exactly_three_hours_long(week) -> None:
    """Edge case: three one-hour visits next door fit 09:00–12:00 in sequence, so no stretch row is needed."""
    m, xs, geo = _neighbours(week, "12:00")
    assert add_energy_rules(m, xs, geo) == 0
    m.solve(-xs.taken(xs.candidates), 2)
    assert sum(m.value(xs.take[c.index]) for c in xs.candidates) == 3


def test_three_visits_do_not_fit_a_window_one_minute_shorter(week) -> None:
    """Infeasible by one: in 09:00–11:59 only two one-hour visits fit (179 // 60 = 2): one row, two taken."""
    m, xs, geo = _neighbours(week, "11:59")
    assert add_energy_rules(m, xs, geo) == 1
    m.solve(-xs.taken(xs.candidates), 2)
    assert sum(m.value(xs.take[c.index]) for c in xs.candidates) == 2


def test_a_stretch_is_kept_only_when_more_are_confined_to_it_than_fit(week) -> None:
    """The 11:59 window's one stretch holds three visits of which two fit; a stretch that holds no more than fit
    would be a row that excludes nothing, and is refused."""
    _m, xs, geo = _neighbours(week, "11:59")
    [stretch] = [s for route in route_stretches(xs, geo).values() for s in route]
    assert (len(stretch.inside), stretch.fits) == (3, 2)
    with pytest.raises(ValueError, match="more candidates"):
        Stretch(stretch.inside, 3)


def test_the_rules_given_the_stretches_add_what_they_add_alone(week) -> None:
    """Stretches found once and handed to both rules give the same rows as each rule finding them itself."""
    for window_end in ("11:59", "10:30"):
        counts = []
        for shared in (False, True):
            m, xs, geo = _neighbours(week, window_end)
            stretches = route_stretches(xs, geo) if shared else None
            counts.append((add_pair_rules(m, xs, geo, 100, stretches), add_energy_rules(m, xs, geo, stretches)))
        assert counts[0] == counts[1]


def test_a_run_that_cannot_be_timed_is_shrunk_to_its_core_and_repaired(week) -> None:
    """With 09:00–11:19 the three visits (140 minutes for C2 with either other, 120 for C1 and C3) cannot be timed
    together; the core is C2 with one neighbour, and repairing by value keeps the two at home."""
    inst, geo, xs = _trip(week, "11:19")
    run = list(xs.candidates)
    home = geo.home("M1")
    core = minimal_infeasible(geo, home, run)
    assert len(core) == 2 and "C2" in {c.target for c in core}
    kept, starts = best_part(geo, home, run, lambda c: 0 if c.target == "C2" else 1)
    assert {c.target for c in kept} == {"C1", "C3"} and sorted(starts) == [9 * 60, 10 * 60]
    starts, failed = time_runs(geo, xs, {c.index for c in run})
    assert not starts and [len(f) for f in failed] == [2]


def test_a_run_cut_down_keeps_its_most_valuable_part_not_its_most_valuable_activity(week) -> None:
    """C2 (worth 3) fits with neither other, C1 and C3 (worth 2 each) fit together: the part kept is C1 and C3
    (4), though dropping the least valuable activity first would have kept C2 alone (3)."""
    _inst, geo, xs = _trip(week, "11:19")
    worth = {"C1": 2, "C2": 3, "C3": 2}
    kept, _starts = best_part(geo, geo.home("M1"), list(xs.candidates), lambda c: worth[c.target])
    assert {c.target for c in kept} == {"C1", "C3"}
    starts, _failed = time_runs(geo, xs, {c.index for c in xs.candidates}, value=lambda c: worth[c.target])
    assert {c.target for c in xs.candidates if c.index in starts} == {"C1", "C3"}


def test_a_run_that_can_be_timed_whole_is_kept_whole_when_cut_down(week) -> None:
    """Edge case: with 09:00–12:20 the three visits fit exactly, so the best part is the whole run."""
    _inst, geo, xs = _trip(week, "12:20")
    kept, starts = best_part(geo, geo.home("M1"), list(xs.candidates), lambda c: 1)
    assert len(kept) == 3 and starts == sorted(starts)


def test_a_run_that_can_be_timed_is_timed_and_not_cut(week) -> None:
    """Edge case: with 09:00–12:20 the three visits take 60 + 60 + 10 + 60 + 10 = 200 minutes, exactly the time
    free: the run is timed and nothing is cut."""
    inst, geo, xs = _trip(week, "12:20")
    starts, failed = time_runs(geo, xs, {c.index for c in xs.candidates})
    assert not failed and len(starts) == 3


def test_the_decomposed_model_keeps_every_rule_with_time_to_spare(week, solved) -> None:
    """Through the solver's decomposed model: free 09:00–12:20, M1 makes all three visits in one valid trip."""
    roster, _report = solved(_trip(week, "12:20")[0], **DECOMPOSED)
    assert len(roster.visits) == 3 and not roster.unmet.visits


def test_the_decomposed_model_drops_one_visit_a_minute_short(week, solved) -> None:
    """Infeasible by one, through the decomposed model: free until 12:19, the proposal of all three is cut and one
    child is reported one visit short (which one is travel's to decide, and that is left to its neighbourhoods)."""
    roster, report = solved(_trip(week, "12:19")[0], **DECOMPOSED)
    assert len(roster.visits) == 2
    [unmet] = roster.unmet.visits
    assert unmet.missing == 1 and unmet.child not in {v.child for v in roster.visits}
    assert report.levels.shortfall == 1


def _spread(week) -> tuple:
    """C1 and C2 at M1's home, C3 10 minutes north, C4 30 minutes north; one-hour visits in 09:00–12:20 (200
    minutes: three fit with 20 minutes to travel). Only C1, C2 and C3 fit together; C4 fits with any one other.
    The count (next-door siblings make its least travel 0) and the pairs let every three through."""
    window = (("sat", "09:00", "12:20"),)
    inst = week.instance(children=[week.child("C1", windows=window), week.child("C2", windows=window),
                                   week.child("C3", km=10, windows=window), week.child("C4", km=30, windows=window)],
                         volunteers=[week.visitor("M1", max_km=40)])
    geo = Geography(inst)
    m = CpSatBackend(1, 0, exact=False)
    xs = RosterVars(m, build_candidates(inst, geo))
    add_pair_rules(m, xs, geo, 100)
    add_energy_rules(m, xs, geo)
    return m, xs, geo


def _most_taken(m, xs, **fixed: int) -> int:
    """The most visits the model allows with the named children's visits fixed (1 taken, 0 not)."""
    for c in xs.candidates:
        if c.target in fixed:
            m.add(xs.take[c.index] == fixed[c.target])
    outcome = m.solve(-xs.taken(xs.candidates), 5)
    assert outcome.status == "OPTIMAL"
    return sum(m.value(xs.take[c.index]) for c in xs.candidates)


def test_three_far_apart_pass_the_count_and_the_pairs_without_the_centre_rules(week) -> None:
    """The gap the centre rules fill: with C4 taken, the count and the pairs allow two more, which cannot be timed."""
    m, xs, _geo = _spread(week)
    assert _most_taken(m, xs, C4=1) == 3
    taken = {c.index for c in xs.candidates if m.value(xs.take[c.index])}
    _starts, failed = time_runs(_geo, xs, taken)
    assert len(failed) == 1


def test_the_centre_rules_keep_a_far_visit_from_a_full_morning(week) -> None:
    """Infeasible: C4 is 20 minutes from the nearest other, the whole slack, so it cannot sit between two; and at
    either end its leg leaves nothing for the other. With C4 taken, one more visit at most."""
    m, xs, geo = _spread(week)
    assert add_centre_rules(m, xs, geo, ("M1", xs.candidates[0].interval)) > 0
    assert _most_taken(m, xs, C4=1) == 2


def test_the_centre_rules_allow_three_near_ones(week) -> None:
    """Feasible: C1 and C2 next door and C3 10 minutes away fit the morning (legs 0 and 10), and are allowed."""
    m, xs, geo = _spread(week)
    add_centre_rules(m, xs, geo, ("M1", xs.candidates[0].interval))
    assert _most_taken(m, xs, C4=0) == 3


def test_the_centre_rules_never_forbid_a_run_that_fits(week) -> None:
    """Every run of the route that can be timed (the empty one too) is a solution of the model with the rules."""
    _m, xs0, geo = _spread(week)
    route = ("M1", xs0.candidates[0].interval)
    runs = enumerate_runs(geo, xs0.by_route[route], 5, 1000)
    assert runs is not None and len(runs) == 4 + 6 + 1  # every one, every pair, and C1, C2, C3
    for members in [(), *(run.members for run in runs)]:
        m, xs, geo = _spread(week)
        add_centre_rules(m, xs, geo, route)
        for c in xs.candidates:
            m.add(xs.take[c.index] == int(c.index in members))
        assert m.solve(0 * xs.take[xs.candidates[0].index], 5).status == "OPTIMAL", members


def _session_and_visits(week) -> tuple:
    """M1 tutors S1's Saturday session 09:00–10:30 and may visit C1–C3 (45 minutes, all at the site) in 09:00–11:30:
    the count takes every activity as 45 minutes, so a session and two visits (180 minutes) pass it."""
    doc = week.doc(sites=[week.site(sessions=(("sat", "09:00", "10:30"),))],
                   children=[week.pupil("P1", attends=("sat",)),
                             *(week.child(f"C{i}", windows=(("sat", "09:00", "11:30"),)) for i in (1, 2, 3))],
                   volunteers=[week.visitor("M1", roles=["visitor", "tutor"], max_sessions_per_week=5)])
    doc["settings"]["visit_minutes"] = 45
    inst = parse_instance(doc)
    geo = Geography(inst)
    m = CpSatBackend(1, 0, exact=False)
    xs = RosterVars(m, build_candidates(inst, geo))
    return m, xs, geo


def test_a_session_and_two_visits_do_not_fit_by_their_minutes(week) -> None:
    """Infeasible by minutes: with the session taken, one visit at most (90 + 45 ≤ 150 < 90 + 90)."""
    m, xs, geo = _session_and_visits(week)
    assert {c.duration for c in xs.candidates} == {90, 45}
    add_energy_rules(m, xs, geo)
    assert _most_taken(m, xs, S1=1) == 2


def test_three_visits_without_the_session_fit_by_their_minutes(week) -> None:
    """Feasible: without the session the three visits take 135 of the 150 minutes and are allowed."""
    m, xs, geo = _session_and_visits(week)
    add_energy_rules(m, xs, geo)
    assert _most_taken(m, xs, S1=0) == 3


def test_the_decomposed_model_finds_the_one_full_morning_among_far_visits(week, solved) -> None:
    """Through the solver's decomposed model with M1's route too large to list (one run at most), so that a
    proposal with C4 and two others is cut and the cut lifted by the centre rules: C1, C2 and C3 are the only
    three that fit, and the roster visits them, one visit short (C4's)."""
    window = (("sat", "09:00", "12:20"),)
    inst = week.instance(children=[week.child("C1", windows=window), week.child("C2", windows=window),
                                   week.child("C3", km=10, windows=window), week.child("C4", km=30, windows=window)],
                         volunteers=[week.visitor("M1", max_km=40)])
    roster, report = solved(inst, **DECOMPOSED, runs_per_route=1)
    assert report.levels.shortfall == 1
    assert {v.child for v in roster.visits} == {"C1", "C2", "C3"}
