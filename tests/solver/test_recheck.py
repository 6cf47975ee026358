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


def _reassigned(roster, activity, volunteer: str):
    """The roster with one activity given to another volunteer."""
    field = "tutoring" if activity in roster.tutoring else "visits"
    items = tuple(replace(a, volunteer=volunteer) if a == activity else a for a in getattr(roster, field))
    return replace(roster, **{field: items})


def test_who_can_take_an_activity_agrees_with_checking_the_whole_edit() -> None:
    """For every activity of a small district's roster and every volunteer of its kind, taking_over finds no
    broken rule exactly when giving them the activity passes the full re-check."""
    from solver.bench.generate import generate
    from solver.solve import greedy_only
    from solver.validate import taking_over
    instance = parse_instance(generate("small"))
    full_roster = greedy_only(instance)  # uses nearly everyone: drop every other activity to leave room
    roster = replace(full_roster, tutoring=full_roster.tutoring[::2], visits=full_roster.visits[::2])
    agreed = able = 0
    for activity in (*roster.tutoring[:8], *roster.visits[:8]):
        for volunteer, broken in taking_over(instance, roster, activity).items():
            full = recheck(instance, _reassigned(roster, activity, volunteer))
            assert (not broken) == full.ok, (activity, volunteer, broken, full.violations)
            agreed += 1
            able += not broken
    assert agreed > 100 and 0 < able < agreed  # both answers occur, so the comparison means something
