"""The decomposed assignment model's cut loop (solver.solve._assign): a proposed run that cannot be timed takes
listed timed runs while there is time, and is cut once time is up; either way the part hands on a roster every run
of which can be timed."""

from __future__ import annotations

import time
from types import SimpleNamespace

import pytest

import solver.solve as solving
from solver.backend import MipBackend
from solver.bench.generate import dense_week
from solver.candidates import Candidate, build_candidates
from solver.instance import Instance, parse_instance
from solver.model import Part
from solver.places import Geography
from solver.schedule import best_order
from solver.settings import SolverSettings


@pytest.fixture(scope="module")
def dense() -> tuple[Instance, Geography]:
    """A social workers' week of dense days: its first proposal has a dozen runs no order can time."""
    instance = parse_instance(dense_week(seed=1))
    return instance, Geography(instance)


def _part(instance: Instance, geo: Geography) -> Part:
    """The week's largest part, fresh (a part carries its roster and bounds once solved)."""
    return max(solving._split(instance, build_candidates(instance, geo)), key=lambda p: len(p.candidates))


def _listings(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, object]]:
    """Record each route whose runs the cut loop lists, calling the real listing."""
    listed: list[tuple[str, object]] = []
    real = solving.enumerate_runs

    def listing(geo: Geography, cands: list[Candidate], *args: object, **kwargs: object) -> object:
        listed.append((cands[0].volunteer, cands[0].interval))
        return real(geo, cands, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(solving, "enumerate_runs", listing)
    return listed


def _every_run_can_be_timed(instance: Instance, geo: Geography, part: Part) -> bool:
    """Each volunteer's run of the part's roster, per availability interval, has an order that fits."""
    by_index = {c.index: c for c in part.candidates}
    runs: dict[tuple[str, object], list[Candidate]] = {}
    for i in part.chosen or {}:
        c = by_index[i]
        runs.setdefault((c.volunteer, c.interval), []).append(c)
    return all(best_order(geo, geo.home(vid), run) is not None for (vid, _iv), run in runs.items())


def _time_up_after_the_first_round(monkeypatch: pytest.MonkeyPatch) -> None:
    """The cut loop's clock runs a minute ahead once the model's first solve has returned."""
    ahead = [0.0]
    real_solve = MipBackend.solve

    def first_round(self: MipBackend, *args: object, **kwargs: object) -> object:
        outcome = real_solve(self, *args, **kwargs)  # type: ignore[arg-type]
        ahead[0] = 60.0
        return outcome

    monkeypatch.setattr(MipBackend, "solve", first_round)
    monkeypatch.setattr(solving, "time", SimpleNamespace(monotonic=lambda: time.monotonic() + ahead[0]))


def test_once_time_is_up_an_untimeable_run_is_cut_not_listed(dense, monkeypatch) -> None:
    """When the first round returns with the stage's time spent, no route's runs are listed (listing one took 0.4 s
    and ran the solve past its limit); the proposal's untimeable runs are repaired instead, and what is handed on can
    be timed."""
    instance, geo = dense
    listed = _listings(monkeypatch)
    _time_up_after_the_first_round(monkeypatch)
    part = _part(instance, geo)
    assert solving._assign(instance, geo, part, {}, SolverSettings(), time.monotonic() + 10, 1)
    assert listed == []
    assert part.chosen and part.repaired  # the proposal had runs to cut, and its repaired routes start the search
    assert _every_run_can_be_timed(instance, geo, part)


def test_with_time_left_an_untimeable_run_takes_listed_runs(dense, monkeypatch) -> None:
    """The same week with seconds to spare: the routes whose proposal cannot be timed have their runs listed."""
    instance, geo = dense
    listed = _listings(monkeypatch)
    part = _part(instance, geo)
    assert solving._assign(instance, geo, part, {}, SolverSettings(), time.monotonic() + 10, 1)
    assert listed and len(set(listed)) == len(listed)  # a route is listed once at most
    assert _every_run_can_be_timed(instance, geo, part)
