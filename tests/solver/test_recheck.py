"""Re-checking a hand-edited roster: the broken rule is named; unmet and levels are restated exactly."""

from __future__ import annotations

from dataclasses import replace

from solver import parse_instance
from solver.recheck import recheck
from solver.roster import parse_roster
from solver.validate import validate


def test_removing_a_visit_restates_unmet(tiny_doc, tiny_roster_doc) -> None:
    """Dropping one visit from the example roster is valid, and the child appears in unmet with one missing."""
    instance, roster = parse_instance(tiny_doc()), parse_roster(tiny_roster_doc())
    dropped = roster.visits[0]
    result = recheck(instance, replace(roster, visits=roster.visits[1:]))
    assert result.ok
    missing = {u.child: u.missing for u in result.roster.unmet.visits}
    assert missing[dropped.child] >= 1 and result.roster.unmet.visits[0].reason
    assert result.roster.stats["shortfall"] > roster.stats["shortfall"]
    assert validate(instance, result.roster).ok


def test_a_visit_outside_availability_is_named(tiny_doc, tiny_roster_doc) -> None:
    """Moving a visit to a volunteer who is not a visitor breaks a hard rule, named in the violations."""
    instance, roster = parse_instance(tiny_doc()), parse_roster(tiny_roster_doc())
    tutor = roster.tutoring[0].volunteer
    moved = replace(roster.visits[0], volunteer=tutor)
    result = recheck(instance, replace(roster, visits=(moved, *roster.visits[1:])))
    assert not result.ok and any(tutor in v for v in result.violations)
