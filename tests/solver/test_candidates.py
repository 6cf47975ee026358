"""Candidates: the reach prefilter loses no pair, and pruning keeps the volunteers that matter."""

from __future__ import annotations

from solver import candidates as cand_module
from solver import parse_instance
from solver.bench.generate import generate
from solver.candidates import build_candidates, prune_candidates
from solver.places import Geography
from solver.settings import SolverSettings


def _key(c) -> tuple:
    return (c.kind, c.volunteer, c.target, c.day, c.interval, c.starts)


def test_reach_prefilter_loses_no_candidate(monkeypatch) -> None:
    """With the bounding-box prefilter the candidates are exactly those found by checking every child."""
    inst = parse_instance(generate("medium", seed=2))
    geo = Geography(inst)
    fast = {_key(c) for c in build_candidates(inst, geo)}
    monkeypatch.setattr(cand_module, "_children_near",
                        lambda by_lat, lats, volunteer, road_factor: list(by_lat))
    slow = {_key(c) for c in build_candidates(inst, geo)}
    assert fast == slow and len(fast) > 1000


def test_pruning_keeps_primary_and_previous_volunteers() -> None:
    """Pruned to one visitor per child-day, a child still keeps its primary and last week's visitor."""
    doc = generate("small", seed=4)
    inst = parse_instance(doc)
    geo = Geography(inst)
    full = build_candidates(inst, geo)
    far = max((c for c in full if c.kind == "visit"), key=lambda c: c.km_from_home)
    doc["previous"] = [{"kind": "visit", "volunteer": far.volunteer, "child": far.target, "day": far.day}]
    inst = parse_instance(doc)
    pruned = prune_candidates(inst, build_candidates(inst, geo), SolverSettings(visitors_per_child_day=1))
    assert any((c.volunteer, c.target) == (far.volunteer, far.target) for c in pruned)
    for child in inst.children:
        if child.primary_volunteer and any(c.target == child.id and c.volunteer == child.primary_volunteer
                                           for c in full):
            assert any(c.target == child.id and c.volunteer == child.primary_volunteer for c in pruned)
    assert [c.index for c in pruned] == list(range(len(pruned)))
