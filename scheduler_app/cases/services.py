"""A child's safeguarding case: concerns open or join it, and its owner works it through actions, referrals, the
mandatory report and a case plan until it is closed with an outcome. Every change is audited and committed here;
a wrong value is refused with the field it concerns and nothing changes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from scheduler_app import audit
from scheduler_app.cases import alerts
from scheduler_app.database import commit_or_raise, owned
from scheduler_app.earlywarning.services import KINDS as WARNING_KINDS
from scheduler_app.extensions import db
from scheduler_app.messages.services import organisation_zone
from scheduler_app.models import (
    Assignment,
    AssignmentKind,
    CaseAction,
    CaseConcern,
    CasePlan,
    CaseStatus,
    Child,
    DiaryEntry,
    DiaryStatus,
    EarlyWarning,
    Organisation,
    Referral,
    Role,
    Roster,
    RosterStatus,
    SafeguardingCase,
    Severity,
    User,
    Volunteer,
    WarningState,
    Week,
    as_utc,
    utcnow,
)
from scheduler_app.records.fields import SUBJECTS

SEVERITIES = {Severity.URGENT: _l("Urgent: act today"), Severity.HIGH: _l("High: within three days"),
              Severity.ROUTINE: _l("Routine: within two weeks")}
DUE_DAYS = {Severity.URGENT: 0, Severity.HIGH: 3, Severity.ROUTINE: 14}  # from the day the concern came
RANK = {Severity.URGENT: 0, Severity.HIGH: 1, Severity.ROUTINE: 2}
STATUSES = {CaseStatus.OPEN: _l("open"), CaseStatus.REFERRED: _l("referred"),
            CaseStatus.MONITORING: _l("monitoring"), CaseStatus.CLOSED: _l("closed")}
SOURCES = {"diary": _l("a diary"), "warning": _l("a warning"), "volunteer": _l("a volunteer's report"),
           "staff": _l("staff")}
# The people around a left-behind child a case may be referred to.
REFERRAL_ROLES = {
    "children_director": _l("Children's director of the village"),
    "children_supervisor": _l("Children's supervisor of the township"),
    "teacher": _l("School or class teacher"),
    "village_committee": _l("Village committee"),
    "civil_affairs": _l("Civil affairs"),
    "police": _l("Police"),
}
# On what a referral shares a child's information (PIPL: consent, or a duty in law, or to protect her).
BASES = {
    "consent": _l("The guardian's consent"),
    "mandatory_report": _l("Mandatory report (Law on the Protection of Minors, art. 11)"),
    "protect_child": _l("To protect the child's life, health or safety in an emergency"),
    "legal_duty": _l("Another duty in law (name it in the note)"),
}
REPORT_WITHIN = dt.timedelta(hours=24)  # the mandatory report of an urgent case is due this long after it
ESCALATE_AFTER = dt.timedelta(days=1)   # an overdue action warns its owner, then the managers this much later
MAX_PLAN_DAYS = 366                      # a case plan longer than a year is a typing mistake
OPEN_STATES = (CaseStatus.OPEN, CaseStatus.REFERRED, CaseStatus.MONITORING)


class CaseError(ValueError):
    """A case change is refused; ``field`` names the form field at fault and nothing was changed."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class CaseChangedError(CaseError):
    """Someone else changed the case since the page was opened."""

    def __init__(self) -> None:
        super().__init__("version", _("Someone else changed this case meanwhile; here it is as it is now."))


@dataclass(frozen=True)
class CaseChange:
    """A case's own fields as its owner sets them."""

    status: CaseStatus
    severity: Severity
    owner_id: int | None
    due_on: dt.date
    outcome: str = ""

    def __post_init__(self) -> None:
        if self.status == CaseStatus.CLOSED and not self.outcome.strip():
            raise CaseError("outcome", _("Say how the case ended before closing it."))


