"""HiGHS (through highspy) for the decomposed assignment model: the model is built on OR-Tools' linear solver
wrapper, as for SCIP, and handed to HiGHS as arrays at each solve.

Why: on a medium week's largest parts (10,400 to 11,500 candidates) HiGHS proves the first round of the cut loop
in 3.9 to 6.2 s where SCIP takes 11 to 23 s (measured on a 2-core EPYC, one thread each), which leaves the loop
time to converge. OR-Tools' own HiGHS interface cannot be used instead: given a hint it crashes (ortools 9.15), and
at its time limit it hands back neither the incumbent nor the bound.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import highspy
import numpy as np
from ortools.linear_solver import linear_solver_pb2, pywraplp

# highspy must be the release built into OR-Tools (HiGHS 1.12.0 in ortools 9.15): both load the same symbols, and
# another release fails on import or, worse, calls into the other's code.
PRIMAL_FEASIBLE = 2  # HiGHS's solution status for a feasible point
NO_BOUND = -1e20


@dataclass(frozen=True)
class HighsResult:
    """What one HiGHS solve gave: status (OPTIMAL, FEASIBLE, INFEASIBLE or UNKNOWN), objective, bound, values."""

    status: str
    objective: float = 0.0
    bound: float = 0.0
    values: tuple[float, ...] = ()


def solve(solver: pywraplp.Solver, seconds: float, seed: int, hint: dict[int, float]) -> HighsResult:
    """Minimise the wrapper's model with HiGHS within ``seconds``, starting from ``hint`` (variable index → value)."""
    highs = highspy.Highs()
    for name, value in (("output_flag", False), ("mip_rel_gap", 0.0), ("time_limit", max(0.01, seconds)),
                        ("threads", 1), ("random_seed", seed)):
        highs.setOptionValue(name, value)
    lp = _arrays(solver)
    # A model HiGHS refuses would otherwise be solved empty and read as a roster of nothing.
    if highs.passModel(lp) == highspy.HighsStatus.kError:
        raise RuntimeError("HiGHS refused the assignment model")
    if hint:
        index = np.fromiter(hint.keys(), dtype=np.int32, count=len(hint))
        highs.setSolution(len(hint), index, np.fromiter(hint.values(), dtype=np.float64, count=len(hint)))
    ran = highs.run()
    status = highs.getModelStatus()
    info = highs.getInfo()
    feasible, objective, bound = (info.primal_solution_status == PRIMAL_FEASIBLE, info.objective_function_value,
                                  info.mip_dual_bound)
    values = tuple(highs.getSolution().col_value)
    highs.clear()  # the model's copy is freed now, not when the collector finds the instance
    if ran == highspy.HighsStatus.kError:
        return HighsResult("UNKNOWN")
    if status == highspy.HighsModelStatus.kInfeasible:
        return HighsResult("INFEASIBLE")
    if not feasible or len(values) != lp.num_col_:
        return HighsResult("UNKNOWN")
    name = "OPTIMAL" if status == highspy.HighsModelStatus.kOptimal else "FEASIBLE"
    # Stopped before its search began, HiGHS has no finite bound: given as SCIP gives it then, a bound of nothing.
    return HighsResult(name, objective, bound if math.isfinite(bound) else NO_BOUND, values)


def _arrays(solver: pywraplp.Solver) -> highspy.HighsLp:
    """The wrapper's model (minimised) as HiGHS's arrays, row by row."""
    proto = linear_solver_pb2.MPModelProto()
    solver.ExportModelToProto(proto)
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = len(proto.variable), len(proto.constraint)
    if proto.maximize:
        raise ValueError("the assignment model is only ever minimised")
    lp.col_cost_ = np.array([v.objective_coefficient for v in proto.variable])
    lp.offset_ = proto.objective_offset
    lp.col_lower_ = np.array([v.lower_bound for v in proto.variable])
    lp.col_upper_ = np.array([v.upper_bound for v in proto.variable])
    lp.row_lower_ = np.array([c.lower_bound for c in proto.constraint])
    lp.row_upper_ = np.array([c.upper_bound for c in proto.constraint])
    starts, index, value = [0], [], []
    for row in proto.constraint:
        index.extend(row.var_index)
        value.extend(row.coefficient)
        starts.append(len(index))
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = lp.num_col_, lp.num_row_
    lp.a_matrix_.start_ = np.array(starts, dtype=np.int32)
    lp.a_matrix_.index_ = np.array(index, dtype=np.int32)
    lp.a_matrix_.value_ = np.array(value, dtype=np.float64)
    lp.integrality_ = [highspy.HighsVarType.kInteger if v.is_integer else highspy.HighsVarType.kContinuous
                       for v in proto.variable]
    return lp
