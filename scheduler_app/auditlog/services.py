"""Searching the organisation's audit log."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l

from scheduler_app import audit
from scheduler_app.database import paged
from scheduler_app.extensions import db
from scheduler_app.models import AuditEvent, Child, Organisation

PAGE_SIZE = 50
# How the log's actions read on the page; an action not named here shows its code.
ACTION_LABELS = {
    "child_viewed": _l("opened a child's record"), "child_exported": _l("downloaded a child's data"),
    "child_created": _l("added a child"), "child_updated": _l("changed a child's record"),
    "child_anonymised": _l("anonymised a child's record"), "consent_recorded": _l("recorded a consent"),
    "consent_withdrawn": _l("recorded a consent's withdrawal"),
    "erasure_requested": _l("asked to anonymise a child's record"),
    "erasure_approved": _l("approved an anonymisation"), "erasure_refused": _l("refused an anonymisation"),
    "retention_purge": _l("anonymised after the retention period"), "diaries_listed": _l("listed diary entries"),
    "diary_submitted": _l("handed in a diary entry"), "diary_approved": _l("approved a diary entry"),
    "diary_returned": _l("returned a diary entry"), "export": _l("exported a spreadsheet"),
    "report_exported": _l("exported a report"), "hours_exported": _l("exported hours"), "import": _l("imported"),
    "login": _l("logged in"), "logout": _l("logged out"), "login_failed": _l("failed to log in"),
    "login_locked_out": _l("was locked out"), "session_expired": _l("session expired"),
    "password_changed": _l("changed the password"), "access_refused": _l("was refused access"),
    "two_step_enabled": _l("turned on two-step login"), "two_step_disabled": _l("turned off two-step login"),
    "user_created": _l("created an account"), "user_disabled": _l("disabled an account"),
    "user_enabled": _l("enabled an account"), "permissions_changed": _l("changed an account's permissions"),
    "organisation_created": _l("created the organisation"),
    "organisation_settings_changed": _l("changed the organisation's settings"),
    "audit_searched": _l("searched the audit log"), "roster_generated": _l("generated a roster"),
    "roster_published": _l("published a roster"), "roster_edited": _l("changed a roster"),
    "solve_started": _l("started a roster solve"), "rule_removed": _l("removed a pin or forbidden pair"),
    "assignment_confirmed": _l("confirmed an activity"), "assignment_declined": _l("declined an activity"),
    "diary_saved": _l("saved a diary draft"), "dates_away_added": _l("recorded dates away"),
    "dates_away_removed": _l("removed dates away"), "calendar_link_created": _l("made a calendar link"),
    "calendar_link_revoked": _l("revoked a calendar link"), "certificate_printed": _l("printed a certificate"),
    "login_password_ok": _l("gave the right password (two-step login next)"),
    "password_reset": _l("reset a password"), "session_ended": _l("ended a signed-in session"),
    "two_step_removed": _l("removed someone's two-step login"), "warning_acknowledged": _l("acknowledged a warning"),
    "warning_resolved": _l("resolved a warning"), "warnings_raised": _l("raised warnings"),
    "channel_added": _l("added a message channel"), "channel_changed": _l("changed a message channel"),
    "channel_removed": _l("removed a message channel"), "channel_tested": _l("sent a test message"),
    "message_choices_saved": _l("saved their message choices"),
    "case_opened": _l("opened a safeguarding case"), "concern_raised": _l("raised a concern about a child"),
    "case_viewed": _l("opened a safeguarding case's page"), "case_updated": _l("changed a safeguarding case"),
    "case_closed": _l("closed a safeguarding case"), "case_action_added": _l("added an action to a case"),
    "case_action_done": _l("marked a case action done"), "case_referred": _l("recorded a referral"),
    "referral_answered": _l("recorded a referral's answer"),
    "mandatory_report_recorded": _l("recorded a mandatory report"), "case_plan_added": _l("added a case plan"),
    "case_escalations": _l("escalated overdue case actions or missing reports"),
    "calendar_day_saved": _l("set a day of the school calendar"), "calendar_day_removed": _l("removed a calendar day"),
    "school_term_added": _l("added a school term"), "school_term_removed": _l("removed a school term"),
    "site_closure_added": _l("recorded a site closure"), "site_closure_removed": _l("removed a site closure"),
    "child_away_added": _l("recorded a child's days away"), "child_away_removed": _l("removed a child's days away"),
    "attendance_recorded": _l("recorded who came to a session"),
    "activity_saved": _l("saved an activity"), "activity_staffed": _l("put a volunteer on an activity's staff"),
    "activity_unstaffed": _l("took a volunteer off an activity's staff"),
    "activity_child_added": _l("added a child to an activity"),
    "activity_child_removed": _l("took a child off an activity"), "activity_outcome": _l("wrote an activity's outcome"),
    "class_teacher_saved": _l("saved a child's class teacher"),
    "teacher_visit_recorded": _l("recorded a class teacher's home visit"),
    "teacher_visit_removed": _l("removed a class teacher's home visit entered in error"),
    "support_started": _l("put a child under one-on-one support"),
    "support_ended": _l("ended a child's one-on-one support"),
    "handbook_added": _l("added a handbook"), "group_added": _l("added a parenting group"),
    "group_member_added": _l("added a guardian to a parenting group"),
    "group_member_removed": _l("took a guardian off a parenting group"),
    "group_session_recorded": _l("recorded a parenting-group session"),
}
# How the log's record types read, with the record's number; a child is shown by her code instead.
RECORD_LABELS = {
    "user": _l("account %(id)s"), "volunteer": _l("volunteer %(id)s"), "roster": _l("roster %(id)s"),
    "week": _l("week %(id)s"), "assignment": _l("assignment %(id)s"), "diary_entry": _l("diary entry %(id)s"),
    "early_warning": _l("warning %(id)s"), "organisation": _l("the organisation"),
    "children": _l("children's records"), "volunteers": _l("volunteers' records"), "sites": _l("sites"),
    "villages": _l("villages"), "message_channel": _l("message channel %(id)s"),
    "safeguarding_case": _l("case %(id)s"), "case_concern": _l("concern %(id)s"),
    "case_action": _l("case action %(id)s"), "referral": _l("referral %(id)s"), "case_plan": _l("case plan %(id)s"),
    "calendar_day": _l("calendar day %(id)s"), "school_term": _l("school term %(id)s"),
    "site_closure": _l("site closure %(id)s"), "child_away": _l("days away %(id)s"), "site": _l("site %(id)s"),
    "activity": _l("activity %(id)s"), "handbook": _l("handbook %(id)s"),
    "parenting_group": _l("parenting group %(id)s"),
}


def record_label(object_type: str | None, object_id: int | None) -> str:
    """An audited record as the log shows it: its kind in the reader's language and its number."""
    if not object_type:
        return ""
    label = RECORD_LABELS.get(object_type)
    if label is None:
        return f"{object_type} {object_id or ''}".strip()
    return str(label) % {"id": object_id if object_id is not None else ""}


