"""A reason a coordinator can act on, for every child the week leaves without all her calls."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from solver.calls.candidates import open_slots, options_for
from solver.calls.instance import CallChild, CallInstance
from solver.calls.rules.lines import line_free
from solver.calls.schedule import Call
from solver.messages import Message, day_list, names
from solver.timeutil import DAYS


def _days(days: set[str]) -> str:
    return day_list(d for d in DAYS if d in days)


def reason(instance: CallInstance, child: CallChild, calls: Sequence[Call]) -> Message:
    """Why the child misses calls: hours that never meet, no supervisor, too few days, or busy lines and people."""
    family = instance.family_by_id[child.family]
    site = instance.site_by_id[family.site]
    if not open_slots(instance, family):
        return Message("her parents' hours never meet the call room's hours at %(site)s", site=site.id)
    options = options_for(instance, family)
    if not options:
        return Message("no supervisor is at %(site)s for a whole call inside her parents' hours", site=site.id)
    option_days = {o.day for o in options}
    if len(option_days) < child.calls_per_week:
        return Message("her parents and a supervised room meet on %(days)s only, and she has at most one call a day",
                       days=_days(option_days))
    here = [c for c in calls if c.site == site.id]
    called = {c.day for c in here if c.family == family.id}
    load = Counter(c.supervisor for c in here)
    lines_full: set[str] = set()
    staff_busy: set[str] = set()
    for o in options:
        if o.day in called:
            continue
        if not line_free(site, here, o.day, o.start, o.end):
            lines_full.add(o.day)
            continue
        staff_busy.add(o.day)
    sups = {sid for o in options for sid in o.supervisors}
    at_limit = {sid for sid in sups if (lim := instance.supervisor_by_id[sid].max_calls_per_week) is not None
                and load[sid] >= lim}
    if lines_full and not staff_busy:
        return Message("the call room's %(lines)d line(s) at %(site)s are taken at every time her parents can take "
                       "a call on %(days)s", lines=site.lines, site=site.id, days=_days(lines_full))
    if at_limit:
        return Message("the supervisors free then are at their weekly limit (%(who)s) or sit with other calls",
                       who=names(at_limit))
    if staff_busy and not lines_full:
        return Message("the supervisors free then (%(who)s) sit with other calls at every time her parents can "
                       "take a call on %(days)s", who=names(sups), days=_days(staff_busy))
    return Message("the room's lines and its supervisors are taken at every time her parents can take a call "
                   "(%(days)s)", days=_days(lines_full | staff_busy))
