#!/usr/bin/env python3
"""Peiban's two set-up commands, needing only python3: ``python3 dev.py run`` and ``python3 dev.py test``.

run   creates .venv, installs requirements.txt, compiles translations, migrates the SQLite
      database in instance/, loads the demo data when it is empty, and serves http://127.0.0.1:5000
      with waitress, a production server that runs everywhere, Windows too (``run --port 8080`` or
      PEIBAN_PORT=8080 for another port)
test  creates .venv, installs requirements-dev.txt and (with apt-get, as root or with sudo) Debian's
      chromium and CJK fonts for the browser tests, compiles translations, runs ruff, mypy and the
      whole pytest suite (against PostgreSQL too when one is reachable)
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / "python"
APP = "scheduler_app:create_app()"
SERVER_THREADS = 8  # requests wait mostly on the database; a small NGO's office never has more at once
# The browser tests drive Debian's chromium; Chinese pages need a CJK font to render.
CHROMIUM = Path("/usr/bin/chromium")
CJK_FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
BROWSER_PACKAGES = ("chromium", "fonts-noto-cjk")


def sh(*args: str | Path, env: dict | None = None) -> None:
    """Run a command in the project folder; stop with its exit code if it fails."""
    print("+", " ".join(str(a) for a in args), flush=True)
    result = subprocess.run([str(a) for a in args], cwd=ROOT, env=env)  # noqa: S603 - our own fixed commands
    if result.returncode != 0:
        sys.exit(result.returncode)


def ensure_venv(requirements: str) -> None:
    """Create .venv and install the pinned requirements, skipping the install when nothing changed."""
    if not PY.exists():
        venv.EnvBuilder(with_pip=True).create(VENV)
    files = [ROOT / "requirements.txt", ROOT / requirements]
    digest = hashlib.sha256(b"".join(f.read_bytes() for f in files)).hexdigest()
    stamp = VENV / f".installed-{requirements}"
    if stamp.exists() and stamp.read_text() == digest:
        return
    sh(PY, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", requirements)
    stamp.write_text(digest)


def ensure_browser() -> None:
    """Install Debian's chromium and CJK fonts when missing; if that cannot be done here, say why (the browser
    tests then skip with the same reason) and go on."""
    if os.environ.get("PEIBAN_CHROMIUM") or (CHROMIUM.exists() and CJK_FONT.exists()):
        return
    apt = shutil.which("apt-get")
    if apt is None:
        print("note: no apt-get here, so chromium is not installed; the browser tests will be skipped", flush=True)
        return
    if os.name != "nt" and os.geteuid() == 0:
        prefix = []
    elif shutil.which("sudo"):
        prefix = ["sudo", "-n"]  # never prompt: a test command must not wait for a password
    else:
        print("note: installing chromium needs root or sudo; the browser tests will be skipped", flush=True)
        return
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for step in (["update", "-qq"], ["install", "-y", "-qq", "--no-install-recommends", *BROWSER_PACKAGES]):
        print("+", " ".join([*prefix, apt, *step]), flush=True)
        done = subprocess.run([*prefix, apt, *step], env=env)  # noqa: S603 - fixed package names
        if done.returncode != 0:
            print(f"note: apt-get {step[0]} failed ({done.returncode}); the browser tests will be skipped",
                  flush=True)
            return


def compile_translations() -> None:
    """Compile the .po catalogues into the .mo files Flask-Babel reads."""
    sh(BIN / "pybabel", "compile", "--statistics", "-d", "scheduler_app/translations")


def flask_env() -> dict:
    """Environment for flask CLI calls."""
    return {**os.environ, "FLASK_APP": APP}


def serve_port(extra: list[str]) -> int:
    """The port ``run`` serves on: ``--port``, else PEIBAN_PORT, else 5000."""
    parser = argparse.ArgumentParser(prog="python3 dev.py run")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PEIBAN_PORT") or 5000),
                        help="the port to serve on (default PEIBAN_PORT, else 5000)")
    return parser.parse_args(extra).port


def server_command(port: int) -> list[str]:
    """The waitress command ``run`` ends in, serving the app on 127.0.0.1:port."""
    # waitress, not Flask's development server: a small NGO will run exactly this command as its server. It
    # keeps the X-Forwarded-* headers (waitress 3 drops them): the app decides whom to trust (PEIBAN_PROXY_HOPS),
    # and /metrics must see that a proxy on this machine forwarded a request rather than take it as local.
    return [str(PY), "-m", "waitress", "--host=127.0.0.1", f"--port={port}", f"--threads={SERVER_THREADS}",
            "--no-clear-untrusted-proxy-headers", "--call", APP.removesuffix("()")]


def run(extra: list[str]) -> None:
    """Install, migrate, load the demo data if empty, and serve with waitress on 127.0.0.1:5000 (``--port N`` or
    PEIBAN_PORT for another)."""
    port = serve_port(extra)
    ensure_venv("requirements.txt")
    compile_translations()
    env = flask_env()
    sh(PY, "-m", "seed", "prepare", env=env)
    print(f"\nPeiban is at http://127.0.0.1:{port}  (demo logins in README.md; Ctrl+C stops it)\n", flush=True)
    os.execve(str(PY), server_command(port), env)  # noqa: S606 - replace this process with the server


def test(extra: list[str]) -> None:
    """Install test dependencies, compile translations, lint, type-check, and run the whole suite."""
    ensure_venv("requirements-dev.txt")
    ensure_browser()
    compile_translations()
    sh(BIN / "ruff", "check", ".")
    sh(BIN / "mypy")  # the files and the strictness per package are in pyproject.toml
    sh(PY, "-m", "pytest", *extra)


def main(argv: list[str]) -> None:
    """Dispatch ``run`` or ``test``."""
    if not argv or argv[0] not in ("run", "test"):
        print(__doc__)
        sys.exit(2)
    if argv[0] == "run":
        run(argv[1:])
    else:
        test(argv[1:])


if __name__ == "__main__":
    main(sys.argv[1:])
