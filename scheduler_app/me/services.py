"""A volunteer's answers and diary: only their own assignments in a published roster count."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, TypeVar

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from scheduler_app import audit
from scheduler_app.cases import services as cases
from scheduler_app.database import commit_or_raise
from scheduler_app.extensions import db
from scheduler_app.kinship import relationship
from scheduler_app.me.forms import ACTIVITIES, MAX_TRAVEL_MINUTES, NOT_HELD
from scheduler_app.messages import declines as message_declines
from scheduler_app.messages import events as message_events
from scheduler_app.models import (
    Assignment,
    AssignmentKind,
    AssignmentStatus,
    Child,
    ConsentCategory,
    DateAway,
    DiaryEntry,
    DiaryStatus,
    Organisation,
    Roster,
    RosterStatus,
    Volunteer,
    Week,
)
from scheduler_app.names import first_name
from scheduler_app.outbox import assignment_seen
from scheduler_app.privacy.services import consented
from scheduler_app.records.fields import SUBJECTS
from scheduler_app.volunteers.services import add_date_away, overlapping
from scheduler_app.weekly import minutes_between, week_start_of
from solver.geo import road_km, travel_minutes

T = TypeVar("T")


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


def decline(assignment: Assignment, reason: str, free_then: bool = False) -> DateAway | None:
    """The volunteer cannot come; the coordinator's week page lists it with the reason, to re-plan.

    Unless she says she is free then for something else, the stretch of her availability that holds the
    activity is recorded as a stretch away that day (with her reason), so the re-plan does not hand her the
    same time at another site or another home. Returns that stretch, if one was recorded."""
    assignment.status, assignment.decline_reason = AssignmentStatus.DECLINED, reason.strip()
    audit.record("assignment_declined", "assignment", assignment.id, free_then=free_then)
    message_declines.declined(assignment)
    away = None if free_then else _away_for(assignment)
    if away is None:
        db.session.commit()
        return None
    return add_date_away(assignment.volunteer, assignment.date, assignment.date, reason, *away)


def _away_for(assignment: Assignment) -> tuple[dt.time, dt.time] | None:
    """The stretch to record as away for a declined activity: her availability around it that day, or the
    activity's own times when that stretch meets dates away already recorded. None when even those do, or
    when she keeps another activity in that stretch: she is there then, and an away there would make the
    re-plan's pins on her kept activity impossible (she declines it too, and the stretch is recorded then)."""
    volunteer, day = assignment.volunteer, assignment.date
    around = [(a.start, a.end) for a in volunteer.availability
              if a.day_index == assignment.day_index and a.start <= assignment.start and assignment.end <= a.end]
    kept = [a for a in assignment.roster.assignments if a.volunteer_id == volunteer.id and a.id != assignment.id
            and a.day_index == assignment.day_index and a.status != AssignmentStatus.DECLINED]
    if any(start < other.end and other.start < end for start, end in around for other in kept):
        return None
    for start, end in [*around, (assignment.start, assignment.end)]:
        if overlapping(volunteer, DateAway(first_day=day, last_day=day, start=start, end=end)) is None:
            return start, end
    return None


MAX_DIARY_MINUTES = 12 * 60  # longer than a day's service is a typing mistake


class DiaryError(ValueError):
    """The diary entry cannot be saved; the message says why."""


class DiaryConflictError(DiaryError):
    """The entry was changed elsewhere (or approved) since the form was opened: nothing is overwritten."""


def diary_for(volunteer: Volunteer, assignment: Assignment) -> DiaryEntry | None:
    """The volunteer's diary entry about this assignment, if written."""
    return db.session.execute(db.select(DiaryEntry).where(DiaryEntry.volunteer_id == volunteer.id,
                                                          DiaryEntry.assignment_id == assignment.id)
                              ).scalar_one_or_none()


