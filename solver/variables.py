"""A wrapper for the model's decision variables: one 'take' literal and one start time per candidate."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from ortools.sat.python import cp_model

from solver.candidates import Candidate


class RosterVars:
    """The decision variables of one component: which candidates are taken and when they start."""

    def __init__(self, model: cp_model.CpModel, candidates: Iterable[Candidate]):
        self.model = model
        self.candidates: list[Candidate] = list(candidates)
        self.take: dict[int, cp_model.IntVar] = {}
        self.start: dict[int, cp_model.IntVar] = {}
        self.by_group: dict[tuple[str, str, str], list[Candidate]] = defaultdict(list)
        self.by_route: dict[tuple[str, object], list[Candidate]] = defaultdict(list)
        for c in self.candidates:
            tag = f"{c.kind[0]}_{c.volunteer}_{c.target}_{c.day}_{c.interval.start}"
            self.take[c.index] = model.NewBoolVar(f"take_{tag}")
            domain = cp_model.Domain.FromIntervals([list(r) for r in c.starts])
            self.start[c.index] = model.NewIntVarFromDomain(domain, f"start_{tag}")
            self.by_group[(c.kind, c.target, c.day)].append(c)
            self.by_route[(c.volunteer, c.interval)].append(c)
        self.travel_terms: list[tuple[cp_model.IntVar, float]] = []  # (literal, km) filled by the routes rule

    def taken(self, cands: Iterable[Candidate]) -> cp_model.LinearExpr:
        """How many of these candidates are taken."""
        return sum(self.take[c.index] for c in cands)

    def matching(self, kind: str, volunteer: str, target: str, day: str | None = None) -> list[Candidate]:
        """Candidates for one volunteer doing one thing (on one day, or any day)."""
        return [c for c in self.candidates if c.kind == kind and c.volunteer == volunteer and c.target == target
                and (day is None or c.day == day)]
