"""Dense days re-routed by PyVRP (solver.routing): it only ever returns a roster better on the checker's levels,
every run timed as the solver times runs, keeps the weekly limit it is given as part of the model, and leaves alone
the parts it cannot see whole."""

from __future__ import annotations

import pytest

from solver import parse_instance, routing
from solver.bench.generate import dense_week, generate
from solver.candidates import build_candidates
from solver.greedy import greedy_roster
from solver.places import Geography
from solver.recheck import recheck
from solver.roster import Roster, Visit
from solver.routing import applies, reroute
from solver.validate import levels, validate


def _setup(doc: dict):
    instance = parse_instance(doc)
    geo = Geography(instance)
    cands = build_candidates(instance, geo)
    by_index = {c.index: c for c in cands}

    def roster(chosen: dict[int, int]) -> Roster:
        visits = tuple(Visit(by_index[i].volunteer, by_index[i].target, by_index[i].day, t,
                             t + by_index[i].duration) for i, t in chosen.items())
        return Roster(week_start=instance.week_start, visits=visits)

    return instance, geo, cands, roster


def test_a_dense_week_is_rerouted_to_fewer_km_and_never_to_worse_levels() -> None:
    """From the greedy roster of a small dense week (3 workers, 40 families, up to 6 a day), the routing engine
    finds a roster at least as short on shortfall, with fewer km, that passes every rule."""
    instance, geo, cands, roster = _setup(dense_week(3, workers=3, families=40, per_day=6))
    chosen = {c.index: t for c, t in greedy_roster(instance, geo, cands).chosen()}
    before = levels(instance, roster(chosen), geo)
    after_chosen = reroute(instance, geo, cands, chosen, lambda ch: levels(instance, roster(ch), geo).as_tuple(), 3.0)
    after = levels(instance, roster(after_chosen), geo)
    assert validate(instance, roster(after_chosen)).ok
    assert after.shortfall <= before.shortfall
    assert after.as_tuple() < before.as_tuple() and after.travel_km < before.travel_km


def test_a_phase_that_keeps_the_assignments_children_visits_every_one_of_them_with_fewer_km(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """With only the phase that keeps the roster's children, the re-routed roster visits exactly the children the
    assignment visited (shortfall unchanged) and drives fewer km."""
    monkeypatch.setattr(routing, "PHASES", ((None, 1.0),))
    instance, geo, cands, roster = _setup(dense_week(3, workers=3, families=40, per_day=6))
    chosen = {c.index: t for c, t in greedy_roster(instance, geo, cands).chosen()}
    after_chosen = reroute(instance, geo, cands, chosen, lambda ch: levels(instance, roster(ch), geo).as_tuple(), 3.0)
    assert validate(instance, roster(after_chosen)).ok
    assert sorted(v.child for v in roster(after_chosen).visits) == sorted(v.child for v in roster(chosen).visits)
    assert levels(instance, roster(after_chosen), geo).travel_km < levels(instance, roster(chosen), geo).travel_km


def test_the_weekly_limit_holds_in_the_model_where_it_binds() -> None:
    """Each worker may make 6 visits in the week, fewer than the days could hold: the engine's roster never has a
    worker over the limit (the checker would refuse it), and it still gains on the greedy roster."""
    doc = dense_week(3, workers=3, families=40, per_day=6)
    for volunteer in doc["volunteers"]:
        volunteer["max_visits_per_week"] = 6
    instance, geo, cands, roster = _setup(doc)
    chosen = {c.index: t for c, t in greedy_roster(instance, geo, cands).chosen()}
    after_chosen = reroute(instance, geo, cands, chosen, lambda ch: levels(instance, roster(ch), geo).as_tuple(), 3.0)
    assert after_chosen is not chosen
    assert recheck(instance, roster(after_chosen)).ok  # every rule, the weekly limit among them (unmet restated)
    loads = [sum(v.volunteer == vid for v in roster(after_chosen).visits) for vid in instance.volunteer_by_id]
    assert max(loads) <= 6 and sum(loads) == len(after_chosen)


def test_a_roster_the_engine_cannot_improve_is_returned_as_it_is() -> None:
    """With no time to search (below the engine's minimum), the part's own roster comes back unchanged."""
    instance, geo, cands, roster = _setup(dense_week(3, workers=3, families=40, per_day=6))
    chosen = {c.index: t for c, t in greedy_roster(instance, geo, cands).chosen()}
    assert reroute(instance, geo, cands, chosen, lambda ch: levels(instance, roster(ch), geo).as_tuple(),
                   0.1) is chosen


def test_parts_with_tutoring_or_regular_visitors_are_left_alone() -> None:
    """A district week (tutoring sessions, regular visitors) is not one the routing model sees whole; a dense
    week is."""
    district = parse_instance(generate("small", seed=1))
    assert not applies(district, build_candidates(district, Geography(district)))
    dense = parse_instance(dense_week(3, workers=3, families=40, per_day=6))
    assert applies(dense, build_candidates(dense, Geography(dense)))


def test_the_bench_routes_exactly_the_children_it_is_given_each_one_visited() -> None:
    """``route_children`` (the dense bench's km at equal visits): from scratch, a roster that visits exactly the
    given children, every one of them, and passes every rule."""
    instance, geo, cands, roster = _setup(dense_week(3, workers=3, families=40, per_day=6))
    chosen = {c.index: t for c, t in greedy_roster(instance, geo, cands).chosen()}
    children = frozenset(v.child for v in roster(chosen).visits)
    found = routing.route_children(instance, geo, cands, children, 3.0)
    assert found is not None
    assert validate(instance, recheck(instance, roster(found)).roster).ok
    assert sorted(v.child for v in roster(found).visits) == sorted(children)
