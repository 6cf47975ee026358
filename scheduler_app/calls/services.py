"""The call window's use cases: a site's call room, a child's parents, planning the week, recording a call.

Every change is one transaction: it is checked whole first, and a bad value changes nothing (a ``CallsError``
names the field).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

from scheduler_app import audit
from scheduler_app.calls.slots import Reach, SlotsSent, parents_reach, send_slots
from scheduler_app.contract.calls import CallWorld, build_call_instance
from scheduler_app.contract.instance import ContractError
from scheduler_app.database import owned
from scheduler_app.extensions import db
from scheduler_app.messages.services import DEFAULT_LANGUAGE, channels_of, reaches_parents
from scheduler_app.models import (
    CallPlan,
    CallRoom,
    CallRoomHours,
    ChannelKind,
    Child,
    ConsentCategory,
    FamilyCall,
    MessageChannel,
    ParentCallHours,
    ParentContact,
    Site,
    Volunteer,
    utcnow,
)
from scheduler_app.privacy.services import readable_categories
from scheduler_app.solver_text import Naming, naming
from scheduler_app.weekly import Interval, interval_problems, parse_intervals
from solver.calls.instance import parse_call_instance
from solver.calls.solve import CallSettings, solve_calls
from solver.messages import as_json
from solver.timeutil import DAYS

PLAN_SECONDS = 20.0  # in the request: a county's week takes under a minute on 2 cores (README), a site's far less


class CallsError(ValueError):
    """A change that cannot be made as asked; ``field`` names the form field."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class PlanOutcome:
    """A planned week: how many calls, how many children short, and whether the week is the best possible."""

    calls: int
    short: int
    left_out: int
    proven: bool

    def __post_init__(self) -> None:
        if min(self.calls, self.short, self.left_out) < 0:
            raise ValueError("counts are never negative")


def _intervals(text: str, field: str) -> list[Interval]:
    try:
        intervals = parse_intervals(text)
    except ValueError as exc:
        raise CallsError(field, str(exc)) from None
    problems = interval_problems(intervals)
    if problems:
        raise CallsError(field, problems[0])
    return intervals


def own_site(organisation_id: int, site_id: int) -> Site | None:
    """The organisation's site, or None."""
    return owned(Site, organisation_id, site_id)


def own_child(organisation_id: int, child_id: int) -> Child | None:
    """The organisation's child, or None."""
    return owned(Child, organisation_id, child_id)


def room_of(site: Site) -> CallRoom | None:
    """The site's call room, if it has one."""
    return db.session.execute(db.select(CallRoom).where(CallRoom.site_id == site.id)).scalar_one_or_none()


def save_room(site: Site, lines: int | None, hours: str) -> CallRoom:
    """Set a site's call equipment and room hours (no hours: the site holds no calls)."""
    if lines is None or not 1 <= lines <= 20:
        raise CallsError("lines", _("Lines must be a whole number from 1 to 20."))
    intervals = _intervals(hours, "hours")
    room = room_of(site) or CallRoom(site_id=site.id)
    room.lines = lines
    room.hours = [CallRoomHours(day_index=i.day_index, start=i.start, end=i.end) for i in intervals]
    db.session.add(room)
    audit.record("call_room.saved", "site", site.id, lines=lines, hours=hours)
    db.session.commit()
    return room


def contact_of(child: Child) -> ParentContact | None:
    """The child's parents' record for calls, if any."""
    return db.session.execute(db.select(ParentContact).where(ParentContact.child_id == child.id)).scalar_one_or_none()


def calls_readable(user: Any, child: Child) -> bool:
    """Whether the user may read the child's parents' details: a consent for calls and the permission to read."""
    return ConsentCategory.CALLS.value in readable_categories(user, [child.id]).get(child.id, set())


@dataclass(frozen=True)
class ParentsMessages:
    """Whether the parents get their call times by message, and how: they agreed, the channel (None: none) and
    their address on it, their language, their quiet hours (both ends or neither)."""

    agreed: bool = False
    channel_id: int | None = None
    address: str = ""
    locale: str = DEFAULT_LANGUAGE
    quiet_from: dt.time | None = None
    quiet_until: dt.time | None = None


def parent_channels(organisation_id: int) -> list[MessageChannel]:
    """The organisation's working channels that go to one person: the ones the parents can be sent on."""
    return [c for c in channels_of(organisation_id) if reaches_parents(c)]


