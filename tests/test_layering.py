"""The layers: the solver's runtime imports nothing of its bench or generator, and the web app (every module of
it) imports nothing of the demo data or the solver's bench."""

from __future__ import annotations

import ast
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


# --- imports at the top of modules only, and no loops between them ---

PACKAGES = ("scheduler_app", "solver")


def _modules() -> dict[str, Path]:
    """Every module of the app and the solver by its dotted name (a package by its own name)."""
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            found[name.removesuffix(".__init__")] = path
    return found


def _why_comment(lines: list[str], node: ast.stmt) -> bool:
    """The import says why it is where it is: a comment on its line or on the line above."""
    return "#" in lines[node.lineno - 1] or lines[node.lineno - 2].strip().startswith("#")


def test_imports_inside_functions_say_why() -> None:
    """No module of the app or the solver imports inside a function (where an import hides a loop between
    modules) unless a comment beside it says why (e.g. an optional dependency)."""
    unexplained = []
    for name, path in _modules().items():
        source = path.read_text(encoding="utf-8")
        lines = source.splitlines()
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                unexplained += [f"{name}:{inner.lineno}" for inner in ast.walk(node)
                                if isinstance(inner, ast.Import | ast.ImportFrom) and not _why_comment(lines, inner)]
    assert unexplained == []


def _top_level_imports(tree: ast.Module) -> list[ast.Import | ast.ImportFrom]:
    """The imports a module runs when it is loaded (those under ``if TYPE_CHECKING:`` are never run)."""
    found: list[ast.Import | ast.ImportFrom] = []
    pending: list[ast.stmt] = list(tree.body)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.Import | ast.ImportFrom):
            found.append(node)
        elif isinstance(node, ast.If) and "TYPE_CHECKING" not in ast.unparse(node.test):
            pending += node.body + node.orelse
        elif isinstance(node, ast.Try):
            pending += node.body + node.orelse + node.finalbody + [s for h in node.handlers for s in h.body]
    return found


def _import_graph() -> dict[str, set[str]]:
    """Which of the app's and the solver's modules each one imports when it is loaded, the packages a module is
    in included (importing ``a.b.c`` runs ``a/__init__`` and ``a/b/__init__``: a blueprint package that imported its
    routes there made every import of its services load its routes, and the loops those hid)."""
    modules = _modules()
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        for node in _top_level_imports(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                graph[name] |= {a.name for a in node.names if a.name in modules}
            elif node.module in modules and node.level == 0:
                submodules = {f"{node.module}.{a.name}" for a in node.names} & modules.keys()
                rest = [a.name for a in node.names if f"{node.module}.{a.name}" not in modules]
                if submodules:
                    graph[name] |= submodules
                if rest:
                    graph[name].add(node.module)
    for name, imported in graph.items():
        for target in list(imported):
            parts = target.split(".")
            imported |= {p for p in (".".join(parts[:i]) for i in range(1, len(parts)))
                         if p in modules and not name.startswith(f"{p}.") and p != name}
    return graph


def _loops(graph: dict[str, set[str]]) -> list[list[str]]:
    """The groups of modules that import each other round a loop (Tarjan's strongly connected components)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    loops: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while (member := stack.pop()) != node:
                group.append(member)
            group.append(node)
            if len(group) > 1 or node in graph[node]:
                loops.append(sorted(group))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10 * len(graph)))
    for node in sorted(graph):
        if node not in index:
            visit(node)
    return loops


def test_no_module_of_the_app_or_the_solver_imports_itself_round_a_loop() -> None:
    """The modules' imports at load time form no loop: each module can be understood, and loaded, after those it
    imports."""
    assert _loops(_import_graph()) == []


def test_the_loop_finder_finds_a_loop() -> None:
    """The check above can fail: two modules importing each other are one loop, a chain is none."""
    assert _loops({"a": {"b"}, "b": {"a"}, "c": {"a"}}) == [["a", "b"]]
    assert _loops({"a": {"b"}, "b": set()}) == []
