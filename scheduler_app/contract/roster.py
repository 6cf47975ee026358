"""roster/1 and the database, both ways: a solver's roster as a draft's assignments (its codes resolved to the
organisation's records), and a stored roster, or one assignment, as roster/1 again. Times are the contract's
"HH:MM" in both directions here and nowhere else."""

from __future__ import annotations

import datetime as dt
from typing import Any

from scheduler_app.models import Assignment, AssignmentKind, Roster
from solver.roster import SCHEMA
from solver.timeutil import DAYS

NO_UNMET: dict[str, list[Any]] = {"visits": [], "tutors": [], "subjects": []}
# A child under one-on-one support is a second child of the instance for her weekly family interview: her code
# with this ending, interviewed only by social workers (the contract has no interviews of its own).
INTERVIEW = "~interview"


def interview_code(child_code: str) -> str:
    """The instance's id for the family interviews of the child with this code."""
    return child_code + INTERVIEW


def is_interview_entry(entry: str) -> bool:
    """True when an instance child's id stands for a child's family interviews (not her home visits)."""
    return entry.endswith(INTERVIEW)


def child_code(entry: str) -> str:
    """The child's own code behind an instance child's id (an interview's, or the child's itself)."""
    return entry.removesuffix(INTERVIEW)


def is_interview(a: Assignment) -> bool:
    """A visit is a family interview when a social worker makes it to a child under one-on-one support."""
    return a.kind == AssignmentKind.VISIT and a.volunteer.is_social_worker and a.child is not None \
        and a.child.social_worker_id is not None


def hhmm(moment: dt.time) -> str:
    """A time as the contract writes it."""
    return moment.strftime("%H:%M")


def time_of(text: str) -> dt.time:
    """The contract's "HH:MM" as a time."""
    return dt.time.fromisoformat(text)


def interval(day_index: int, start: dt.time, end: dt.time) -> dict[str, str]:
    """A day's interval as the contract writes it."""
    return {"day": DAYS[day_index], "start": hhmm(start), "end": hhmm(end)}


def assignments(roster: dict[str, Any], volunteer_ids: dict[str, int], site_ids: dict[str, int],
                child_ids: dict[str, int]) -> list[Assignment]:
    """The roster/1's tutoring and visits as (unsaved) assignments, codes resolved through the id maps."""
    made = [Assignment(kind=AssignmentKind.TUTORING, volunteer_id=volunteer_ids[item["volunteer"]],
                       site_id=site_ids[item["site"]], day_index=DAYS.index(item["day"]),
                       start=time_of(item["start"]), end=time_of(item["end"]))
            for item in roster.get("tutoring", [])]
    made += [Assignment(kind=AssignmentKind.VISIT, volunteer_id=volunteer_ids[item["volunteer"]],
                        child_id=child_ids[child_code(item["child"])], day_index=DAYS.index(item["day"]),
                        start=time_of(item["start"]), end=time_of(item["end"]))
             for item in roster.get("visits", [])]
    return made


def roster_document(roster: Roster) -> dict[str, Any]:
    """A stored roster as the contract's roster/1 (unmet and stats as stored)."""
    ordered = sorted(roster.assignments, key=lambda a: (a.day_index, a.start, a.id))
    return {"schema": SCHEMA, "week_start": roster.week.start_date.isoformat(),
            "tutoring": [roster_document_item(a) for a in ordered if a.kind == AssignmentKind.TUTORING],
            "visits": [roster_document_item(a) for a in ordered if a.kind == AssignmentKind.VISIT],
            "unmet": roster.unmet or NO_UNMET, "stats": roster.stats or {}}


def roster_document_item(a: Assignment) -> dict[str, str]:
    """One assignment as a roster/1 entry."""
    code = interview_code(a.place.code) if is_interview(a) else a.place.code
    target = {"site" if a.kind == AssignmentKind.TUTORING else "child": code}
    return {"volunteer": a.volunteer.code, **target, **interval(a.day_index, a.start, a.end)}
