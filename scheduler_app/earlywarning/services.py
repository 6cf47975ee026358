"""The early-warning scan: children slipping through and volunteers struggling, as a list to act on.

The scan finds what holds today and keeps one unresolved warning per (kind, child, volunteer): a new sign
raises a warning, a standing one has its figures refreshed, one whose sign has gone is resolved as cleared.
People acknowledge a warning (someone is on it) and resolve it with a note (what was done).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

from scheduler_app import audit
from scheduler_app.database import commit_or_raise
from scheduler_app.extensions import db
from scheduler_app.history import published_between
from scheduler_app.models import (
    AssignmentKind,
    Child,
    DiaryEntry,
    DiaryStatus,
    EarlyWarning,
    Organisation,
    User,
    Volunteer,
    WarningState,
    as_utc,
    utcnow,
)
from scheduler_app.semesters import NO_TEACHER_VISIT, no_teacher_visit
from scheduler_app.weekly import minutes_between, week_start_of

KINDS = {
    "not_visited": _l("Not visited for too long"),
    "repeated_concern": _l("Volunteers worried more than once"),
    "no_regular_visitor": _l("High-risk child without a regular visitor"),
    "declines": _l("Declines often"),
    "overloaded": _l("Overloaded week after week"),
    NO_TEACHER_VISIT: _l("No class teacher's home visit last semester"),
}
CONCERN_WEEKS = 8        # concerns within this many weeks count together
CONCERN_REPEAT = 2       # this many concern flags about one child is a warning
HIGH_RISK = 4            # risk level from which a child needs a regular visitor
DECLINE_WEEKS = 4        # declines within this many weeks count together
DECLINE_REPEAT = 3       # this many declines is a warning
LOAD_WEEKS = 4           # of the last this many published weeks ...
LOAD_REPEAT = 2          # ... overloaded in at least this many is a warning
MAX_WEEKLY_MINUTES = 8 * 60  # more service than this in a week wears a volunteer out, whatever their limit
RESOLVE_QUIET_DAYS = 28  # a warning someone resolved is not raised again for this long
UNRESOLVED = (WarningState.OPEN, WarningState.ACKNOWLEDGED)

Key = tuple[str, int | None, int | None]


class WarningChangedError(ValueError):
    """Someone else handled the warning since the page was opened."""


def _not_visited(org: Organisation, today: dt.date, last_visit: dict[int, dt.date],
                 children: list[Child]) -> dict[Key, dict[str, Any]]:
    """A child who needs home visits and has had none for more than the organisation's warn_after_days
    (counted from the last visit held, or from when the child was registered if never visited)."""
    found: dict[Key, dict[str, Any]] = {}
    for child in children:
        if not child.visits_per_week:
            continue
        last = last_visit.get(child.id)
        since = last or child.created_at.date()
        days = (today - since).days
        if days > org.warn_after_days:
            found[("not_visited", child.id, None)] = {"days": days, "last": last.isoformat() if last else None}
    return found


def _repeated_concern(organisation_id: int, today: dt.date) -> dict[Key, dict[str, Any]]:
    """At least CONCERN_REPEAT diary entries handed in about one child in the last CONCERN_WEEKS weeks carry
    the volunteer's concern flag."""
    since = today - dt.timedelta(weeks=CONCERN_WEEKS)
    rows = db.session.execute(
        db.select(DiaryEntry.child_id, DiaryEntry.served_on).join(Volunteer, DiaryEntry.volunteer_id == Volunteer.id)
        .where(Volunteer.organisation_id == organisation_id, DiaryEntry.concern, DiaryEntry.child_id.is_not(None),
               DiaryEntry.status.in_([DiaryStatus.SUBMITTED, DiaryStatus.APPROVED]),
               DiaryEntry.served_on >= since)).all()
    by_child: dict[int, list[dt.date]] = defaultdict(list)
    for child_id, day in rows:
        by_child[child_id].append(day)
    return {("repeated_concern", child_id, None): {"count": len(days), "last": max(days).isoformat()}
            for child_id, days in by_child.items() if len(days) >= CONCERN_REPEAT}


