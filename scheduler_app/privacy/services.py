"""A child's rights: guardian consent, the child's data on request, anonymisation approved by a second person,
and the retention purge. Every step is audited."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func

from scheduler_app import audit
from scheduler_app.extensions import db
from scheduler_app.models import (
    Assignment,
    CallPlan,
    Child,
    ConsentCategory,
    DiaryEntry,
    EarlyWarning,
    ErasureRequest,
    ErasureStatus,
    FamilyCall,
    GuardianConsent,
    Organisation,
    ParentContact,
    Roster,
    SafeguardingCase,
    SolveRun,
    User,
    Week,
    as_utc,
    utcnow,
)
from scheduler_app.permissions import Permission
from scheduler_app.permissions import has as has_permission

METHODS = {"paper": _l("signed paper form"), "verbal": _l("spoken, with a witness"),
           "message": _l("written message (WeChat or SMS)")}
CATEGORIES = {ConsentCategory.HOME.value: _l("Home point and guardian's phone, for home visits"),
              ConsentCategory.OBSERVATIONS.value: _l("Background and well-being observations"),
              ConsentCategory.CALLS.value: _l("Parents' work place, call hours and how to reach them, for family "
                                              "calls"),
              ConsentCategory.TRIP.value: _l("Taking part in trips and activities away from the site")}
# The sensitive fields of a child's record, by the consent category that covers them.
SENSITIVE_CHILD_FIELDS = {ConsentCategory.HOME.value: ("home_lat", "home_lon", "guardian_phone"),
                          ConsentCategory.OBSERVATIONS.value: ("background",)}
# What an anonymised child's name becomes: the code alone, so rosters and hours still add up.
ANONYMISED_FIELDS = ("name", "birth_date", "school", "guardian_name", "guardian_relationship", "guardian_phone",
                     "parents_work_place", "background", "academic_notes", "home_lat", "home_lon")


class PrivacyError(ValueError):
    """A consent, export or erasure step that cannot be taken as asked; the message says why."""


def consented(child: Child, category: ConsentCategory, on: dt.date | None = None) -> bool:
    """A guardian's consent covering the category was given on or before the day and not withdrawn by then."""
    return category.value in consented_categories([child.id], on).get(child.id, set())


def consented_categories(child_ids: list[int], on: dt.date | None = None) -> dict[int, set[str]]:
    """For each child, the categories some consent in force on the day covers."""
    on = on or dt.date.today()
    found: dict[int, set[str]] = {}
    if not child_ids:
        return found
    stmt = db.select(GuardianConsent).where(GuardianConsent.child_id.in_(child_ids), GuardianConsent.given_on <= on)
    for consent in db.session.execute(stmt).scalars():
        if consent.withdrawn_on is None or consent.withdrawn_on > on:
            found.setdefault(consent.child_id, set()).update(consent.categories or [])
    return found


def readable_categories(user: Any, child_ids: list[int], on: dt.date | None = None) -> dict[int, set[str]]:
    """For each child, the consent categories whose fields the user may read: none without the sensitive-data
    permission, else those a guardian's consent in force covers."""
    if not has_permission(user, Permission.CHILD_SENSITIVE):
        return {child_id: set() for child_id in child_ids}
    consent = consented_categories(child_ids, on)
    return {child_id: consent.get(child_id, set()) for child_id in child_ids}


def hidden_child_fields(user: Any, child_ids: list[int]) -> dict[int, set[str]]:
    """For each child, the sensitive fields the user may not read (see readable_categories)."""
    readable = readable_categories(user, child_ids)
    return {child_id: {field for category, fields in SENSITIVE_CHILD_FIELDS.items()
                       if category not in readable[child_id] for field in fields}
            for child_id in child_ids}


def observations_shown(user: Any, entries: list[DiaryEntry]) -> set[int]:
    """The ids of the diary entries whose observations the user may read (see readable_categories)."""
    readable = readable_categories(user, list({e.child_id for e in entries if e.child_id is not None}))
    return {e.id for e in entries
            if e.child_id is not None and ConsentCategory.OBSERVATIONS.value in readable.get(e.child_id, set())}


def child_consents(child: Child) -> list[GuardianConsent]:
    """The child's consent records, newest first, withdrawn ones included."""
    return list(db.session.execute(db.select(GuardianConsent).where(GuardianConsent.child_id == child.id)
                                   .order_by(GuardianConsent.given_on.desc(), GuardianConsent.id.desc())).scalars())