def _checked_messages(organisation_id: int, messages: ParentsMessages) -> ParentsMessages:
    """The parents' message settings, or a CallsError naming the field at fault."""
    channel = None
    if messages.channel_id:
        channel = next((c for c in parent_channels(organisation_id) if c.id == messages.channel_id), None)
        if channel is None:
            raise CallsError("channel_id", _("Choose e-mail or an SMS gateway of the organisation."))
    address = messages.address.strip()
    if messages.agreed and (channel is None or not address):
        raise CallsError("address" if channel is not None else "channel_id",
                         _("Parents who agreed to messages need a channel and their address on it."))
    if channel is not None and channel.kind == ChannelKind.EMAIL and address and "@" not in address:
        raise CallsError("address", _("An e-mail address has an @."))
    if (messages.quiet_from is None) != (messages.quiet_until is None):
        raise CallsError("quiet_until", _("Give both times of the quiet hours, or neither."))
    if messages.quiet_from is not None and messages.quiet_from == messages.quiet_until:
        raise CallsError("quiet_until", _("The quiet hours must end at another time than they start."))
    if messages.locale not in ("zh_CN", "en"):
        raise CallsError("locale", _("Choose Chinese or English."))
    return ParentsMessages(messages.agreed, channel.id if channel is not None else None, address, messages.locale,
                           messages.quiet_from, messages.quiet_until)


def save_parents(child: Child, *, family: str, parent_name: str, works_at: str, reach: str,
                 calls_per_week: int | None, hours: str, messages: ParentsMessages | None = None) -> ParentContact:
    """Set a child's parents' record: family (siblings share it), name, work place, reach, call hours, and
    whether and how their call times reach them by message."""
    family = family.strip() or child.code
    if len(family) > 64:
        raise CallsError("family", _("The family must be at most 64 characters."))
    if calls_per_week is None or not 1 <= calls_per_week <= 7:
        raise CallsError("calls_per_week", _("Calls a week must be a whole number from 1 to 7."))
    intervals = _intervals(hours, "hours")
    checked = _checked_messages(child.organisation_id, messages or ParentsMessages())
    contact = contact_of(child) or ParentContact(child_id=child.id)
    contact.family, contact.parent_name, contact.works_at = family, parent_name.strip(), works_at.strip()
    contact.reach, contact.calls_per_week = reach.strip(), calls_per_week
    contact.hours = [ParentCallHours(day_index=i.day_index, start=i.start, end=i.end) for i in intervals]
    contact.messages_agreed, contact.channel_id, contact.address = checked.agreed, checked.channel_id, \
        checked.address
    contact.locale, contact.quiet_from, contact.quiet_until = checked.locale, checked.quiet_from, checked.quiet_until
    db.session.add(contact)
    audit.record("parents.saved", "child", child.id, messages_agreed=checked.agreed)  # the values are sensitive
    db.session.commit()
    return contact


def plan_of(organisation_id: int, week_start: dt.date) -> CallPlan | None:
    """The week's plan, if it was planned."""
    return db.session.execute(db.select(CallPlan).where(CallPlan.organisation_id == organisation_id,
                                                        CallPlan.week_start == week_start)).scalar_one_or_none()


def plannable(organisation_id: int, week_start: dt.date) -> CallWorld:
    """The week's call instance, when the week may be planned (again): a CallsError when a call of its plan is
    already recorded or the records cannot make the week."""
    earlier = plan_of(organisation_id, week_start)
    if earlier is not None and any(c.took_place is not None for c in earlier.calls):
        raise CallsError("week", _("Calls of this week are already recorded; the plan is kept."))
    try:
        return build_call_instance(organisation_id, week_start)
    except ContractError as exc:
        raise CallsError("week", str(exc)) from None


def plan_week(organisation_id: int, week_start: dt.date, time_limit_s: float = PLAN_SECONDS) -> PlanOutcome:
    """Plan the week's calls with the solver, replacing an earlier plan of the week unless a call of it is
    already recorded. The earlier plan goes in the same transaction as the new one is stored: a solve that fails
    or is killed leaves it as it was."""
    world = plannable(organisation_id, week_start)
    earlier = plan_of(organisation_id, week_start)
    result = solve_calls(parse_call_instance(world.document), CallSettings(time_limit_s=time_limit_s))
    if earlier is not None:
        db.session.delete(earlier)
        db.session.flush()
    plan = CallPlan(organisation_id=organisation_id, week_start=week_start, status=result.status, planned_at=utcnow(),
                    unmet=[{"child": world.child_ids[u.child], "missing": u.missing, "text": str(u.reason),
                            "reason": as_json(u.reason)} for u in result.schedule.unmet])
    plan.calls = [FamilyCall(site_id=world.site_ids[c.site], supervisor_id=world.volunteer_ids[c.supervisor],
                             family=c.family, child_ids=[world.child_ids[k] for k in c.children],
                             day_index=DAYS.index(c.day), start=_time(c.start), end=_time(c.end), line=c.line)
                  for c in result.schedule.calls]
    db.session.add(plan)
    # In a solve worker there is no signed-in user: the organisation is named so that its audit log shows it.
    audit.record("calls.planned", "call_plan", None, organisation_id=organisation_id, week=week_start.isoformat(),
                 calls=len(plan.calls))
    db.session.commit()
    return PlanOutcome(calls=len(plan.calls), short=len(plan.unmet), left_out=len(world.left_out),
                       proven=result.status == "OPTIMAL")


