"""The call bench's generator and bound: the same seed gives the same week, and the line-hours bound is never
below what the solver delivers."""

from __future__ import annotations

from solver.bench.calls import line_hours_bound
from solver.bench.callweek import call_week
from solver.calls.instance import parse_call_instance
from solver.calls.solve import CallSettings, greedy_result, solve_calls


def test_the_generator_is_deterministic_and_its_weeks_are_valid_instances() -> None:
    """Same size and seed, same document; it parses; another seed gives another week."""
    assert call_week("small", 3) == call_week("small", 3) != call_week("small", 4)
    inst = parse_call_instance(call_week("small", 3))
    assert len(inst.children) == 60 and len(inst.sites) == 2


def test_the_line_hours_bound_holds_above_solver_and_greedy() -> None:
    """Neither the solver nor the greedy baseline delivers more than the bound, and the solver no less than the
    greedy week."""
    inst = parse_call_instance(call_week("small", 2))
    solved = solve_calls(inst, CallSettings(time_limit_s=10))
    greedy = greedy_result(inst)
    bound = line_hours_bound(inst)
    assert greedy.report.levels.delivered <= solved.report.levels.delivered <= bound
    assert solved.stats["delivered_bound"] <= bound


def test_a_search_cut_short_still_delivers_no_fewer_calls_than_the_greedy_week() -> None:
    """Edge case of the time limit: a medium week given half a second (a twentieth of a second a site) still
    delivers at least the greedy week's calls, and its schedule is valid."""
    inst = parse_call_instance(call_week("medium", 2))
    hurried = solve_calls(inst, CallSettings(time_limit_s=0.5))
    assert hurried.report.ok
    assert hurried.report.levels.delivered >= greedy_result(inst).report.levels.delivered