def record_consent(child: Child, given_by: str, relationship: str, given_on: dt.date, method: str,
                   categories: list[str], recorded_by: User, note: str = "") -> GuardianConsent:
    """Record a guardian's consent for the child; audited."""
    if method not in METHODS:
        raise PrivacyError(f"method {method!r} is not one of {sorted(METHODS)}")
    unknown = set(categories) - set(CATEGORIES)
    if unknown or not categories:
        raise PrivacyError(f"categories must be some of {sorted(CATEGORIES)}")
    consent = GuardianConsent(child_id=child.id, given_by=given_by, relationship_to_child=relationship,
                              given_on=given_on, method=method, categories=sorted(categories), note=note,
                              recorded_by_id=recorded_by.id)
    db.session.add(consent)
    db.session.flush()
    audit.record("consent_recorded", "child", child.id, consent_id=consent.id, categories=sorted(categories))
    db.session.commit()
    return consent


def withdraw_consent(organisation_id: int, consent_id: int, on: dt.date) -> GuardianConsent | None:
    """Mark a consent withdrawn from the day on (it stays on record); None if it is not the organisation's."""
    consent = db.session.get(GuardianConsent, consent_id)
    if consent is None or consent.child.organisation_id != organisation_id:
        return None
    if consent.withdrawn_on is not None:
        raise PrivacyError("this consent was already withdrawn")
    if on < consent.given_on:
        raise PrivacyError("a consent cannot be withdrawn before it was given")
    consent.withdrawn_on = on
    audit.record("consent_withdrawn", "child", consent.child_id, consent_id=consent.id)
    db.session.commit()
    return consent


def child_data(child: Child) -> dict[str, Any]:
    """Everything Peiban holds about the child, for the guardian who asks (PIPL's right of access); audited. Her
    safeguarding cases are left out: a case may be about harm at home, and telling the guardian could put the
    child at risk (a manager answers for them separately)."""
    def plain(value: Any) -> Any:
        if isinstance(value, dt.date | dt.time | dt.datetime):
            return value.isoformat()
        return value.value if hasattr(value, "value") else value

    profile = {column.name: plain(getattr(child, column.key)) for column in Child.__table__.columns
               if column.name not in ("organisation_id", "version_id")}
    profile["village"] = child.village.label if child.village else None
    profile["site"] = child.site.name if child.site else None
    profile["regular_visitor"] = child.primary_volunteer.name if child.primary_volunteer else None
    windows = [{"day": w.day, "start": w.start.isoformat(), "end": w.end.isoformat()} for w in child.visit_windows]
    consents = [{"given_by": c.given_by, "relationship": c.relationship_to_child, "given_on": c.given_on.isoformat(),
                 "method": c.method, "categories": c.categories, "note": c.note,
                 "withdrawn_on": c.withdrawn_on.isoformat() if c.withdrawn_on else None}
                for c in child_consents(child)]
    visits = [{"week": start.isoformat(), "day": a.day, "start": a.start.isoformat(), "end": a.end.isoformat(),
               "volunteer": a.volunteer.name, "status": a.status.value}
              for a, start in db.session.execute(
                  db.select(Assignment, Week.start_date).join(Roster, Assignment.roster_id == Roster.id)
                  .join(Week, Roster.week_id == Week.id).where(Assignment.child_id == child.id)
                  .order_by(Week.start_date, Assignment.day_index, Assignment.start))]
    diaries = [{"served_on": e.served_on.isoformat(), "volunteer": e.volunteer.name, "minutes": e.minutes,
                "activities": e.activities, "what_was_done": e.what_was_done, "observations": e.observations,
                "concern": e.concern, "status": e.status.value}
               for e in db.session.execute(db.select(DiaryEntry).where(DiaryEntry.child_id == child.id)
                                           .order_by(DiaryEntry.served_on)).scalars()]
    contact = db.session.execute(db.select(ParentContact).where(ParentContact.child_id == child.id)
                                 ).scalar_one_or_none()
    parents = None if contact is None else {
        "family": contact.family, "parent_name": contact.parent_name, "works_at": contact.works_at,
        "reach": contact.reach, "calls_per_week": contact.calls_per_week,
        "call_times_by_message": contact.messages_agreed, "message_address": contact.address,
        "message_language": contact.locale,
        "hours": [{"day": h.day, "start": h.start.isoformat(), "end": h.end.isoformat()} for h in contact.hours]}
    calls = [{"week": call.plan.week_start.isoformat(), "day": call.day, "start": call.start.isoformat(),
              "end": call.end.isoformat(), "took_place": call.took_place, "minutes": call.minutes,
              "notes": call.notes, "conflict": call.conflict} for call in _calls_of(child)]
    audit.record("child_exported", "child", child.id, purpose="data_request")
    db.session.commit()
    return {"format": "peiban-child-data/1", "exported_at": utcnow().isoformat(timespec="seconds"),
            "child": profile, "visit_windows": windows, "consents": consents, "visits": visits,
            "diary_entries": diaries, "parents_for_calls": parents, "family_calls": calls}