def save_diary(volunteer: Volunteer, assignment: Assignment, values: dict[str, Any], hand_in: bool,
               version: int | None, today: dt.date | None = None) -> DiaryEntry:
    """Write (or rewrite) the diary of an activity that has happened: the end after the start, at most
    12 hours; observations (with a guardian's consent) and the concern flag only for home visits; an approved
    entry is final; an entry changed since the form was opened (``version``) is not overwritten."""
    today = today or dt.date.today()
    day = assignment.date
    if day > today:
        raise DiaryError(_("This activity has not happened yet."))
    start, end = values["started_at"], values["ended_at"]
    minutes = minutes_between(start, end)
    if minutes <= 0:
        raise DiaryError(_("The end must be after the start."))
    if minutes > MAX_DIARY_MINUTES:
        raise DiaryError(_("At most %(hours)d hours in one entry.", hours=MAX_DIARY_MINUTES // 60))
    entry = diary_for(volunteer, assignment)
    if entry is not None and entry.status == DiaryStatus.APPROVED:
        raise DiaryConflictError(_("This entry is approved and can no longer be changed."))
    # A form opened before the entry existed (no version) meets an entry someone saved meanwhile, from another
    # phone: that is a change made elsewhere too.
    if entry is not None and entry.version_id != version:
        raise DiaryConflictError(_("This entry was changed elsewhere since you opened it; open it again."))
    changed_elsewhere = DiaryConflictError(_("This entry was changed elsewhere since you opened it; open it again."))
    visit = assignment.kind == AssignmentKind.VISIT
    # Observations of a child's state are recorded only with a guardian's consent; the worry flag always can be.
    # Read before the entry changes: a query's autoflush would otherwise write it before the conflict handling
    # below could catch a save made meanwhile on another phone.
    observable = (visit and assignment.child is not None  # a visit always has its child
                  and consented(assignment.child, ConsentCategory.OBSERVATIONS, day))
    # A visit that did not take place says why; travel is kept apart from the service time (checked before the
    # entry changes, so a refusal leaves it as it was).
    not_held = values.get("not_held_reason", "") if visit else ""
    if not_held and not_held not in NOT_HELD:
        raise DiaryError(_("Choose why the visit did not take place."))
    travel = int(values.get("travel_minutes") or 0)
    if not 0 <= travel <= MAX_TRAVEL_MINUTES:
        raise DiaryError(_("Travel time: at most %(hours)d hours.", hours=MAX_TRAVEL_MINUTES // 60))
    if entry is None:
        entry = DiaryEntry(volunteer_id=volunteer.id, assignment_id=assignment.id, child_id=assignment.child_id,
                           site_id=assignment.site_id, served_on=day)
        db.session.add(entry)
    entry.started_at, entry.ended_at, entry.minutes = start, end, minutes
    entry.activities, entry.what_was_done, entry.gained = values["activities"], values["what_was_done"], \
        values["gained"]
    entry.observations = {k: v for k, v in values["observations"].items() if v} if observable else {}
    entry.concern = bool(values["concern"]) and visit
    entry.took_place, entry.not_held_reason, entry.travel_minutes = not not_held, not_held, travel
    entry.status = DiaryStatus.SUBMITTED if hand_in else DiaryStatus.DRAFT
    try:
        db.session.flush()
    except (StaleDataError, IntegrityError):  # saved meanwhile (or written first) by another phone
        db.session.rollback()
        raise changed_elsewhere from None
    audit.record("diary_submitted" if hand_in else "diary_saved", "diary_entry", entry.id, concern=entry.concern)
    message_events.diary_concern(entry)
    cases.from_diary(entry)  # a worry handed in opens (or joins) the child's safeguarding case
    commit_or_raise(changed_elsewhere)
    return entry


@dataclass(frozen=True)
class MonthHours:
    """Minutes served in a month: approved (they count) and handed in, waiting for approval."""

    year: int
    month: int
    approved: int
    pending: int
    travel: int = 0  # minutes travelling to and from them: shown beside, never counted as service


def my_hours(volunteer: Volunteer) -> list[MonthHours]:
    """The volunteer's served minutes by month, newest first, with the travel beside; drafts are not counted,
    nor a visit that did not take place."""
    totals: dict[tuple[int, int], list[int]] = {}
    entries = db.session.execute(db.select(DiaryEntry).where(
        DiaryEntry.volunteer_id == volunteer.id, DiaryEntry.took_place,
        DiaryEntry.status.in_([DiaryStatus.APPROVED, DiaryStatus.SUBMITTED]))).scalars()
    for entry in entries:
        slot = totals.setdefault((entry.served_on.year, entry.served_on.month), [0, 0, 0])
        slot[0 if entry.status == DiaryStatus.APPROVED else 1] += entry.minutes
        slot[2] += entry.travel_minutes
    return [MonthHours(y, m, a, p, t) for (y, m), (a, p, t) in sorted(totals.items(), reverse=True)]


@dataclass(frozen=True)
class MyAssignment:
    """One assignment as the volunteer's week shows it: only what the activity needs."""

    assignment: Assignment
    place: str  # the site, or the child's township and village (never the home point)
    child_name: str  # the child's given name, for visits
    needs: list[str]  # what to prepare: subjects, a trained visitor, who looks after the child
    travel_minutes: int | None  # from the volunteer's home, as the roster reckons it
    seen: str  # its day and times, sent with an answer to detect a change since (scheduler_app.outbox)


def _present(value: T | None, what: str) -> T:
    """A value the rows' constraints guarantee (a tutoring assignment's site, a visit's child)."""
    if value is None:
        raise LookupError(f"a {what} is missing")
    return value


def my_week(volunteer: Volunteer, assignments: list[Assignment]) -> list[MyAssignment]:
    """The volunteer's assignments with place, the child's given name, what the activity needs and the
    travel time from home (road distance at the organisation's speed, as the optimiser counts it)."""
    org = db.session.get_one(Organisation, volunteer.organisation_id)
    home = volunteer.home_point
    items = []
    for a in assignments:
        if a.kind == AssignmentKind.TUTORING:
            site = _present(a.site, "tutoring's site")
            target = (site.lat, site.lon)
            attending = db.session.execute(db.select(Child).where(
                Child.site_id == site.id, Child.active)).scalars()
            subjects = sorted({s for c in attending if a.day in (c.attends or []) for s in (c.subjects or [])})
            needs = [_(", ").join(str(SUBJECTS[s]) for s in subjects if s in SUBJECTS)] if subjects else []
            items.append(MyAssignment(a, site.name, "", needs, _minutes(home, target, org), assignment_seen(a)))
            continue
        child = _present(a.child, "visit's child")
        needs = []
        if child.guardian_relationship:
            needs.append(_("lives with: %(who)s", who=relationship(child.guardian_relationship)))
        if child.grade:
            needs.append(_("grade %(grade)d", grade=child.grade))
        if child.needs_trained:
            needs.append(_("needs a trained volunteer"))
        village = child.village
        place = village.label if village is not None else ""
        items.append(MyAssignment(a, place, first_name(child.name), needs, _minutes(home, child.home_point, org),
                                  assignment_seen(a)))
    return items


def _minutes(home: tuple[float, float] | None, target: tuple[float, float] | None,
             org: Organisation) -> int | None:
    if home is None or target is None:
        return None
    return travel_minutes(road_km(home, target, org.road_factor), org.speed_kmh)


def round_trip_minutes(volunteer: Volunteer, assignment: Assignment) -> int | None:
    """The travel from her home to the activity and back, as the roster reckons it (the diary's default)."""
    org = db.session.get_one(Organisation, volunteer.organisation_id)
    if assignment.kind == AssignmentKind.TUTORING:
        site = _present(assignment.site, "tutoring's site")
        one_way = _minutes(volunteer.home_point, (site.lat, site.lon), org)
    else:
        one_way = _minutes(volunteer.home_point, _present(assignment.child, "visit's child").home_point, org)
    return None if one_way is None else 2 * one_way


def _served(volunteer: Volunteer, first_day: dt.date, last_day: dt.date) -> list[DiaryEntry]:
    """The volunteer's approved diary entries served between the two days, in date order: a visit that did not
    take place is no service (its time is not service hours, as the national system counts them)."""
    return list(db.session.execute(db.select(DiaryEntry).where(
        DiaryEntry.volunteer_id == volunteer.id, DiaryEntry.status == DiaryStatus.APPROVED, DiaryEntry.took_place,
        DiaryEntry.served_on >= first_day, DiaryEntry.served_on <= last_day)
        .order_by(DiaryEntry.served_on, DiaryEntry.started_at)).scalars())


def entry_kind(entry: DiaryEntry) -> AssignmentKind:
    """A diary entry about a child is a home visit; one about a site is tutoring."""
    return AssignmentKind.VISIT if entry.child_id is not None else AssignmentKind.TUTORING


@dataclass(frozen=True)
class Certificate:
    """A statement of a volunteer's approved service in a period, to show a college or an employer."""

    organisation: str
    volunteer: str
    affiliation: str
    first_day: dt.date
    last_day: dt.date
    minutes: int
    tutoring_minutes: int
    tutoring_count: int
    visit_minutes: int
    visit_count: int
    travel_minutes: int  # shown beside the service hours, never in them (the national system counts service only)
    number: str  # printed on the certificate so the organisation can find what it stated


def certificate(volunteer: Volunteer, first_day: dt.date, last_day: dt.date) -> Certificate:
    """The certificate of service hours: only approved diary entries count; the printing is audited."""
    entries = _served(volunteer, first_day, last_day)
    tutoring = [e for e in entries if entry_kind(e) == AssignmentKind.TUTORING]
    visits = [e for e in entries if entry_kind(e) == AssignmentKind.VISIT]
    org = db.session.get_one(Organisation, volunteer.organisation_id)
    audit.record("certificate_printed", "volunteer", volunteer.id, first_day=first_day.isoformat(),
                 last_day=last_day.isoformat(), minutes=sum(e.minutes for e in entries))
    db.session.commit()
    return Certificate(
        organisation=org.name, volunteer=volunteer.name, affiliation=volunteer.affiliation,
        first_day=first_day, last_day=last_day, minutes=sum(e.minutes for e in entries),
        tutoring_minutes=sum(e.minutes for e in tutoring), tutoring_count=len(tutoring),
        visit_minutes=sum(e.minutes for e in visits), visit_count=len(visits),
        travel_minutes=sum(e.travel_minutes for e in entries),
        number=f"PB-{org.id}-{volunteer.code}-{first_day:%Y%m%d}-{last_day:%Y%m%d}")


def national_rows(volunteer: Volunteer, first_day: dt.date, last_day: dt.date) -> list[list[object]]:
    """One row per approved activity, in the national volunteer service system's order of data elements
    (name, ID number, phone, date, start, end, hours, programme, place, content, organisation). The ID
    number column is left for the volunteer to fill: Peiban does not keep ID numbers. No child is named."""
    org = db.session.get_one(Organisation, volunteer.organisation_id)
    rows: list[list[object]] = []
    for entry in _served(volunteer, first_day, last_day):
        visit = entry_kind(entry) == AssignmentKind.VISIT
        if visit:
            village = entry.child.village if entry.child is not None else None
            place = village.label if village is not None else ""
        else:
            place = entry.site.name if entry.site is not None else ""
        rows.append([volunteer.name, "", volunteer.phone, entry.served_on.isoformat(),
                     entry.started_at.strftime("%H:%M"), entry.ended_at.strftime("%H:%M"),
                     round(entry.minutes / 60, 2), _programme(volunteer, visit), place,
                     "; ".join(str(ACTIVITIES[k]) for k in entry.activities if k in ACTIVITIES), org.name])
    return rows


def _programme(volunteer: Volunteer, visit: bool) -> str:
    """The service programme of an activity, as the national system lists it: a social worker's visits are her
    family interviews (she makes no other home visits)."""
    if not visit:
        return str(_("4:30 classroom: homework help"))
    if volunteer.is_social_worker:
        return str(_("Social work: family interviews"))
    return str(_("Volunteer mothers: home visits"))


def national_header() -> list[str]:
    """The column headers of the national volunteer-hours layout, in the user's language."""
    return [_("Name"), _("ID number"), _("Contact phone"), _("Service date"), _("Start time"), _("End time"),
            _("Service hours"), _("Service programme"), _("Service place"), _("Service content"),
            _("Recording organisation")]


DIARY_WEEKS_BACK = 4  # activities older than this no longer ask for a diary on the home page


def diaries_due(volunteer: Volunteer, today: dt.date | None = None) -> list[Assignment]:
    """The volunteer's activities of the last few weeks that have happened and were not declined, whose diary
    is not handed in yet (none, a draft, or returned for changes), oldest first."""
    today = today or dt.date.today()
    monday = week_start_of(today)
    rows = db.session.execute(
        db.select(Assignment).join(Roster, Assignment.roster_id == Roster.id).join(Week, Roster.week_id == Week.id)
        .where(Assignment.volunteer_id == volunteer.id, Roster.status == RosterStatus.PUBLISHED,
               Assignment.status != AssignmentStatus.DECLINED,
               Week.start_date >= monday - dt.timedelta(weeks=DIARY_WEEKS_BACK), Week.start_date <= monday)
        .order_by(Week.start_date, Assignment.day_index, Assignment.start)).scalars()
    done = set(db.session.execute(db.select(DiaryEntry.assignment_id).where(
        DiaryEntry.volunteer_id == volunteer.id,
        DiaryEntry.status.in_([DiaryStatus.SUBMITTED, DiaryStatus.APPROVED]))).scalars())
    return [a for a in rows if a.date < today or (a.date == today and a.end <= dt.datetime.now().time())
            if a.id not in done]
