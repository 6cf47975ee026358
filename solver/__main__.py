"""Command line: ``python -m solver solve INSTANCE -o ROSTER`` and ``python -m solver check INSTANCE ROSTER``; the
family call window's ``python -m solver calls solve IN -o OUT`` and ``python -m solver calls check IN OUT``.

``--events`` writes the machine-readable ``solve-events/1`` stream (``solver.events``) on standard output.
INSTANCE ``-`` reads the instance from standard input, so a caller need not leave children's names and homes
in a file; ``--exit-with-parent`` ends the solve when the process that started it goes (a web server killed
mid-solve does not leave an orphan running for minutes)."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import threading
import time
from pathlib import Path
from typing import IO, Any

from solver import events
from solver.calls.check import check as check_calls
from solver.calls.instance import parse_call_instance
from solver.calls.schedule import parse_call_schedule
from solver.calls.solve import CallSettings, solve_calls
from solver.instance import InstanceError, parse_instance
from solver.messages import Message
from solver.roster import parse_roster
from solver.settings import SolverSettings
from solver.solve import solve
from solver.validate import validate

EXIT_BROKEN = 1
EXIT_BAD_INPUT = 2
EXIT_PARENT_GONE = 3
PARENT_CHECK_S = 0.5


def _load(path: str, what: str) -> object:
    if path == "-":
        try:
            return json.loads(sys.stdin.buffer.read())  # UTF-8 whatever the locale says
        except json.JSONDecodeError as exc:
            raise SystemExit(f"error: {what} on standard input is not JSON: line {exc.lineno}, "
                             f"column {exc.colno}: {exc.msg}") from None
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SystemExit(f"error: {what} file {path} not found") from None
    except json.JSONDecodeError as exc:
        raise SystemExit(f"error: {what} {path} is not JSON: line {exc.lineno}, "
                         f"column {exc.colno}: {exc.msg}") from None


def _exit_with_parent() -> None:
    """End this process as soon as its parent is gone (it is then re-parented, so the parent id changes)."""
    parent = os.getppid()

    def watch() -> None:
        while True:
            time.sleep(PARENT_CHECK_S)
            if os.getppid() != parent:
                os._exit(EXIT_PARENT_GONE)  # nobody is left to read the roster

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def _write(document: dict[str, Any], output: str) -> None:
    """Write a result document as indented UTF-8 JSON to a file, or to standard output for "-"."""
    text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    if output == "-":
        sys.stdout.write(text)
    else:
        Path(output).write_text(text, encoding="utf-8")


def _refuse(error: Message, stream: IO[str] | None) -> int:
    """Say why there is no roster (on standard error, and as an event when asked) and exit 2."""
    print(f"error: {error}", file=sys.stderr)
    if stream is not None:
        events.write(events.Refused(error), stream)
    return EXIT_BAD_INPUT


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return EXIT_BAD_INPUT


def cmd_solve(args: argparse.Namespace) -> int:
    """Solve an instance and write the roster; exit 2 on bad input or a pin that cannot be honoured."""
    stream = sys.stdout if args.events else None
    if stream is not None:
        progress = logging.getLogger("solver.progress")
        progress.setLevel(logging.INFO)
        progress.addHandler(events.ProgressHandler(stream))
        progress.propagate = False
    try:
        instance = parse_instance(_load(args.instance, "instance"))
        settings = SolverSettings(time_limit_s=args.time_limit, seed=args.seed, workers=args.workers)
    except (InstanceError, ValueError) as exc:
        return _refuse(Message("%(source)s: %(problem)s", source=args.instance, problem=str(exc)), stream)
    result = solve(instance, settings)
    if result.roster is None:
        error = result.error if isinstance(result.error, Message) else Message("%(problem)s", problem=result.error)
        return _refuse(error, stream)
    document, reasons = result.roster.to_json(), result.roster.unmet.reasons_json()
    if stream is not None:
        events.write(events.Solved(document, reasons), stream)
    if args.output != "-" or stream is None:  # with --events on standard output, the roster is in the stream
        _write(document, args.output)
    if args.reasons:
        Path(args.reasons).write_text(json.dumps(reasons, ensure_ascii=False) + "\n", encoding="utf-8")
    s = result.stats
    print(f"{s['status']}: shortfall {s['shortfall']} (bound {s['shortfall_bound']}), continuity {s['continuity']}, "
          f"travel {s['travel_km']} km, fairness {s['fairness']}, {s['solve_seconds']} s", file=sys.stderr)
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    """Check a roster against an instance; list every broken rule; exit 1 when any is broken."""
    try:
        instance = parse_instance(_load(args.instance, "instance"))
        roster = parse_roster(_load(args.roster, "roster"))
    except InstanceError as exc:
        return _fail(str(exc))
    report = validate(instance, roster)
    for violation in report.violations:
        print(violation)
    lv = report.levels
    print(f"levels: shortfall {lv.shortfall}, continuity {lv.continuity}, travel {lv.travel_km:.2f} km, "
          f"fairness {lv.fairness:.4f}")
    print("valid" if report.ok else f"INVALID: {len(report.violations)} broken rule(s)")
    return 0 if report.ok else EXIT_BROKEN


def cmd_calls_solve(args: argparse.Namespace) -> int:
    """Solve a call-instance/1 and write its call-schedule/1; exit 2 on bad input."""
    try:
        instance = parse_call_instance(_load(args.instance, "call instance"))
        settings = CallSettings(time_limit_s=args.time_limit, seed=args.seed, workers=args.workers)
    except (InstanceError, ValueError) as exc:
        return _fail(f"{args.instance}: {exc}")
    result = solve_calls(instance, settings)
    _write(result.schedule.to_json(), args.output)
    s = result.stats
    print(f"{s['status']}: {s['delivered']} of {s['demand']} calls delivered (bound {s['delivered_bound']}), "
          f"{s['kept']} slots kept, load {s['load']}, {s['solve_seconds']} s", file=sys.stderr)
    return 0


def cmd_calls_check(args: argparse.Namespace) -> int:
    """Check a call schedule against its instance; list every broken rule; exit 1 when any is broken."""
    try:
        instance = parse_call_instance(_load(args.instance, "call instance"))
        schedule = parse_call_schedule(_load(args.schedule, "call schedule"))
    except InstanceError as exc:
        return _fail(str(exc))
    report = check_calls(instance, schedule)
    for violation in report.violations:
        print(violation)
    lv = report.levels
    print(f"levels: delivered {lv.delivered}, kept {lv.kept}, load {lv.load}")
    print("valid" if report.ok else f"INVALID: {len(report.violations)} broken rule(s)")
    return 0 if report.ok else EXIT_BROKEN


def _add_calls(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The ``calls`` command and its own ``solve`` and ``check``."""
    p_calls = sub.add_parser("calls", help="the family call window: call-instance/1 to call-schedule/1")
    calls = p_calls.add_subparsers(dest="calls_command", required=True)
    p_solve = calls.add_parser("solve", help="solve a call-instance/1 and write a call-schedule/1")
    p_solve.add_argument("instance", help="instance file, or - for standard input")
    p_solve.add_argument("-o", "--output", default="-", help="schedule file (default: standard output)")
    p_solve.add_argument("--time-limit", type=float, default=CallSettings.time_limit_s, help="seconds")
    p_solve.add_argument("--seed", type=int, default=0)
    p_solve.add_argument("--workers", type=int, default=0, help="threads per site (default: one)")
    p_solve.set_defaults(func=cmd_calls_solve)
    p_check = calls.add_parser("check", help="check a call schedule against its instance")
    p_check.add_argument("instance")
    p_check.add_argument("schedule")
    p_check.set_defaults(func=cmd_calls_check)


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run a subcommand."""
    parser = argparse.ArgumentParser(prog="python -m solver", description="Peiban's weekly roster solver.")
    sub = parser.add_subparsers(dest="command", required=True)
    p_solve = sub.add_parser("solve", help="solve a roster-instance/1 and write a roster/1")
    p_solve.add_argument("instance", help="instance file, or - for standard input")
    p_solve.add_argument("-o", "--output", default="-", help="roster file (default: standard output)")
    p_solve.add_argument("--time-limit", type=float, default=SolverSettings.time_limit_s, help="seconds")
    p_solve.add_argument("--seed", type=int, default=0)
    p_solve.add_argument("--workers", type=int, default=0, help="threads (default: all cores)")
    p_solve.add_argument("-v", "--verbose", action="store_true", help="log each stage of the search")
    p_solve.add_argument("--events", action="store_true",
                         help="write the solve-events/1 stream on standard output (progress, then the roster or "
                              "the reason there is none; one JSON object a line) instead of the roster")
    p_solve.add_argument("--reasons", metavar="FILE",
                         help="also write the unmet reasons as translatable messages (template and values), "
                              "in the order of the roster's unmet lists")
    p_solve.add_argument("--exit-with-parent", action="store_true",
                         help=f"stop (exit {EXIT_PARENT_GONE}) when the process that started this one ends")
    p_solve.set_defaults(func=cmd_solve)
    p_check = sub.add_parser("check", help="check a roster against its instance")
    p_check.add_argument("instance")
    p_check.add_argument("roster")
    p_check.set_defaults(func=cmd_check)
    _add_calls(sub)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if getattr(args, "verbose", False) else logging.WARNING,
                        format="%(relativeCreated)7.0f ms %(message)s")
    if getattr(args, "exit_with_parent", False):
        _exit_with_parent()
    status: int = args.func(args)
    return status


if __name__ == "__main__":
    sys.exit(main())
