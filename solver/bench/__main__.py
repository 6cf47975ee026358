"""``python -m solver.bench [sizes|versus|dense|replan|queue|calls] …``: the benchmark tables (sizes when none is
named)."""

from __future__ import annotations

import sys

from solver.bench import calls, dense, replan, sizes, versus, workers

TABLES = {"sizes": sizes.main, "versus": versus.main, "dense": dense.main, "replan": replan.main,
          "queue": workers.main, "calls": calls.main}


def main(argv: list[str]) -> int:
    """Run the named table with the rest of the arguments."""
    if argv and argv[0] in TABLES:
        return TABLES[argv[0]](argv[1:])
    return sizes.main(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
