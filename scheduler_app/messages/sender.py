"""The sender: takes due messages from the outbox in small claimed batches and sends each once.

A batch is claimed in one short transaction (``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL, so two senders
never wait for each other's rows; on SQLite the writer's lock does the same) by writing a claim and its end into
the rows, with a conditional UPDATE that takes only rows still unclaimed: two senders never take one message.
Each message is then sent outside any transaction (a slow SMTP server holds no database lock) and marked sent,
or put back with its reason and a growing delay, in its own short transaction. A sender killed mid-batch has
marked what it sent; the rest of its claim runs out and another run takes those messages. The one message being
sent at the kill may go twice when the channel took it but the mark was not written: e-mails then carry the same
Message-ID, so a mail system can drop the copy.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import or_, update

from scheduler_app.extensions import db
from scheduler_app.messages.channels import ChannelSettings, Outgoing, send
from scheduler_app.messages.services import (
    Quiet,
    after_quiet_hours,
    message_id,
    organisation_zone,
    still_for_the_parents,
)
from scheduler_app.models import Message, MessageChannel, MessageState, ParentContact, User, utcnow


@dataclass(frozen=True)
class Round:
    """What one run of the sender did: messages sent, put back to try again later, and given up."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0

    def __post_init__(self) -> None:
        if min(self.sent, self.retrying, self.failed) < 0:
            raise ValueError("counts are never negative")

    def __add__(self, other: Round) -> Round:
        return Round(self.sent + other.sent, self.retrying + other.retrying, self.failed + other.failed)


@dataclass(frozen=True)
class Claimed:
    """A claimed message, read out of the database before it is sent."""

    id: int
    attempts: int
    channel: ChannelSettings
    outgoing: Outgoing


def claim(token: str, now: dt.datetime, size: int) -> list[Claimed]:
    """Claim up to ``size`` due messages of working channels for this sender, in one transaction."""
    claimable = (Message.state == MessageState.QUEUED, Message.due_at <= now,
                 or_(Message.claimed_until.is_(None), Message.claimed_until < now))
    ids = list(db.session.execute(
        db.select(Message.id).join(MessageChannel, Message.channel_id == MessageChannel.id)
        .where(*claimable, MessageChannel.active).order_by(Message.due_at, Message.id).limit(size)
        .with_for_update(of=Message, skip_locked=True)).scalars())
    if not ids:
        db.session.rollback()
        return []
    lease = dt.timedelta(seconds=current_app.config["PEIBAN_MESSAGE_LEASE_SECONDS"])
    db.session.execute(update(Message).where(Message.id.in_(ids), *claimable)
                       .values(claim=token, claimed_until=now + lease).execution_options(synchronize_session=False))
    rows = db.session.execute(db.select(Message).where(Message.claim == token, Message.id.in_(ids))
                              .order_by(Message.due_at, Message.id)).scalars().all()
    taken = []
    for m in rows:
        if m.contact_id is not None and not still_for_the_parents(m, now.astimezone(
                organisation_zone(m.organisation_id)).date()):
            with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
                m.state, m.claim, m.claimed_until = MessageState.FAILED, None, None
                m.last_error = _("Not sent: the parents withdrew their agreement or their consent for calls, or "
                                 "changed their address, before it went.")
            continue
        taken.append(Claimed(m.id, m.attempts, ChannelSettings.of(m.channel),
                             Outgoing(m.subject, m.body, m.address, message_id(m))))
    db.session.commit()
    return taken


def deliver(token: str, message: Claimed, now: dt.datetime | None = None) -> Round:
    """Send one claimed message and write what became of it (only while the claim is still this sender's). A
    reason is written in the app's default language: the sender has no reader (it runs from cron or a worker)."""
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        result = send(message.channel, message.outgoing)
    now = now or utcnow()
    attempts = message.attempts + 1
    mine = (Message.id == message.id, Message.claim == token)
    if result.ok:
        db.session.execute(update(Message).where(*mine).values(
            state=MessageState.SENT, sent_at=now, attempts=attempts, last_error="", claim=None, claimed_until=None))
        db.session.commit()
        return Round(sent=1)
    if attempts >= current_app.config["PEIBAN_MESSAGE_ATTEMPTS"]:
        db.session.execute(update(Message).where(*mine).values(
            state=MessageState.FAILED, attempts=attempts, last_error=result.error, claim=None, claimed_until=None))
        db.session.commit()
        return Round(failed=1)
    row = db.session.get_one(Message, message.id)
    recipient: Quiet = db.session.get_one(User, row.user_id) if row.user_id is not None \
        else db.session.get_one(ParentContact, row.contact_id)
    delay = dt.timedelta(seconds=current_app.config["PEIBAN_MESSAGE_RETRY_SECONDS"] * 2 ** (attempts - 1))
    due = after_quiet_hours(recipient, now + delay, organisation_zone(row.organisation_id))
    db.session.execute(update(Message).where(*mine).values(
        attempts=attempts, due_at=due, last_error=result.error, claim=None, claimed_until=None))
    db.session.commit()
    return Round(retrying=1)


def send_due(now: dt.datetime | None = None, limit: int | None = None) -> Round:
    """Send every message due now (or at ``now``: the tests' clock), batch by batch (at most ``limit`` messages when
    given). A channel that fails puts its message back for later; the other channels' messages go on."""
    token = secrets.token_hex(16)
    done, taken = Round(), 0
    size = current_app.config["PEIBAN_MESSAGE_BATCH"]
    while limit is None or taken < limit:
        batch = claim(token, now or utcnow(), size if limit is None else min(size, limit - taken))
        if not batch:
            break
        taken += len(batch)
        for message in batch:
            done += deliver(token, message, now)
    return done
