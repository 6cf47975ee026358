"""Benchmark: the demo mother's My week on a 360 px phone in Debian's chromium, its bytes and its load on
Chromium's "Slow 3G" (DevTools' preset: 400 ms latency ×5 = 2 s, 400 kbit/s down, 400 kbit/s up).

    python -m loadtest.phone [--runs 3]

Serves the app on a fresh SQLite demo database on 127.0.0.1, logs in without throttling, then times a load
of My week with throttling and the HTTP cache off, in a new browser context each run: the first visit, before
any service worker (DevTools' throttling does not reach a service worker's own fetches, so a load through the
worker cannot be timed this way).
"""

from __future__ import annotations

import argparse
import platform
import statistics
import tempfile
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from scheduler_app import create_app
from seed.__main__ import cli as seed_cli

CHROMIUM = "/usr/bin/chromium"
SLOW_3G = {"offline": False, "latency": 2000, "downloadThroughput": 400 * 1024 / 8 * 0.8,
           "uploadThroughput": 400 * 1024 / 8 * 0.8}  # DevTools' "Slow 3G" preset, in bytes per second
PHONE = {"width": 360, "height": 740}


def _serve(folder: Path) -> tuple[str, object]:
    """The app on a new SQLite database with the demo data, in a thread; its address and server."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'phone.sqlite3'}", "SECRET_KEY": "phone"})
    result = app.test_cli_runner().invoke(seed_cli, args=["prepare"])
    if result.exit_code != 0:
        raise SystemExit(f"python -m seed prepare failed: {result.output}")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}", server


def _load(page, cdp, url: str) -> tuple[float, int]:  # Playwright objects
    """Load the page under Slow 3G; the load event's time in ms and the bytes of its HTML, CSS and JS."""
    sizes: list[int] = []

    def count(response) -> None:
        if response.request.resource_type in ("document", "stylesheet", "script"):
            sizes.append(len(response.body()))

    page.on("response", count)
    cdp.send("Network.emulateNetworkConditions", SLOW_3G)
    page.goto(url, wait_until="load")
    took = page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd")
    cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 0, "downloadThroughput": -1,
                                                  "uploadThroughput": -1})
    page.remove_listener("response", count)
    return took, sum(sizes)


def main(argv: list[str] | None = None) -> int:
    """Print the page's weight and its load times on Slow 3G."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        url, server = _serve(Path(tmp))
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        cold, weight = [], 0
        for _ in range(args.runs):
            context = browser.new_context(viewport=PHONE, locale="zh-CN")
            page = context.new_page()
            page.goto(url + "/auth/login")
            page.fill("#username", "mother")
            page.fill("#password", "peiban-demo")
            page.press("#password", "Enter")
            page.wait_for_url(url + "/")
            cdp = context.new_cdp_session(page)
            cdp.send("Network.enable")
            cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
            took, weight = _load(page, cdp, url + "/")
            cold.append(took)
            context.close()
        browser.close()
        server.shutdown()
    print(f"Machine: {platform.processor() or platform.machine()}, Python {platform.python_version()}")
    print(f"My week (HTML + CSS + JS as sent): {weight / 1024:.1f} KB")
    print(f"Slow 3G, first visit: load event after {statistics.median(cold) / 1000:.1f} s "
          f"(median of {args.runs}: {', '.join(f'{t / 1000:.1f}' for t in cold)})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