@dataclass(frozen=True)
class ReferralValues:
    """A referral as recorded: to whom, who, when, what was shared and on what basis."""

    to_role: str
    contact: str
    referred_on: dt.date
    shared: str
    basis: str
    basis_note: str = ""

    def __post_init__(self) -> None:
        if self.to_role not in REFERRAL_ROLES:
            raise CaseError("to_role", _("Choose whom the case was referred to."))
        if self.basis not in BASES:
            raise CaseError("basis", _("Choose the consent or legal basis for sharing."))
        if self.basis == "legal_duty" and not self.basis_note.strip():
            raise CaseError("basis_note", _("Name the duty in law in the note."))
        if not self.contact.strip():
            raise CaseError("contact", _("Give the person contacted and how to reach them."))
        if not self.shared.strip():
            raise CaseError("shared", _("Say what was shared."))


@dataclass(frozen=True)
class PlanValues:
    """A case plan as written: the period, the goals and the services the child gets in it."""

    first_day: dt.date
    last_day: dt.date
    goals: str
    visits_per_week: int | None = None
    needs_trained: bool = False
    regular_visitor_id: int | None = None
    subjects: tuple[str, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        if self.last_day < self.first_day:
            raise CaseError("last_day", _("The plan must end on or after its first day."))
        if (self.last_day - self.first_day).days > MAX_PLAN_DAYS:
            raise CaseError("last_day", _("A case plan covers at most a year; write a new one after it."))
        if not self.goals.strip():
            raise CaseError("goals", _("Write the plan's goals."))
        if self.visits_per_week is not None and not 0 <= self.visits_per_week <= 7:
            raise CaseError("visits_per_week", _("Between 0 and 7 visits a week."))
        if any(s not in SUBJECTS for s in self.subjects):
            raise CaseError("subjects", _("Choose subjects from the list."))


# --- finding ---

def find_case(organisation_id: int, case_id: int) -> SafeguardingCase | None:
    """The organisation's case with this id, or None."""
    return owned(SafeguardingCase, organisation_id, case_id)


def open_case_of(child: Child) -> SafeguardingCase | None:
    """The child's case not yet closed, if she has one."""
    return db.session.execute(db.select(SafeguardingCase).where(
        SafeguardingCase.child_id == child.id, SafeguardingCase.status.in_(OPEN_STATES))
        .order_by(SafeguardingCase.id.desc()).limit(1)).scalar_one_or_none()


def case_list(organisation_id: int, closed: bool = False) -> list[SafeguardingCase]:
    """The cases not closed, urgent and soonest due first (or the closed ones, latest first)."""
    states = [CaseStatus.CLOSED] if closed else list(OPEN_STATES)
    rows = list(db.session.execute(db.select(SafeguardingCase).where(
        SafeguardingCase.organisation_id == organisation_id, SafeguardingCase.status.in_(states))).scalars())
    if closed:
        return sorted(rows, key=lambda c: as_utc(c.closed_at or c.opened_at), reverse=True)
    return sorted(rows, key=lambda c: (RANK[c.severity], c.due_on, c.id))


def cases_of_entries(entry_ids: list[int]) -> dict[int, int]:
    """For each diary entry whose concern is on a case, that case's id (the review page links to it)."""
    if not entry_ids:
        return {}
    rows = db.session.execute(db.select(CaseConcern.diary_entry_id, CaseConcern.case_id).where(
        CaseConcern.diary_entry_id.in_(entry_ids))).all()
    return {entry_id: case_id for entry_id, case_id in rows if entry_id is not None}


def case_staff(organisation_id: int) -> list[User]:
    """Who may own a case or one of its actions: the organisation's active coordinators and managers."""
    return list(db.session.execute(db.select(User).where(
        User.organisation_id == organisation_id, User.active,
        User.role.in_([Role.COORDINATOR, Role.MANAGER])).order_by(User.display_name, User.username)).scalars())


def _staff_member(organisation_id: int, user_id: int | None, field_name: str) -> User | None:
    if user_id is None:
        return None
    person = next((u for u in case_staff(organisation_id) if u.id == user_id), None)
    if person is None:
        raise CaseError(field_name, _("Choose a coordinator or manager of the organisation."))
    return person


def report_due(case: SafeguardingCase, now: dt.datetime | None = None) -> bool:
    """The case is urgent, its mandatory report is not recorded, and 24 hours have passed."""
    now = now or utcnow()
    return (case.status != CaseStatus.CLOSED and case.urgent_since is not None and case.reported_at is None
            and now - as_utc(case.urgent_since) >= REPORT_WITHIN)


def overdue(action: CaseAction, today: dt.date) -> bool:
    """An action not done whose due date has passed."""
    return action.done_on is None and action.due_on < today


def local_today(organisation_id: int, now: dt.datetime | None = None) -> dt.date:
    """Today in the organisation's time zone (due dates are its calendar days)."""
    return (now or utcnow()).astimezone(organisation_zone(organisation_id)).date()


# --- concerns ---

def _join(child: Child, severity: Severity, what: str, source: str, by: User | None, *,
          diary_entry: DiaryEntry | None = None, warning: EarlyWarning | None = None) -> CaseConcern:
    """Add a concern to the child's case, opening one when she has none not closed; a more serious concern raises
    the case's severity and brings its due date forward; an urgent one alerts the managers at once. The caller
    commits."""
    today = local_today(child.organisation_id)
    due = today + dt.timedelta(days=DUE_DAYS[severity])
    case = open_case_of(child) or _opened(child, severity, due, source, by)  # a new case already has both
    if RANK[severity] < RANK[case.severity]:
        case.severity, case.due_on = severity, min(case.due_on, due)
    elif due < case.due_on:
        case.due_on = due
    concern = CaseConcern(organisation_id=child.organisation_id, case=case, child_id=child.id, source=source,
                          severity=severity, what=what.strip(), raised_by_id=by.id if by else None,
                          diary_entry_id=diary_entry.id if diary_entry else None,
                          warning_id=warning.id if warning else None)
    db.session.add(concern)
    db.session.flush()
    audit.record("concern_raised", "case_concern", concern.id, user=by, case_id=case.id, source=source,
                 severity=severity.value)
    if severity == Severity.URGENT:
        _became_urgent(case, f"case_urgent:concern:{concern.id}")
    return concern


def _opened(child: Child, severity: Severity, due: dt.date, source: str, by: User | None) -> SafeguardingCase:
    """A new case for the child; when another concern opened hers in the meantime (the database keeps one case
    not closed per child), that case, which this concern then joins."""
    owner = by if by is not None and by.role in (Role.COORDINATOR, Role.MANAGER) else None
    case = SafeguardingCase(organisation_id=child.organisation_id, child_id=child.id, severity=severity,
                            owner_id=owner.id if owner else None, due_on=due, status=CaseStatus.OPEN)
    try:
        with db.session.begin_nested():
            db.session.add(case)
    except IntegrityError:
        found = open_case_of(child)  # opened by the other concern, now committed
        if found is None:
            raise
        return found
    audit.record("case_opened", "safeguarding_case", case.id, user=by, child_id=child.id, source=source)
    return case


def _became_urgent(case: SafeguardingCase, event_key: str) -> None:
    """An urgent concern: the mandatory report's 24 hours start (if not already running) and the managers (and
    the owner) are alerted at once."""
    if case.urgent_since is None:
        case.urgent_since = utcnow()
    people = alerts.managers(case.organisation_id) + ([case.owner] if case.owner is not None else [])
    alerts.alert(people, case, "case_urgent", event_key)


def raise_concern(child: Child, severity: Severity, what: str, by: User) -> CaseConcern:
    """A coordinator or manager enters a concern about one of the organisation's children."""
    if not what.strip():
        raise CaseError("what", _("Say what was seen or heard."))
    concern = _join(child, severity, what, "staff", by)
    db.session.commit()
    return concern


def from_warning(warning: EarlyWarning, by: User) -> CaseConcern:
    """A warning about a child becomes a concern on her case (high: a warning is a pattern, not an emergency);
    the warning is acknowledged, someone is on it. A warning already on a case is not added twice."""
    if warning.child is None:
        raise CaseError("warning", _("This warning is about a volunteer, not a child."))
    done = db.session.execute(db.select(CaseConcern).where(CaseConcern.warning_id == warning.id)).scalar()
    if done is not None:
        return done
    concern = _join(warning.child, Severity.HIGH, str(WARNING_KINDS.get(warning.kind, warning.kind)), "warning",
                    by, warning=warning)
    if warning.state == WarningState.OPEN:
        warning.state, warning.acknowledged_at, warning.handled_by_id = WarningState.ACKNOWLEDGED, utcnow(), by.id
    db.session.commit()
    return concern


def from_diary(entry: DiaryEntry) -> CaseConcern | None:
    """A diary handed in with the concern flag opens or joins the child's case, once per entry (high: a
    volunteer's worry is looked at within days; she raises an urgent one on its own form). The caller commits."""
    if not entry.concern or entry.status != DiaryStatus.SUBMITTED or entry.child is None:
        return None
    done = db.session.execute(db.select(CaseConcern).where(CaseConcern.diary_entry_id == entry.id)).scalar()
    if done is not None:
        return None
    account = db.session.execute(db.select(User).where(User.volunteer_id == entry.volunteer_id)).scalar()
    return _join(entry.child, Severity.HIGH, entry.what_was_done or "", "diary", account, diary_entry=entry)


def children_she_sees(volunteer: Volunteer) -> list[Child]:
    """The children a volunteer may raise a concern about: those she visits in a published roster, and the
    children she is the regular visitor of."""
    visited = db.session.execute(
        db.select(Assignment.child_id).join(Roster, Assignment.roster_id == Roster.id)
        .join(Week, Roster.week_id == Week.id)
        .where(Assignment.volunteer_id == volunteer.id, Assignment.kind == AssignmentKind.VISIT,
               Roster.status == RosterStatus.PUBLISHED)).scalars()
    ids = set(visited) | set(db.session.execute(db.select(Child.id).where(
        Child.primary_volunteer_id == volunteer.id)).scalars())
    return list(db.session.execute(db.select(Child).where(
        Child.id.in_(ids), Child.organisation_id == volunteer.organisation_id, Child.active)
        .order_by(Child.name)).scalars())


def volunteer_concern(user: User, child_id: int, what: str, urgent: bool) -> CaseConcern:
    """A volunteer reports a worry about a child she visits; urgent alerts the managers at once. She sees that
    it was received, never the case."""
    if user.volunteer is None:
        raise CaseError("child", _("Only a volunteer's account raises a concern here."))
    child = next((c for c in children_she_sees(user.volunteer) if c.id == child_id), None)
    if child is None:
        raise CaseError("child", _("Choose one of the children you visit."))
    if not what.strip():
        raise CaseError("what", _("Say what you saw or heard."))
    concern = _join(child, Severity.URGENT if urgent else Severity.HIGH, what, "volunteer", user)
    db.session.commit()
    return concern


def my_concerns(user: User) -> list[CaseConcern]:
    """The concerns she raised, newest first (what she may see of them: that they were received, and when)."""
    return list(db.session.execute(db.select(CaseConcern).where(CaseConcern.raised_by_id == user.id)
                                   .order_by(CaseConcern.raised_at.desc(), CaseConcern.id.desc())).scalars())


# --- working the case ---

def update_case(case: SafeguardingCase, by: User, version: int, change: CaseChange) -> None:
    """Set the case's status, severity, owner and due date, or close it with its outcome; a case made urgent
    alerts the managers and starts the mandatory report's 24 hours."""
    if case.version_id != version:
        raise CaseChangedError
    if case.status == CaseStatus.CLOSED:
        raise CaseError("status", _("This case is closed; a new concern opens a new case."))
    owner = _staff_member(case.organisation_id, change.owner_id, "owner")
    made_urgent = change.severity == Severity.URGENT and case.severity != Severity.URGENT
    case.status, case.severity, case.owner_id, case.due_on = change.status, change.severity, \
        owner.id if owner else None, change.due_on
    if change.status == CaseStatus.CLOSED:
        case.closed_at, case.outcome = utcnow(), change.outcome.strip()
    audit.record("case_closed" if change.status == CaseStatus.CLOSED else "case_updated", "safeguarding_case",
                 case.id, user=by, status=change.status.value, severity=change.severity.value)
    db.session.flush()
    if made_urgent:
        _became_urgent(case, f"case_urgent:case:{case.id}:{case.version_id}")
    commit_or_raise(CaseChangedError())


def _open_for_work(case: SafeguardingCase) -> None:
    if case.status == CaseStatus.CLOSED:
        raise CaseError("status", _("This case is closed; a new concern opens a new case."))


def add_action(case: SafeguardingCase, by: User, what: str, owner_id: int, due_on: dt.date) -> CaseAction:
    """Something to do on the case, by whom and by when."""
    _open_for_work(case)
    if not what.strip():
        raise CaseError("what", _("Say what is to be done."))
    owner = _staff_member(case.organisation_id, owner_id, "owner")
    action = CaseAction(case=case, what=what.strip(), owner_id=owner.id if owner else by.id, due_on=due_on,
                        created_by_id=by.id)
    db.session.add(action)
    db.session.flush()
    audit.record("case_action_added", "case_action", action.id, user=by, case_id=case.id)
    db.session.commit()
    return action


def find_action(case: SafeguardingCase, action_id: int) -> CaseAction | None:
    """One of the case's actions, or None."""
    action = db.session.get(CaseAction, action_id)
    return action if action is not None and action.case_id == case.id else None


def complete_action(action: CaseAction, by: User, done_on: dt.date, note: str) -> None:
    """The action was done on a day (not in the future), with a note of how."""
    _open_for_work(action.case)
    if done_on > local_today(action.case.organisation_id):
        raise CaseError("done_on", _("The day it was done cannot be in the future."))
    action.done_on, action.note = done_on, note.strip()
    audit.record("case_action_done", "case_action", action.id, user=by, case_id=action.case_id)
    db.session.commit()


def add_referral(case: SafeguardingCase, by: User, values: ReferralValues) -> Referral:
    """The case was referred to someone around the child; an open case becomes "referred"."""
    _open_for_work(case)
    if values.referred_on > local_today(case.organisation_id):
        raise CaseError("referred_on", _("The day of the referral cannot be in the future."))
    referral = Referral(case=case, to_role=values.to_role, contact=values.contact.strip(),
                        referred_on=values.referred_on, shared=values.shared.strip(), basis=values.basis,
                        basis_note=values.basis_note.strip(), recorded_by_id=by.id)
    db.session.add(referral)
    if case.status == CaseStatus.OPEN:
        case.status = CaseStatus.REFERRED
    db.session.flush()
    audit.record("case_referred", "referral", referral.id, user=by, case_id=case.id, to_role=values.to_role,
                 basis=values.basis)
    db.session.commit()
    return referral


def find_referral(case: SafeguardingCase, referral_id: int) -> Referral | None:
    """One of the case's referrals, or None."""
    referral = db.session.get(Referral, referral_id)
    return referral if referral is not None and referral.case_id == case.id else None


def answer_referral(referral: Referral, by: User, answer: str, answered_on: dt.date) -> None:
    """The answer the referral received, and when."""
    if not answer.strip():
        raise CaseError("answer", _("Write the answer received."))
    if answered_on < referral.referred_on:
        raise CaseError("answered_on", _("The answer cannot come before the referral."))
    referral.answer, referral.answered_on = answer.strip(), answered_on
    audit.record("referral_answered", "referral", referral.id, user=by, case_id=referral.case_id)
    db.session.commit()


def record_report(case: SafeguardingCase, by: User, reported_to: str, at: dt.datetime) -> None:
    """The mandatory report (强制报告) was made: to whom (the police, civil affairs...) and when (not in the
    future, not before the case was opened)."""
    _open_for_work(case)
    if not reported_to.strip():
        raise CaseError("reported_to", _("Say to whom the report was made."))
    if at > utcnow() + dt.timedelta(minutes=5):
        raise CaseError("reported_on", _("The report cannot be in the future."))
    if at < as_utc(case.opened_at) - dt.timedelta(days=1):
        raise CaseError("reported_on", _("The report cannot be before the case was opened."))
    case.reported_to, case.reported_at = reported_to.strip(), at
    audit.record("mandatory_report_recorded", "safeguarding_case", case.id, user=by)
    db.session.commit()


def add_plan(case: SafeguardingCase, by: User, values: PlanValues) -> CasePlan:
    """A case plan: for its period the child's roster needs follow it (see contract.instance.plan_needs)."""
    _open_for_work(case)
    if values.regular_visitor_id is not None:
        visitor = owned(Volunteer, case.organisation_id, values.regular_visitor_id)
        if visitor is None or not visitor.active or not visitor.is_visitor:
            raise CaseError("regular_visitor", _("Choose one of the organisation's active home visitors."))
        if values.needs_trained and not visitor.trained:
            raise CaseError("regular_visitor", _("The plan asks for a trained visitor; this visitor is not."))
    plan = CasePlan(case=case, child_id=case.child_id, first_day=values.first_day, last_day=values.last_day,
                    goals=values.goals.strip(), visits_per_week=values.visits_per_week,
                    needs_trained=values.needs_trained, regular_visitor_id=values.regular_visitor_id,
                    subjects=sorted(set(values.subjects)), created_by_id=by.id)
    db.session.add(plan)
    db.session.flush()
    audit.record("case_plan_added", "case_plan", plan.id, user=by, case_id=case.id)
    db.session.commit()
    return plan


def visitors(organisation_id: int) -> list[Volunteer]:
    """The organisation's active home visitors, for a plan's regular visitor."""
    return list(db.session.execute(db.select(Volunteer).where(
        Volunteer.organisation_id == organisation_id, Volunteer.active, Volunteer.is_visitor)
        .order_by(Volunteer.name)).scalars())


def open_case(case: SafeguardingCase, by: User) -> None:
    """Audit the opening of a case (it holds observations of a child) and mark her alerts about it read."""
    audit.record("case_viewed", "safeguarding_case", case.id, user=by, child_id=case.child_id)
    alerts.mark_read(by, case)
    db.session.commit()


# --- escalation (the periodic scan) ---

def escalate(organisation_id: int, now: dt.datetime | None = None) -> int:
    """An action past its due date warns its owner; a day later, still not done, the managers. An urgent case
    without its mandatory report 24 hours on warns the managers and the owner. Each once; returns how many
    warnings were given. One transaction."""
    now = now or utcnow()
    today = local_today(organisation_id, now)
    given = 0
    actions = db.session.execute(
        db.select(CaseAction).join(SafeguardingCase, CaseAction.case_id == SafeguardingCase.id)
        .where(SafeguardingCase.organisation_id == organisation_id, SafeguardingCase.status.in_(OPEN_STATES),
               CaseAction.done_on.is_(None), CaseAction.due_on < today, CaseAction.managers_warned_at.is_(None))
        .order_by(CaseAction.id)).scalars().all()
    for action in actions:
        if action.owner_warned_at is None:
            given += alerts.alert([action.owner], action.case, "case_overdue", f"case_overdue:{action.id}:owner")
            action.owner_warned_at = now
        elif now - as_utc(action.owner_warned_at) >= ESCALATE_AFTER:
            given += alerts.alert(alerts.managers(organisation_id), action.case, "case_overdue",
                                  f"case_overdue:{action.id}:managers")
            action.managers_warned_at = now
    cases = db.session.execute(db.select(SafeguardingCase).where(
        SafeguardingCase.organisation_id == organisation_id, SafeguardingCase.status.in_(OPEN_STATES),
        SafeguardingCase.urgent_since.is_not(None), SafeguardingCase.reported_at.is_(None),
        SafeguardingCase.report_warned_at.is_(None))).scalars().all()
    for case in cases:
        if report_due(case, now):
            people = alerts.managers(organisation_id) + ([case.owner] if case.owner is not None else [])
            given += alerts.alert(people, case, "case_report", f"case_report:{case.id}")
            case.report_warned_at = now
    if given:
        audit.record("case_escalations", "organisation", organisation_id, organisation_id=organisation_id,
                     count=given)
    db.session.commit()
    return given


def escalate_all(now: dt.datetime | None = None) -> int:
    """Escalate in every organisation (cron, with the warnings scan and the message sender)."""
    return sum(escalate(org_id, now) for org_id in db.session.execute(
        db.select(Organisation.id).order_by(Organisation.id)).scalars().all())
