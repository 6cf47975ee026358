"""The phone's outbox: confirmations, declines and diaries written without signal reach the server exactly once.

A volunteer's page keeps each such form, as she sends it, in an outbox on her phone (IndexedDB), with an id made
on the phone, and sends it whenever the phone is online (static/phone.js). The server takes that id as an
idempotency key: the first answer is kept as an ``OutboxReceipt`` in the same transaction as the change, and a
resend gets that answer back without changing anything. Each form also carries what the phone read (the diary's
version, the assignment's day and times): when that changed meanwhile, the item is answered as a conflict and the
phone shows what happened beside her text; nothing is overwritten.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable
from dataclasses import dataclass

from flask import jsonify, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from scheduler_app.extensions import db
from scheduler_app.models import Assignment, OutboxReceipt, User

HEADER = "Peiban-Outbox"  # sent by static/phone.js: answer in JSON, not with a flash and a redirect
KEY_FIELD = "outbox_id"
_KEY = re.compile(r"[A-Za-z0-9_-]{8,64}")


class Outcome(enum.StrEnum):
    """How the server answered an outbox item."""

    DONE = "done"  # taken: the change is made
    CONFLICT = "conflict"  # the record changed since the phone read it: nothing was changed
    REFUSED = "refused"  # the form has errors: nothing was changed (not kept: a corrected resend may pass)
    LOGIN = "login"  # the session has ended: the item waits on the phone for the next login


@dataclass(frozen=True)
class Delivery:
    """The answer to one outbox item: its outcome, the message to show, the page to go to, the form's errors,
    and whether it is the answer already given to an earlier send of the same item."""

    outcome: Outcome
    message: str
    next_url: str = ""
    errors: tuple[str, ...] = ()
    duplicate: bool = False

    def reply(self) -> ResponseReturnValue:
        """The JSON answer the phone reads (409 for a conflict, 422 for errors, 401 to log in again)."""
        status = {Outcome.DONE: 200, Outcome.CONFLICT: 409, Outcome.REFUSED: 422, Outcome.LOGIN: 401}[self.outcome]
        return jsonify(outcome=self.outcome.value, message=self.message, next=self.next_url,
                       errors=list(self.errors), duplicate=self.duplicate), status


ON_SCREEN = "now"  # the header's value when the form is still on screen (else "1": sent from the outbox later)


def from_phone() -> bool:
    """True when the request is an outbox item sent by the page's script (it wants JSON back)."""
    return request.headers.get(HEADER) in ("1", ON_SCREEN)


def on_screen() -> bool:
    """True when the item is sent as the volunteer presses the button: the page goes on to show the answer."""
    return request.headers.get(HEADER) == ON_SCREEN


def outbox_key() -> str | None:
    """The item's id made on the phone, when the form carries a well-formed one."""
    key = request.form.get(KEY_FIELD, "")
    return key if _KEY.fullmatch(key) else None


def assignment_seen(assignment: Assignment) -> str:
    """What a page shows of an assignment that an answer to it depends on: its day, times and answer. A
    confirmation or a decline sent with another value was made on a page older than the assignment's last
    change (a re-plan moved it, or she answered it meanwhile elsewhere)."""
    return f"{assignment.day_index}:{assignment.start:%H%M}-{assignment.end:%H%M}:{assignment.status}"


def _earlier(user: User, key: str) -> Delivery | None:
    """The answer already given to this item, if it was sent before."""
    row = db.session.execute(db.select(OutboxReceipt).where(OutboxReceipt.user_id == user.id,
                                                            OutboxReceipt.key == key)).scalar_one_or_none()
    if row is None:
        return None
    return Delivery(Outcome(row.outcome), row.message, duplicate=True)


def take(user: User, kind: str, act: Callable[[], Delivery]) -> Delivery:
    """Run ``act`` once per outbox key: a resend gets the first answer; a done or conflict answer is kept in the
    same transaction as the change ``act`` commits (a form without a key, sent without the script, just runs)."""
    key = outbox_key()
    if key is None:
        return act()
    earlier = _earlier(user, key)
    if earlier is not None:
        return earlier
    return _act_with_receipt(user, key, kind, act)


def _act_with_receipt(user: User, key: str, kind: str, act: Callable[[], Delivery]) -> Delivery:
    """``act`` with the receipt added to its transaction; when the same item arrived at the same moment, the
    other send's answer."""
    receipt = OutboxReceipt(user_id=user.id, key=key, kind=kind, outcome=Outcome.DONE.value, message="")
    db.session.add(receipt)
    try:
        delivery = act()
        if delivery.outcome == Outcome.DONE:
            receipt.message = delivery.message
            db.session.commit()  # the service committed already; this stores the message with it
            return delivery
        db.session.rollback()  # nothing was changed; keep a conflict's answer, forget refused forms
        if delivery.outcome == Outcome.CONFLICT:
            db.session.add(OutboxReceipt(user_id=user.id, key=key, kind=kind, outcome=delivery.outcome.value,
                                         message=delivery.message))
            db.session.commit()
        return delivery
    except IntegrityError:
        db.session.rollback()
        return _earlier(user, key) or Delivery(Outcome.CONFLICT, _("Sent twice at the same moment; open the page "
                                                                   "again to see which was taken."))
