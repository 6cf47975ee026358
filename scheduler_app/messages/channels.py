"""The ways out: e-mail through the organisation's SMTP server, and Apprise URLs (WeCom and DingTalk group robots,
JSON webhooks, SMS gateways). One call sends one message and says whether it went, with the reason if not."""

from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr
from urllib.parse import quote

import apprise
from flask import current_app
from flask_babel import gettext as _

from scheduler_app.messages.sealing import SecretError, secret_of
from scheduler_app.models import ChannelKind, MessageChannel

ERROR_MAX = 500
APPRISE_PREFIXES = ("wecombot://", "dingtalk://", "json://", "jsons://", "form://", "forms://", "xml://", "xmls://",
                    "mailto://", "mailtos://")  # what the settings page offers; Apprise knows many more


@dataclass(frozen=True)
class Outgoing:
    """A message as a channel sends it: subject, text, the recipient's address (empty for a group) and the id
    that names it everywhere (an e-mail's Message-ID)."""

    subject: str
    body: str
    address: str
    message_id: str

    def __post_init__(self) -> None:
        if not self.subject.strip() or not self.body.strip() or not self.message_id:
            raise ValueError("a message needs a subject, a text and an id")


@dataclass(frozen=True)
class Sent:
    """What became of one sending: it went, or it did not and why."""

    ok: bool
    error: str = ""

    def __post_init__(self) -> None:
        if self.ok == bool(self.error):
            raise ValueError("a sending that went has no error; one that did not has its reason")


@dataclass(frozen=True)
class ChannelSettings:
    """A channel's settings read from its row, so that sending needs no database transaction."""

    id: int
    kind: ChannelKind
    label: str
    smtp_host: str
    smtp_port: int
    smtp_security: str
    smtp_username: str
    sender: str
    secret_sealed: str
    secret_env: str

    @classmethod
    def of(cls, channel: MessageChannel) -> ChannelSettings:
        """The settings of a stored channel."""
        return cls(channel.id, ChannelKind(channel.kind), channel.label, channel.smtp_host, channel.smtp_port,
                   channel.smtp_security, channel.smtp_username, channel.sender, channel.secret_sealed,
                   channel.secret_env)


ADDRESS_MARK = "{address}"  # where an Apprise URL that reaches one person (an SMS gateway) takes the number


def reaches_one(channel: ChannelSettings) -> bool:
    """Whether a channel goes to one person at her own address: e-mail, or an Apprise URL holding ``{address}``
    (an SMS gateway, e.g. json://gateway.example/sms/{address}); a group robot does not."""
    if channel.kind == ChannelKind.EMAIL:
        return True
    try:
        return ADDRESS_MARK in secret_of(channel.secret_sealed, channel.secret_env)
    except SecretError:
        return False


def send(channel: ChannelSettings, outgoing: Outgoing) -> Sent:
    """Send one message on a channel; any failure (refused, timed out, rejected, secret unreadable) is a reason,
    never an exception, and never shows the secret."""
    try:
        secret = secret_of(channel.secret_sealed, channel.secret_env)
    except SecretError as exc:
        return Sent(False, str(exc))
    try:
        result = _email(channel, secret, outgoing) if channel.kind == ChannelKind.EMAIL else _apprise(secret, outgoing)
    except (OSError, smtplib.SMTPException, ssl.SSLError) as exc:
        result = Sent(False, f"{exc.__class__.__name__}: {exc}")
    if result.ok:
        return result
    error = result.error
    for hidden in (secret, _addressed(secret, outgoing.address)) if secret else ():
        error = error.replace(hidden, "••••")
    return Sent(False, error[:ERROR_MAX])


def _addressed(url: str, address: str) -> str:
    """An Apprise URL with the recipient's address (quoted for a URL) where it holds ``{address}``."""
    return url.replace(ADDRESS_MARK, quote(address, safe=""))


def _email(channel: ChannelSettings, password: str, outgoing: Outgoing) -> Sent:
    """One e-mail through the organisation's SMTP server (STARTTLS, TLS or plain on a trusted network)."""
    if not outgoing.address:
        return Sent(False, _("No e-mail address."))
    mail = EmailMessage()
    mail["Subject"] = outgoing.subject
    mail["From"] = formataddr((channel.label, channel.sender))
    mail["To"] = outgoing.address
    mail["Message-ID"] = outgoing.message_id  # the same on a resend: a mail system can drop the second copy
    mail.set_content(outgoing.body)
    timeout = current_app.config["PEIBAN_MESSAGE_TIMEOUT_SECONDS"]
    context = ssl.create_default_context()
    if channel.smtp_security == "ssl":
        server: smtplib.SMTP = smtplib.SMTP_SSL(channel.smtp_host, channel.smtp_port, timeout=timeout,
                                                context=context)
    else:
        server = smtplib.SMTP(channel.smtp_host, channel.smtp_port, timeout=timeout)
    with server:
        if channel.smtp_security == "starttls":
            server.starttls(context=context)
        if channel.smtp_username:
            server.login(channel.smtp_username, password)
        refused = server.send_message(mail)
    if refused:
        return Sent(False, "; ".join(f"{to}: {code} {reply!r}" for to, (code, reply) in refused.items()))
    return Sent(True)


def _apprise(url: str, outgoing: Outgoing) -> Sent:
    """One message to an Apprise URL; Apprise's own log of the attempt (its last warning) is the reason when it
    fails."""
    if ADDRESS_MARK in url:
        if not outgoing.address:
            return Sent(False, _("No address for this channel."))
        url = _addressed(url, outgoing.address)
    notifier = apprise.Apprise()
    if not notifier.add(url):
        return Sent(False, _("Apprise does not know this kind of address."))
    # Apprise keeps an attempt's warnings on its result only when its logger lets them through: the capture holds
    # it at WARNING whatever the server's logging set-up, and its text is the fallback.
    with apprise.LogCapture(level=logging.WARNING, fmt="%(message)s") as log:
        result = notifier.notify(title=outgoing.subject, body=outgoing.body)
        captured = [line for line in log.getvalue().splitlines() if line.strip()]
    if result:
        return Sent(True)
    said = [entry.message for entry in result.logs() if entry.level in ("WARNING", "ERROR", "CRITICAL")] or captured
    return Sent(False, said[-1] if said else _("The channel did not take the message."))
