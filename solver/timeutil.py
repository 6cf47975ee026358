"""Days and clock times as the contract writes them, and their integer forms."""

import re

DAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_TIME = re.compile(r"^([01][0-9]|2[0-3]):([0-5][0-9])$")


def parse_hhmm(text: object) -> int:
    """Return minutes after midnight for a 24 h "HH:MM" string; ValueError otherwise."""
    if not isinstance(text, str):
        raise ValueError(f"expected a time \"HH:MM\", got {text!r}")
    match = _TIME.match(text)
    if match is None:
        raise ValueError(f"expected a time \"HH:MM\", got {text!r}")
    return int(match.group(1)) * 60 + int(match.group(2))


def format_hhmm(minutes: int) -> str:
    """Return the "HH:MM" string for minutes after midnight (0 <= minutes < 1440)."""
    if not 0 <= minutes < 24 * 60:
        raise ValueError(f"{minutes} minutes is not a time of day")
    return f"{minutes // 60:02d}:{minutes % 60:02d}"