def send_week_slots(organisation_id: int, week_start: dt.date) -> SlotsSent:
    """Send the planned week's call times to the parents who agreed to messages (a CallsError when the week is
    not planned)."""
    plan = plan_of(organisation_id, week_start)
    if plan is None or not plan.calls:
        raise CallsError("week", _("This week has no planned calls to send."))
    return send_slots(plan)


def _time(minutes: int) -> dt.time:
    return dt.time(minutes // 60, minutes % 60) if minutes < 24 * 60 else dt.time(23, 59)


def own_call(organisation_id: int, call_id: int) -> FamilyCall | None:
    """The organisation's call, or None."""
    call = db.session.get(FamilyCall, call_id)
    return call if call is not None and call.plan.organisation_id == organisation_id else None


def record_call(call: FamilyCall, *, took_place: bool, minutes: int | None, notes: str, conflict: bool) -> None:
    """Record how a call went: it took place (and how many minutes), notes, a conflict flagged for the social
    worker."""
    if took_place and (minutes is None or not 1 <= minutes <= 240):
        raise CallsError("minutes", _("Minutes must be a whole number from 1 to 240 for a call that took place."))
    call.took_place, call.minutes = took_place, minutes if took_place else None
    call.notes, call.conflict = notes.strip(), conflict
    audit.record("call.recorded", "family_call", call.id, took_place=took_place, conflict=conflict)
    db.session.commit()


@dataclass(frozen=True)
class WeekCalls:
    """What the week page shows: the plan (or None), its calls by site and day, the children's names, each
    call's parents' reach where the reader may see it (siblings' parents once), the children of each call by
    name, every active site with its call room (or None), and each call's children whose parents cannot be sent
    the call times by message, with why (where the reader may see it)."""

    plan: CallPlan | None
    by_site: dict[Site, dict[int, list[FamilyCall]]]
    names: dict[int, str]
    reach: dict[int, list[str]]
    who: dict[int, str]
    rooms: list[tuple[Site, CallRoom | None]]
    unreached: dict[int, list[tuple[str, Reach]]]


def week_calls(user: Any, organisation_id: int, week_start: dt.date) -> WeekCalls:
    """The week's calls for the page."""
    plan = plan_of(organisation_id, week_start)
    by_site: dict[Site, dict[int, list[FamilyCall]]] = defaultdict(lambda: defaultdict(list))
    child_ids: set[int] = set()
    for call in plan.calls if plan is not None else []:
        by_site[call.site][call.day_index].append(call)
        child_ids.update(call.child_ids)
    child_ids.update(u["child"] for u in (plan.unmet if plan is not None else []))
    children = list(db.session.execute(db.select(Child).where(Child.id.in_(child_ids))).scalars())
    readable = readable_categories(user, [c.id for c in children])
    contacts = [c for c in db.session.execute(db.select(ParentContact).where(ParentContact.child_id.in_(child_ids)))
                .scalars() if ConsentCategory.CALLS.value in readable.get(c.child_id, set())]
    reach_of = {c.child_id: c.reach for c in contacts if c.reach}
    by_message = parents_reach(contacts, dt.date.today())
    calls = plan.calls if plan is not None else []
    reach = {call.id: sorted({reach_of[k] for k in call.child_ids if k in reach_of}) for call in calls}
    sites = db.session.execute(db.select(Site).where(Site.organisation_id == organisation_id, Site.active)
                               .order_by(Site.code)).scalars()
    by_site_id = {r.site_id: r for r in db.session.execute(
        db.select(CallRoom).join(CallRoom.site).where(Site.organisation_id == organisation_id)).scalars()}
    rooms = [(site, by_site_id.get(site.id)) for site in sites]
    names = {c.id: c.name for c in children}
    who = {call.id: children_named(call, names) for call in (plan.calls if plan is not None else [])}
    unreached = {call.id: [(names.get(k, "?"), by_message[k]) for k in call.child_ids
                           if by_message.get(k, Reach.REACHABLE) != Reach.REACHABLE] for call in calls}
    return WeekCalls(plan, {s: dict(d) for s, d in sorted(by_site.items(), key=lambda x: x[0].code)},
                     names, reach, who, rooms, unreached)


def naming_for(organisation_id: int) -> Naming:
    """Names for the codes the solver's reasons hold (sites, children, volunteers of the organisation)."""
    found: dict[str, list[dict[str, str]]] = {}
    for key, model in (("sites", Site), ("children", Child), ("volunteers", Volunteer)):
        rows = db.session.execute(db.select(model.code, model.name).where(model.organisation_id == organisation_id))
        found[key] = [{"id": code, "name": name} for code, name in rows]
    return naming(found)


def children_named(call: FamilyCall, names: dict[int, str]) -> str:
    """The call's children by name, in the order of the call."""
    return ", ".join(names.get(cid, "?") for cid in call.child_ids)