def _calls_of(child: Child) -> list[FamilyCall]:
    """The family calls the child took part in, oldest first."""
    calls = db.session.execute(db.select(FamilyCall).join(FamilyCall.plan)
                               .where(CallPlan.organisation_id == child.organisation_id)
                               .order_by(CallPlan.week_start, FamilyCall.day_index, FamilyCall.start)).scalars()
    return [c for c in calls if child.id in (c.child_ids or [])]


def pending_erasure(child: Child) -> ErasureRequest | None:
    """The child's anonymisation request that waits for a decision, if any."""
    return db.session.execute(db.select(ErasureRequest).where(ErasureRequest.child_id == child.id,
                                                              ErasureRequest.status == ErasureStatus.PENDING)
                              ).scalar_one_or_none()


def request_erasure(child: Child, reason: str, requested_by: User) -> ErasureRequest:
    """Ask for the child's record to be anonymised; nothing changes until a second person approves."""
    if is_anonymised(child):
        raise PrivacyError("this child's record is already anonymised")
    if pending_erasure(child) is not None:
        raise PrivacyError("a request to anonymise this child's record already waits for a decision")
    request = ErasureRequest(organisation_id=child.organisation_id, child_id=child.id, reason=reason,
                             requested_by_id=requested_by.id)
    db.session.add(request)
    db.session.flush()
    audit.record("erasure_requested", "child", child.id, request_id=request.id)
    db.session.commit()
    return request


def waiting_erasures(organisation_id: int) -> list[ErasureRequest]:
    """The organisation's anonymisation requests waiting for a decision, oldest first."""
    return list(db.session.execute(db.select(ErasureRequest).where(
        ErasureRequest.organisation_id == organisation_id, ErasureRequest.status == ErasureStatus.PENDING)
        .order_by(ErasureRequest.requested_at)).scalars())


def decide_erasure(organisation_id: int, request_id: int, approve: bool, decided_by: User) -> ErasureRequest | None:
    """Approve (anonymising the child at once) or refuse a waiting request; the requester cannot decide their own.
    None if the request is not the organisation's."""
    request = db.session.get(ErasureRequest, request_id)
    if request is None or request.organisation_id != organisation_id:
        return None
    if request.status != ErasureStatus.PENDING:
        raise PrivacyError("this request was already decided")
    if request.requested_by_id == decided_by.id:
        raise PrivacyError("a second person must decide: you made this request")
    request.status = ErasureStatus.APPROVED if approve else ErasureStatus.REFUSED
    request.decided_by_id = decided_by.id
    request.decided_at = utcnow()
    if approve:
        anonymise(request.child)
    audit.record("erasure_approved" if approve else "erasure_refused", "child", request.child_id,
                 request_id=request.id, requested_by=request.requested_by_id)
    db.session.commit()
    return request


def is_anonymised(child: Child) -> bool:
    """The record was anonymised: its name is its code and it is inactive."""
    return child.name == child.code and not child.active


