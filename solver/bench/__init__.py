"""The solver's benchmarks, run with ``python -m solver.bench``: generated weeks it was not tuned on, against the
greedy baseline, a straightforward CP-SAT yardstick, a routing engine (PyVRP) and re-plans. Bench-only: the app
never imports this package."""