@dataclass(frozen=True)
class AuditQuery:
    """What the manager looks for; empty parts match everything."""

    username: str = ""
    action: str = ""
    child_code: str = ""
    since: dt.date | None = None
    until: dt.date | None = None


@dataclass(frozen=True)
class AuditPage:
    """One page of matching events, newest first, with the codes of the children they name."""

    events: list[AuditEvent]
    total: int
    page: int
    pages: int
    child_codes: dict[int, str]


def known_actions(organisation_id: int) -> list[str]:
    """The actions the organisation's log holds, for the filter."""
    return list(db.session.execute(db.select(AuditEvent.action).where(AuditEvent.organisation_id == organisation_id)
                                   .distinct().order_by(AuditEvent.action)).scalars())


def search_audit(organisation_id: int, query: AuditQuery, page: int = 1) -> AuditPage | None:
    """The organisation's events matching the query, a page at a time; None when the child code is unknown.
    The search itself is audited: reading the log shows who looked at which child."""
    stmt = db.select(AuditEvent).where(AuditEvent.organisation_id == organisation_id)
    if query.username:
        stmt = stmt.where(AuditEvent.username == query.username)
    if query.action:
        stmt = stmt.where(AuditEvent.action == query.action)
    if query.child_code:
        child_id = db.session.execute(db.select(Child.id).where(Child.organisation_id == organisation_id,
                                                                Child.code == query.child_code)).scalar()
        if child_id is None:
            return None
        stmt = stmt.where(AuditEvent.object_type == "child", AuditEvent.object_id == child_id)
    # The days are the organisation's days: from its midnight, not UTC's (8 hours later in Beijing); compared
    # in UTC, as stored (SQLite compares the text).
    zone = ZoneInfo(db.session.get_one(Organisation, organisation_id).time_zone)
    if query.since:
        stmt = stmt.where(AuditEvent.at >= dt.datetime.combine(query.since, dt.time(), tzinfo=zone).astimezone(dt.UTC))
    if query.until:
        stmt = stmt.where(AuditEvent.at < dt.datetime.combine(query.until + dt.timedelta(days=1), dt.time(),
                                                              tzinfo=zone).astimezone(dt.UTC))
    events, total, page, pages = paged(stmt.order_by(AuditEvent.at.desc(), AuditEvent.id.desc()), page, PAGE_SIZE)
    child_ids = {e.object_id for e in events if e.object_type == "child" and e.object_id is not None}
    codes = dict(db.session.execute(db.select(Child.id, Child.code).where(Child.id.in_(child_ids))).tuples().all()) \
        if child_ids else {}
    audit.record("audit_searched", username_filter=query.username, action_filter=query.action,
                 child_filter=query.child_code)
    db.session.commit()
    return AuditPage(events=events, total=total, page=page, pages=pages, child_codes=codes)
