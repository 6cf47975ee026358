"""HiGHS for the assignment model (solver.highs): the model built on the wrapper is solved as SCIP would solve it,
its bound is valid, a start is taken, infeasibility is said, its values are read back (also by the model over runs),
and highspy is the release inside OR-Tools."""

from __future__ import annotations

import random

import highspy
import ortools
import pytest
from ortools.linear_solver import pywraplp

from solver import highs
from solver.backend import HIGHS, MIP_SOLVER, MipBackend
from solver.bench.generate import generate
from solver.candidates import build_candidates
from solver.colgen import PAIRS, Master, make_pool, part_weights
from solver.instance import parse_instance
from solver.model import build_model
from solver.places import Geography
from solver.settings import SolverSettings
from solver.solve import _split


def _knapsacks(seed: int = 1) -> tuple[pywraplp.Solver, list]:
    """Thirty 0/1 items under forty small capacity rows, the most value wanted (minimised as its negative)."""
    rng = random.Random(seed)  # noqa: S311 - reproducible test data
    solver = pywraplp.Solver.CreateSolver(MIP_SOLVER)
    xs = [solver.BoolVar(f"x{i}") for i in range(30)]
    for _ in range(40):
        solver.Add(sum(rng.choice([1, 2, 3]) * x for x in rng.sample(xs, 6)) <= 5)
    solver.Minimize(-sum((i % 7 + 1) * x for i, x in enumerate(xs)))
    return solver, xs


def test_highs_proves_the_same_optimum_as_scip() -> None:
    """The same rows, handed over as arrays, reach SCIP's optimum, and its values satisfy every row."""
    solver, xs = _knapsacks()
    assert solver.Solve() == pywraplp.Solver.OPTIMAL
    result = highs.solve(solver, 10, 0, {})
    assert result.status == "OPTIMAL"
    assert result.objective == pytest.approx(solver.Objective().Value())
    assert result.bound == pytest.approx(result.objective)
    for row in solver.constraints():
        activity = sum(row.GetCoefficient(x) * result.values[x.index()] for x in xs)
        assert row.lb() - 1e-6 <= activity <= row.ub() + 1e-6


def test_highs_out_of_time_keeps_the_start_and_a_valid_bound() -> None:
    """With no time at all the start it was given is what it returns (left alone, HiGHS gets nowhere near the
    optimum in that time: -21 against -46 on these rows), and its bound is not above the optimum."""
    solver, xs = _knapsacks(1)
    best = highs.solve(solver, 10, 0, {})
    result = highs.solve(solver, 0.0, 0, {x.index(): best.values[x.index()] for x in xs})
    assert result.status in ("FEASIBLE", "OPTIMAL")
    assert result.objective == pytest.approx(best.objective)
    assert result.bound <= best.objective + 1e-6
    assert highs.solve(solver, 0.0, 0, {}).objective > best.objective  # the start is what made the difference


def test_highs_says_when_no_roster_exists() -> None:
    """Rows that no 0/1 values satisfy are INFEASIBLE, with no values."""
    solver, xs = _knapsacks(3)
    solver.Add(sum(xs) >= len(xs) + 1)
    result = highs.solve(solver, 5, 0, {})
    assert result.status == "INFEASIBLE"
    assert result.values == ()


def test_a_parts_assignment_model_has_one_optimum_on_highs_and_scip() -> None:
    """A generated week's part, built once per back-end by the same rules: both prove the same shortfall with
    continuity, and the HiGHS back-end reads its values as SCIP's does."""
    instance = parse_instance(generate("small", seed=2))
    geo = Geography(instance)
    part = _split(instance, build_candidates(instance, geo))[0]
    settings = SolverSettings()
    found = {}
    for engine in (MIP_SOLVER, HIGHS):
        m = MipBackend(0, solver=engine)
        model = build_model(m, instance, geo, part, settings)
        outcome = m.solve(100 * model.objectives["shortfall"] + model.objectives["continuity"], 20)
        assert outcome.status == "OPTIMAL"
        # The values read back are the solution's, in the wrapper's order: they meet every row and give the objective.
        values = {v.index(): m.value(v) for v in m.solver.variables()}
        for row in m.solver.constraints():
            activity = sum(row.GetCoefficient(v) * values[v.index()] for v in m.solver.variables())
            assert row.lb() - 1e-6 <= activity <= row.ub() + 1e-6
        objective = m.solver.Objective()
        assert objective.offset() + sum(objective.GetCoefficient(v) * values[v.index()]
                                        for v in m.solver.variables()) == pytest.approx(outcome.objective)
        found[engine] = round(outcome.objective)
    assert found[HIGHS] == found[MIP_SOLVER]


def test_highspy_is_the_release_built_into_ortools() -> None:
    """highspy and OR-Tools load the same HiGHS symbols: a different release fails on import or calls into the
    other's code, so the two pins move together."""
    assert (ortools.__version__, highspy.Highs().version()) == ("9.15.6755", "1.12.0")


def test_an_expressions_value_is_the_kept_solutions_on_either_engine() -> None:
    """A level's expression is read from the solution the back-end kept, on HiGHS (whose values never reach the
    wrapper) as on SCIP, and still after a row is added (when the wrapper has forgotten its solution)."""
    instance = parse_instance(generate("small", seed=2))
    geo = Geography(instance)
    part = _split(instance, build_candidates(instance, geo))[0]
    for engine in (MIP_SOLVER, HIGHS):
        m = MipBackend(0, solver=engine)
        model = build_model(m, instance, geo, part, SolverSettings())
        goal = 100 * model.objectives["shortfall"] + model.objectives["continuity"]
        outcome = m.solve(goal, 20)
        assert outcome.status == "OPTIMAL"
        assert m.value_of(goal) == pytest.approx(outcome.objective)
        shortfall = m.value_of(model.objectives["shortfall"])
        m.add(model.objectives["shortfall"] <= shortfall)
        assert m.value_of(goal) == pytest.approx(outcome.objective)
        assert m.value_of(7) == 7.0


def test_the_model_over_runs_proves_the_same_levels_on_highs_as_on_scip() -> None:
    """The integer model over runs, with its shortfall and continuity handed to HiGHS, proves SCIP's optimum,
    and the levels it reads off its solution are those its objective says."""
    instance = parse_instance(generate("small", seed=4))
    geo = Geography(instance)
    settings = SolverSettings()
    part = max(_split(instance, build_candidates(instance, geo)), key=lambda p: len(p.candidates))
    pool = make_pool(instance, geo, part.candidates, settings, whole=True)
    assert pool is not None and pool.complete
    found = {}
    for engine in (MIP_SOLVER, HIGHS):
        master = Master(instance, geo, part, settings, pool, relaxed=False,
                        weights=part_weights(instance, part, settings), assignment_engine=engine)
        outcome = master.solve(PAIRS[0], 20)
        assert outcome.status == "OPTIMAL"
        values = master.values(PAIRS[0], round(outcome.objective))
        shortfall, continuity, _, _ = master.levels()
        assert (shortfall, continuity) == (values["shortfall"], values["continuity"])
        found[engine] = (shortfall, continuity)
    assert found[HIGHS] == found[MIP_SOLVER]
