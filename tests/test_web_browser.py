"""The board in a real browser: headless Chromium (the system's, driven by Playwright) drags a card,
closes a deal with its value, moves one with JavaScript off, and fits a phone's width."""

from __future__ import annotations

import os
import shutil
import threading
from datetime import date
from pathlib import Path
from typing import Any, Iterator

import pytest

pytest.importorskip("flask", reason="the web extra is not installed: pip install 'salescli[web]'")
sync_api = pytest.importorskip("playwright.sync_api",
                               reason="Playwright is not installed (pip install playwright); it drives the system's "
                                      "Chromium, no browser is downloaded")


def _chromium() -> str | None:
    for candidate in (os.environ.get("SALESCLI_TEST_CHROMIUM"), shutil.which("chromium"),
                      shutil.which("chromium-browser"), "/usr/bin/chromium"):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


CHROMIUM = _chromium()
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no Chromium browser here (Debian: apt-get install chromium); "
                                                         "the end-to-end test of the board is skipped")
# No network, no updates, nothing but the page (this machine has no internet); as root Chromium needs --no-sandbox.
ARGUMENTS = ["--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--no-first-run", *(["--no-sandbox"] if os.geteuid() == 0 else [])]
DEMO = "dingshengfangdichankaifa"  # 鼎盛房地产开发有限公司: demo, target 80,000
WAIT_MS = 15_000


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGUMENTS, timeout=60_000)
        yield launched
        launched.close()


@pytest.fixture
def site(sample: Path) -> Iterator[str]:
    """The sample served on 127.0.0.1 (a free port) for the length of one test."""
    from werkzeug.serving import make_server

    from salescli.web.app import Settings, create_app

    server = make_server("127.0.0.1", 0, create_app(Settings(root=sample, today=date(2026, 11, 26))), threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.port}"
    finally:
        server.shutdown()
        thread.join(10)


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1600, "height": 1000})
    opened = context.new_page()
    opened.set_default_timeout(WAIT_MS)
    yield opened
    context.close()


def card(page: Any, customer_id: str) -> Any:
    return page.locator(f'li.card[data-customer="{customer_id}"]')


def column(page: Any, stage: str) -> Any:
    return page.locator(f'section.column[data-stage="{stage}"]')


def drag(page: Any, customer_id: str, stage: str) -> None:
    """Drag the card onto the column's heading (always in view: the browser need not scroll mid-drag)."""
    card(page, customer_id).drag_to(column(page, stage).locator("h2"))


def test_dragging_a_card_to_another_stage_appends_one_event(page: Any, site: str, sample: Path) -> None:
    path = sample / "customers" / f"{DEMO}.yaml"
    before = path.read_bytes()
    page.goto(site + "/")
    assert column(page, "demo").locator(f'li.card[data-customer="{DEMO}"]').count() == 1
    with page.expect_navigation():
        drag(page, DEMO, "objections")
    assert page.locator("p.done").inner_text() == "鼎盛房地产开发有限公司 moved to objections."
    assert path.read_bytes() == before + b"- {date: 2026-11-26, event: stage, stage: objections}\n"
    assert column(page, "objections").locator(f'li.card[data-customer="{DEMO}"]').count() == 1


def test_dropping_a_card_on_close_asks_for_the_value_won(page: Any, site: str, sample: Path) -> None:
    path = sample / "customers" / f"{DEMO}.yaml"
    before = path.read_bytes()
    page.goto(site + "/")
    drag(page, DEMO, "close")
    value = card(page, DEMO).locator('input[name="value"]')
    assert value.is_visible() and value.input_value() == "80000"  # the target, to confirm or change
    assert path.read_bytes() == before  # nothing is written before the rep confirms
    value.fill("8.5万")
    with page.expect_navigation():
        card(page, DEMO).locator("form.move button").click()
    assert page.locator("p.done").inner_text().startswith("鼎盛房地产开发有限公司: won 85,000 CNY.")
    assert path.read_bytes() == before + b"- {date: 2026-11-26, event: won, value: 85000}\n"
    won = column(page, "close").locator(f'li.card[data-customer="{DEMO}"]')
    assert won.count() == 1 and "won" in won.get_attribute("class")


def test_without_javascript_the_move_form_does_the_same(browser: Any, site: str, sample: Path) -> None:
    path = sample / "customers" / f"{DEMO}.yaml"
    before = path.read_bytes()
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.set_default_timeout(WAIT_MS)
        page.goto(site + "/")
        moving = card(page, DEMO)
        moving.locator("summary").click()
        moving.locator('select[name="stage"]').select_option("lost")
        moving.locator('input[name="reason"]').fill("选了别家")
        with page.expect_navigation():
            moving.locator("form.move button").click()
        assert page.locator("p.done").inner_text() == "鼎盛房地产开发有限公司: lost at demo."
        assert path.read_bytes() == before + "- {date: 2026-11-26, event: lost, reason: 选了别家}\n".encode()
    finally:
        context.close()


def test_a_refused_move_shows_the_clis_message_and_writes_nothing(page: Any, site: str, sample: Path) -> None:
    before = {path.name: path.read_bytes() for path in (sample / "customers").iterdir()}
    page.goto(site + "/")
    prospect = "jiuzhoutongwuliuyuanxiangmubu"  # no target: closing it needs a value
    drag(page, prospect, "close")
    with page.expect_navigation():
        card(page, prospect).locator("form.move button").click()
    assert page.locator("p.error").inner_text() == (
        "Error: closing needs the value won: pass --value AMOUNT (or set a target with `salescli target`)")
    assert {path.name: path.read_bytes() for path in (sample / "customers").iterdir()} == before


def test_every_page_fits_a_phones_width(browser: Any, site: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    try:
        page = context.new_page()
        page.set_default_timeout(WAIT_MS)
        for url in ("/", f"/customer/{DEMO}", "/forecast", "/reports", "/route", "/customers"):
            page.goto(site + url)
            assert page.evaluate("document.documentElement.scrollWidth") <= 390, url
        page.goto(site + "/")
        assert page.locator("section.column").first.bounding_box()["width"] > 300  # a column fills the screen
    finally:
        context.close()
