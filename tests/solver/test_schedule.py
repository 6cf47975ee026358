"""Timing a run: the best order is exact, and an impossible run is recognised."""

from __future__ import annotations

from solver import parse_instance
from solver.candidates import build_candidates
from solver.places import Geography
from solver.schedule import best_order, time_run


def _sat_run(tiny_doc) -> tuple:  # noqa: ANN001
    inst = parse_instance(tiny_doc())
    geo = Geography(inst)
    run = [c for c in build_candidates(inst, geo) if c.volunteer == "V3" and c.day == "sat"]
    return geo, run


def test_best_order_times_two_saturday_visits(tiny_doc) -> None:
    """V3's two Saturday visits fit: the first at 09:00 when the windows open, the second 8 minutes
    of travel after the first ends (both orders cost the same km)."""
    geo, run = _sat_run(tiny_doc)
    order, starts = best_order(geo, ("home", "V3"), run)
    assert {c.target for c in order} == {"C1", "C2"}
    assert starts == [9 * 60, 10 * 60 + 8]


def test_best_order_finds_no_order_when_time_is_too_short(tiny_doc) -> None:
    """With the availability ending at 11:00, the two one-hour visits no longer fit in any order."""
    doc = tiny_doc()
    doc["volunteers"][2]["availability"][1]["end"] = "11:00"
    inst = parse_instance(doc)
    geo = Geography(inst)
    run = [c for c in build_candidates(inst, geo) if c.volunteer == "V3" and c.day == "sat"]
    assert len(run) == 2 and best_order(geo, ("home", "V3"), run) is None
    assert time_run(geo, ("home", "V3"), run[0].interval.start, run[0].interval.end, run) is None
