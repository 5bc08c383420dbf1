"""The guides' screenshots (docs/screenshots) of `salescli web` on a phone (390 × 844, in Chinese, the bundled sample
at 2026-11-26), taken with headless Chromium: docs/screenshots/{board,customer,forecast}-phone.png.

    python benchmarks/web_screenshots.py
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "docs" / "screenshots"
SHOTS = {"board-phone.png": "/", "customer-phone.png": "/customer/tianhejichangkuojianzhihuibu",
         "forecast-phone.png": "/forecast?month=2026-12&quota=60万"}


def main() -> None:
    from playwright.sync_api import sync_playwright
    from werkzeug.serving import make_server

    from salescli.web.app import Settings, create_app

    root = Path(tempfile.mkdtemp()) / "sample"
    for name in ("customers", "templates"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "salescli.yaml", root / "salescli.yaml")
    server = make_server("127.0.0.1", 0, create_app(Settings(root=root, today=date(2026, 11, 26), language="zh")))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    OUT.mkdir(parents=True, exist_ok=True)
    arguments = ["--disable-gpu", "--no-first-run", "--lang=zh-CN", *(["--no-sandbox"] if os.geteuid() == 0 else [])]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium",
                                             args=arguments)
        page = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                                device_scale_factor=2, locale="zh-CN")
        for name, url in SHOTS.items():
            page.goto(f"http://127.0.0.1:{server.port}{url}")
            if name == "board-phone.png":
                page.evaluate("window.scrollTo(0, document.querySelector('nav.stages').offsetTop - 8)")
            if name == "forecast-phone.png":  # the chart and the months under it
                page.evaluate("window.scrollTo(0, document.querySelector('figure').offsetTop - 60)")
            page.screenshot(path=str(OUT / name))
            print(OUT / name)
        browser.close()
    server.shutdown()


if __name__ == "__main__":
    main()
