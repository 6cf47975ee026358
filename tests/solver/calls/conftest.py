"""Builders for the call window's tests: tiny call weeks from scratch, solved briefly and always checked."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from solver.calls.check import CallReport, check
from solver.calls.instance import CallInstance, parse_call_instance
from solver.calls.schedule import CallSchedule
from solver.calls.solve import CallSettings, solve_calls

Slots = tuple[tuple[str, str, str], ...]  # (day, start, end)
EVENING: Slots = (("wed", "19:00", "21:00"),)


def slots(items: Slots) -> list[dict[str, str]]:
    """Intervals in the document's form."""
    return [{"day": d, "start": s, "end": e} for d, s, e in items]


class CallWeek:
    """Builds a call-instance/1: one site S1 open Wednesday 19:00–21:00 with one line, unless told otherwise."""

    def site(self, id: str = "S1", lines: int = 1, hours: Slots = EVENING) -> dict[str, Any]:
        """A site's call room."""
        return {"id": id, "name": id, "lines": lines, "room_hours": slots(hours)}

    def family(self, id: str, hours: Slots = EVENING, site: str = "S1", **fields: Any) -> dict[str, Any]:
        """Parents free for a call on Wednesday evening unless told otherwise."""
        return {"id": id, "site": site, "parent_hours": slots(hours), **fields}

    def child(self, id: str, family: str, calls: int = 1) -> dict[str, Any]:
        """A child of that family."""
        return {"id": id, "name": id, "family": family, "calls_per_week": calls}

    def supervisor(self, id: str, hours: Slots = EVENING, site: str = "S1", **fields: Any) -> dict[str, Any]:
        """A volunteer at the site on Wednesday evening unless told otherwise."""
        return {"id": id, "name": id, "site": site, "availability": slots(hours), **fields}

    def doc(self, sites: list | None = None, families: list | tuple = (), children: list | tuple = (),
            supervisors: list | None = None, call_minutes: int = 20, step_minutes: int = 10) -> dict[str, Any]:
        """The document; one site and one supervisor by default."""
        return {"schema": "call-instance/1", "week_start": "2026-11-30",
                "settings": {"call_minutes": call_minutes, "step_minutes": step_minutes},
                "sites": sites if sites is not None else [self.site()], "families": list(families),
                "children": list(children),
                "supervisors": supervisors if supervisors is not None else [self.supervisor("V1")]}

    def instance(self, *args: Any, **kwargs: Any) -> CallInstance:
        """The parsed instance of ``doc(...)``."""
        return parse_call_instance(self.doc(*args, **kwargs))


@pytest.fixture
def week() -> CallWeek:
    """Builder: tiny call weeks."""
    return CallWeek()


@pytest.fixture
def solved() -> Callable[[CallInstance], tuple[CallSchedule, CallReport]]:
    """Solve a call week briefly; fails the test when the checker finds a broken rule."""
    def run(instance: CallInstance) -> tuple[CallSchedule, CallReport]:
        result = solve_calls(instance, CallSettings(time_limit_s=5, workers=1))
        assert result.report.ok, result.report.violations
        assert check(instance, result.schedule).ok
        return result.schedule, result.report
    return run
