"""The solver's messages (reasons, broken rules) in the reader's language."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from flask_babel import gettext

from solver.messages import Message

Naming = Callable[[str], str]


def say(text: str, name: Naming | None = None) -> str:
    """A solver message in the current language, with the names ``name`` gives for the ids it holds; plain text
    (from an older roster) as it is."""
    return text.render(gettext, name) if isinstance(text, Message) else text


def say_stored(stored: dict[str, Any] | None, fallback: str, name: Naming | None = None) -> str:
    """A reason kept as a message's JSON (``Message.to_json``) in the current language, else ``fallback``."""
    if not stored:
        return fallback
    try:
        return say(Message.from_json(stored), name)
    except (ValueError, KeyError, TypeError):  # a stored shape this version does not know: show the English
        return fallback


def naming(instance: dict[str, Any]) -> Naming:
    """Names for the ids of a roster-instance/1 (volunteers, children, sites): what the coordinator knows them
    by, where the solver's messages hold their codes. Anything else (a time, a subject) is kept as it is, and so
    is a code two kinds share (a child and a volunteer both 001): a message does not say which it means."""
    named: dict[str, set[str]] = defaultdict(set)
    for key in ("volunteers", "children", "sites"):
        for item in instance.get(key, []):
            named[item["id"]].add(item.get("name") or item["id"])
    names = {code: next(iter(found)) for code, found in named.items() if len(found) == 1}
    return lambda text: names.get(text, text)
