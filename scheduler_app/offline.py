"""What a volunteer's phone (or a social worker's) may keep for reading offline: only her own pages, marked by a
header the service worker (static/sw.js) looks for; every other page is never kept."""

from __future__ import annotations

from flask import get_flashed_messages, make_response, request
from flask.typing import ResponseReturnValue
from flask_login import current_user

from scheduler_app.roles import SELF_SERVICE_ROLES

KEEP_HEADER = "Peiban-Offline"  # the service worker keeps a page only when it carries this header …
KEEP = "keep"  # … with this value
PREFETCH_HEADER = "Peiban-Prefetch"  # static/phone.js fetching a page only so that the worker keeps it


def prefetching() -> bool:
    """True for a page fetched in the background to be kept: it shows no messages and is not her activity."""
    return request.headers.get(PREFETCH_HEADER) == "1"


def kept_on_phone(rv: ResponseReturnValue) -> ResponseReturnValue:
    """Mark a volunteer's own page as one her phone keeps for reading offline (a page answered with an error,
    showing a message, or shown to anyone but a volunteer or a social worker, is never marked)."""
    response = make_response(rv)
    # A page showing a message ("Confirmed. Thank you!") is not kept: offline it would say it again.
    shown = [] if prefetching() else get_flashed_messages()  # a prefetch must not take the messages it hid
    if response.status_code == 200 and getattr(current_user, "role", None) in SELF_SERVICE_ROLES \
            and not shown:
        response.headers[KEEP_HEADER] = KEEP
    return response
