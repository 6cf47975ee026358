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
    roster = find_roster(organisation_id, roster_id)
    target = db.session.get(Assignment, assignment_id)
    if roster is None or target is None or target.roster_id != roster.id:
        raise LookupError(assignment_id)
    if roster.version_id != version:
        raise RosterError(_("This roster changed since you opened the page; look at it again."))
    doc = roster_document(roster)
    entries = doc["tutoring" if target.kind == AssignmentKind.TUTORING else "visits"]
    where = next(i for i, e in enumerate(entries) if e == roster_document_item(target))
    if new_volunteer_id is None:
        del entries[where]
    else:
        volunteer = db.session.get(Volunteer, new_volunteer_id)
        if volunteer is None or volunteer.organisation_id != organisation_id:
            raise LookupError(new_volunteer_id)
        entries[where] = {**entries[where], "volunteer": volunteer.code}
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
    audit.record("roster_edited", "roster", edited.id, assignment=assignment_id,
                 change="reassign" if new_volunteer_id else "remove", from_roster=roster.id)
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