def _no_regular_visitor(children: list[Child]) -> dict[Key, dict[str, Any]]:
    """A child at risk level HIGH_RISK or above who needs home visits has no regular (primary) visitor."""
    return {("no_regular_visitor", c.id, None): {"risk": c.risk_level} for c in children
            if c.risk_level >= HIGH_RISK and c.visits_per_week and c.primary_volunteer_id is None}


def _volunteer_signs(organisation_id: int, today: dt.date) -> dict[Key, dict[str, Any]]:
    """A volunteer who declined at least DECLINE_REPEAT assignments in the last DECLINE_WEEKS weeks; a volunteer
    overloaded in at least LOAD_REPEAT of the last LOAD_WEEKS weeks: given more sessions or visits than their
    own weekly limit (hand changes can do that), or more than MAX_WEEKLY_MINUTES of service."""
    monday = week_start_of(today)
    span = max(DECLINE_WEEKS, LOAD_WEEKS)
    first = monday - dt.timedelta(weeks=span - 1)
    delivered = published_between(organisation_id, first, first + dt.timedelta(weeks=span, days=-1))
    declines: Counter[int] = Counter()
    load: dict[tuple[int, dt.date], Counter[str]] = defaultdict(Counter)
    volunteers: dict[int, Volunteer] = {}
    for d in delivered:
        a = d.assignment
        volunteers[a.volunteer_id] = a.volunteer
        if not d.held:
            declines[a.volunteer_id] += 1
            continue
        week = load[(a.volunteer_id, d.week_start)]
        week[a.kind.value] += 1
        week["minutes"] += minutes_between(a.start, a.end)
    found: dict[Key, dict[str, Any]] = {("declines", None, v): {"count": n, "weeks": DECLINE_WEEKS}
                                        for v, n in declines.items() if n >= DECLINE_REPEAT}
    heavy_weeks: Counter[int] = Counter()
    for (volunteer_id, _week), counts in load.items():
        v = volunteers[volunteer_id]
        over = counts[AssignmentKind.TUTORING.value] > v.max_sessions_per_week \
            or counts[AssignmentKind.VISIT.value] > v.max_visits_per_week or counts["minutes"] > MAX_WEEKLY_MINUTES
        heavy_weeks[volunteer_id] += bool(over)
    found |= {("overloaded", None, v): {"weeks": n, "of": LOAD_WEEKS} for v, n in heavy_weeks.items()
              if n >= LOAD_REPEAT}
    return found


def last_visits(organisation_id: int, today: dt.date, children: list[Child]) -> dict[int, dt.date]:
    """Each child's last home visit held up to today: a published visit not declined, or a diary entry."""
    oldest = min((c.created_at.date() for c in children), default=today) - dt.timedelta(days=7)
    last: dict[int, dt.date] = {}
    for d in published_between(organisation_id, oldest, today):
        child_id = d.assignment.child_id
        if d.held and d.assignment.kind == AssignmentKind.VISIT and child_id is not None:  # a visit has a child
            last[child_id] = max(d.day, last.get(child_id, d.day))
    rows = db.session.execute(
        db.select(DiaryEntry.child_id, db.func.max(DiaryEntry.served_on))
        .join(Volunteer, DiaryEntry.volunteer_id == Volunteer.id)
        .where(Volunteer.organisation_id == organisation_id, DiaryEntry.child_id.is_not(None),
               DiaryEntry.served_on <= today).group_by(DiaryEntry.child_id)).all()
    for child_id, day in rows:
        last[child_id] = max(day, last.get(child_id, day))
    return last