def anonymise(child: Child) -> None:
    """Remove what identifies the child, here and in stored rosters and diaries, keeping the code, village, grade,
    risk and the hours served so reports and volunteers' hours still add up. The caller commits."""
    old_names = {child.name, child.guardian_name} - {"", child.code}
    for field in ANONYMISED_FIELDS:
        setattr(child, field, None if field in ("birth_date", "home_lat", "home_lon") else "")
    child.name = child.code
    child.active = False
    child.primary_volunteer_id = None
    for consent in child_consents(child):
        consent.given_by = ""
        consent.note = ""
    for entry in db.session.execute(db.select(DiaryEntry).where(DiaryEntry.child_id == child.id)).scalars():
        entry.what_was_done = ""
        entry.observations = {}
        entry.review_comment = ""
    # Her safeguarding cases keep their dates, kinds and states (what was done, and when); their words go.
    for case in db.session.execute(db.select(SafeguardingCase).where(SafeguardingCase.child_id == child.id)).scalars():
        case.outcome, case.reported_to = "", ""
        for concern in case.concerns:
            concern.what = ""
        for action in case.actions:
            action.what, action.note = "", ""
        for referral in case.referrals:
            referral.contact, referral.shared, referral.answer, referral.basis_note = "", "", "", ""
        for plan in case.plans:
            plan.goals = ""
    # Stored solver instances and messages hold the child's name and home point: scrub them.
    rosters = db.session.execute(db.select(Roster).join(Week, Roster.week_id == Week.id)
                                 .where(Week.organisation_id == child.organisation_id)).scalars()
    for roster in rosters:
        roster.instance = _scrub_instance(roster.instance, child)
        roster.unmet = _scrub(roster.unmet, old_names, child.code)
        roster.unmet_reasons = _scrub(roster.unmet_reasons, old_names, child.code)
    for run in db.session.execute(db.select(SolveRun).where(SolveRun.organisation_id == child.organisation_id)
                                  ).scalars():
        run.reason = _scrub(run.reason, old_names, child.code)
    for warning in db.session.execute(db.select(EarlyWarning).where(EarlyWarning.child_id == child.id)).scalars():
        warning.detail = _scrub(warning.detail, old_names, child.code)
    # The parents' details for calls go; a call's notes may speak of the family, so they go too.
    for contact in db.session.execute(db.select(ParentContact).where(ParentContact.child_id == child.id)).scalars():
        db.session.delete(contact)
    for call in _calls_of(child):
        call.notes = ""
    audit.record("child_anonymised", "child", child.id, organisation_id=child.organisation_id)


def _scrub_instance(instance: dict[str, Any] | None, child: Child) -> dict[str, Any] | None:
    """The instance with the child's entry renamed to its code and placed at the village point."""
    if not instance:
        return instance
    scrubbed = dict(instance)
    children = []
    for entry in instance.get("children", []):
        if entry.get("id") == child.code:
            entry = {**entry, "name": child.code}
            if child.village is not None:
                entry["lat"], entry["lon"] = child.village.lat, child.village.lon
        children.append(entry)
    scrubbed["children"] = children
    return scrubbed


def _scrub(value: Any, names: set[str], replacement: str) -> Any:
    """The value (JSON-like) with every occurrence of the names replaced."""
    if isinstance(value, str):
        for name in names:
            value = value.replace(name, replacement)
        return value
    if isinstance(value, dict):
        return {key: _scrub(item, names, replacement) for key, item in value.items()}
    if isinstance(value, list):
        return [_scrub(item, names, replacement) for item in value]
    return value


@dataclass(frozen=True)
class PurgeResult:
    """What a retention purge anonymised (or would, on a dry run)."""

    organisation: str
    retention_years: int
    child_codes: tuple[str, ...]


def expired_children(org: Organisation, today: dt.date) -> list[Child]:
    """Inactive, not yet anonymised children of the organisation with no visit, diary or change within its
    retention period."""
    cutoff = today - dt.timedelta(days=365 * org.retention_years + org.retention_years // 4)
    last_diary = (db.select(DiaryEntry.child_id, func.max(DiaryEntry.served_on).label("last"))
                  .group_by(DiaryEntry.child_id).subquery())
    last_week = (db.select(Assignment.child_id, func.max(Week.start_date).label("last"))
                 .join(Roster, Assignment.roster_id == Roster.id).join(Week, Roster.week_id == Week.id)
                 .group_by(Assignment.child_id).subquery())
    stmt = (db.select(Child).outerjoin(last_diary, last_diary.c.child_id == Child.id)
            .outerjoin(last_week, last_week.c.child_id == Child.id)
            .where(Child.organisation_id == org.id, Child.active.is_(False), Child.name != Child.code,
                   (last_diary.c.last.is_(None)) | (last_diary.c.last < cutoff),
                   (last_week.c.last.is_(None)) | (last_week.c.last < cutoff))
            .order_by(Child.code))
    moment = dt.datetime.combine(cutoff, dt.time(), tzinfo=dt.UTC)
    return [c for c in db.session.execute(stmt).scalars() if as_utc(c.updated_at) < moment]


def purge_expired(today: dt.date, dry_run: bool = False) -> list[PurgeResult]:
    """Anonymise, in each organisation, the children kept longer than its retention setting; audited."""
    results = []
    for org in db.session.execute(db.select(Organisation).order_by(Organisation.id)).scalars():
        children = expired_children(org, today)
        if not dry_run:
            for child in children:
                anonymise(child)
                audit.record("retention_purge", "child", child.id, organisation_id=org.id,
                             username="flask purge-expired", retention_years=org.retention_years)
        results.append(PurgeResult(org.name, org.retention_years, tuple(c.code for c in children)))
    if not dry_run:
        db.session.commit()
    return results

