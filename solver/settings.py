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
    prune_above: int = 20_000
    visitors_per_child_day: int = 8
    # Each session keeps this many eligible tutors beyond what it requires (nearest first).
    spare_tutors_per_session: int = 6
    # Share of a component's time spent on each level: shortfall, continuity, travel, fairness.
    stage_shares: tuple[float, float, float, float] = (0.5, 0.2, 0.2, 0.1)
    # Travel in the objective is counted in units of this many metres.
    travel_unit_m: int = 10
    # Fairness is the largest load share, scaled to an integer with this factor.
    fairness_scale: int = 1000

    def __post_init__(self) -> None:
        if not self.time_limit_s > 0:
            raise ValueError("time_limit_s must be positive")
        if (self.workers < 0 or self.visitors_per_child_day < 1 or self.spare_tutors_per_session < 0
                or self.prune_above < 0):
            raise ValueError("workers, visitors_per_child_day and spare_tutors_per_session must be sensible")
        if abs(sum(self.stage_shares) - 1.0) > 1e-6 or min(self.stage_shares) <= 0:
            raise ValueError("stage_shares must be positive and add up to 1")

    @property
    def cores(self) -> int:
        """Worker threads to use in all."""
        return self.workers or os.cpu_count() or 1
