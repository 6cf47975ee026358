"""Splitting an instance into parts that share nothing, and merging the parts' rosters."""

from __future__ import annotations

import pytest

from solver.bench.generate import generate, prefecture
from solver.candidates import build_candidates
from solver.instance import parse_instance
from solver.places import Geography
from solver.roster import parse_roster
from solver.solve import greedy_only
from solver.split import merge_and_check, merge_rosters, split_instance
from solver.validate import validate


def test_split_parts_hold_everything_once_and_merge_into_a_valid_roster() -> None:
    """Every volunteer, child and site is in exactly one part; each part is a valid instance; the parts'
    rosters merged obey every hard rule of the whole instance, and what they leave undone adds up."""
    document = generate("medium", seed=3)
    parts = split_instance(document, 3)
    assert 1 <= len(parts) <= 3
    for key in ("volunteers", "children", "sites"):
        ids = [item["id"] for part in parts for item in part[key]]
        assert sorted(ids) == sorted(item["id"] for item in document[key])
    rosters = [greedy_only(parse_instance(part)).to_json() for part in parts]
    merged = merge_rosters(document, rosters)
    report = validate(parse_instance(document), parse_roster(merged))
    assert report.ok, report.violations[:3]
    assert len(merged["visits"]) == sum(len(r["visits"]) for r in rosters)


def test_merged_levels_are_those_of_the_whole_roster() -> None:
    """merge_and_check puts in the merged roster's stats the levels the checker finds for the whole week (fairness
    and continuity do not add up part by part), and reports the merged roster valid."""
    document = prefecture(seed=2, counties=2, size="small")
    parts = split_instance(document, 2)
    assert len(parts) == 2
    rosters = [greedy_only(parse_instance(part)).to_json() for part in parts]
    merged, report = merge_and_check(document, rosters)
    assert report.ok
    whole = validate(parse_instance(document), parse_roster(merged)).levels
    assert (merged["stats"]["shortfall"], merged["stats"]["continuity"]) == (whole.shortfall, whole.continuity)
    assert merged["stats"]["fairness"] == round(whole.fairness, 4)
    assert merged["stats"]["shortfall"] == sum(r["stats"]["shortfall"] for r in rosters)


def test_no_volunteer_could_serve_across_parts() -> None:
    """In a prefecture of counties far apart, split into parts: every activity any volunteer could take (a
    candidate of the whole instance) lies inside her own part."""
    document = prefecture(seed=1, counties=3, size="small")
    parts = split_instance(document, 4)
    part_of = {(kind, item["id"]): n for n, part in enumerate(parts)
               for kind, key in (("volunteer", "volunteers"), ("child", "children"), ("site", "sites"))
               for item in part[key]}
    instance = parse_instance(document)
    candidates = build_candidates(instance, Geography(instance))
    assert candidates
    for c in candidates:
        target = ("child" if c.kind == "visit" else "site", c.target)
        assert part_of[("volunteer", c.volunteer)] == part_of[target], c


def test_a_regular_visitor_stays_with_her_child() -> None:
    """A child and her regular visitor are never put in different parts, even if she could not visit her
    this week (the part must name her)."""
    document = generate("small", seed=2)
    child = next(c for c in document["children"] if c["primary_volunteer"])
    for volunteer in document["volunteers"]:
        if volunteer["id"] == child["primary_volunteer"]:
            volunteer["availability"] = []  # not free at all: no candidate links them
    parts = split_instance(document, 5)
    (home,) = [p for p in parts if any(c["id"] == child["id"] for c in p["children"])]
    assert any(v["id"] == child["primary_volunteer"] for v in home["volunteers"])
    parse_instance(home)


def test_split_refuses_zero_parts() -> None:
    """Asking for no part is a mistake, said so."""
    with pytest.raises(ValueError, match="at least 1"):
        split_instance(generate("small"), 0)
