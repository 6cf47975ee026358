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
                        child_id=child_ids[item["child"]], day_index=DAYS.index(item["day"]),
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
    target = {"site" if a.kind == AssignmentKind.TUTORING else "child": a.place.code}
    return {"volunteer": a.volunteer.code, **target, **interval(a.day_index, a.start, a.end)}
