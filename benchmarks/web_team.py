"""A team's folder in a browser: `salescli web` on 10,000 customers, driven by headless Chromium
(the system's, through Playwright: no browser is downloaded).

    python benchmarks/web_team.py                  # 10,000 customers, 5 runs of each figure
    python benchmarks/web_team.py --customers 1000 --runs 3 --width 390

Issue 23's bars, measured here and not in a timed test:
- the first page, warm (a new server over a folder whose parse cache is warm): at most 2 s from the
  start of the navigation to the page loaded;
- the board's HTML, by default: at most 200 KiB;
- a move: at most 1 s from the tap on a card's arrow to the board redrawn with it.
Each figure is given as the median, min and max of the runs. Nothing here asserts.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate  # noqa: E402

TODAY = "2026-11-26"
ARGUMENTS = ["--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run",
             *(["--no-sandbox"] if os.geteuid() == 0 else [])]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--width", type=int, default=1366, help="the browser's width (390: a phone)")
    parser.add_argument("--folder", type=Path, default=Path(tempfile.gettempdir()) / "salescli-bench")
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    source = generate(args.folder / f"customers-{args.customers}", args.customers)
    root = Path(tempfile.mkdtemp(prefix="salescli-team-")) / "folder"
    shutil.copytree(source, root)  # (the moves write: the generated folder stays as it was)
    environment = {**os.environ, "SALESCLI_CACHE_DIR": str(args.folder / "cache-team")}
    salescli = shutil.which("salescli") or str(Path(sys.executable).parent / "salescli")
    subprocess.run([salescli, "--today", TODAY, "list", "--format", "csv"], cwd=root, env=environment, check=True,
                   stdout=subprocess.DEVNULL)  # the parse cache, warm
    first: list[float] = []
    sizes: list[int] = []
    moves: list[float] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=args.chromium, args=ARGUMENTS)
        for _run in range(args.runs):
            server, url = _start(salescli, root, environment)
            try:
                page = browser.new_page(viewport={"width": args.width, "height": 900},
                                        has_touch=args.width < 800, is_mobile=args.width < 800)
                response = page.goto(url)
                first.append(page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd") / 1000)
                sizes.append(len(response.body()) if response else 0)
                moves.append(_move(page))
                page.close()
            finally:
                server.terminate()
                server.communicate(timeout=30)
        browser.close()
    print(f"{args.customers:,} customers, Chromium at {args.width} px, {args.runs} runs (median, min–max)")
    print(f"first page, warm (navigation start to load):  {_figures(first)} s")
    print(f"board HTML:                                   {statistics.median(sizes) / 1024:.0f} KiB")
    print(f"a move, tap to the board redrawn:             {_figures(moves)} s")


def _start(salescli: str, root: Path, environment: dict[str, str]) -> tuple[subprocess.Popen[str], str]:
    server = subprocess.Popen([salescli, "--today", TODAY, "web", "--no-open", "--port", "0"], cwd=root,
                              env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert server.stdout is not None
    for line in server.stdout:
        found = re.search(r"(http://127\.0\.0\.1:\d+/)", line)
        if found:
            return server, found.group(1)
    raise SystemExit("the server did not start")


def _move(page: Any) -> float:
    """Tap the first card's arrow (a move forward, asked nothing) and time until its message shows."""
    arrow = page.locator("li.card button.next").first
    name = arrow.locator("xpath=ancestor::li[1]").locator("a.name").inner_text()
    started = time.perf_counter()
    arrow.click()
    page.locator("p.done span", has_text=name).wait_for(timeout=30_000)
    return time.perf_counter() - started


def _figures(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} ({min(values):.2f}–{max(values):.2f})"


if __name__ == "__main__":
    main()
