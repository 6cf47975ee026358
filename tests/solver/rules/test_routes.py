"""Rule family 2 as circuits (solver.rules.routes, used by the neighbourhood search): each volunteer's day in one
availability interval is one trip home → activities → home, with time to travel between consecutive ones."""

from __future__ import annotations

import pytest

from solver.backend import CpSatBackend
from solver.candidates import build_candidates
from solver.places import Geography
from solver.roster import Roster, Unmet, UnmetVisits, Visit
from solver.rules.routes import add_route_rules
from solver.validate import compute_shortfall, validate
from solver.variables import RosterVars

KM_WEIGHT = 100  # travel in the test's objective: hundredths of a km, far below one visit


def _week(week, until: str, start: str = "09:00", children: tuple = (("C1", 0), ("C2", 9.5)),
          window: tuple = ("sat", "09:00", "12:00")) -> object:
    """Children at these km north of M1's home (C2: 10 minutes away) with this visit window, M1 free on Saturday
    from start to until."""
    return week.instance(children=[week.child(cid, km=km, windows=(window,)) for cid, km in children],
                         volunteers=[week.visitor("M1", availability=(("sat", start, until),))])


def _circuit(inst) -> tuple[Roster, float]:
    """The circuit model on its own: as many visits as fit, then the fewest km; the roster it times (with its
    honest unmet) and the km of the arcs taken."""
    geo = Geography(inst)
    m = CpSatBackend(1, 0, exact=True)
    xs = RosterVars(m, build_candidates(inst, geo))
    add_route_rules(m, xs, geo)
    taken = xs.taken(xs.candidates)
    km = sum(round(k * KM_WEIGHT) * lit for lit, k in xs.travel_terms)
    m.solve(-10**6 * taken + km, 5)
    visits = tuple(Visit(c.volunteer, c.target, c.day, m.value(xs.start[c.index]),
                         m.value(xs.start[c.index]) + c.duration) for c in xs.candidates if m.value(xs.take[c.index]))
    draft = Roster(week_start=inst.week_start, visits=visits)
    unmet = Unmet(visits=tuple(UnmetVisits(cid, n) for cid, n in compute_shortfall(inst, draft).visits.items()))
    return Roster(week_start=inst.week_start, visits=visits, unmet=unmet), sum(
        k * m.value(lit) for lit, k in xs.travel_terms)


def test_a_trip_with_time_to_travel_holds_both_visits(week) -> None:
    """With 09:00–11:20 (60 + 10 + 60 + 10 minutes) both visits fit one trip, 10 minutes apart, of 19 km."""
    inst = _week(week, "11:20")
    roster, km = _circuit(inst)
    assert validate(inst, roster).ok
    first, second = sorted(roster.visits, key=lambda v: v.start)
    assert second.start - first.end >= 10
    assert km == pytest.approx(19.0)


def test_a_trip_one_minute_short_holds_only_one_visit(week) -> None:
    """Infeasible by one: with 09:00–11:19 the circuit takes one visit only, the one at home (0 km)."""
    inst = _week(week, "11:19")
    roster, km = _circuit(inst)
    assert validate(inst, roster).ok
    assert [v.child for v in roster.visits] == ["C1"] and km == 0
    assert [(u.child, u.missing) for u in roster.unmet.visits] == [("C2", 1)]


def test_a_lone_visit_exactly_as_long_as_the_trip_allows(week) -> None:
    """Edge case: free 09:00–10:20, M1 has exactly 10 + 60 + 10 minutes for C2 alone, who is visited 09:10–10:10
    with 19 km there and back; free until 10:19, there is no such visit to make."""
    inst = _week(week, "10:20", children=(("C2", 9.5),))
    roster, km = _circuit(inst)
    assert validate(inst, roster).ok
    assert [(v.start, v.end) for v in roster.visits] == [(9 * 60 + 10, 10 * 60 + 10)] and km == pytest.approx(19.0)
    roster, km = _circuit(_week(week, "10:19", children=(("C2", 9.5),)))
    assert not roster.visits and km == 0


def test_three_visits_are_ordered_to_keep_the_trip_short(week) -> None:
    """Three children 0, 4.5 and 9.5 km out, free from 08:00 to 13:00: one trip out and back, 19 km, with the child
    at home first or last (visiting her between the other two, 4.5 → 0 → 9.5, would be 28 km)."""
    inst = _week(week, "13:00", start="08:00", children=(("C1", 0), ("C2", 9.5), ("C3", 4.5)),
                 window=("sat", "08:00", "13:00"))
    roster, km = _circuit(inst)
    assert validate(inst, roster).ok and len(roster.visits) == 3
    assert km == pytest.approx(19.0)
    order = [v.child for v in sorted(roster.visits, key=lambda v: v.start)]
    assert order.index("C1") != 1
