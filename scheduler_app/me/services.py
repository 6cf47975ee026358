"""A volunteer's answers: only their own assignments in a published roster can be answered."""

from __future__ import annotations

from scheduler_app import audit
from scheduler_app.extensions import db
from scheduler_app.models import Assignment, AssignmentStatus, RosterStatus, Volunteer


def my_assignment(volunteer: Volunteer, assignment_id: int) -> Assignment | None:
    """The volunteer's own assignment in a published roster, or None (someone else's is treated as missing)."""
    assignment = db.session.get(Assignment, assignment_id)
    if assignment is None or assignment.volunteer_id != volunteer.id \
            or assignment.roster.status != RosterStatus.PUBLISHED:
        return None
    return assignment


def confirm(assignment: Assignment) -> None:
    """The volunteer will come."""
    assignment.status, assignment.decline_reason = AssignmentStatus.CONFIRMED, ""
    audit.record("assignment_confirmed", "assignment", assignment.id)
    db.session.commit()


def decline(assignment: Assignment, reason: str) -> None:
    """The volunteer cannot come; the coordinator's week page lists it with the reason, to re-plan."""
    assignment.status, assignment.decline_reason = AssignmentStatus.DECLINED, reason.strip()
    audit.record("assignment_declined", "assignment", assignment.id)
    db.session.commit()
