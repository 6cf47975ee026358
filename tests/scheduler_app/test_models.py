"""Rules the models answer themselves: an assignment's place, and when two dates away share a moment."""

from __future__ import annotations

import datetime as dt

import pytest

from scheduler_app.models import Assignment, AssignmentKind, Child, DateAway, Site, Volunteer

MONDAY = dt.date(2026, 12, 7)


def test_an_assignment_is_at_its_site_or_with_its_child_by_its_kind() -> None:
    """Tutoring is at its site, a visit with its child; one missing what its kind needs is an error that names it
    (the table's check constraint makes that impossible for a stored one)."""
    site, child = Site(code="S1"), Child(code="C1")
    assert Assignment(kind=AssignmentKind.TUTORING, site=site).place is site
    assert Assignment(kind=AssignmentKind.VISIT, child=child).place is child
    with pytest.raises(ValueError, match="has no site"):
        _ = Assignment(id=7, kind=AssignmentKind.TUTORING, child=child).place
    with pytest.raises(ValueError, match="has no child"):
        _ = Assignment(id=8, kind=AssignmentKind.VISIT, site=site).visited_child


def _away(first: int, last: int, start: str | None = None, end: str | None = None) -> DateAway:
    return DateAway(first_day=MONDAY + dt.timedelta(days=first), last_day=MONDAY + dt.timedelta(days=last),
                    start=dt.time.fromisoformat(start) if start else None,
                    end=dt.time.fromisoformat(end) if end else None)


def test_dates_away_overlap_only_when_they_share_a_moment() -> None:
    """Whole days overlap on a common day; two stretches only when their times cross as well."""
    assert _away(0, 2).overlaps(_away(2, 3, "14:00", "16:00"))
    assert not _away(0, 1).overlaps(_away(2, 3))
    assert _away(0, 0, "14:00", "16:00").overlaps(_away(0, 0, "15:00", "17:00"))
    assert not _away(0, 0, "14:00", "16:00").overlaps(_away(0, 0, "16:00", "17:00"))


def test_what_is_left_of_an_activity_once_her_dates_away_are_taken_out() -> None:
    """A day away leaves nothing; a stretch away leaves the pieces around it; another day leaves it whole."""
    start, end = dt.time(13, 0), dt.time(18, 0)
    assert Volunteer(dates_away=[_away(0, 0)]).free_during(MONDAY, start, end) == []
    assert Volunteer(dates_away=[_away(0, 0, "14:00", "16:00")]).free_during(MONDAY, start, end) == [
        (dt.time(13, 0), dt.time(14, 0)), (dt.time(16, 0), dt.time(18, 0))]
    assert Volunteer(dates_away=[_away(1, 1)]).free_during(MONDAY, start, end) == [(start, end)]
