"""What the app takes from a URL or a form before any view sees it: record ids the database can hold, and no NUL
bytes (PostgreSQL refuses them in text, so they would end as a 500 instead of a clear refusal)."""

from __future__ import annotations

from flask import Flask, abort, request
from werkzeug.routing import IntegerConverter

MAX_ID = 2**63 - 1  # the largest id a BIGINT (and SQLite's INTEGER) holds


class RecordIdConverter(IntegerConverter):
    """The ``int`` of the app's URLs: a whole number from 1 to MAX_ID, so /children/99999999999999999999 is a
    404 like any other id that names no record, not a database error."""

    def __init__(self, map, fixed_digits: int = 0, min: int | None = 1, max: int | None = MAX_ID,
                 signed: bool = False) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def record_id(text: str) -> int:
    """A query string's record id (``request.args.get("roster", type=record_id)``); ValueError outside 1..MAX_ID,
    which makes ``args.get`` answer its default."""
    value = int(text)
    if not 1 <= value <= MAX_ID:
        raise ValueError(f"{value} is not a record id")
    return value


def init_app(app: Flask) -> None:
    """Use the bounded ids in every URL (call before any blueprint is registered) and refuse NUL bytes."""
    app.url_map.converters["int"] = RecordIdConverter

    @app.before_request
    def _no_nul_bytes() -> None:
        """A NUL in any argument or form field is refused with 400 (it is never typed, only forged)."""
        values = [*request.args.values(), *request.form.values(), *request.args.keys(), *request.form.keys()]
        if any("\x00" in value for value in values):
            abort(400)
