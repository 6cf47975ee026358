"""Travel between places (solver.places): the fewest minutes among a set of places is the least of its pairs."""

from __future__ import annotations

import random

import pytest

from solver.bench.generate import generate
from solver.instance import parse_instance
from solver.places import Geography


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_fewest_minutes_among_places_is_the_least_of_every_pair(seed: int) -> None:
    """Sifted by the vectorised distance, the answer is still exactly the least of ``minutes`` over the pairs,
    in either direction, on sets drawn from a generated week (near neighbours and far ones alike)."""
    instance = parse_instance(generate("medium", seed=seed))
    geo = Geography(instance)
    places = [("child", c.id) for c in instance.children] + [("home", v.id) for v in instance.volunteers]
    rng = random.Random(seed)  # noqa: S311 - reproducible test data
    for size in (2, 3, 8, 40, 120):
        chosen = rng.sample(places, size)
        assert geo.least_minutes(chosen) == min(geo.minutes(a, b) for a in chosen for b in chosen if a != b)


def test_fewer_than_two_places_are_no_travel() -> None:
    """One place (however often named) or none: nothing to travel between."""
    instance = parse_instance(generate("small", seed=1))
    geo = Geography(instance)
    child = ("child", instance.children[0].id)
    assert geo.least_minutes([]) == 0
    assert geo.least_minutes([child, child]) == 0


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_fewest_minutes_are_never_more_than_the_minutes_and_at_most_one_less(seed: int) -> None:
    """The vectorised minutes that rules rest on are a floor: never above ``minutes``, never two below it."""
    instance = parse_instance(generate("medium", seed=seed))
    geo = Geography(instance)
    places = [("child", c.id) for c in instance.children[:150]] + [("site", s.id) for s in instance.sites]
    fewest = geo.fewest_minutes(places)
    exact = [[geo.minutes(a, b) for b in places] for a in places]
    for i in range(len(places)):
        for j in range(len(places)):
            assert exact[i][j] - 1 <= fewest[i][j] <= exact[i][j]
    assert sum(fewest[i][j] == exact[i][j] for i in range(len(places)) for j in range(len(places))) > 0.99 * len(
        places) ** 2
