"""Rule family 2 over timed runs (solver.rules.columns): each of a volunteer's availability intervals takes at most
one of its timed runs, and an activity is done exactly when the run taken holds it, so a volunteer always has time
to travel between her activities and get home; the run's km is the trip's."""

from __future__ import annotations

import pytest

from solver.backend import CpSatBackend
from solver.candidates import build_candidates
from solver.columns import enumerate_runs
from solver.places import Geography
from solver.rules.columns import add_run_rules
from solver.variables import RosterVars


def _two_visits(week, until: str) -> object:
    """C1 lives at M1's home and C2 9.5 km north (10 minutes each way): both visits in one trip take
    60 + 10 + 60 + 10 = 140 minutes, and M1 is free on Saturday from 09:00 until ``until``."""
    return week.instance(children=[week.child("C1"), week.child("C2", km=9.5)],
                         volunteers=[week.visitor("M1", availability=(("sat", "09:00", until),))])


def _model(inst) -> tuple[CpSatBackend, RosterVars, list]:
    geo = Geography(inst)
    m = CpSatBackend(1, 0, exact=False)
    xs = RosterVars(m, build_candidates(inst, geo))
    [route] = xs.by_route.values()
    return m, xs, enumerate_runs(geo, route, 5, 100)


def test_a_volunteer_with_time_for_the_whole_trip_makes_both_visits(week, solved) -> None:
    """With 09:00–11:20, exactly the 140 minutes the trip takes, both children are visited in one run."""
    roster, report = solved(_two_visits(week, "11:20"))
    assert {v.child for v in roster.visits} == {"C1", "C2"} and not roster.unmet.visits
    assert report.levels.travel_km == pytest.approx(19.0)  # 9.5 km there and back


def test_a_trip_one_minute_too_long_drops_one_visit_and_says_so(week, solved) -> None:
    """Infeasible by one: free until 11:19, M1 cannot make both visits; she makes the one at home (0 km rather
    than 19) and C2 is reported one visit short, M1 being booked then."""
    roster, report = solved(_two_visits(week, "11:19"))
    assert [v.child for v in roster.visits] == ["C1"]
    [unmet] = roster.unmet.visits
    assert (unmet.child, unmet.missing) == ("C2", 1)
    assert unmet.reason == "visitors who could come on Saturday: M1 is already booked at those times"
    assert report.levels.shortfall == 1 and report.levels.travel_km == 0


def test_the_rule_alone_takes_the_run_that_holds_both_or_one_run_only(week) -> None:
    """In the model on its own: with 11:20 there are three runs (each visit alone, both) and both visits are taken
    through the run of both, whose km is 19; with 11:19 there are two runs and one visit at most."""
    for until, runs, most in (("11:20", 3, 2), ("11:19", 2, 1)):
        m, xs, listed = _model(_two_visits(week, until))
        assert len(listed) == runs
        rows = add_run_rules(m, xs, listed)
        m.solve(-xs.taken(xs.candidates), 2)
        assert sum(m.value(xs.take[c.index]) for c in xs.candidates) == most
        taken = [run for run, var in rows.chosen.items() if m.value(var)]
        assert len(taken) == 1 and len(taken[0].order) == most
        if most == 2:
            assert taken[0].km == pytest.approx(19.0)


def test_a_route_without_listed_runs_gets_no_rows(week) -> None:
    """Edge case: given no runs, the rule leaves the route's activities to its caller (a neighbourhood fixes
    them): nothing holds the two visits apart."""
    m, xs, _listed = _model(_two_visits(week, "11:19"))
    rows = add_run_rules(m, xs, [])
    assert not rows.route and not rows.link
    m.solve(-xs.taken(xs.candidates), 2)
    assert sum(m.value(xs.take[c.index]) for c in xs.candidates) == 2
