"""The solver's messages (reasons, broken rules) in the reader's language."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext

from solver.messages import Message


def say(text: str) -> str:
    """A solver message in the current language; plain text (from an older roster) as it is."""
    return text.render(gettext) if isinstance(text, Message) else text


def say_stored(stored: dict[str, Any] | None, fallback: str) -> str:
    """A reason kept as a message's JSON (``Message.to_json``) in the current language, else ``fallback``."""
    if not stored:
        return fallback
    try:
        return say(Message.from_json(stored))
    except (ValueError, KeyError, TypeError):  # a stored shape this version does not know: show the English
        return fallback
