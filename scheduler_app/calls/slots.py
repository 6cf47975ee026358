"""The week's call times sent to the parents: when the coordinator says so (never on a re-plan by itself), each
family whose parents agreed to messages gets its call times once through the outbox, on their own channel and
address, in their language, naming the children by given name only; sending again sends nothing unless a time
moved, and then an update."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass
from enum import StrEnum

from flask_babel import gettext as _

from scheduler_app import audit
from scheduler_app.extensions import db
from scheduler_app.messages.services import Text, organisation_zone, parents_channel, put_for_parents
from scheduler_app.models import (
    CallPlan,
    Child,
    ConsentCategory,
    FamilyCall,
    Message,
    MessageState,
    ParentContact,
    utcnow,
)
from scheduler_app.names import first_name
from scheduler_app.privacy.services import consented_categories
from scheduler_app.weekly import day_label

KIND_NEW = "call_slots"
KIND_CHANGED = "call_slots_changed"


class Told(StrEnum):
    """What sending did for one family: their first call times, an update, or nothing (they have these times)."""

    NEW = KIND_NEW
    CHANGED = KIND_CHANGED
    SAME = "same"


class Reach(StrEnum):
    """Whether a child's parents can get their call times by message, and if not, why."""

    REACHABLE = "reachable"
    NOT_AGREED = "not_agreed"  # they did not agree to messages, or no consent for calls is in force
    NO_ADDRESS = "no_address"  # agreed, but no working channel that goes to one person, or no address on it


@dataclass(frozen=True)
class SlotsSent:
    """What sending the week's call times did: families told for the first time, families sent an update, families
    who already have these times, and the children whose parents were not sent them (for the coordinator)."""

    first: int
    updated: int
    unchanged: int
    not_agreed: tuple[str, ...]
    no_address: tuple[str, ...]

    def __post_init__(self) -> None:
        if min(self.first, self.updated, self.unchanged) < 0:
            raise ValueError("counts are never negative")


def parents_reach(contacts: list[ParentContact], on: dt.date) -> dict[int, Reach]:
    """For each child of these contacts, whether her parents can be sent their call times on the day."""
    consents = consented_categories([c.child_id for c in contacts], on)
    found: dict[int, Reach] = {}
    for contact in contacts:
        if not contact.messages_agreed or ConsentCategory.CALLS.value not in consents.get(contact.child_id, set()):
            found[contact.child_id] = Reach.NOT_AGREED
        elif parents_channel(contact) is None:
            found[contact.child_id] = Reach.NO_ADDRESS
        else:
            found[contact.child_id] = Reach.REACHABLE
    return found


def contacts_in(plan: CallPlan) -> list[ParentContact]:
    """The parents' contacts of the children in the plan's calls."""
    child_ids = {k for call in plan.calls for k in call.child_ids}
    return list(db.session.execute(db.select(ParentContact).where(ParentContact.child_id.in_(child_ids))
                                   .order_by(ParentContact.id)).scalars())


def send_slots(plan: CallPlan, today: dt.date | None = None) -> SlotsSent:
    """Put each reachable family's call times of the week in the outbox (one message for siblings whose parents
    share an address), in one transaction."""
    contacts = contacts_in(plan)
    # The organisation's date, not the server's: before 08:00 in Beijing a UTC server is still on yesterday.
    reach = parents_reach(contacts, today or utcnow().astimezone(organisation_zone(plan.organisation_id)).date())
    names = {c.id: c.name for c in db.session.execute(
        db.select(Child).where(Child.id.in_([c.child_id for c in contacts]))).scalars()}
    groups: dict[tuple[int, str], list[ParentContact]] = defaultdict(list)
    for contact in contacts:
        if reach[contact.child_id] == Reach.REACHABLE:
            assert contact.channel_id is not None  # noqa: S101 - reachable means a channel (parents_reach)
            groups[(contact.channel_id, contact.address.strip().lower())].append(contact)
    first = updated = unchanged = 0
    for group in groups.values():
        told = _tell(plan, group, names)
        first += told == Told.NEW
        updated += told == Told.CHANGED
        unchanged += told == Told.SAME
    audit.record("call_slots.sent", "call_plan", plan.id, week=plan.week_start.isoformat(), first=first,
                 updated=updated, unchanged=unchanged)  # counts only: who the parents are is sensitive
    db.session.commit()
    by_reason = {r: tuple(sorted(names.get(k, "?") for k, v in reach.items() if v == r)) for r in Reach}
    return SlotsSent(first, updated, unchanged, by_reason[Reach.NOT_AGREED], by_reason[Reach.NO_ADDRESS])


def _tell(plan: CallPlan, group: list[ParentContact], names: dict[int, str]) -> Told:
    """Put one family's call times for its parents (the first contact of the group), unless the times are the ones
    last sent to them at this address and not given up."""
    contact = group[0]
    children = {c.child_id for c in group}
    calls = sorted((c for c in plan.calls if children & set(c.child_ids)), key=lambda c: (c.day_index, c.start))
    slots = [(c.day_index, f"{c.start:%H:%M}", f"{c.end:%H:%M}", sorted(children & set(c.child_ids)))
             for c in calls]
    digest = hashlib.sha256(json.dumps(slots).encode()).hexdigest()[:16]
    prefix = f"call-slots:{plan.week_start.isoformat()}:"
    earlier = db.session.execute(db.select(Message.event_key, Message.state, Message.address).where(
        Message.contact_id == contact.id, Message.event_key.startswith(prefix)).order_by(Message.id)).all()
    # What they were told: a message given up (a wrong number) or sent to an address since changed told nothing.
    told = [key for key, state, address in earlier
            if state != MessageState.FAILED and address == contact.address.strip()]
    if told and told[-1].startswith(f"{prefix}{digest}:"):
        return Told.SAME
    # The count keeps a time moved back to an earlier one a new message: they were last told the other.
    kind = Told.CHANGED if told else Told.NEW

    def compose() -> Text:
        given = ", ".join(first_name(names.get(k, "")) for k in sorted(children))
        lines = [_("The call times you were sent earlier have changed; these are the new ones:")] \
            if kind == Told.CHANGED else []
        lines += [_call_line(plan, call, children, names) for call in calls]
        lines.append(_("If a time does not suit you, please tell the coordinator."))
        subject = _("Changed call times with %(children)s, week of %(date)s", children=given,
                    date=plan.week_start.isoformat()) if kind == Told.CHANGED \
            else _("Call times with %(children)s, week of %(date)s", children=given, date=plan.week_start.isoformat())
        return Text(subject, "\n".join(lines))

    put = put_for_parents(contact, f"{prefix}{digest}:{len(earlier)}", kind.value, compose)
    return kind if put else Told.SAME  # not put: the same press came in twice at once


def _call_line(plan: CallPlan, call: FamilyCall, children: set[int], names: dict[int, str]) -> str:
    """One call as a line of the parents' message (no site: the parents need the time, nothing more leaves)."""
    who = ", ".join(first_name(names.get(k, "")) for k in call.child_ids if k in children)
    day = plan.week_start + dt.timedelta(days=call.day_index)
    return _("%(children)s will call you on %(day)s %(date)s, %(start)s–%(end)s.", children=who,
             day=day_label(call.day_index), date=day.isoformat(), start=f"{call.start:%H:%M}",
             end=f"{call.end:%H:%M}")
