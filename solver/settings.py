"""Named settings of the solver: time limits, pruning and scaling, no magic numbers in the model."""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class SolverSettings:
    """How the solver searches; every field has a sensible default."""

    time_limit_s: float = 60.0
    seed: int = 0
    workers: int = 0  # 0 → the machine's core count
    # Above this many candidates the week is pruned: each child-day keeps its nearest eligible
    # visitors (plus primary, previous and pinned ones) and each session its nearest tutors.
    prune_above: int = 100_000
    # When pruning, each session keeps this many eligible tutors beyond those it requires.
    spare_tutors_per_session: int = 12
    visitors_per_child_day: int = 8
    # The decomposed model goes to the MIP solver (strong LP bound: proves medium districts optimal
    # in seconds, and with cliques a county's assignment model in about a minute) up to this many
    # candidates, and to CP-SAT above.
    mip_max_candidates: int = 100_000
    # ... solved by HiGHS up to this many candidates (a medium week's largest parts: it proves their first round
    # two to four times faster than SCIP), and by SCIP above (a county's parts, whose search SCIP bounds in memory).
    highs_max_candidates: int = 30_000
    # Above this many pairs of one run's activities that fit in neither order, the decomposed model
    # keeps them apart by cliques rather than one row per pair (a county has near a million pairs).
    max_pair_rows: int = 100_000
    # Memory the MIP solver may use for its search (MB): a county then peaks near 600 MB in all (measured: 700 MB
    # here took it to 1.5 GB, with no better roster).
    mip_memory_mb: int = 300
    # A part with at most this many candidates is solved over timed runs (solver.colgen); a larger one (a county)
    # by the decomposed assignment model.
    runs_max_candidates: int = 30_000
    # ... and, up to this many candidates, over timed runs even when some routes are too large to list whole
    # (they are priced: a social workers' week of many interviews a day).
    runs_priced_candidates: int = 4_000
    runs_priced_per_route: int = 200  # then a route with more runs than this is priced
    priced_pass_share: float = 0.7  # and one pass over the levels takes this share of the time, neighbourhoods the rest
    # A route (a volunteer's availability interval) with at most this many feasible runs has them all listed in
    # the runs formulation, while the part has at most runs_per_part listed; a larger one is priced (column
    # generation).
    runs_per_route: int = 3000
    runs_per_part: int = 40_000
    # Listing a part's runs whole stops after this share of its time: a part that has more runs than the limit can
    # take seconds to find it (a medium week's part of 5,931 candidates spent 5.5 s of its 17 listing 40,000 runs),
    # which the assignment model it then goes to needed.
    list_share: float = 0.2
    # A part too large to be solved over timed runs is assigned by the decomposed model in this share of its time,
    # and improved by neighbourhoods in the rest: each frees the routes of related volunteers, about this many
    # activities in all at first (it grows when solved quickly, shrinks when not), for at most lns_seconds.
    assign_share: float = 0.5
    lns_candidates: int = 60
    lns_seconds: float = 1.5
    # Of a level's time in the runs formulation, the share that generating runs may take before the integer model.
    pricing_share: float = 0.3
    # ... and the share the integer model keeps at the end (the time between goes to rounding the relaxation).
    mip_share: float = 0.15
    # Share of a component's time spent on each level: shortfall, continuity, travel, fairness.
    stage_shares: tuple[float, float, float, float] = (0.5, 0.2, 0.2, 0.1)
    priced_stage_shares: tuple[float, float, float, float] = (0.25, 0.1, 0.55, 0.1)
    # Share of the time limit the LP relaxation bound may take before the search starts.
    bound_share: float = 0.1
    # Time kept back at the end for building, checking and explaining the roster, and for a part's last solve to
    # end past its deadline: this much, plus this much per candidate, and never more than this share of the limit.
    # Measured on a 2-core EPYC: a county (67,000 candidates) builds and checks its roster in 0.8 s, and a medium
    # week's parts end up to 0.5 s past their deadline; a fixed 10 % left a county's last 11 s unused.
    reserve_s: float = 1.0
    reserve_per_candidate_s: float = 2e-5
    reserve_share: float = 0.1
    # Travel in the objective is counted in units of this many metres.
    travel_unit_m: int = 10
    # Fairness is the largest load share, scaled to an integer with this factor.
    fairness_scale: int = 1000

    def __post_init__(self) -> None:
        if not self.time_limit_s > 0:
            raise ValueError("time_limit_s must be positive")
        if (self.workers < 0 or self.visitors_per_child_day < 1 or self.prune_above < 0):
            raise ValueError("workers, visitors_per_child_day and prune_above must be sensible")
        if self.max_pair_rows < 0 or self.mip_memory_mb < 1:
            raise ValueError("max_pair_rows must not be negative and mip_memory_mb must be positive")
        if self.highs_max_candidates < 0:
            raise ValueError("highs_max_candidates must not be negative")
        if min(self.runs_max_candidates, self.runs_priced_candidates, self.runs_per_route, self.runs_per_part,
               self.runs_priced_per_route) < 0:
            raise ValueError("runs_max_candidates, runs_priced_candidates, runs_per_route, runs_per_part and "
                             "runs_priced_per_route must not be negative")
        if min(self.reserve_s, self.reserve_per_candidate_s) < 0 or not 0 <= self.reserve_share < 1:
            raise ValueError("reserve_s and reserve_per_candidate_s must not be negative, reserve_share in [0, 1)")
        for name in ("assign_share", "pricing_share", "mip_share", "priced_pass_share", "list_share"):
            if not 0 < getattr(self, name) <= 1:
                raise ValueError(f"{name} must be a share in (0, 1]")
        if self.lns_candidates < 1 or self.lns_seconds <= 0:
            raise ValueError("lns_candidates and lns_seconds must be positive")
        for shares in (self.stage_shares, self.priced_stage_shares):
            if abs(sum(shares) - 1.0) > 1e-6 or min(shares) <= 0:
                raise ValueError("stage_shares must be positive and add up to 1")

    def reserve(self, candidates: int) -> float:
        """The seconds kept back at the end of a solve of this many candidates."""
        return min(self.reserve_share * self.time_limit_s, self.reserve_s + self.reserve_per_candidate_s * candidates)

    @property
    def cores(self) -> int:
        """Worker threads to use in all."""
        return self.workers or os.cpu_count() or 1
