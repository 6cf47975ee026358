"""Rule family 2 by decomposition (solver.rules.runs): activities of one run that fit in neither order are kept
apart, one row per pair, or by cliques when the pairs are too many."""

from __future__ import annotations

import pytest

from solver.backend import CpSatBackend
from solver.candidates import build_candidates
from solver.instance import parse_instance
from solver.places import Geography
from solver.rules.runs import add_pair_rules
from solver.variables import RosterVars

# Three Saturday visits whose windows let each start only within half an hour of the others: no two of the
# hour-long visits fit one after the other, in either order.
WINDOWS = (("A", "09:00", "10:30"), ("B", "09:15", "10:45"), ("C", "09:30", "11:00"))


def _three_visits(windows: tuple = WINDOWS, start: str = "08:00") -> tuple[CpSatBackend, RosterVars, Geography]:
    """One visitor, three children next door with these Saturday windows, the assignment model without rules yet."""
    document = {
        "schema": "roster-instance/1", "name": "three visits", "week_start": "2026-11-23",
        "settings": {"visit_minutes": 60, "speed_kmh": 20.0, "road_factor": 1.35}, "sites": [],
        "children": [{"id": code, "name": code, "grade": 3, "lat": 30.45, "lon": 114.87 + n * 0.001, "site": None,
                      "attends": [], "subjects": [], "visits_per_week": 1,
                      "visit_windows": [{"day": "sat", "start": first, "end": last}], "priority": 1,
                      "needs_trained": False, "primary_volunteer": None}
                     for n, (code, first, last) in enumerate(windows)],
        "volunteers": [{"id": "M1", "name": "M1", "roles": ["visitor"], "lat": 30.45, "lon": 114.87, "subjects": [],
                        "trained": False, "availability": [{"day": "sat", "start": start, "end": "12:00"}],
                        "max_km": 10, "max_sessions_per_week": 0, "max_visits_per_week": 3,
                        "max_visits_per_day": 3}],
        "pinned": [], "forbidden": [], "previous": []}
    instance = parse_instance(document)
    geo = Geography(instance)
    m = CpSatBackend(1, 0, exact=False)
    return m, RosterVars(m, build_candidates(instance, geo)), geo


def _most_taken(m: CpSatBackend, xs: RosterVars) -> int:
    """As many of the visits as the rows allow."""
    m.solve(-sum(xs.take[c.index] for c in xs.candidates), 5)
    return sum(m.value(xs.take[c.index]) for c in xs.candidates)


@pytest.mark.parametrize(("max_pair_rows", "rows"), [(100, 3), (2, 1)])
def test_visits_that_fit_in_neither_order_are_never_taken_together(max_pair_rows: int, rows: int) -> None:
    """The three pairs are three rows under the budget, one clique of three above it; either way at most one
    of the three visits is taken."""
    m, xs, geo = _three_visits()
    assert len(xs.candidates) == 3
    assert add_pair_rules(m, xs, geo, max_pair_rows) == rows
    assert _most_taken(m, xs) == 1


def test_without_the_rows_the_model_would_take_all_three() -> None:
    """Infeasible by one: the same model with no pair rows takes every visit, which no run could time."""
    m, xs, _geo = _three_visits()
    assert _most_taken(m, xs) == 3


def test_visits_that_fit_one_after_another_get_no_row() -> None:
    """Edge case: with the availability from 06:00 and windows an hour and a half apart, nothing is kept apart."""
    m, xs, geo = _three_visits((("A", "06:00", "07:00"), ("B", "08:00", "09:00"), ("C", "10:00", "11:00")),
                               start="05:30")
    assert add_pair_rules(m, xs, geo, 0) == 0
    assert _most_taken(m, xs) == 3
