"""Activities: planning one, its staff (signed up or assigned), the children taking part (a trip needs a guardian's
consent in force on the day) and what came of it. Every change is audited and committed here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from scheduler_app import audit
from scheduler_app.database import commit_or_raise, owned
from scheduler_app.extensions import db
from scheduler_app.models import (
    Activity,
    ActivityChild,
    ActivityStaff,
    Child,
    ConsentCategory,
    StaffWay,
    Volunteer,
)
from scheduler_app.privacy.services import consented, consented_categories
from scheduler_app.weekly import week_start_of


class ActivityError(ValueError):
    """The activity cannot be changed as asked; the message says why, in the user's words."""


def list_activities(organisation_id: int, today: dt.date | None = None) -> tuple[list[Activity], list[Activity]]:
    """The organisation's activities still to come (soonest first) and past ones (latest first)."""
    today = today or dt.date.today()
    rows = list(db.session.execute(db.select(Activity).where(Activity.organisation_id == organisation_id)
                                   .options(selectinload(Activity.staff), selectinload(Activity.participants))
                                   .order_by(Activity.held_on, Activity.start)).scalars())
    return [a for a in rows if a.held_on >= today], [a for a in reversed(rows) if a.held_on < today]


def find_activity(organisation_id: int, activity_id: int) -> Activity | None:
    """One of the organisation's activities, or None (another organisation's is treated as missing)."""
    return owned(Activity, organisation_id, activity_id)


def save_activity(organisation_id: int, activity: Activity | None, values: dict[str, Any],
                  version: int | None = None) -> Activity:
    """Create an activity, or change one (not if it was changed elsewhere since the form was opened): the end
    after the start; a trip cannot be made of an activity whose children lack a trip consent."""
    if values["end"] <= values["start"]:
        raise ActivityError(_("The end must be after the start."))
    if activity is None:
        activity = Activity(organisation_id=organisation_id)
        db.session.add(activity)
    elif version is not None and activity.version_id != version:
        raise ActivityError(_("This activity was changed elsewhere since you opened it; open it again."))
    if values["trip"] and activity.id is not None:
        missing = [p.child for p in activity.participants if not consented(p.child, ConsentCategory.TRIP,
                                                                          values["held_on"])]
        if missing:
            raise ActivityError(_("No guardian's consent to trips on that day for: %(names)s.",
                                  names=_(", ").join(c.name for c in missing)))
    for field in ("title", "place", "held_on", "start", "end", "staff_needed", "trip", "description"):
        setattr(activity, field, values[field])
    db.session.flush()
    audit.record("activity_saved", "activity", activity.id)
    commit_or_raise(ActivityError(_("This activity was changed elsewhere since you opened it; open it again.")))
    return activity


def _volunteer(organisation_id: int, volunteer_id: int) -> Volunteer:
    """An active volunteer of the organisation, or the error naming the field."""
    volunteer = owned(Volunteer, organisation_id, volunteer_id)
    if volunteer is None or not volunteer.active:
        raise ActivityError(_("Volunteer: choose one of the organisation's active volunteers."))
    return volunteer


def _add_staff(activity: Activity, volunteer: Volunteer, way: StaffWay) -> ActivityStaff:
    """Put a volunteer on the activity's staff (once)."""
    if any(s.volunteer_id == volunteer.id for s in activity.staff):
        raise ActivityError(_("%(name)s is already on this activity's staff.", name=volunteer.name))
    staff = ActivityStaff(activity=activity, volunteer=volunteer, way=way)
    db.session.add(staff)
    db.session.flush()
    audit.record("activity_staffed", "activity", activity.id, volunteer_id=volunteer.id, way=way.value)
    db.session.commit()
    return staff


def assign_staff(activity: Activity, volunteer_id: int) -> ActivityStaff:
    """A coordinator puts a volunteer on the staff (even beyond the number needed: she decides)."""
    return _add_staff(activity, _volunteer(activity.organisation_id, volunteer_id), StaffWay.ASSIGNED)


def sign_up(activity: Activity, volunteer: Volunteer, today: dt.date | None = None) -> ActivityStaff:
    """A volunteer signs up for an activity still to come that needs more staff."""
    today = today or dt.date.today()
    if activity.held_on < today:
        raise ActivityError(_("This activity is over."))
    if activity.staffed >= activity.staff_needed:
        raise ActivityError(_("This activity has all the staff it needs."))
    return _add_staff(activity, volunteer, StaffWay.SIGNED_UP)


def remove_staff(activity: Activity, volunteer_id: int) -> None:
    """Take a volunteer off the activity's staff (she withdrew, or the coordinator changed the plan)."""
    staff = next((s for s in activity.staff if s.volunteer_id == volunteer_id), None)
    if staff is None:
        raise ActivityError(_("This volunteer is not on this activity's staff."))
    activity.staff.remove(staff)
    audit.record("activity_unstaffed", "activity", activity.id, volunteer_id=volunteer_id)
    db.session.commit()


