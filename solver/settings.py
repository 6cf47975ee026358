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
    # A part whose routes would need more circuit arcs than this is solved by decomposition
    # (assignment model + exact timing of each run outside CP-SAT) instead of with circuits.
    max_exact_arcs: int = 30_000
    # The decomposed model goes to the MIP solver (strong LP bound: proves medium districts optimal
    # in seconds, and with cliques a county's assignment model in about a minute) up to this many
    # candidates, and to CP-SAT above.
    mip_max_candidates: int = 100_000
    # Above this many pairs of one run's activities that fit in neither order, the decomposed model
    # keeps them apart by cliques rather than one row per pair (a county has near a million pairs).
    max_pair_rows: int = 100_000
    # Memory the MIP solver may use for its search (MB), so a county's solve stays within 2 GB in all.
    mip_memory_mb: int = 700
    # Share of a component's time spent on each level: shortfall, continuity, travel, fairness.
    stage_shares: tuple[float, float, float, float] = (0.5, 0.2, 0.2, 0.1)
    # Share of the time limit the LP relaxation bound may take before the search starts.
    bound_share: float = 0.1
    # Share of the time limit kept back for building, checking and explaining the roster.
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
        if abs(sum(self.stage_shares) - 1.0) > 1e-6 or min(self.stage_shares) <= 0:
            raise ValueError("stage_shares must be positive and add up to 1")

    @property
    def cores(self) -> int:
        """Worker threads to use in all."""
        return self.workers or os.cpu_count() or 1
