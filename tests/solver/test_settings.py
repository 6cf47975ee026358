"""Solver settings validate themselves: a setting that would make no sense is refused, naming it."""

from __future__ import annotations

import pytest

from solver.settings import SolverSettings


@pytest.mark.parametrize(("field", "value", "named"), [
    ("time_limit_s", 0, "time_limit_s"),
    ("prune_above", -1, "prune_above"),
    ("max_pair_rows", -1, "max_pair_rows"),
    ("mip_memory_mb", 0, "mip_memory_mb"),
    ("stage_shares", (0.5, 0.5, 0.5, 0.5), "stage_shares"),
    ("priced_stage_shares", (1.0, 0.0, 0.0, 0.0), "stage_shares"),
    ("runs_per_route", -1, "runs_per_route"),
    ("assign_share", 0.0, "assign_share"),
    ("mip_share", 1.5, "mip_share"),
    ("list_share", 0.0, "list_share"),
    ("lns_seconds", 0, "lns_seconds"),
    ("reserve_s", -1.0, "reserve_s"),
    ("reserve_share", 1.0, "reserve_share"),
])
def test_a_setting_that_makes_no_sense_is_refused_by_name(field: str, value: object, named: str) -> None:
    """Each bad value raises ValueError with the setting's name in the message."""
    with pytest.raises(ValueError, match=named):
        SolverSettings(**{field: value})


def test_the_defaults_are_accepted() -> None:
    """The defaults make a valid configuration, with a county left unpruned (67,359 candidates)."""
    assert SolverSettings().prune_above > 67_359


def test_the_time_kept_back_grows_with_the_week_and_never_passes_its_share() -> None:
    """A county's two minutes keep back about two seconds, not twelve; a short limit keeps its share."""
    county = SolverSettings(time_limit_s=120)
    assert 1.0 < county.reserve(67_359) < 3.0
    assert county.reserve(67_359) > county.reserve(900)
    assert SolverSettings(time_limit_s=5).reserve(67_359) == pytest.approx(0.5)
    assert SolverSettings(time_limit_s=120, reserve_s=0, reserve_per_candidate_s=0).reserve(67_359) == 0
