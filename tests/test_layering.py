"""The layers: the solver's runtime imports nothing of its bench or generator, and the web app (every module of
it) imports nothing of the demo data or the solver's bench."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH_AND_DEMO = ("seed", "solver.bench", "loadtest")  # the generator is solver.bench.generate


def _modules_after(code: str) -> list[str]:
    """The modules a fresh interpreter holds after running ``code``."""
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)  # noqa: S603
    return json.loads(done.stdout.splitlines()[-1])


def _of(modules: list[str], packages: tuple[str, ...]) -> list[str]:
    return [m for m in modules if any(m == p or m.startswith(p + ".") for p in packages)]


def test_the_solvers_runtime_imports_no_bench_and_no_generator() -> None:
    """`import solver.solve` and the command line load none of the bench, the generator or the demo."""
    modules = _modules_after("import solver.solve, solver.__main__")
    assert "solver.solve" in modules and _of(modules, BENCH_AND_DEMO) == []


def test_the_web_app_imports_no_demo_and_no_bench() -> None:
    """Every module of scheduler_app, and an app made by create_app, load none of the demo data or the bench."""
    modules = _modules_after(
        "import importlib, pkgutil, scheduler_app\n"
        "for m in pkgutil.walk_packages(scheduler_app.__path__, 'scheduler_app.'): importlib.import_module(m.name)\n"
        "scheduler_app.create_app({'SQLALCHEMY_DATABASE_URI': 'sqlite://', 'SECRET_KEY': 'layering'})")
    assert "scheduler_app.rosters.runners" in modules and _of(modules, BENCH_AND_DEMO) == []
