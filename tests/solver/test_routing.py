"""Dense days re-routed by OR-Tools' vehicle routing (solver.routing): it only ever returns a roster better on the
checker's levels, every run timed as the solver times runs, and leaves alone the parts it cannot see whole."""

from __future__ import annotations

from solver import parse_instance
from solver.candidates import build_candidates
from solver.generate import dense_week, generate
from solver.greedy import greedy_roster
from solver.places import Geography
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
