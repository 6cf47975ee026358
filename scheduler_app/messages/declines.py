"""A decline reaches the coordinators at once, with the volunteer best placed to take the activity over (by the
same taking-over check as the re-assign page) and the link that hands it to her."""

from __future__ import annotations

from flask_babel import gettext as _

from scheduler_app.extensions import db
from scheduler_app.messages.events import what
from scheduler_app.messages.services import Text, link, put, staff
from scheduler_app.models import Assignment, AssignmentKind, AssignmentStatus, Role, Volunteer
from scheduler_app.rosters.changes import TakeOver


def best_to_take_over(assignment: Assignment) -> Volunteer | None:
    """Of the volunteers free to take the activity over: the child's own volunteer, else the one with the
    fewest activities that week, then by code; None when nobody is free (or the week cannot be checked)."""
    organisation_id = assignment.roster.week.organisation_id
    check = TakeOver.of(organisation_id, assignment.roster)
    if check is None:
        return None
    free = {code for code, broken in check.verdicts(assignment).items() if not broken}
    if not free:
        return None
    volunteers = db.session.execute(db.select(Volunteer).where(Volunteer.organisation_id == organisation_id,
                                                               Volunteer.code.in_(free))).scalars().all()
    load = {v.id: 0 for v in volunteers}
    for a in assignment.roster.assignments:
        if a.volunteer_id in load and a.status != AssignmentStatus.DECLINED:
            load[a.volunteer_id] += 1
    regular = assignment.visited_child.primary_volunteer_id if assignment.kind == AssignmentKind.VISIT else None
    return min(volunteers, key=lambda v: (v.id != regular, load[v.id], v.code))


def declined(assignment: Assignment) -> int:
    """Tell the organisation's coordinators that a volunteer declined (not her reason: it may name a family), with
    who could take it over; returns how many messages were put in the outbox."""
    best = best_to_take_over(assignment)
    monday = assignment.roster.week.start_date

    def compose() -> Text:
        subject = _("%(volunteer)s cannot come: %(what)s, %(date)s %(time)s", volunteer=assignment.volunteer.name,
                    what=what(assignment), date=f"{assignment.date:%m-%d}", time=f"{assignment.start:%H:%M}")
        if best is None:
            url = link("rosters.week", week_start=monday.isoformat())
            lines = [_("Nobody is free to take it over as the week stands; re-plan the declines on the week page.")]
        else:
            url = link("rosters.edit_assignment_page", week_start=monday.isoformat(), assignment_id=assignment.id,
                       to=best.id)
            lines = [_("Free to take it over: %(name)s (%(code)s).", name=best.name, code=best.code)]
        return Text(subject, "\n".join([*lines, *([url] if url else [])]))

    organisation_id = assignment.roster.week.organisation_id
    return sum(put(coordinator, f"decline:{assignment.id}", "decline", compose)
               for coordinator in staff(organisation_id, Role.COORDINATOR))
