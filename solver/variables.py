"""A wrapper for the model's decision variables: one 'take' literal and one start time per candidate."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from ortools.sat.python import cp_model

from solver.backend import CpSatBackend, Expr, MipBackend, Var
from solver.candidates import Candidate
from solver.instance import Interval


class RosterVars:
    """The decision variables of one component: which candidates are taken and when they start."""

    def __init__(self, m: CpSatBackend | MipBackend, candidates: Iterable[Candidate]):
        self.m = m
        self.with_times = m.exact  # the decomposed model times runs outside the solver
        self.candidates: list[Candidate] = list(candidates)
        self.take: dict[int, Var] = {}
        self.start: dict[int, cp_model.IntVar] = {}  # CP-SAT only
        self.by_group: dict[tuple[str, str, str], list[Candidate]] = defaultdict(list)
        self.by_route: dict[tuple[str, Interval], list[Candidate]] = defaultdict(list)
        self._by_pair: dict[tuple[str, str, str], list[Candidate]] = defaultdict(list)
        for c in self.candidates:
            tag = f"{c.kind[0]}_{c.volunteer}_{c.target}_{c.day}_{c.interval.start}"
            self.take[c.index] = m.bool_var(f"take_{tag}")
            if self.with_times and isinstance(m, CpSatBackend):
                domain = cp_model.Domain.FromIntervals([list(r) for r in c.starts])
                self.start[c.index] = m.model.new_int_var_from_domain(domain, f"start_{tag}")
            self.by_group[(c.kind, c.target, c.day)].append(c)
            self.by_route[(c.volunteer, c.interval)].append(c)
            self._by_pair[(c.kind, c.volunteer, c.target)].append(c)
        self.travel_terms: list[tuple[Var, float]] = []  # (literal, km) filled by the routes rule
        # Per route (volunteer, interval): its stay-home literal and arcs (from, to) → literal, where
        # -1 stands for home; filled by the routes rule, read to hint a whole roster.
        self.route_arcs: dict[tuple[str, Interval], tuple[Var, dict[tuple[int, int], Var]]] = {}

    def hint(self, chosen: dict[int, int]) -> None:
        """Hint a whole roster (candidate index → start): takes, starts, and each route's arcs in time order."""
        pairs: list[tuple[Var, int]] = []
        for c in self.candidates:
            pairs.append((self.take[c.index], int(c.index in chosen)))
            if c.index in chosen and self.with_times:
                pairs.append((self.start[c.index], chosen[c.index]))
        for key, (stay_home, arcs) in self.route_arcs.items():
            order = sorted((chosen[c.index], c.index) for c in self.by_route[key] if c.index in chosen)
            stops = [-1, *(i for _, i in order), -1]
            used = set(zip(stops, stops[1:], strict=False)) if order else set()
            pairs.append((stay_home, int(not order)))
            pairs.extend((lit, int(pair in used)) for pair, lit in arcs.items())
        self.m.hint(pairs)

    def taken(self, cands: Iterable[Candidate]) -> Expr:
        """How many of these candidates are taken."""
        return sum(self.take[c.index] for c in cands)

    def matching(self, kind: str, volunteer: str, target: str, day: str | None = None) -> list[Candidate]:
        """Candidates for one volunteer doing one thing (on one day, or any day)."""
        return [c for c in self._by_pair.get((kind, volunteer, target), []) if day is None or c.day == day]