def add_child(activity: Activity, child_id: int) -> ActivityChild:
    """A child of the organisation takes part; on a trip only with a guardian's trip consent in force that day."""
    child = owned(Child, activity.organisation_id, child_id)
    if child is None or not child.active:
        raise ActivityError(_("Child: choose one of the organisation's children."))
    if any(p.child_id == child.id for p in activity.participants):
        raise ActivityError(_("%(name)s already takes part.", name=child.name))
    if activity.trip and not consented(child, ConsentCategory.TRIP, activity.held_on):
        raise ActivityError(_("%(name)s has no guardian's consent to trips in force on %(day)s: record it on the "
                              "child's consent page first.", name=child.name, day=activity.held_on.isoformat()))
    participant = ActivityChild(activity=activity, child=child)
    db.session.add(participant)
    db.session.flush()
    audit.record("activity_child_added", "activity", activity.id, child_id=child.id)
    db.session.commit()
    return participant


def remove_child(activity: Activity, child_id: int) -> None:
    """A child no longer takes part."""
    participant = next((p for p in activity.participants if p.child_id == child_id), None)
    if participant is None:
        raise ActivityError(_("This child does not take part in this activity."))
    activity.participants.remove(participant)
    audit.record("activity_child_removed", "activity", activity.id, child_id=child_id)
    db.session.commit()


def record_outcome(activity: Activity, outcome: str) -> None:
    """Write what came of the activity (prizes, what the children made, what to do better)."""
    activity.outcome = outcome
    audit.record("activity_outcome", "activity", activity.id)
    commit_or_raise(ActivityError(_("This activity was changed elsewhere since you opened it; open it again.")))


@dataclass(frozen=True)
class Participant:
    """A child taking part, with whether a guardian's trip consent is in force on the day (for a trip)."""

    child: Child
    consent_in_force: bool


def participants(activity: Activity) -> list[Participant]:
    """The children taking part, by name, each with the state of the trip consent on the activity's day (a
    consent withdrawn after the child was added shows here)."""
    children = sorted((p.child for p in activity.participants), key=lambda c: c.code)
    consent = consented_categories([c.id for c in children], activity.held_on)
    return [Participant(c, ConsentCategory.TRIP.value in consent.get(c.id, set())) for c in children]


def activities_of(volunteer: Volunteer, first_day: dt.date, last_day: dt.date) -> list[Activity]:
    """The activities the volunteer staffs between the two days, in time order."""
    return list(db.session.execute(
        db.select(Activity).join(ActivityStaff, ActivityStaff.activity_id == Activity.id)
        .where(ActivityStaff.volunteer_id == volunteer.id, Activity.held_on >= first_day,
               Activity.held_on <= last_day).order_by(Activity.held_on, Activity.start)).scalars())


def open_for_sign_up(volunteer: Volunteer, today: dt.date | None = None) -> list[Activity]:
    """The organisation's activities still to come that need more staff and that she does not staff yet."""
    today = today or dt.date.today()
    rows = db.session.execute(db.select(Activity).where(Activity.organisation_id == volunteer.organisation_id,
                                                        Activity.held_on >= today)
                              .options(selectinload(Activity.staff)).order_by(Activity.held_on, Activity.start))
    return [a for a in rows.scalars() if a.staffed < a.staff_needed
            and all(s.volunteer_id != volunteer.id for s in a.staff)]


def week_activities(organisation_id: int, monday: dt.date) -> list[Activity]:
    """The organisation's activities in the week starting that Monday, in time order."""
    monday = week_start_of(monday)
    return list(db.session.execute(
        db.select(Activity).where(Activity.organisation_id == organisation_id, Activity.held_on >= monday,
                                  Activity.held_on <= monday + dt.timedelta(days=6))
        .options(selectinload(Activity.staff).selectinload(ActivityStaff.volunteer))
        .order_by(Activity.held_on, Activity.start)).scalars())


def active_volunteers(organisation_id: int) -> list[Volunteer]:
    """The organisation's active volunteers by code (the staff a coordinator may assign)."""
    return list(db.session.execute(db.select(Volunteer).where(Volunteer.organisation_id == organisation_id,
                                                              Volunteer.active).order_by(Volunteer.code)).scalars())


def active_children(organisation_id: int) -> list[Child]:
    """The organisation's active children by code (who may take part)."""
    return list(db.session.execute(db.select(Child).where(Child.organisation_id == organisation_id, Child.active)
                                   .order_by(Child.code)).scalars())
