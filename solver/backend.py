"""Two back-ends for one model: CP-SAT (exact model with circuits and times) and a MIP solver (HiGHS or SCIP, for
the decomposed assignment model of large parts, where its LP bound proves far more than CP-SAT's).

The rule modules speak only this small interface, so each rule is written once.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from ortools.linear_solver import pywraplp
from ortools.linear_solver.python.linear_solver_natural_api import OFFSET_KEY
from ortools.sat.python import cp_model

from solver import highs

MIP_SOLVER = "SCIP"
HIGHS = "HIGHS"  # the model is still built on the wrapper (with SCIP under it) and handed to solver.highs to solve

# A decision variable, and a linear expression over them, of either back-end (a CP-SAT IntVar or a pywraplp
# Variable): the rules build both with the same operators, so they are typed only as what they are for.
Var = Any
Expr = Any


@dataclass(frozen=True)
class Outcome:
    """A solve's result in back-end-neutral terms."""

    status: str  # OPTIMAL | FEASIBLE | INFEASIBLE | UNKNOWN
    objective: float = 0.0
    bound: float = 0.0

    @property
    def has_solution(self) -> bool:
        """True when a solution was found."""
        return self.status in ("OPTIMAL", "FEASIBLE")

    @property
    def known_bound(self) -> float | None:
        """The bound, or None when the solver stopped before it had one (SCIP and HiGHS then give -1e20)."""
        return self.bound if self.bound > highs.NO_BOUND / 2 else None


class CpSatBackend:
    """CP-SAT: integer and Boolean variables, circuits, enforcement literals, assumptions."""

    def __init__(self, workers: int = 1, seed: int = 0, exact: bool = True):
        self.exact = exact  # True: routes as circuits with start times; False: the assignment model only
        self.model = cp_model.CpModel()
        self.workers, self.seed = workers, seed
        self._solver: cp_model.CpSolver | None = None

    def bool_var(self, name: str = "") -> Any:
        """A 0/1 variable."""
        return self.model.new_bool_var(name)

    def int_var(self, lo: int, hi: int, name: str = "") -> Any:
        """An integer variable in [lo, hi]."""
        return self.model.new_int_var(lo, hi, name)

    def add(self, constraint: Any) -> Any:
        """A linear constraint; returns it."""
        return self.model.add(constraint)

    def at_most_one(self, lits: list[Any]) -> None:
        """At most one of these 0/1 variables is 1."""
        self.model.add_at_most_one(lits)

    def at_least_one(self, lits: list[Any]) -> None:
        """At least one of these 0/1 variables is 1."""
        self.model.add_bool_or(lits)

    def not_all(self, lits: list[Any]) -> None:
        """Not all of these 0/1 variables are 1."""
        self.model.add_bool_or([lit.Not() for lit in lits])

    def _solved(self) -> cp_model.CpSolver:
        """The solver of the last solve."""
        if self._solver is None:
            raise RuntimeError("the model has not been solved yet")
        return self._solver

    def value(self, var: Any) -> int:
        """The variable's value in the last solution."""
        return self._solved().value(var)

    def hint(self, pairs: list[tuple[Any, int]]) -> None:
        """Start the search from these values."""
        self.model.clear_hints()
        for var, val in pairs:
            self.model.add_hint(var, val)

    def hint_last(self) -> None:
        """Start the next solve from the whole last solution."""
        self.model.clear_hints()
        # Variables added since the last solve have no value in it: they are left for the solver to fill in.
        last = self._solved()
        for i in range(len(last.response_proto.solution)):
            var = self.model.get_int_var_from_proto_index(i)
            self.model.add_hint(var, last.value(var))

    def solve(self, objective: Any, seconds: float) -> Outcome:
        """Minimise objective within the time limit."""
        self.model.minimize(objective)
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = seconds
        solver.parameters.num_workers = self.workers
        solver.parameters.random_seed = self.seed
        status = solver.solve(self.model)
        self._solver = solver
        name = {cp_model.OPTIMAL: "OPTIMAL", cp_model.FEASIBLE: "FEASIBLE",
                cp_model.INFEASIBLE: "INFEASIBLE"}.get(status, "UNKNOWN")
        if name in ("OPTIMAL", "FEASIBLE"):
            return Outcome(name, solver.objective_value, solver.best_objective_bound)
        return Outcome(name)

    def failed_assumptions(self) -> set[int]:
        """Indices of assumption literals that together made the model infeasible."""
        return set(self._solved().sufficient_assumptions_for_infeasibility())