def signs(organisation_id: int, today: dt.date) -> dict[Key, dict[str, Any]]:
    """Every warning sign that holds today, keyed by (kind, child id, volunteer id), with its figures."""
    org = db.session.get_one(Organisation, organisation_id)
    children = list(db.session.execute(db.select(Child).where(Child.organisation_id == organisation_id,
                                                              Child.active)).scalars())
    found = _not_visited(org, today, last_visits(organisation_id, today, children), children)
    found |= _repeated_concern(organisation_id, today)
    found |= _no_regular_visitor(children)
    found |= _volunteer_signs(organisation_id, today)
    found |= no_teacher_visit(organisation_id, children, today)
    return found


def scan(organisation_id: int, today: dt.date | None = None) -> int:
    """Bring the warning list up to date with what holds today, in one transaction; returns how many were
    raised. A sign someone resolved within RESOLVE_QUIET_DAYS is not raised again."""
    today = today or dt.date.today()
    found = signs(organisation_id, today)
    warnings = list(db.session.execute(db.select(EarlyWarning).where(
        EarlyWarning.organisation_id == organisation_id)).scalars())
    standing = {_key(w): w for w in warnings if w.state in UNRESOLVED}
    quiet_since = utcnow() - dt.timedelta(days=RESOLVE_QUIET_DAYS)
    quiet = {_key(w) for w in warnings if w.state == WarningState.RESOLVED and w.handled_by_id is not None
             and as_utc(w.resolved_at) >= quiet_since}
    raised = 0
    for key, detail in found.items():
        if key in standing:
            if standing[key].detail != detail:
                standing[key].detail = detail
        elif key not in quiet:
            kind, child_id, volunteer_id = key
            db.session.add(EarlyWarning(organisation_id=organisation_id, kind=kind, child_id=child_id,
                                        volunteer_id=volunteer_id, detail=detail))
            raised += 1
    for key, warning in standing.items():
        if key not in found:
            warning.state, warning.resolved_at = WarningState.RESOLVED, utcnow()
            warning.detail = {**warning.detail, "cleared": True}
    if raised:
        audit.record("warnings_raised", "organisation", organisation_id, count=raised)
    db.session.commit()
    return raised


@dataclass(frozen=True)
class OrganisationScan:
    """One organisation's scan: its name and how many warnings were new."""

    name: str
    new: int


def scan_every_organisation(today: dt.date | None = None) -> list[OrganisationScan]:
    """Scan each organisation's warnings (cron's job)."""
    organisations = db.session.execute(db.select(Organisation.id, Organisation.name).order_by(Organisation.id)).all()
    return [OrganisationScan(name, scan(org_id, today)) for org_id, name in organisations]


def _key(w: EarlyWarning) -> Key:
    return (w.kind, w.child_id, w.volunteer_id)


def open_count(organisation_id: int) -> int:
    """How many warnings nobody has acknowledged yet (the menu badge)."""
    return db.session.execute(db.select(db.func.count(EarlyWarning.id)).where(
        EarlyWarning.organisation_id == organisation_id, EarlyWarning.state == WarningState.OPEN)).scalar_one()


VOLUNTEER_PRIORITY = 2  # a struggling volunteer ranks with a low-risk child: the children come first


def priority(w: EarlyWarning) -> int:
    """How much a warning weighs, 1 to 5: the child's risk level, one more when volunteers worried about her
    more than once (what they saw adds to what was known), VOLUNTEER_PRIORITY for a volunteer's warning."""
    if w.child is None:
        return VOLUNTEER_PRIORITY
    return min(5, w.child.risk_level + (1 if w.kind == "repeated_concern" else 0))


def _urgency(w: EarlyWarning) -> tuple:
    """Open before acknowledged; then the weightiest (risk), then the longest waiting (days without a visit,
    or since it was raised)."""
    state = {WarningState.OPEN: 0, WarningState.ACKNOWLEDGED: 1, WarningState.RESOLVED: 2}[w.state]
    waiting = int(w.detail.get("days", 0)) or (utcnow() - as_utc(w.raised_at)).days
    return (state, -priority(w), -waiting, w.id)


