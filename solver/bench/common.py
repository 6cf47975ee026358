"""What every benchmark table needs: the week's demand, the machine it ran on, and a run in a process of its own."""

from __future__ import annotations

import json
import os
import platform
import resource
import subprocess
import sys
from pathlib import Path

from solver.instance import Instance

ROOT = Path(__file__).resolve().parents[2]


def demand(instance: Instance) -> int:
    """Everything the week asks for, in shortfall units: Σ priority × visits + 2 × tutor places + subjects."""
    visits = sum(c.priority * c.visits_per_week for c in instance.children)
    places = sum(2 * instance.required_tutors(s, x.day) + (len(instance.needed_subjects(s, x.day))
                                                            if instance.required_tutors(s, x.day) else 0)
                 for s in instance.sites for x in s.sessions)
    return visits + places


def service_vs_bound(instance: Instance, shortfall: float, bound: float) -> float:
    """(demand − shortfall) / (demand − bound): how much of what can be served is served."""
    total = demand(instance)
    return (total - shortfall) / (total - bound) if total > bound else 1.0


def machine() -> str:
    """A one-line description of this machine and its load when the bench started."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as fh:
            cpu = next(line.split(":", 1)[1].strip() for line in fh if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2 ** 30
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (f"{cpu}, {os.cpu_count()} cores, {mem_gb:.0f} GiB, Python {platform.python_version()}, "
            f"load {load:.2f} at the start")


def in_process(module: str, *args: str) -> dict:
    """Run ``python -m module args`` in a process of its own (its peak memory is its own) and read the JSON it
    prints on its last line."""
    out = subprocess.run([sys.executable, "-m", module, *args], capture_output=True, text=True,  # noqa: S603
                         check=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def peak_mb() -> int:
    """This process's peak resident memory, in MB."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
