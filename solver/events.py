"""The solver's machine-readable stream (``solve-events/1``): with ``--events``, ``python -m solver solve`` writes
one JSON object a line on standard output as it goes, so a caller (the web app) reads progress and the outcome
without parsing text or side files. The README describes it beside the contract.

    {"event": "progress", "shortfall": 12.0}               the best roster so far leaves this shortfall
    {"event": "solved", "roster": {...}, "reasons": {...}}  the roster/1, its unmet reasons as messages
    {"event": "refused", "error": {"template": ..., "params": ...}, "text": "..."}
                                                            no roster: why, as a message and in English

A stream ends with ``solved`` or ``refused`` (exit code 0 or 2); a process that ends without either crashed.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import IO, Any

from solver.messages import Message

EVENTS_SCHEMA = "solve-events/1"


@dataclass(frozen=True)
class Progress:
    """The best roster found so far leaves this shortfall."""

    shortfall: float


@dataclass(frozen=True)
class Solved:
    """The roster/1, and its unmet reasons as messages in the order of the roster's unmet lists."""

    roster: dict[str, Any]
    reasons: dict[str, Any]


@dataclass(frozen=True)
class Refused:
    """No roster: the solver's reason."""

    error: Message


Event = Progress | Solved | Refused


def to_json(event: Event) -> dict[str, Any]:
    """An event as its JSON object."""
    if isinstance(event, Progress):
        return {"event": "progress", "shortfall": event.shortfall}
    if isinstance(event, Solved):
        return {"event": "solved", "roster": event.roster, "reasons": event.reasons}
    return {"event": "refused", "error": event.error.to_json(), "text": str(event.error)}


def from_json(data: Any) -> Event:
    """The event ``to_json`` wrote; ValueError when ``data`` is not one."""
    kind = data.get("event") if isinstance(data, dict) else None
    try:
        if kind == "progress":
            return Progress(float(data["shortfall"]))
        if kind == "solved" and isinstance(data["roster"], dict):
            return Solved(data["roster"], data.get("reasons") or {})
        if kind == "refused":
            return Refused(Message.from_json(data["error"]))
    except (KeyError, TypeError) as exc:
        raise ValueError(f"not a {EVENTS_SCHEMA} event: {exc}") from None
    raise ValueError(f"not a {EVENTS_SCHEMA} event: {str(data)[:80]}")


def write(event: Event, stream: IO[str]) -> None:
    """Write one event as a line and flush it (the reader acts on each line as it comes)."""
    stream.write(json.dumps(to_json(event), ensure_ascii=False) + "\n")
    stream.flush()


def read(line: str) -> Event | None:
    """The event on one line of the stream; None for a line that is not one (a library's stray output)."""
    try:
        return from_json(json.loads(line))
    except ValueError:  # json.JSONDecodeError is a ValueError
        return None


class ProgressHandler(logging.Handler):
    """Turns the solve's progress log records (``solver.progress``, carrying ``shortfall``) into events."""

    def __init__(self, stream: IO[str]) -> None:
        super().__init__(logging.INFO)
        self.stream = stream

    def emit(self, record: logging.LogRecord) -> None:
        """Write the record's shortfall as a progress event."""
        shortfall = getattr(record, "shortfall", None)
        if shortfall is not None:
            write(Progress(float(shortfall)), self.stream)