@dataclass(frozen=True)
class WarningBoard:
    """The unresolved warnings as a manager meets them: what to act on today first, the rest by kind."""

    today: list[EarlyWarning]   # open, and about a high-risk child or repeated worries
    rest: list[WarningGroup]    # the others by kind, the largest group last

    @property
    def total(self) -> int:
        """How many unresolved warnings the board holds."""
        return len(self.today) + sum(len(group.warnings) for group in self.rest)


@dataclass(frozen=True)
class WarningGroup:
    """The warnings of one kind that are not on the first screen, most urgent first."""

    kind: str
    warnings: list[EarlyWarning]


def act_today(w: EarlyWarning) -> bool:
    """Whether a warning belongs on the first screen: nobody is on it yet, and it is about a child at high risk
    or one volunteers worried about more than once (whatever her risk level says)."""
    return w.state == WarningState.OPEN and (w.kind == "repeated_concern" or priority(w) >= HIGH_RISK)


def warning_board(organisation_id: int) -> WarningBoard:
    """The unresolved warnings split into today's (most urgent first) and the rest grouped by kind, each group
    most urgent first and the groups smallest first, so a long tail of one kind does not bury the others."""
    ordered = warning_list(organisation_id)
    groups: dict[str, list[EarlyWarning]] = defaultdict(list)
    for w in ordered:
        if not act_today(w):
            groups[w.kind].append(w)
    rest = [WarningGroup(kind, items) for kind, items in
            sorted(groups.items(), key=lambda item: (len(item[1]), list(KINDS).index(item[0])))]
    return WarningBoard(today=[w for w in ordered if act_today(w)], rest=rest)


def warning_list(organisation_id: int, resolved: bool = False, kind: str | None = None) -> list[EarlyWarning]:
    """The unresolved warnings, most urgent first (or the resolved ones, latest first), of one kind if given."""
    states = [WarningState.RESOLVED] if resolved else list(UNRESOLVED)
    stmt = db.select(EarlyWarning).where(EarlyWarning.organisation_id == organisation_id,
                                         EarlyWarning.state.in_(states))
    if kind:
        stmt = stmt.where(EarlyWarning.kind == kind)
    rows = list(db.session.execute(stmt).scalars())
    if resolved:
        return sorted(rows, key=lambda w: as_utc(w.resolved_at), reverse=True)
    return sorted(rows, key=_urgency)


def counts_by_kind(organisation_id: int) -> dict[str, int]:
    """How many unresolved warnings of each kind."""
    rows = db.session.execute(db.select(EarlyWarning.kind, db.func.count(EarlyWarning.id)).where(
        EarlyWarning.organisation_id == organisation_id, EarlyWarning.state.in_(UNRESOLVED))
        .group_by(EarlyWarning.kind)).all()
    return {kind: n for kind, n in rows}


def find_warning(organisation_id: int, warning_id: int) -> EarlyWarning | None:
    """The organisation's warning with this id, or None."""
    warning = db.session.get(EarlyWarning, warning_id)
    return warning if warning is not None and warning.organisation_id == organisation_id else None


def handle(warning: EarlyWarning, user: User, version: int, resolve: bool, note: str) -> None:
    """Acknowledge the warning, or resolve it with a note; refused if someone handled it meanwhile."""
    if warning.version_id != version or warning.state == WarningState.RESOLVED:
        raise WarningChangedError
    warning.handled_by_id = user.id
    if resolve:
        warning.state, warning.resolved_at, warning.note = WarningState.RESOLVED, utcnow(), note.strip()
    else:
        warning.state, warning.acknowledged_at = WarningState.ACKNOWLEDGED, utcnow()
        warning.note = note.strip() or warning.note
    audit.record("warning_resolved" if resolve else "warning_acknowledged", "early_warning", warning.id,
                 kind=warning.kind)
    commit_or_raise(WarningChangedError())
