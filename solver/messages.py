"""Messages for people: English text that keeps its template and values, so a UI can say it in its own language.

The contract's ``reason`` fields and the checker's violations are plain English strings, and stay so. A
``Message`` *is* that string (a ``str`` subclass), and it also remembers the ``%``-template it was made from
and the values put into it. A value may itself be a Message (a day's name, a kind of volunteer), and a list of
ids is a Message too. ``render`` rebuilds the text with a translate function (the web app passes gettext);
``to_json``/``from_json`` carry the structure across a process boundary next to the contract's JSON.

The web app's catalogue extracts every ``Message("...")`` literal in ``solver/`` (see babel.cfg), so each
template here must be a string literal at its call.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

Translate = Callable[[str], str]
JSON_TEMPLATE, JSON_PARAMS = "t", "p"


class Message(str):
    """An English message that remembers its %-template and values."""

    template: str
    params: dict[str, Any]

    def __new__(cls, template: str, **params: Any) -> Message:  # noqa: D102 - the class says it
        text = template % params if params else template
        message = super().__new__(cls, text)
        message.template, message.params = template, params
        return message

    def render(self, translate: Translate, name: Callable[[str], str] | None = None) -> str:
        """The message in another language: each template (this one and nested ones) passed through
        ``translate``, numbers kept, and each plain text value (an id, a time) passed through ``name`` when
        given, so a UI can show a volunteer's or a child's name where the message holds their id."""
        values = {k: v.render(translate, name) if isinstance(v, Message) else
                  name(v) if name is not None and isinstance(v, str) else v for k, v in self.params.items()}
        translated = translate(self.template)
        return translated % values if values else translated

    def to_json(self) -> dict[str, Any]:
        """The template and values as JSON, nested messages included."""
        return {JSON_TEMPLATE: self.template,
                JSON_PARAMS: {k: v.to_json() if isinstance(v, Message) else v for k, v in self.params.items()}}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Message:
        """The message ``to_json`` wrote; raises ValueError when ``data`` is not one."""
        if not isinstance(data, dict) or not isinstance(data.get(JSON_TEMPLATE), str):
            raise ValueError(f"not a message: {data!r}")
        params = {k: cls.from_json(v) if isinstance(v, dict) else v for k, v in data.get(JSON_PARAMS, {}).items()}
        return cls(data[JSON_TEMPLATE], **params)


def as_json(text: str) -> dict[str, Any] | None:
    """A message's JSON form; None for a plain string (it has no template to translate)."""
    return text.to_json() if isinstance(text, Message) else None


# Day ids as they appear in messages, and their full names in reasons.
DAY_IDS = {"mon": Message("mon"), "tue": Message("tue"), "wed": Message("wed"), "thu": Message("thu"),
           "fri": Message("fri"), "sat": Message("sat"), "sun": Message("sun")}
DAY_NAMES = {"mon": Message("Monday"), "tue": Message("Tuesday"), "wed": Message("Wednesday"),
             "thu": Message("Thursday"), "fri": Message("Friday"), "sat": Message("Saturday"),
             "sun": Message("Sunday")}
MAX_NAMED = 4


def names(ids: Iterable[str], limit: int = MAX_NAMED) -> str:
    """Up to ``limit`` ids in order, then 'and N more'."""
    ids = sorted(ids)
    if not ids:
        return ""
    shown = listing(ids[:limit])  # each id its own value, so a UI can name it
    if len(ids) > limit:
        return Message("%(shown)s and %(more)d more", shown=shown, more=len(ids) - limit)
    return shown


def joined(parts: Sequence[Message]) -> Message:
    """Any number of clauses separated by semicolons, each separator a '%(a)s; %(b)s' message."""
    message = parts[0]
    for part in parts[1:]:
        message = Message("%(a)s; %(b)s", a=message, b=part)
    return message


def listing(parts: Iterable[str]) -> str:
    """Several items as one list joined by commas ('%(a)s, %(b)s', which a language may join otherwise)."""
    parts = list(parts)
    message = parts[0]
    for part in parts[1:]:
        message = Message("%(a)s, %(b)s", a=message, b=part)
    return message


def day_list(days: Iterable[str]) -> str:
    """Full day names joined by commas, e.g. 'Tuesday, Saturday'."""
    return listing(DAY_NAMES[d] for d in days)
