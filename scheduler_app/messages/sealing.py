"""Channel secrets at rest: sealed with Fernet under a key derived from the app's secret key, or named as an
environment variable; shown back only by their last characters."""

from __future__ import annotations

import base64
import os

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app
from flask_babel import gettext as _

# Only variables with this prefix may be named: an admin must not be able to send DATABASE_URL or the secret key
# to a webhook of her choosing.
ENV_PREFIX = "PEIBAN_CHANNEL_"
TAIL = 4
_PURPOSE = b"peiban message channel secrets v1"  # a key of its own, not the session-signing key itself


class SecretError(ValueError):
    """A channel's secret cannot be had; the message says why and what to do."""


def _fernet() -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_PURPOSE).derive(
        str(current_app.config["SECRET_KEY"]).encode())
    return Fernet(base64.urlsafe_b64encode(key))


def seal(secret: str) -> str:
    """The secret encrypted and authenticated, as text to store."""
    return _fernet().encrypt(secret.encode()).decode("ascii")


def unseal(sealed: str) -> str:
    """A stored secret in clear; SecretError when the app's secret key changed since it was stored."""
    try:
        return _fernet().decrypt(sealed.encode("ascii")).decode()
    except (InvalidToken, ValueError):
        raise SecretError(_("The channel's secret cannot be read (the server's secret key changed); enter it "
                            "again in Settings.")) from None


def tail(secret: str) -> str:
    """What may be shown of a secret: its last four characters, nothing of a short one."""
    return secret[-TAIL:] if len(secret) >= 3 * TAIL else ""


def from_environment(name: str) -> str:
    """The value of a PEIBAN_CHANNEL_… environment variable; SecretError when it is not such a name or unset."""
    if not name.startswith(ENV_PREFIX) or name == ENV_PREFIX:
        raise SecretError(_("Name an environment variable starting with %(prefix)s.", prefix=ENV_PREFIX))
    value = os.environ.get(name, "")
    if not value:
        raise SecretError(_("The environment variable %(name)s is not set on the server.", name=name))
    return value


def secret_of(sealed: str, env_name: str) -> str:
    """A channel's secret: from its environment variable when it names one, else its sealed value."""
    if env_name:
        return from_environment(env_name)
    return unseal(sealed) if sealed else ""
