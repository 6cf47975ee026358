"""The outbox: an event's message put in, once per recipient and channel, in her language and after her quiet
hours; the organisation's channels and each person's choices; the delivery log."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol
from zoneinfo import ZoneInfo

from flask import current_app, has_request_context, request
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from scheduler_app import audit
from scheduler_app.extensions import db
from scheduler_app.messages.channels import ChannelSettings, Outgoing, Sent, reaches_one, send
from scheduler_app.messages.sealing import SecretError, from_environment, seal, tail
from scheduler_app.models import (
    ChannelKind,
    ConsentCategory,
    Message,
    MessageChannel,
    MessageState,
    Organisation,
    ParentContact,
    Role,
    User,
    as_utc,
    utcnow,
)
from scheduler_app.privacy.services import consented_categories

DEFAULT_LANGUAGE = "zh_CN"
LOG_PAGE = 200  # the delivery log shows this many of the newest messages


@dataclass(frozen=True)
class Text:
    """A message's words, composed in the recipient's language."""

    subject: str
    body: str

    def __post_init__(self) -> None:
        if not self.subject.strip() or not self.body.strip():
            raise ValueError("a message needs a subject and a text")


class ChannelError(ValueError):
    """A channel's settings cannot be saved; ``field`` names the form field at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def organisation_zone(organisation_id: int) -> ZoneInfo:
    """The organisation's time zone, in which its clock times (reminders, quiet hours) are read."""
    return ZoneInfo(db.session.get_one(Organisation, organisation_id).time_zone)


class Quiet(Protocol):
    """Someone a message reaches with quiet hours of her own: an account, or a child's parents."""

    quiet_from: dt.time | None
    quiet_until: dt.time | None


