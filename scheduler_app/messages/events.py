"""The events that send messages, each with its words in the recipient's language: a week published or changed,
the evening-before reminder, a diary still missing a day after, a diary that flags a concern, the daily warnings
digest. A child is named by her given name and village only, never more (the messages leave the app)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from scheduler_app.earlywarning.services import KINDS as WARNING_KINDS
from scheduler_app.earlywarning.services import counts_by_kind, scan
from scheduler_app.extensions import db
from scheduler_app.messages.services import Text, account_of, link, organisation_zone, put, staff
from scheduler_app.models import (
    Assignment,
    AssignmentKind,
    AssignmentStatus,
    Child,
    DiaryEntry,
    DiaryStatus,
    Organisation,
    Role,
    Roster,
    RosterStatus,
    Week,
    utcnow,
)
from scheduler_app.names import first_name
from scheduler_app.weekly import day_label, week_start_of

KINDS = {
    "week_published": _l("Week published"),
    "week_changed": _l("Week changed"),
    "reminder": _l("Reminder the evening before"),
    "diary_missing": _l("Diary still to write"),
    "decline": _l("Declined"),
    "concern": _l("Diary with a concern"),
    "digest": _l("Daily warnings digest"),
    # A safeguarding case's alerts (scheduler_app.cases.alerts puts them, to managers and owners only).
    "case_urgent": _l("Urgent concern"),
    "case_overdue": _l("Case action past its due date"),
    "case_report": _l("Mandatory report not recorded within 24 hours"),
    "cancelled": _l("Activities cancelled"),
    # The week's family call times, to a child's parents (scheduler_app.calls.slots puts them).
    "call_slots": _l("Call times for the parents"),
    "call_slots_changed": _l("Changed call times for the parents"),
}
MISSING_AFTER = dt.timedelta(hours=24)  # an activity's diary is asked for once, this long after it ended
MISSING_LOOKBACK_DAYS = 7  # older activities are not asked about (e.g. when messages are first set up)


def child_label(child: Child) -> str:
    """A child as a message may name her: her given name and her village."""
    village = child.village.name if child.village is not None else ""
    return _("%(name)s (%(village)s)", name=first_name(child.name), village=village) if village \
        else first_name(child.name)


def what(assignment: Assignment) -> str:
    """An activity in a few words: tutoring at a site, or a home visit to a child (given name, village)."""
    if assignment.kind == AssignmentKind.TUTORING:
        return _("tutoring at %(site)s", site=assignment.tutoring_site.name)
    return _("home visit to %(child)s", child=child_label(assignment.visited_child))


def activity_line(assignment: Assignment) -> str:
    """One activity as a line of a message: day, date, times and what it is."""
    return (f"{day_label(assignment.day_index)} {assignment.date:%m-%d} "
            f"{assignment.start:%H:%M}–{assignment.end:%H:%M} {what(assignment)}")


def _with_link(lines: list[str], label: str, url: str) -> str:
    return "\n".join([*lines, *([f"{label} {url}"] if url else [])])


def week_published(roster: Roster, volunteer_ids: Iterable[int], kind: str) -> int:
    """Each volunteer of a published (or re-published) week gets her own activities in it; returns how many
    messages were put in the outbox."""
    put_count = 0
    monday = roster.week.start_date
    for volunteer_id in volunteer_ids:
        user = account_of(volunteer_id)
        if user is None:
            continue
        mine = sorted((a for a in roster.assignments if a.volunteer_id == volunteer_id
                       and a.status != AssignmentStatus.DECLINED), key=lambda a: (a.day_index, a.start))

        def compose(mine: list[Assignment] = mine) -> Text:
            subject = (_("Your week from %(date)s is published", date=f"{monday:%m-%d}") if kind == "week_published"
                       else _("Your week from %(date)s has changed", date=f"{monday:%m-%d}"))
            lines = [activity_line(a) for a in mine] or [_("You have no activities this week.")]
            return Text(subject, _with_link(lines, _("Confirm or decline in Peiban:"), link("main.home")))

        put_count += put(user, f"{kind}:{roster.id}:{volunteer_id}", kind, compose)
    return put_count


def activities_cancelled(assignments: Iterable[Assignment], reason: str | None) -> int:
    """A closure or a child's absence entered for a published week: each volunteer is told which of her
    activities it cancels, and why (a site's reason as written; for a child only that she is not at home: why
    she is away is her family's business); returns how many messages were put in the outbox."""
    mine: dict[int, list[Assignment]] = {}
    for a in assignments:
        mine.setdefault(a.volunteer_id, []).append(a)
    put_count = 0
    for volunteer_id, hers in mine.items():
        user = account_of(volunteer_id)
        if user is None:
            continue

        def compose(hers: list[Assignment] = hers) -> Text:
            return Text(_("Cancelled: %(reason)s", reason=reason or _("the child is not at home")),
                        _with_link([*(activity_line(a) for a in hers),
                                    _("The coordinator may give you something else; you will be told.")],
                                   _("Your week in Peiban:"), link("main.home")))

        key = f"cancelled:{volunteer_id}:" + "-".join(str(a.id) for a in sorted(hers, key=lambda a: a.id))
        put_count += put(user, key[:120], "cancelled", compose)
    return put_count


def diary_concern(entry: DiaryEntry) -> int:
    """A diary handed in with a concern flag: the organisation's managers are told the same day, each on her own
    e-mail only (a worry about a named child is not for a group's other members)."""
    if not entry.concern or entry.status != DiaryStatus.SUBMITTED or entry.child is None:
        return 0
    volunteer, child = entry.volunteer, entry.child

    def compose() -> Text:
        return Text(_("A diary flags a concern: %(child)s", child=child_label(child)),
                    _with_link([_("%(volunteer)s wrote it after the visit on %(date)s.", volunteer=volunteer.name,
                                  date=f"{entry.served_on:%m-%d}")],
                               _("Review it:"), link("diaries.index", concern="y")))

    return sum(put(manager, f"concern:{entry.id}", "concern", compose, personal=True)
               for manager in staff(volunteer.organisation_id, Role.MANAGER))


def _published_on(organisation_id: int, days: list[dt.date]) -> list[Assignment]:
    """The activities of published rosters on these days, not declined."""
    weeks = {week_start_of(d) for d in days}
    rows = db.session.execute(
        db.select(Assignment).join(Roster, Assignment.roster_id == Roster.id).join(Week, Roster.week_id == Week.id)
        .where(Week.organisation_id == organisation_id, Week.start_date.in_(weeks),
               Roster.status == RosterStatus.PUBLISHED, Assignment.status != AssignmentStatus.DECLINED)
        .order_by(Assignment.day_index, Assignment.start, Assignment.id)).scalars()
    return [a for a in rows if a.date in days]


def reminders(org: Organisation, now: dt.datetime) -> int:
    """From the organisation's reminder time on, each activity of tomorrow: its volunteer is reminded, once."""
    local = now.astimezone(organisation_zone(org.id))
    if local.time().replace(tzinfo=None) < org.reminder_at:
        return 0
    tomorrow = local.date() + dt.timedelta(days=1)
    count = 0
    for assignment in _published_on(org.id, [tomorrow]):
        user = account_of(assignment.volunteer_id)
        if user is None:
            continue

        def compose(a: Assignment = assignment) -> Text:
            return Text(_("Tomorrow: %(what)s at %(time)s", what=what(a), time=f"{a.start:%H:%M}"),
                        _with_link([activity_line(a)], _("Cannot come? Say so in Peiban:"), link("main.home")))

        count += put(user, f"reminder:{assignment.id}", "reminder", compose, due_at=now)
    return count


def missing_diaries(org: Organisation, now: dt.datetime) -> int:
    """An activity ended a day ago or more without a handed-in diary: its volunteer is asked for it, once."""
    zone = organisation_zone(org.id)
    today = now.astimezone(zone).date()
    days = [today - dt.timedelta(days=n) for n in range(1, MISSING_LOOKBACK_DAYS + 1)]
    ended = [a for a in _published_on(org.id, days)
             if dt.datetime.combine(a.date, a.end, zone) + MISSING_AFTER <= now]
    done = set(db.session.execute(db.select(DiaryEntry.assignment_id).where(
        DiaryEntry.assignment_id.in_([a.id for a in ended]), DiaryEntry.status != DiaryStatus.DRAFT)).scalars())
    count = 0
    for assignment in ended:
        if assignment.id in done:
            continue
        user = account_of(assignment.volunteer_id)
        if user is None:
            continue

        def compose(a: Assignment = assignment) -> Text:
            return Text(_("Your diary for %(what)s on %(date)s is still to write", what=what(a),
                          date=f"{a.date:%m-%d}"),
                        _with_link([activity_line(a)], _("Write it in Peiban:"), link("main.home")))

        count += put(user, f"diary_missing:{assignment.id}", "diary_missing", compose, due_at=now)
    return count


def digest(org: Organisation, now: dt.datetime) -> int:
    """From the organisation's digest time on, once a day: its managers and coordinators get the open warnings
    counted by kind (none sent on a day without warnings)."""
    local = now.astimezone(organisation_zone(org.id))
    if local.time().replace(tzinfo=None) < org.digest_at:
        return 0
    scan(org.id, local.date())
    counts = counts_by_kind(org.id)
    if not sum(counts.values()):
        return 0

    def compose() -> Text:
        lines = [_("%(kind)s: %(count)d", kind=WARNING_KINDS[kind], count=n) for kind, n in counts.items()
                 if kind in WARNING_KINDS and n]
        return Text(_("Peiban: %(count)d warnings to look at", count=sum(counts.values())),
                    _with_link(lines, _("Open the warnings:"), link("earlywarning.index")))

    return sum(put(person, f"digest:{org.id}:{local.date().isoformat()}", "digest", compose, due_at=now)
               for person in staff(org.id, Role.MANAGER, Role.COORDINATOR))


def plan_due(now: dt.datetime | None = None) -> int:
    """Put every time-bound message now due in the outbox (reminders, missing diaries, digests), for every
    organisation, one transaction per organisation; what was put before is not put again."""
    now = now or utcnow()
    count = 0
    for org in db.session.execute(db.select(Organisation).order_by(Organisation.id)).scalars().all():
        count += reminders(org, now) + missing_diaries(org, now) + digest(org, now)
        db.session.commit()
    return count
