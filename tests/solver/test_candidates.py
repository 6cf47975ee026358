"""Candidates: the reach prefilter loses no pair, and pruning keeps the volunteers that matter."""

from __future__ import annotations

from solver import candidates as cand_module
from solver import parse_instance
from solver.bench.generate import generate
from solver.candidates import build_candidates, prune_candidates, ruled_out_by_pins
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


def _week_with_two_saturday_intervals(visits_per_week: int) -> dict:
    """One child visited on Saturday or Sunday; M1 is free twice on Saturday, M2 on Sunday; M1's visit is pinned."""
    child = {"id": "C1", "name": "C1", "grade": 3, "lat": 30.45, "lon": 114.871, "site": None, "attends": [],
             "subjects": [], "visits_per_week": visits_per_week, "priority": 1, "needs_trained": False,
             "primary_volunteer": None,
             "visit_windows": [{"day": "sat", "start": "08:00", "end": "18:00"},
                               {"day": "sun", "start": "08:00", "end": "18:00"}]}

    def visitor(vid: str, availability: list[dict]) -> dict:
        return {"id": vid, "name": vid, "roles": ["visitor"], "lat": 30.45, "lon": 114.87, "subjects": [],
                "trained": False, "availability": availability, "max_km": 10, "max_sessions_per_week": 0,
                "max_visits_per_week": 3, "max_visits_per_day": 2}

    return {"schema": "roster-instance/1", "name": "two intervals", "week_start": "2026-11-23",
            "settings": {"visit_minutes": 60, "speed_kmh": 20.0, "road_factor": 1.35}, "sites": [],
            "children": [child],
            "volunteers": [visitor("M1", [{"day": "sat", "start": "09:00", "end": "11:00"},
                                          {"day": "sat", "start": "14:00", "end": "16:00"}]),
                           visitor("M2", [{"day": "sun", "start": "09:00", "end": "11:00"}])],
            "pinned": [{"kind": "visit", "volunteer": "M1", "child": "C1", "day": "sat"}],
            "forbidden": [], "previous": []}


def test_a_pin_counts_once_though_it_matches_two_intervals() -> None:
    """M1's pinned Saturday visit could be in either of her Saturday intervals: it is still one visit, so the
    child's second visit (M2 on Sunday) stays possible."""
    inst = parse_instance(_week_with_two_saturday_intervals(visits_per_week=2))
    full = build_candidates(inst, Geography(inst))
    assert sum((c.volunteer, c.day) == ("M1", "sat") for c in full) == 2
    kept = ruled_out_by_pins(inst, full)
    assert any((c.volunteer, c.day) == ("M2", "sun") for c in kept)
    assert [c.index for c in kept] == list(range(len(kept)))


def test_visits_the_pins_already_make_are_ruled_out() -> None:
    """A child needing one visit, pinned to M1: M2's Sunday visit could only be a visit too many, and goes."""
    inst = parse_instance(_week_with_two_saturday_intervals(visits_per_week=1))
    kept = ruled_out_by_pins(inst, build_candidates(inst, Geography(inst)))
    assert {(c.volunteer, c.day) for c in kept} == {("M1", "sat")}