def after_quiet_hours(user: Quiet, moment: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    """When a message due at ``moment`` may go to her: at once, or when her quiet hours end (they may run past
    midnight, e.g. 21:30–07:00)."""
    start, end = user.quiet_from, user.quiet_until
    if start is None or end is None or start == end:
        return moment
    local = as_utc(moment).astimezone(zone)
    clock = local.time().replace(tzinfo=None)
    quiet = start <= clock < end if start < end else (clock >= start or clock < end)
    if not quiet:
        return moment
    day = local.date() if clock < end else local.date() + dt.timedelta(days=1)
    return dt.datetime.combine(day, end, zone).astimezone(dt.UTC)


def receiving(user: User) -> list[MessageChannel]:
    """The organisation's working channels she chose and can be reached on (an e-mail channel needs her
    address); none means the app's own notices only."""
    chosen = set(user.message_channels or [])
    if not chosen or not user.active:
        return []
    channels = db.session.execute(db.select(MessageChannel).where(
        MessageChannel.organisation_id == user.organisation_id, MessageChannel.active,
        MessageChannel.id.in_(chosen)).order_by(MessageChannel.id)).scalars()
    return [c for c in channels if (c.kind != ChannelKind.EMAIL or user.email) and for_staff(c)]


def for_staff(channel: MessageChannel) -> bool:
    """Whether a person with an account may choose the channel: e-mail or a group; an SMS gateway that takes a
    parent's number ({address}) has no address of hers to go to."""
    return channel.kind == ChannelKind.EMAIL or not reaches_one(ChannelSettings.of(channel))


def put(user: User, event_key: str, kind: str, compose: Callable[[], Text], due_at: dt.datetime | None = None,
        personal: bool = False) -> int:
    """Put an event's message for her in the outbox, one per channel she receives on (only her own e-mail when
    ``personal``: a group's other members must not read it), in the caller's transaction; an event already put
    for her on a channel is left as it is (the key makes it at most once). Returns how many channels it was put
    on."""
    channels = [c for c in receiving(user) if not personal or c.kind == ChannelKind.EMAIL]
    if not channels:
        return 0
    with force_locale(user.locale or DEFAULT_LANGUAGE):
        text = compose()
    due = after_quiet_hours(user, due_at or utcnow(), organisation_zone(user.organisation_id))
    insert = pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    for channel in channels:
        group = channel.kind != ChannelKind.EMAIL
        # A group (a robot in a WeChat Work group) is read by all its members: say whom the message is for.
        body = _named(user, text.body) if group else text.body
        db.session.execute(insert(Message).values(
            organisation_id=user.organisation_id, user_id=user.id, channel_id=channel.id, event_key=event_key,
            kind=kind, address="" if group else user.email, subject=text.subject[:200], body=body,
            state=MessageState.QUEUED.value, attempts=0, due_at=due, last_error="", created_at=utcnow(),
        ).on_conflict_do_nothing(index_elements=["event_key", "user_id", "channel_id"]))
    db.session.info["messages_put"] = True  # after the commit, a job queue (when there is one) is woken
    return len(channels)


def reaches_parents(channel: MessageChannel | None) -> bool:
    """Whether a channel may carry a message to a child's parents: working, and going to one person (e-mail, an
    SMS gateway), never a group whose members would read it."""
    return channel is not None and channel.active and reaches_one(ChannelSettings.of(channel))


def parents_channel(contact: ParentContact) -> MessageChannel | None:
    """The channel the parents' messages go on, when it can carry them and they gave an address on it."""
    return contact.channel if reaches_parents(contact.channel) and contact.address.strip() else None


def still_for_the_parents(message: Message, on: dt.date) -> bool:
    """Whether a message put for the parents may still go: they still agree to messages, at the address it was put
    for, and a consent for calls is in force on the day (the organisation's date): a message waits for quiet hours
    or a retry, and may not go once they withdrew."""
    contact = message.contact
    if contact is None or not contact.messages_agreed or contact.address.strip() != message.address:
        return False
    return ConsentCategory.CALLS.value in consented_categories([contact.child_id], on).get(contact.child_id, set())


def put_for_parents(contact: ParentContact, event_key: str, kind: str, compose: Callable[[], Text],
                    due_at: dt.datetime | None = None) -> bool:
    """Put an event's message for a child's parents (who have no account) in the outbox, on the channel and at the
    address of their contact, in their language and after their quiet hours, in the caller's transaction. Only a
    working channel that goes to one person (e-mail, an SMS gateway) takes it: a group's members must never read
    it. An event already put for them is left as it is (the key). Returns whether it was put now."""
    channel = parents_channel(contact)
    if channel is None:
        return False
    with force_locale(contact.locale or DEFAULT_LANGUAGE):
        text = compose()
    organisation_id = channel.organisation_id
    due = after_quiet_hours(contact, due_at or utcnow(), organisation_zone(organisation_id))
    insert = pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    result = db.session.execute(insert(Message).values(
        organisation_id=organisation_id, user_id=None, contact_id=contact.id, channel_id=channel.id,
        event_key=event_key, kind=kind, address=contact.address.strip(), subject=text.subject[:200], body=text.body,
        state=MessageState.QUEUED.value, attempts=0, due_at=due, last_error="", created_at=utcnow(),
    ).on_conflict_do_nothing(index_elements=["event_key", "contact_id", "channel_id"]).returning(Message.id))
    put_now = result.first() is not None  # no row back when the key was already there
    if put_now:
        db.session.info["messages_put"] = True  # after the commit, a job queue (when there is one) is woken
    return put_now


def _named(user: User, body: str) -> str:
    with force_locale(user.locale or DEFAULT_LANGUAGE):
        return _("To %(name)s:", name=user.display_name or user.username) + "\n" + body


def staff(organisation_id: int, *roles: Role) -> list[User]:
    """The organisation's active accounts holding one of these roles."""
    return list(db.session.execute(db.select(User).where(User.organisation_id == organisation_id, User.active,
                                                         User.role.in_(roles)).order_by(User.id)).scalars())


def account_of(volunteer_id: int) -> User | None:
    """A volunteer's active account, if she has one."""
    return db.session.execute(db.select(User).where(User.volunteer_id == volunteer_id, User.active)
                              ).scalar_one_or_none()


def link(endpoint: str, **values: object) -> str:
    """An address in the app to put in a message: PEIBAN_BASE_URL (or, in a request, the address it came to)
    and the page's path; empty when neither is known (the message then says where to look)."""
    base = current_app.config["PEIBAN_BASE_URL"] or (request.url_root if has_request_context() else "")
    if not base:
        return ""
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return base.rstrip("/") + path


def message_id(message: Message | int) -> str:
    """The message's id everywhere (an e-mail's Message-ID): made from its row, so a resend carries the same."""
    number = message if isinstance(message, int) else message.id
    digest = hashlib.sha256(f"peiban-message-{number}".encode()).hexdigest()[:24]
    return f"<{digest}@peiban.invalid>"


# --- the organisation's channels ---

@dataclass(frozen=True)
class ChannelValues:
    """A channel as an admin fills it in; an empty secret keeps the stored one."""

    kind: ChannelKind
    label: str
    secret: str = ""
    secret_env: str = ""
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_security: str = "starttls"
    smtp_username: str = ""
    sender: str = ""
    active: bool = True


def channels_of(organisation_id: int) -> list[MessageChannel]:
    """The organisation's channels in the order they were added."""
    return list(db.session.execute(db.select(MessageChannel).where(
        MessageChannel.organisation_id == organisation_id).order_by(MessageChannel.id)).scalars())


def find_channel(organisation_id: int, channel_id: int) -> MessageChannel | None:
    """One of the organisation's channels, or None."""
    channel = db.session.get(MessageChannel, channel_id)
    return channel if channel is not None and channel.organisation_id == organisation_id else None


def save_channel(organisation_id: int, values: ChannelValues, channel: MessageChannel | None = None
                 ) -> MessageChannel:
    """Add a channel or change one: the secret is sealed (or taken from the named environment variable, which
    must be set), only its last characters kept in clear; nothing changes when a field is wrong."""
    if values.secret_env:
        try:
            from_environment(values.secret_env)
        except SecretError as exc:
            raise ChannelError("secret_env", str(exc)) from None
    if values.kind == ChannelKind.EMAIL:
        if not values.smtp_host:
            raise ChannelError("smtp_host", _("Give the SMTP server's name."))
        if "@" not in values.sender:
            raise ChannelError("sender", _("Give the address the messages come from."))
    elif not values.secret_env and not values.secret and (channel is None or not channel.secret_sealed):
        raise ChannelError("secret", _("Give the channel's Apprise URL (for a WeCom robot: wecombot://KEY)."))
    if values.kind == ChannelKind.APPRISE and values.secret and "://" not in values.secret:
        raise ChannelError("secret", _("An Apprise URL starts with its kind, e.g. wecombot:// or json://."))
    created = channel is None
    channel = channel or MessageChannel(organisation_id=organisation_id)
    channel.kind, channel.label, channel.active = values.kind, values.label, values.active
    channel.smtp_host, channel.smtp_port, channel.smtp_security = values.smtp_host, values.smtp_port, \
        values.smtp_security
    channel.smtp_username, channel.sender, channel.secret_env = values.smtp_username, values.sender, \
        values.secret_env
    if values.secret:
        channel.secret_sealed, channel.secret_tail = seal(values.secret), tail(values.secret)
    elif values.secret_env:
        channel.secret_sealed, channel.secret_tail = "", ""
    db.session.add(channel)
    db.session.flush()
    audit.record("channel_added" if created else "channel_changed", "message_channel", channel.id,
                 kind=channel.kind.value, secret_changed=bool(values.secret))
    db.session.commit()
    return channel


def remove_channel(organisation_id: int, channel_id: int) -> bool:
    """Remove a channel with its messages; False when there is none."""
    channel = find_channel(organisation_id, channel_id)
    if channel is None:
        return False
    audit.record("channel_removed", "message_channel", channel.id, kind=channel.kind.value)
    db.session.delete(channel)
    db.session.commit()
    return True


def send_test(channel: MessageChannel, user: User) -> Sent:
    """Send a test message on a channel at once (not through the outbox), to the admin's own address for e-mail."""
    if channel.kind == ChannelKind.EMAIL and not user.email:
        return Sent(False, _("Add your own e-mail address under My messages first; the test goes there."))
    with force_locale(user.locale or DEFAULT_LANGUAGE):
        outgoing = Outgoing(_("Peiban: a test message"),
                            _("This test message from Peiban reached you on the channel %(label)s.",
                              label=channel.label), user.email,
                            f"<peiban-test-{secrets.token_hex(8)}@peiban.invalid>")
    result = send(ChannelSettings.of(channel), outgoing)
    audit.record("channel_tested", "message_channel", channel.id, ok=result.ok)
    db.session.commit()
    return result


# --- each person's choices ---

@dataclass(frozen=True)
class Choices:
    """What a person chose: her e-mail address, the channels she receives on, her quiet hours."""

    email: str
    channel_ids: tuple[int, ...]
    quiet_from: dt.time | None
    quiet_until: dt.time | None

    def __post_init__(self) -> None:
        if (self.quiet_from is None) != (self.quiet_until is None):
            raise ValueError("quiet hours need both a start and an end")


def save_choices(user: User, choices: Choices) -> None:
    """Store her choices (channels of other organisations are dropped)."""
    own = {c.id for c in channels_of(user.organisation_id)}
    user.email = choices.email
    user.message_channels = sorted(set(choices.channel_ids) & own)
    user.quiet_from, user.quiet_until = choices.quiet_from, choices.quiet_until
    audit.record("message_choices_saved", "user", user.id, channels=user.message_channels)
    db.session.commit()


# --- the delivery log ---

def delivery_log(organisation_id: int, state: MessageState | None = None) -> list[Message]:
    """The organisation's newest messages (of one state when asked), newest first."""
    stmt = db.select(Message).where(Message.organisation_id == organisation_id)
    if state is not None:
        stmt = stmt.where(Message.state == state)
    return list(db.session.execute(stmt.order_by(Message.created_at.desc(), Message.id.desc()).limit(LOG_PAGE))
                .scalars())


def state_counts(organisation_id: int) -> dict[MessageState, int]:
    """How many of the organisation's messages are in each state."""
    rows = db.session.execute(db.select(Message.state, db.func.count(Message.id)).where(
        Message.organisation_id == organisation_id).group_by(Message.state)).all()
    counts = {s: 0 for s in MessageState}
    counts.update({MessageState(s): n for s, n in rows})
    return counts
