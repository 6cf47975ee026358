"""The solve-events/1 stream: ``python -m solver solve - --events`` reads the week on standard input and writes
progress, then the roster or the reason there is none, one JSON object a line."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from solver import events
from solver.messages import Message
from solver.roster import parse_roster
from solver.validate import validate

ROOT = Path(__file__).resolve().parents[2]


def _solve(doc: dict, *extra: str) -> tuple[subprocess.CompletedProcess, list[events.Event]]:
    """Run the command line on a week given through standard input; its exit and its events."""
    done = subprocess.run([sys.executable, "-m", "solver", "solve", "-", "--events", "--time-limit", "5",  # noqa: S603
                           *extra], input=json.dumps(doc, ensure_ascii=False).encode("utf-8"), cwd=ROOT,
                          capture_output=True, check=False)
    lines = done.stdout.decode("utf-8").splitlines()
    parsed = [events.read(line) for line in lines]
    assert None not in parsed, lines  # every line of standard output is an event
    return done, parsed


def test_each_event_reads_back_as_written() -> None:
    """Every kind of event survives writing and reading; a line that is not an event reads as None."""
    written = [events.Progress(3.0), events.Solved({"schema": "roster/1"}, {"visits": []}),
               events.Refused(Message("pinned[%(index)d] cannot be honoured", index=2))]
    stream = io.StringIO()
    for event in written:
        events.write(event, stream)
    assert [events.read(line) for line in stream.getvalue().splitlines()] == written
    assert events.read("WARNING: something a library printed") is None
    assert events.read('{"event": "solved"}') is None


def test_a_solve_streams_progress_then_its_roster(tiny_doc) -> None:
    """A solvable week gives at least one progress event, then one solved event whose roster is valid for the
    week and whose last progress is the roster's shortfall; nothing else is on standard output."""
    from solver.instance import parse_instance
    doc = tiny_doc()
    done, stream = _solve(doc)
    assert done.returncode == 0, done.stderr
    assert isinstance(stream[-1], events.Solved) and all(isinstance(e, events.Progress) for e in stream[:-1])
    assert stream[:-1], "no progress before the roster"
    roster = parse_roster(stream[-1].roster)
    report = validate(parse_instance(doc), roster)
    assert report.ok and stream[-2].shortfall == pytest.approx(report.levels.shortfall)


def test_a_pin_that_cannot_be_honoured_ends_the_stream_with_a_refusal(tiny_doc) -> None:
    """A week whose pin cannot be honoured exits 2 with a refused event holding the solver's message (template
    and values, for a caller that translates it), the same text as on standard error."""
    doc = tiny_doc()
    doc["pinned"] = [{"kind": "tutoring", "volunteer": "V3", "site": "S1", "day": "mon"}]
    done, stream = _solve(doc)
    assert done.returncode == 2
    refused = stream[-1]
    assert isinstance(refused, events.Refused)
    assert str(refused.error).startswith("pinned[0] tutoring V3 → S1 on mon cannot be honoured")
    assert f"error: {refused.error}" in done.stderr.decode("utf-8")


def test_a_week_that_is_not_an_instance_is_refused_naming_the_field(tiny_doc) -> None:
    """Bad input through standard input is a refusal naming the field, as it is from a file."""
    doc = tiny_doc()
    doc["volunteers"][0]["max_km"] = -1
    done, stream = _solve(doc)
    assert done.returncode == 2 and isinstance(stream[-1], events.Refused)
    assert "max_km" in str(stream[-1].error)
