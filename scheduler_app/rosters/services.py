"""Weeks and their roster versions: store a solver's roster, find the current one, publish a draft."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from scheduler_app import audit
from scheduler_app.contract.roster import assignments
from scheduler_app.database import commit_or_raise
from scheduler_app.extensions import db
from scheduler_app.messages import events as message_events
from scheduler_app.models import (
    Assignment,
    AssignmentKind,
    AssignmentStatus,
    Child,
    Notification,
    Roster,
    RosterStatus,
    Site,
    Volunteer,
    Week,
    WeekRule,
    utcnow,
)
from scheduler_app.weekly import day_label


class RosterError(ValueError):
    """A roster action cannot be done; the message says why in the user's language."""


def week_of(organisation_id: int, week_start: dt.date) -> Week | None:
    """The organisation's week starting that Monday, or None when nobody has planned it yet."""
    return db.session.execute(db.select(Week).where(Week.organisation_id == organisation_id,
                                                    Week.start_date == week_start)).scalar_one_or_none()


def week_made(organisation_id: int, week_start: dt.date) -> Week:
    """The organisation's week starting that Monday, made (in the caller's transaction) when it is missing."""
    week = week_of(organisation_id, week_start)
    if week is None:
        week = Week(organisation_id=organisation_id, start_date=week_start)
        db.session.add(week)
        db.session.flush()
    return week


def rosters_of(week: Week | None) -> list[Roster]:
    """The week's roster versions, newest first."""
    if week is None:
        return []
    return list(db.session.execute(db.select(Roster).where(Roster.week_id == week.id)
                                   .order_by(Roster.id.desc())).scalars())


def current_roster(week: Week | None) -> Roster | None:
    """What the week runs on: the published roster, else the newest draft."""
    return current_of(rosters_of(week))


def current_of(versions: list[Roster]) -> Roster | None:
    """Of a week's roster versions (newest first), the published one, else the newest draft."""
    published = [r for r in versions if r.status == RosterStatus.PUBLISHED]
    drafts = [r for r in versions if r.status == RosterStatus.DRAFT]
    chosen = published or drafts
    return chosen[0] if chosen else None


def find_roster(organisation_id: int, roster_id: int) -> Roster | None:
    """One of the organisation's rosters with its assignments, or None."""
    roster = db.session.execute(db.select(Roster).join(Week).where(Roster.id == roster_id,
                                                                   Week.organisation_id == organisation_id)
                                .options(selectinload(Roster.assignments))).scalar_one_or_none()
    return roster


def store_roster(week: Week, instance: dict[str, Any], roster: dict[str, Any], user_id: int | None,
                 into: Roster | None = None, carry_from: Roster | None = None,
                 reasons: dict[str, Any] | None = None) -> Roster:
    """Add a solver's roster/1 to the week as a new draft (or write it into the draft ``into``), in the
    caller's transaction; codes are resolved to the organisation's records (the instance was built from them).
    An assignment also in ``carry_from`` at the same time keeps the volunteer's answer (confirmed).
    ``reasons`` are the unmet reasons as messages (``Unmet.reasons_json``), kept for the page to translate."""
    org = week.organisation_id
    ids: dict[type[Volunteer | Site | Child], dict[str, int]] = {
        model: {code: id_ for code, id_ in db.session.execute(db.select(model.code, model.id)
                                                              .where(model.organisation_id == org))}
        for model in (Volunteer, Site, Child)}
    # Read the answers first: loading them flushes, and the new draft must not be half-built then.
    answers = {_timed_key(a): a.status for a in (carry_from.assignments if carry_from is not None else [])
               if a.status == AssignmentStatus.CONFIRMED}
    draft = into if into is not None else Roster(week=week, status=RosterStatus.DRAFT, created_by_id=user_id)
    draft.solver_status = str(roster.get("stats", {}).get("status", ""))
    draft.stats, draft.unmet, draft.instance = roster.get("stats", {}), roster.get("unmet", {}), instance
    draft.unmet_reasons = reasons
    draft.assignments.extend(assignments(roster, ids[Volunteer], ids[Site], ids[Child]))
    for a in draft.assignments:
        a.status = answers.get(_timed_key(a), AssignmentStatus.PLANNED)
    db.session.add(draft)
    db.session.flush()
    if into is None:
        audit.record("roster_generated", "roster", draft.id, user=None, organisation_id=org,
                     shortfall=draft.stats.get("shortfall"))
    return draft


