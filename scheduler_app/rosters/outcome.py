"""How a solve run ends, as one frozen value: its state, why it did not succeed (a translatable ``Message``), and on
success the roster/1 with its unmet reasons. The process watcher, the queue's part jobs and the merge each return
one; the run stores it in columns (``SolveRun.ending``, ``SolveRun.reason``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from scheduler_app.models import Ending, RunState
from solver.messages import Message


def reason_of(ending: Ending, detail: str | Message = "") -> Message:
    """An ending's message in English, with ``detail`` where its text has one (translated when shown)."""
    template = _REASONS[ending].template
    return Message(template, detail=detail) if "%(detail)s" in template else Message(template)


# Each text appears as Message("…") so that the translations' extraction finds it.
_REASONS = {
    Ending.ABANDONED: Message("The solve stopped without finishing (the server was restarted or the solver was "
                             "killed). The roster was not changed; generate again."),
    Ending.UNCLAIMED: Message("No solve worker took the solve in time; the roster was not changed. Ask the "
                             "administrator to start the workers, then generate again."),
    Ending.OVERRAN: Message("The solver overran its time limit and was stopped; the roster was not changed."),
    Ending.STOPPED: Message("The solver was stopped before it finished; the roster was not changed."),
    Ending.SOLVER: Message("The solver could not make a roster: %(detail)s"),
    Ending.ERROR: Message("The solve failed (%(detail)s); the roster was not changed."),
}
# The state a run ends in for each ending: gone without an answer, or refused with one.
_STATES = {Ending.ABANDONED: RunState.ABANDONED, Ending.UNCLAIMED: RunState.ABANDONED}


@dataclass(frozen=True)
class SolveOutcome:
    """A solve's end: SUCCEEDED with a roster/1 (and its unmet reasons, when the solver gave them), or another
    state with the ending and its reason and no roster."""

    state: RunState
    ending: Ending | None = None
    reason: Message | None = None
    roster: dict[str, Any] | None = None
    reasons: dict[str, Any] | None = None

    def __post_init__(self) -> None:
        if self.state == RunState.SUCCEEDED:
            if self.roster is None or self.ending is not None or self.reason is not None:
                raise ValueError("a succeeded solve has a roster and no ending")
        elif self.ending is None or self.reason is None or self.roster is not None:
            raise ValueError(f"a {self.state} solve has an ending and a reason, and no roster")

    @classmethod
    def succeeded(cls, roster: dict[str, Any], reasons: dict[str, Any] | None = None) -> SolveOutcome:
        """A roster was made."""
        return cls(RunState.SUCCEEDED, roster=roster, reasons=reasons)

    @classmethod
    def ended(cls, ending: Ending, detail: str | Message = "") -> SolveOutcome:
        """No roster, for this reason."""
        return cls(_STATES.get(ending, RunState.FAILED), ending=ending, reason=reason_of(ending, detail))

    def to_json(self) -> dict[str, Any]:
        """The outcome as JSON (a queue part hands it to the merging job this way)."""
        return {"state": str(self.state), "ending": self.ending and str(self.ending),
                "reason": self.reason.to_json() if self.reason is not None else None,
                "roster": self.roster, "reasons": self.reasons}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SolveOutcome:
        """The outcome ``to_json`` wrote; ValueError when ``data`` is not one."""
        try:
            return cls(RunState(data["state"]), Ending(data["ending"]) if data.get("ending") else None,
                       Message.from_json(data["reason"]) if data.get("reason") else None,
                       data.get("roster"), data.get("reasons"))
        except (KeyError, TypeError) as exc:
            raise ValueError(f"not a solve outcome: {exc}") from None
