"""Hand edits of a roster: remove an assignment or give it to another volunteer, every hard rule checked.

An edit is checked against the week as the records stand now (availability, dates away, limits), with
the solver's own checker; a broken rule refuses the edit and names the rule. A draft is edited in place;
a published roster is never changed under the volunteers' feet: the edit makes a new draft to publish.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy.orm.exc import StaleDataError

from scheduler_app import audit
from scheduler_app.contract import ContractError, build_instance
from scheduler_app.extensions import db
from scheduler_app.models import DAYS, Assignment, AssignmentKind, Roster, RosterStatus, Volunteer
from scheduler_app.rosters.services import RosterError, find_roster, store_roster
from solver.instance import parse_instance
from solver.recheck import recheck
from solver.roster import parse_roster


def roster_document(roster: Roster) -> dict[str, Any]:
    """A stored roster as the contract's roster/1 (unmet and stats as stored)."""
    item = roster_document_item
    ordered = sorted(roster.assignments, key=lambda a: (a.day_index, a.start, a.id))
    return {"schema": "roster/1", "week_start": roster.week.start_date.isoformat(),
            "tutoring": [item(a) for a in ordered if a.kind == AssignmentKind.TUTORING],
            "visits": [item(a) for a in ordered if a.kind == AssignmentKind.VISIT],
            "unmet": roster.unmet or {"visits": [], "tutors": [], "subjects": []}, "stats": roster.stats or {}}


def edit_assignment(organisation_id: int, roster_id: int, version: int, assignment_id: int, user_id: int,
                    new_volunteer_id: int | None = None) -> Roster:
    """Remove an assignment (``new_volunteer_id`` None) or give it to another volunteer at the same time.
    Returns the roster that holds the edit: the same draft, or a new draft when the roster was published."""
    return edit_roster(organisation_id, roster_id, version, {assignment_id: new_volunteer_id}, user_id)


def swap_assignments(organisation_id: int, roster_id: int, version: int, first_id: int, second_id: int,
                     user_id: int) -> Roster:
    """Exchange the volunteers of two assignments, checked as one edit (each alone might break a rule)."""
    first, second = db.session.get(Assignment, first_id), db.session.get(Assignment, second_id)
    if first is None or second is None or first_id == second_id:
        raise LookupError((first_id, second_id))
    return edit_roster(organisation_id, roster_id, version,
                       {first_id: second.volunteer_id, second_id: first.volunteer_id}, user_id)


def edit_roster(organisation_id: int, roster_id: int, version: int, changes: dict[int, int | None],
                user_id: int) -> Roster:
    """Apply several assignment changes at once (assignment id → new volunteer id, or None to remove) and
    check the result as a whole."""
    roster = find_roster(organisation_id, roster_id)
    targets = {i: db.session.get(Assignment, i) for i in changes}
    if roster is None or any(t is None or t.roster_id != roster.id for t in targets.values()):
        raise LookupError(list(changes))
    if roster.version_id != version:
        raise RosterError(_("This roster changed since you opened the page; look at it again."))
    doc = roster_document(roster)
    replaced: dict[int, dict[str, str]] = {}
    for assignment_id, volunteer_id in changes.items():
        if volunteer_id is None:
            continue
        volunteer = db.session.get(Volunteer, volunteer_id)
        if volunteer is None or volunteer.organisation_id != organisation_id:
            raise LookupError(volunteer_id)
        replaced[assignment_id] = {**roster_document_item(targets[assignment_id]), "volunteer": volunteer.code}
    for assignment_id, target in targets.items():
        entries = doc["tutoring" if target.kind == AssignmentKind.TUTORING else "visits"]
        where = entries.index(roster_document_item(target))
        if assignment_id in replaced:
            entries[where] = replaced[assignment_id]
        else:
            del entries[where]
    try:
        instance = build_instance(organisation_id, roster.week.start_date)
    except ContractError as exc:
        raise RosterError(str(exc)) from None
    checked = recheck(parse_instance(instance), parse_roster(doc))
    if not checked.ok:
        raise RosterError(_("Not changed: %(rules)s", rules="; ".join(checked.violations)))
    result = checked.roster.to_json()
    if roster.status == RosterStatus.DRAFT:
        roster.assignments = []
        db.session.flush()
        edited = store_roster(roster.week, instance, result, user_id, into=roster)
    else:
        edited = store_roster(roster.week, instance, result, user_id)
    audit.record("roster_edited", "roster", edited.id, from_roster=roster.id,
                 changes={str(k): v for k, v in changes.items()})
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise RosterError(_("This roster changed since you opened the page; look at it again.")) from None
    return edited


def roster_document_item(a: Assignment) -> dict[str, str]:
    """One assignment as a roster/1 entry."""
    target = {"site": a.site.code} if a.kind == AssignmentKind.TUTORING else {"child": a.child.code}
    return {"volunteer": a.volunteer.code, **target, "day": DAYS[a.day_index], "start": f"{a.start:%H:%M}",
            "end": f"{a.end:%H:%M}"}