class MipBackend:
    """A MIP solver through OR-Tools' linear solver wrapper: linear constraints on 0/1 and integer variables."""

    exact = False

    def __init__(self, seed: int = 0, solver: str = MIP_SOLVER, memory_mb: int | None = None):
        # With an LP solver (GLOP) the same model is its linear relaxation: integrality is ignored.
        self.engine = solver
        self.solver = pywraplp.Solver.CreateSolver(MIP_SOLVER if solver == HIGHS else solver)
        self.mip = solver in (MIP_SOLVER, HIGHS)
        self._hint: dict[int, float] = {}  # for HiGHS: variable index → value
        if self.solver is None:
            raise RuntimeError(f"OR-Tools was built without {solver}")
        if memory_mb is not None and solver == MIP_SOLVER:
            # SCIP stops at this much memory of its own and keeps its best solution; a county's search
            # tree would otherwise grow past the 2 GB the whole solve may use.
            self.solver.SetSolverSpecificParametersAsString(f"limits/memory = {memory_mb}\n")
        self.seed = seed
        self._values: list[float] = []  # the last solution, kept: the wrapper forgets it once the model changes
        # Handing a large model to the solver takes time its limit does not count: measured on each solve,
        # it is taken off the next one's limit so the stages end when they should.
        self._overhead = 0.0

    def bool_var(self, name: str = "") -> Any:
        """A 0/1 variable."""
        var = self.solver.BoolVar(name)
        return var  # var.index() is its position in solver.variables()

    def int_var(self, lo: int, hi: int, name: str = "") -> Any:
        """An integer variable in [lo, hi]."""
        var = self.solver.IntVar(lo, hi, name)
        return var

    def add(self, constraint: Any) -> Any:
        """A linear constraint; returns it, so that a column added later can join it (``join``)."""
        return self.solver.Add(constraint)

    def num_var(self, lo: float, hi: float) -> Any:
        """A continuous variable in [lo, hi] (a column of a linear relaxation)."""
        return self.solver.NumVar(lo, hi, "")

    def join(self, row: Any, var: Any, coefficient: float) -> None:
        """Give a variable made after the row a coefficient in it."""
        row.SetCoefficient(var, coefficient)

    def lift(self, row: Any) -> None:
        """Make a row hold no more (its bounds opened)."""
        row.SetBounds(-self.solver.infinity(), self.solver.infinity())

    def fix(self, var: Any, value: float | None) -> None:
        """Fix a 0/1 variable to a value, or (None) free it again."""
        var.SetBounds(*((0, 1) if value is None else (value, value)))

    def dual(self, row: Any) -> float:
        """The row's dual value in the last solution of a linear relaxation."""
        dual: float = row.dual_value()
        return dual

    def set_cost(self, var: Any, cost: float) -> None:
        """The variable's coefficient in the current objective (for a column made after ``solve``)."""
        self.solver.Objective().SetCoefficient(var, cost)

    def resolve(self, seconds: float) -> Outcome:
        """Solve again with the objective as it stands (columns added since keep their costs)."""
        return self._run(seconds)

    def at_most_one(self, lits: list[Any]) -> None:
        """At most one of these 0/1 variables is 1."""
        self._count_row(lits, -self.solver.infinity(), 1)

    def at_least_one(self, lits: list[Any]) -> None:
        """At least one of these 0/1 variables is 1."""
        self._count_row(lits, 1, self.solver.infinity())

    def not_all(self, lits: list[Any]) -> None:
        """Not all of these 0/1 variables are 1."""
        self._count_row(lits, -self.solver.infinity(), len(lits) - 1)

    def _count_row(self, lits: list[Any], lo: float, hi: float) -> None:
        # A row made coefficient by coefficient: the wrapper's expressions cost a large part's model a second in
        # all for its 20,000 rows of this kind (a medium week's part of 10,400 candidates, measured).
        row = self.solver.Constraint(lo, hi)
        for var in lits:
            row.SetCoefficient(var, row.GetCoefficient(var) + 1)

    def value(self, var: Any) -> int:
        """The variable's value in the last solution."""
        index: int = var.index()
        return round(self._values[index])

    def value_of(self, expr: Expr) -> float:
        """A linear expression's value in the last solution (a plain number is its own value). An integer
        solution is read from the values kept (HiGHS's never reach the wrapper); a relaxation's from the wrapper."""
        if not hasattr(expr, "GetCoeffs"):
            return float(expr)
        if not self.mip:
            value: float = expr.solution_value()
            return value
        total = 0.0
        for var, coefficient in expr.GetCoeffs().items():
            total += coefficient * (1.0 if var is OFFSET_KEY else self._values[var.index()])
        return total

    def hint(self, pairs: list[tuple[Any, int]]) -> None:
        """Start the search from these values."""
        self._hint = {v.index(): float(x) for v, x in pairs}
        self.solver.SetHint([v for v, _ in pairs], [float(x) for _, x in pairs])

    def hint_last(self) -> None:
        """Start the next solve from the whole last solution."""
        if self._values:
            # Variables added since (a route given its timed runs) are left for the solver to fill in.
            self._hint = dict(enumerate(self._values))
            self.solver.SetHint(self.solver.variables()[:len(self._values)], self._values)

    def solve(self, objective: Any, seconds: float, engine: str | None = None) -> Outcome:
        """Minimise objective within the time limit (on ``engine``, HiGHS or SCIP, when given; else the
        back-end's own)."""
        self.solver.Minimize(objective)
        return self._run(seconds, engine)

    def _run(self, seconds: float, engine: str | None = None) -> Outcome:
        limit = max(0.001, seconds - self._overhead)
        if (engine or self.engine) == HIGHS:
            return self._run_highs(limit)
        self.solver.SetTimeLimit(max(1, int(limit * 1000)))
        started = time.monotonic()
        # OR-Tools' wrapper stops at a relative gap of 1e-4 by default: 0.3 km of a county's travel would then
        # pass as optimal. A level is proven only when it is.
        params = pywraplp.MPSolverParameters()
        if self.mip:
            params.SetDoubleParam(params.RELATIVE_MIP_GAP, 0.0)
        status = self.solver.Solve(params)
        if status == pywraplp.Solver.ABNORMAL and not self.mip:
            # The simplex lost its way from the last basis (after many new columns and fixings): start afresh.
            params.SetIntegerParam(params.INCREMENTALITY, params.INCREMENTALITY_OFF)
            status = self.solver.Solve(params)
        self._overhead = max(self._overhead, time.monotonic() - started - limit)
        name = {pywraplp.Solver.OPTIMAL: "OPTIMAL", pywraplp.Solver.FEASIBLE: "FEASIBLE",
                pywraplp.Solver.INFEASIBLE: "INFEASIBLE"}.get(status, "UNKNOWN")
        if name in ("OPTIMAL", "FEASIBLE"):
            # A linear relaxation is read while it stands (column generation prices from it at once); an integer
            # solution is kept, since holds are added before it is read.
            self._values = [v.solution_value() for v in self.solver.variables()] if self.mip else []
            return Outcome(name, self.solver.Objective().Value(), self.solver.Objective().BestBound())
        return Outcome(name)

    def _run_highs(self, limit: float) -> Outcome:
        started = time.monotonic()
        result = highs.solve(self.solver, limit, self.seed, self._hint)
        self._overhead = max(self._overhead, time.monotonic() - started - limit)
        if result.values:
            self._values = list(result.values)
        return Outcome(result.status, result.objective, result.bound)
