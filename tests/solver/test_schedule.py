"""Timing a run: the best order is exact, an impossible run is recognised, and visits start on the five minutes
where the day allows it."""

from __future__ import annotations

from solver import parse_instance
from solver.candidates import build_candidates
from solver.places import Geography
from solver.schedule import START_STEP_MIN, best_order, tidy_starts, time_run


def _sat_run(tiny_doc) -> tuple:
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


def test_tidy_starts_puts_a_visit_on_the_five_minutes(tiny_doc) -> None:
    """V3 arrives at the second Saturday visit at 10:08; it is timed 10:10, in the same order."""
    geo, run = _sat_run(tiny_doc)
    order, starts = best_order(geo, ("home", "V3"), run)
    tidy = tidy_starts(geo, list(zip(order, starts, strict=True)))
    assert [(c.target, t) for c, t in tidy] == [(order[0].target, 9 * 60), (order[1].target, 10 * 60 + 10)]
    assert START_STEP_MIN == 5


def test_tidy_starts_keeps_the_minute_when_the_round_time_does_not_fit(tiny_doc) -> None:
    """When V3 must be home exactly when a 10:08 visit and the way home end, 10:10 would bring her home late:
    the run keeps 10:08."""
    geo, run = _sat_run(tiny_doc)
    order, starts = best_order(geo, ("home", "V3"), run)
    home_by = starts[1] + order[1].duration + geo.minutes(order[1].place, ("home", "V3"))
    doc = tiny_doc()
    doc["volunteers"][2]["availability"][1]["end"] = f"{home_by // 60:02d}:{home_by % 60:02d}"
    inst = parse_instance(doc)
    geo = Geography(inst)
    run = [c for c in build_candidates(inst, geo) if c.volunteer == "V3" and c.day == "sat"]
    order, starts = best_order(geo, ("home", "V3"), run)
    assert starts == [9 * 60, 10 * 60 + 8]
    assert [t for _c, t in tidy_starts(geo, list(zip(order, starts, strict=True)))] == [9 * 60, 10 * 60 + 8]
