"""Hand edits of a roster: remove, reassign, move or swap assignments, every hard rule checked.

An edit is checked against the week as the records stand now (availability, dates away, limits), with
the solver's own checker; a broken rule refuses the edit and names the rule. A draft is edited in place;
a published roster is never changed under the volunteers' feet: the edit makes a new draft to publish.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

from scheduler_app import audit
from scheduler_app.contract.instance import ContractError, build_instance
from scheduler_app.contract.roster import roster_document, roster_document_item
from scheduler_app.database import commit_or_raise
from scheduler_app.extensions import db
from scheduler_app.models import DAYS, Assignment, AssignmentKind, Roster, RosterStatus, Volunteer
from scheduler_app.rosters.services import RosterError, find_roster, store_roster
from scheduler_app.solver_text import naming, say
from solver.instance import Instance, parse_instance
from solver.places import Geography
from solver.recheck import recheck
from solver.roster import Roster as SolverRoster
from solver.roster import parse_roster
from solver.validate import Activity, Violation, taking_over


@dataclass(frozen=True)
class Edit:
    """What becomes of one assignment: another volunteer, another day and start (None keeps it as it is)."""

    volunteer_id: int | None = None
    day_index: int | None = None
    start: dt.time | None = None


def edit_assignment(organisation_id: int, roster_id: int, version: int, assignment_id: int, user_id: int,
                    edit: Edit | None = None) -> Roster:
    """Remove an assignment (``edit`` None), give it to another volunteer, or move it to another day or
    time. Returns the roster that holds the edit: the same draft, or a new draft when it was published."""
    return edit_roster(organisation_id, roster_id, version, {assignment_id: edit}, user_id)


def swap_assignments(organisation_id: int, roster_id: int, version: int, first_id: int, second_id: int,
                     user_id: int) -> Roster:
    """Exchange the volunteers of two assignments, checked as one edit (each alone might break a rule)."""
    first, second = db.session.get(Assignment, first_id), db.session.get(Assignment, second_id)
    if first is None or second is None or first_id == second_id:
        raise LookupError((first_id, second_id))
    return edit_roster(organisation_id, roster_id, version,
                       {first_id: Edit(volunteer_id=second.volunteer_id),
                        second_id: Edit(volunteer_id=first.volunteer_id)}, user_id)


def edit_roster(organisation_id: int, roster_id: int, version: int, changes: dict[int, Edit | None],
                user_id: int) -> Roster:
    """Apply several assignment changes at once (assignment id → edit, or None to remove) and check the
    result as a whole. A session moved to another day takes that day's session times; a visit keeps its
    length."""
    roster = find_roster(organisation_id, roster_id)
    found = {i: db.session.get(Assignment, i) for i in changes}
    targets = {i: t for i, t in found.items() if t is not None and roster is not None and t.roster_id == roster.id}
    if roster is None or len(targets) != len(found):
        raise LookupError(list(changes))
    if roster.version_id != version:
        raise RosterError(_("This roster changed since you opened the page; look at it again."))
    try:
        instance = build_instance(organisation_id, roster.week.start_date)
    except ContractError as exc:
        raise RosterError(str(exc)) from None
    doc = roster_document(roster)
    for assignment_id, target in targets.items():
        entries = doc["tutoring" if target.kind == AssignmentKind.TUTORING else "visits"]
        where = entries.index(roster_document_item(target))
        edit = changes[assignment_id]
        if edit is None:
            del entries[where]
        else:
            entries[where] = _edited(organisation_id, instance, target, entries[where], edit)
    try:
        edited_roster = parse_roster(doc)
    except ValueError as exc:  # e.g. a visit moved so late it would end after midnight
        raise RosterError(_("Not changed: %(rules)s", rules=str(exc))) from None
    checked = recheck(parse_instance(instance), edited_roster)
    if not checked.ok:
        name = naming(instance)
        raise RosterError(_("Not changed: %(rules)s", rules="; ".join(say(v, name) for v in checked.violations)))
    result, reasons = checked.roster.to_json(), checked.roster.unmet.reasons_json()
    if roster.status == RosterStatus.DRAFT:
        roster.assignments = []
        db.session.flush()
        edited = store_roster(roster.week, instance, result, user_id, into=roster, reasons=reasons)
    else:
        edited = store_roster(roster.week, instance, result, user_id, reasons=reasons)
    audit.record("roster_edited", "roster", edited.id, from_roster=roster.id,
                 changes={str(k): None if v is None else {"volunteer": v.volunteer_id, "day": v.day_index,
                                                           "start": v.start.isoformat() if v.start else None}
                          for k, v in changes.items()})
    commit_or_raise(RosterError(_("This roster changed since you opened the page; look at it again.")))
    return edited


def _edited(organisation_id: int, instance: dict[str, Any], target: Assignment, entry: dict[str, str],
            edit: Edit) -> dict[str, str]:
    """The roster/1 entry of an assignment after an edit."""
    entry = dict(entry)
    if edit.volunteer_id is not None:
        volunteer = db.session.get(Volunteer, edit.volunteer_id)
        if volunteer is None or volunteer.organisation_id != organisation_id:
            raise LookupError(edit.volunteer_id)
        entry["volunteer"] = volunteer.code
    day = DAYS[edit.day_index] if edit.day_index is not None else entry["day"]
    if target.kind == AssignmentKind.TUTORING:
        site = next(s for s in instance["sites"] if s["id"] == entry["site"])
        session = next((x for x in site["sessions"] if x["day"] == day), None)
        if session is None:
            raise RosterError(_("Not changed: %(site)s holds no session that day.", site=target.tutoring_site.name))
        entry.update(day=day, start=session["start"], end=session["end"])
    elif edit.day_index is not None or edit.start is not None:
        start = edit.start or target.start
        length = dt.datetime.combine(dt.date.min, target.end) - dt.datetime.combine(dt.date.min, target.start)
        end = (dt.datetime.combine(dt.date.min, start) + length).time()
        entry.update(day=day, start=f"{start:%H:%M}", end=f"{end:%H:%M}")
    return entry


@dataclass(frozen=True)
class TakeOver:
    """A roster against its week as the records stand now, to ask who could take each assignment over."""

    week: dict[str, Any]
    instance: Instance
    roster: SolverRoster
    geo: Geography
    activities: dict[tuple, Activity]  # the roster's activities by their roster/1 entry

    @classmethod
    def of(cls, organisation_id: int, roster: Roster) -> TakeOver | None:
        """The check for a stored roster, or None when its week cannot be built from the records."""
        try:
            week = build_instance(organisation_id, roster.week.start_date)
            instance = parse_instance(week)
        except (ContractError, ValueError):
            return None
        parsed = parse_roster(roster_document(roster))
        activities: tuple[Activity, ...] = (*parsed.tutoring, *parsed.visits)
        return cls(week, instance, parsed, Geography(instance), {_entry_key(a.to_json()): a for a in activities})

    def verdicts(self, assignment: Assignment) -> dict[str, tuple[Violation, ...]]:
        """For each other volunteer (by code) of the kind the assignment needs, the hard rules they would break
        by taking it over (none: they can); empty for an assignment not in the roster as stored."""
        activity = self.activities.get(_entry_key(roster_document_item(assignment)))
        return {} if activity is None else taking_over(self.instance, self.roster, activity, self.geo)


def who_can_take(organisation_id: int, assignment: Assignment) -> dict[str, tuple[str, ...]]:
    """For each other volunteer (by code) who tutors or visits, as the assignment needs: the hard rules they
    would break by taking it over, in the reader's language; empty when they can take it. Checked against the
    week as the records stand now, as the edit itself will be."""
    check = TakeOver.of(organisation_id, assignment.roster)
    if check is None:  # offer nobody as free: the edit's own check decides
        return {}
    name = naming(check.week)
    return {code: tuple(say(v.text, name) for v in broken) for code, broken in check.verdicts(assignment).items()}


def free_to_take(organisation_id: int, roster: Roster) -> dict[int, int]:
    """For each assignment of the roster (by id), how many other volunteers could take it over as the week
    stands now, by the same check the re-assign page uses; empty when the week cannot be built."""
    check = TakeOver.of(organisation_id, roster)
    if check is None:
        return {}
    return {a.id: sum(not broken for broken in check.verdicts(a).values()) for a in roster.assignments}


def _entry_key(entry: dict[str, str]) -> tuple:
    """A roster/1 entry as a key (its fields in order)."""
    return tuple(sorted(entry.items()))