def _timed_key(a: Assignment) -> tuple:
    return (a.kind, a.volunteer_id, a.site_id, a.child_id, a.day_index, a.start)


def publish(organisation_id: int, roster_id: int, version: int) -> tuple[Roster, int]:
    """Publish a draft: it becomes what volunteers see, and the week's earlier published roster is
    superseded. Volunteers are notified in the app: all of the roster's on a first publication, only those
    whose week changed on a later one. Returns the roster and how many volunteers were notified. A roster
    changed since the page showed it (``version``) is not published."""
    roster = find_roster(organisation_id, roster_id)
    if roster is None:
        raise LookupError(roster_id)
    if roster.version_id != version:
        raise RosterError(_("This roster changed since you opened the page; look at it again before publishing."))
    if roster.status != RosterStatus.DRAFT:
        raise RosterError(_("Only a draft can be published."))
    # Two coordinators publishing two drafts of one week at once: the week's row is locked, so the
    # second waits and then supersedes the first instead of leaving two published rosters.
    db.session.execute(db.select(Week.id).where(Week.id == roster.week_id).with_for_update())
    db.session.refresh(roster)
    if roster.status != RosterStatus.DRAFT:
        raise RosterError(_("Only a draft can be published."))
    previous = None
    for other in rosters_of(roster.week):
        if other.id != roster.id and other.status == RosterStatus.PUBLISHED:
            other.status, previous = RosterStatus.SUPERSEDED, other
    roster.status = RosterStatus.PUBLISHED
    roster.published_at = utcnow()
    notified = _notify(roster, previous)
    audit.record("roster_published", "roster", roster.id, notified=notified)
    commit_or_raise(RosterError(_("This roster changed since you opened the page; look at it again before "
                                  "publishing.")))
    return roster, notified


def _notify(roster: Roster, previous: Roster | None) -> int:
    """Tell the volunteers of a newly published roster, or only those whose week changed: in the app, and on the
    channels each chose (each with her own activities)."""
    if previous is None:
        kind, volunteer_ids = "week_published", {a.volunteer_id for a in roster.assignments}
    else:
        changes = roster_diff(previous, roster)
        kind = "week_changed"
        volunteer_ids = {a.volunteer_id for a in changes.removed + changes.added} | \
            {new.volunteer_id for _old, new in changes.retimed}
    for volunteer_id in sorted(volunteer_ids):
        db.session.add(Notification(organisation_id=roster.week.organisation_id, volunteer_id=volunteer_id,
                                    kind=kind, week_start=roster.week.start_date))
    message_events.week_published(roster, sorted(volunteer_ids), kind)
    return len(volunteer_ids)


@dataclass(frozen=True)
class RosterDiff:
    """What changed from one roster to another: assignments gone, new, and kept at another time."""

    removed: list[Assignment]
    added: list[Assignment]
    retimed: list[tuple[Assignment, Assignment]]

    @property
    def volunteers(self) -> list[str]:
        """Names of the volunteers whose week changed, sorted: the ones to tell."""
        changed = self.removed + self.added + [new for _old, new in self.retimed]
        return sorted({a.volunteer.name for a in changed})


def _key(a: Assignment) -> tuple:
    return (a.kind, a.volunteer_id, a.site_id, a.child_id, a.day_index)


def roster_diff(old: Roster, new: Roster) -> RosterDiff:
    """Compare two rosters of a week assignment by assignment (volunteer, site or child, day)."""
    before = {_key(a): a for a in old.assignments}
    after = {_key(a): a for a in new.assignments}
    order = lambda a: (a.day_index, a.start, a.volunteer.code)  # noqa: E731
    return RosterDiff(
        removed=sorted((a for k, a in before.items() if k not in after), key=order),
        added=sorted((a for k, a in after.items() if k not in before), key=order),
        retimed=sorted(((before[k], a) for k, a in after.items() if k in before
                        and (before[k].start, before[k].end) != (a.start, a.end)), key=lambda p: order(p[1])))


def week_rules(week: Week | None) -> list[WeekRule]:
    """The week's pins and forbidden pairs, pins first."""
    if week is None:
        return []
    return sorted(week.rules, key=lambda r: (r.rule != "pinned", r.day_index, r.id))


def add_rule(organisation_id: int, week_start: dt.date, rule: str, volunteer_id: int, day_index: int,
             site_id: int | None = None, child_id: int | None = None) -> WeekRule:
    """Pin (must happen) or forbid (must not happen) a volunteer at a site or with a child on a day of the
    week. Everything named must belong to the organisation; the same pair cannot be both pinned and
    forbidden, nor recorded twice."""
    if rule not in ("pinned", "forbidden") or not 0 <= day_index <= 6 or (site_id is None) == (child_id is None):
        raise RosterError(_("A rule needs a volunteer, a day, and either a site or a child."))
    volunteer = db.session.get(Volunteer, volunteer_id)
    target = db.session.get(Site, site_id) if site_id is not None else db.session.get(Child, child_id)
    if any(x is None or x.organisation_id != organisation_id for x in (volunteer, target)):
        raise LookupError((volunteer_id, site_id, child_id))
    week = week_made(organisation_id, week_start)
    for other in week.rules:
        if (other.volunteer_id, other.site_id, other.child_id, other.day_index) == \
                (volunteer_id, site_id, child_id, day_index):
            if other.rule == rule:
                raise RosterError(_("This rule is already recorded."))
            raise RosterError(_("This pair is already %(rule)s; remove that rule first.",
                                rule=_("pinned") if other.rule == "pinned" else _("forbidden")))
    made = WeekRule(week=week, rule=rule, volunteer_id=volunteer_id, site_id=site_id, child_id=child_id,
                    day_index=day_index, kind=AssignmentKind.TUTORING if site_id is not None else AssignmentKind.VISIT)
    db.session.add(made)
    db.session.flush()
    audit.record(f"rule_{rule}", "week", week.id, rule=made.id)
    db.session.commit()
    return made


def remove_rule(organisation_id: int, rule_id: int) -> bool:
    """Remove one of the organisation's week rules; False if there is none."""
    rule = db.session.get(WeekRule, rule_id)
    if rule is None or rule.week.organisation_id != organisation_id:
        return False
    audit.record("rule_removed", "week", rule.week_id, rule=rule.id, kind=rule.rule)
    db.session.delete(rule)
    db.session.commit()
    return True


def roster_rows(roster: Roster) -> tuple[list[str], list[list[Any]]]:
    """A roster as spreadsheet rows in the user's language: one assignment a row, in time order."""
    header = [_("Date"), _("Day"), _("Start"), _("End"), _("Volunteer code"), _("Volunteer"), _("Activity"),
              _("Site or child"), _("Village")]
    rows = []
    for a in sorted(roster.assignments, key=lambda a: (a.day_index, a.start, a.volunteer.code)):
        place = a.place
        village = place.village.name if place.village is not None else ""
        rows.append([a.date.isoformat(), day_label(a.day_index),
                     f"{a.start:%H:%M}", f"{a.end:%H:%M}", a.volunteer.code, a.volunteer.name,
                     _("tutoring") if a.kind == AssignmentKind.TUTORING else _("home visit"), place.name, village])
    return header, rows


def declined(roster: Roster | None) -> list[Assignment]:
    """The roster's assignments its volunteers declined, in time order."""
    if roster is None:
        return []
    return sorted((a for a in roster.assignments if a.status == AssignmentStatus.DECLINED),
                  key=lambda a: (a.day_index, a.start))
