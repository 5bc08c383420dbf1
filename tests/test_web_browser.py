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
    drag(page, DEMO, "objections")
    assert done(page) == "鼎盛房地产开发有限公司 moved to objections."
    assert path.read_bytes() == before + b"- {date: 2026-11-26, event: stage, stage: objections}\n"
    assert column(page, "objections").locator(f'li.card[data-customer="{DEMO}"]').count() == 1
    assert page.evaluate("performance.getEntriesByType('navigation').length") == 1  # no page was loaded again


def until(page: Any, expression: str) -> None:
    """Wait until `expression` is true in the page (polled: the page's CSP forbids wait_for_function's eval)."""
    for _attempt in range(WAIT_MS // 50):
        if page.evaluate(expression):
            return
        page.wait_for_timeout(50)
    raise AssertionError(f"never true: {expression}")


def done(page: Any) -> str:
    """The message of the last write, once the board has been redrawn with it."""
    message = page.locator("p.done span")
    message.wait_for()
    text: str = message.inner_text()
    return text


def test_dropping_a_card_on_close_asks_for_the_value_won(page: Any, site: str, sample: Path) -> None:
    path = sample / "customers" / f"{DEMO}.yaml"
    before = path.read_bytes()
    page.goto(site + "/")
    drag(page, DEMO, "close")
    sheet = page.locator("#move-sheet")
    value = sheet.locator('input[name="value"]')
    assert value.is_visible() and value.input_value() == "80000"  # the target, to confirm or change
    assert sheet.locator("h2").inner_text() == "Close 鼎盛房地产开发有限公司 as won: the value won?"
    assert path.read_bytes() == before  # nothing is written before the rep confirms
    value.fill("8.5万")
    sheet.locator("button.primary").click()
    assert done(page).startswith("鼎盛房地产开发有限公司: won 85,000 CNY.")
    assert path.read_bytes() == before + b"- {date: 2026-11-26, event: won, value: 85000}\n"
    won = column(page, "close").locator(f'li.card[data-customer="{DEMO}"]')
    assert won.count() == 1 and "won" in won.get_attribute("class")


def test_an_abandoned_question_puts_the_card_back(page: Any, site: str, sample: Path) -> None:
    before = {path.name: path.read_bytes() for path in (sample / "customers").iterdir()}
    page.goto(site + "/")
    drag(page, DEMO, "close")
    assert column(page, "close").locator(f'li.card[data-customer="{DEMO}"]').count() == 1  # shown where it goes
    page.locator("#move-sheet button.cancel").click()
    assert column(page, "demo").locator(f'li.card[data-customer="{DEMO}"]').count() == 1
    assert column(page, "close").locator(f'li.card[data-customer="{DEMO}"]').count() == 0
    drag(page, DEMO, "approach")  # backwards: asked too
    assert page.locator("#move-sheet h2").inner_text() == "Move 鼎盛房地产开发有限公司 back to approach?"
    page.keyboard.press("Escape")
    assert column(page, "demo").locator(f'li.card[data-customer="{DEMO}"]').count() == 1
    assert {path.name: path.read_bytes() for path in (sample / "customers").iterdir()} == before


def test_a_lost_zone_shows_while_dragging(page: Any, site: str, sample: Path) -> None:
    path = sample / "customers" / f"{DEMO}.yaml"
    before = path.read_bytes()
    page.goto(site + "/")
    lost = page.locator(".lost-zone")
    assert not lost.is_visible()
    box = card(page, DEMO).bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + 20)
    page.mouse.down()
    page.mouse.move(box["x"] + 40, box["y"] + 60, steps=3)  # the drag has begun: the zone shows
    assert lost.is_visible()
    zone = lost.bounding_box()
    page.mouse.move(zone["x"] + zone["width"] / 2, zone["y"] + zone["height"] / 2, steps=5)
    page.mouse.up()
    sheet = page.locator("#move-sheet")
    sheet.locator('input[name="reason"]').fill("预算砍了")
    sheet.locator("button.primary").click()
    assert done(page) == "鼎盛房地产开发有限公司: lost at demo."
    assert path.read_bytes() == before + "- {date: 2026-11-26, event: lost, reason: 预算砍了}\n".encode()
    assert not page.locator(".lost-zone").is_visible()


def test_without_javascript_the_move_page_does_the_same(browser: Any, site: str, sample: Path) -> None:
    path = sample / "customers" / f"{DEMO}.yaml"
    before = path.read_bytes()
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.set_default_timeout(WAIT_MS)
        page.goto(site + "/")
        with page.expect_navigation():
            card(page, DEMO).locator("a.move").click()
        page.locator('select[name="stage"]').select_option("lost")
        page.locator('input[name="reason"]').fill("选了别家")
        with page.expect_navigation():
            page.locator("form.move button").click()
        assert page.locator("p.done span").inner_text() == "鼎盛房地产开发有限公司: lost at demo."
        assert path.read_bytes() == before + "- {date: 2026-11-26, event: lost, reason: 选了别家}\n".encode()
        prospect = "jiuzhoutongwuliuyuanxiangmubu"
        with page.expect_navigation():
            card(page, prospect).locator("button.next").click()  # the one-tap arrow is a form of its own
        assert page.locator("p.done span").inner_text() == "九州通物流园项目部 moved to prepare."
    finally:
        context.close()


def test_a_refused_move_shows_the_pages_own_message_and_writes_nothing(page: Any, site: str, sample: Path) -> None:
    before = {path.name: path.read_bytes() for path in (sample / "customers").iterdir()}
    page.goto(site + "/")
    prospect = "jiuzhoutongwuliuyuanxiangmubu"  # no target: closing it needs a value
    drag(page, prospect, "close")
    page.locator("#move-sheet button.primary").click()
    page.locator("p.error").wait_for()
    assert page.locator("p.error").inner_text() == (
        "Error: Value won: give the value won (the deal has no target to take it from)")
    assert column(page, "prospect").locator(f'li.card[data-customer="{prospect}"]').count() == 1
    assert {path.name: path.read_bytes() for path in (sample / "customers").iterdir()} == before


def test_at_1366_pixels_the_eight_columns_fit_and_dates_do_not_wrap(browser: Any, site: str) -> None:
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    try:
        page = context.new_page()
        page.set_default_timeout(WAIT_MS)
        page.goto(site + "/?owner=")
        boxes = [column(page, stage).bounding_box() for stage in STAGES]
        assert boxes[-1]["x"] + boxes[-1]["width"] <= 1366 \
            and page.evaluate("document.documentElement.scrollWidth") <= 1366
        heights = page.evaluate("""[...document.querySelectorAll('.card dd')].map(dd => {
            const line = parseFloat(getComputedStyle(dd).lineHeight);
            return dd.getBoundingClientRect().height / line; })""")
        assert heights and max(heights) < 1.5  # one line each
        cut = page.evaluate("""[...document.querySelectorAll('.card dd, .card dt')].filter(cell =>
            cell.scrollWidth > cell.clientWidth + 1 ||
            cell.getBoundingClientRect().right > cell.closest('.card').getBoundingClientRect().right + 1
        ).map(cell => cell.innerText)""")
        assert cut == []  # nor cut off
    finally:
        context.close()


STAGES = ["prospect", "prepare", "approach", "needs", "demo", "objections", "close", "service"]


def test_every_page_fits_a_phones_width(phone: Any, site: str) -> None:
    for url in ("/", f"/customer/{DEMO}", "/forecast", "/forecast?month=2026-12&model=history", "/forecast/accuracy",
                "/reports", "/route", "/customers", f"/customer/{DEMO}/move"):
        phone.goto(site + url)
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390, url
    phone.goto(site + "/")
    assert phone.locator("section.column").first.bounding_box()["width"] > 300  # a column fills the screen
    strip = phone.locator("nav.stages a")
    assert strip.count() == 8  # …and every stage's name and count stays in sight above it
    for index in range(8):
        box = strip.nth(index).bounding_box()
        assert box["y"] >= 0 and box["x"] >= 0 and box["x"] + box["width"] <= 390 and box["height"] >= 44


def test_no_table_wraps_a_character_a_line_on_a_phone(phone: Any, site: str) -> None:
    for url in ("/customers", f"/customer/{DEMO}", "/forecast?month=2026-12", "/forecast?month=2026-12&model=history",
                "/forecast/accuracy"):
        phone.goto(site + url)
        narrow = phone.evaluate("""[...document.querySelectorAll('td, th')].filter(cell => {
            const box = cell.getBoundingClientRect(); const text = cell.innerText.trim();
            return box.width > 0 && text.length > 1 && box.width < 2 * parseFloat(getComputedStyle(cell).fontSize);
        }).map(cell => cell.innerText)""")
        assert narrow == [], url
    phone.goto(site + "/customers")
    assert phone.evaluate("document.documentElement.scrollHeight") < 35 * 300  # a card a customer, not a tower


def test_targets_are_big_enough_for_a_finger(phone: Any, site: str) -> None:
    phone.goto(site + "/")
    sizes = phone.evaluate("""[...document.querySelectorAll('.card .act .next, .card .act .move')]
        .map(target => target.getBoundingClientRect()).filter(box => box.width > 0).map(box => box.height)""")
    assert sizes and min(sizes) >= 44


def test_chart_text_is_legible_on_a_phone(phone: Any, site: str) -> None:
    for url in ("/forecast?month=2026-12&quota=60万", "/reports"):
        phone.goto(site + url)
        sizes = phone.evaluate("""[...document.querySelectorAll('svg.chart text')].map(text => {
            const svg = text.ownerSVGElement;
            return parseFloat(getComputedStyle(text).fontSize) *
                svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
        })""")
        assert sizes and min(sizes) >= 11, (url, min(sizes))


# ---- a rep's phone: 390 × 844, touch ---------------------------------------------------------

@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                                  device_scale_factor=2)
    opened = context.new_page()
    opened.set_default_timeout(WAIT_MS)
    yield opened
    context.close()


def sheet_of(phone: Any, site: str, customer_id: str) -> Any:
    """The board on the phone, and the Move sheet of the customer's card, opened by a tap."""
    phone.goto(site + "/")
    card(phone, customer_id).locator("a.move").tap()
    return phone.locator("#move-sheet")


def test_on_a_phone_a_move_back_asks_first_and_undo_takes_it_back(phone: Any, site: str, sample: Path) -> None:
    path = sample / "customers" / f"{DEMO}.yaml"
    before = path.read_bytes()
    sheet = sheet_of(phone, site, DEMO)
    assert sheet.locator("h2").inner_text() == "Move 鼎盛房地产开发有限公司 (now demo) to:"
    sheet.locator('.choices button[data-stage="approach"]').tap()
    assert sheet.locator("h2").inner_text() == "Move 鼎盛房地产开发有限公司 back to approach?"
    assert path.read_bytes() == before
    sheet.locator("button.primary").tap()
    assert done(phone) == "鼎盛房地产开发有限公司 moved back to approach."
    assert path.read_bytes() == before + b"- {date: 2026-11-26, event: stage, stage: approach}\n"
    phone.locator("form.undo button").tap()
    until(phone, "document.querySelector('p.done span').innerText.startsWith('Undone')")
    assert done(phone) == "Undone: 鼎盛房地产开发有限公司 moved back to approach."
    assert path.read_bytes() == before
    assert column(phone, "demo").locator(f'li.card[data-customer="{DEMO}"]').count() == 1


def test_on_a_phone_a_deal_is_lost_with_a_reason(phone: Any, site: str, sample: Path) -> None:
    path = sample / "customers" / f"{DEMO}.yaml"
    before = path.read_bytes()
    sheet = sheet_of(phone, site, DEMO)
    sheet.locator('.choices button[data-stage="lost"]').tap()
    assert sheet.locator("h2").inner_text() == "Mark the deal with 鼎盛房地产开发有限公司 lost: why?"
    sheet.locator("button.primary").tap()  # no reason yet: the browser asks for one, nothing is sent
    assert sheet.is_visible() and path.read_bytes() == before
    sheet.locator('input[name="reason"]').fill("甲方换了供应商")
    sheet.locator("button.primary").tap()
    assert done(phone) == "鼎盛房地产开发有限公司: lost at demo."
    assert path.read_bytes() == before + "- {date: 2026-11-26, event: lost, reason: 甲方换了供应商}\n".encode()


def test_on_a_phone_the_board_stays_where_the_rep_was(phone: Any, site: str, sample: Path) -> None:
    phone.goto(site + "/")
    phone.locator('nav.stages a[data-stage="demo"]').tap()  # to the fifth column, by the strip
    until(phone, "Math.abs(document.querySelector('.board').scrollLeft - "
                 "(document.querySelector('#col-demo').offsetLeft - document.querySelector('.board').offsetLeft)) < 3")
    phone.evaluate("window.scrollTo(0, 120)")
    where = None
    while where != (where := phone.evaluate("[document.querySelector('.board').scrollLeft, window.scrollY]")):
        phone.wait_for_timeout(200)  # (until the smooth scroll and its snap have settled)
    assert where[0] > 1000
    card(phone, DEMO).locator("button.next").tap()  # demo → objections, one tap
    assert done(phone) == "鼎盛房地产开发有限公司 moved to objections."
    assert phone.evaluate("[document.querySelector('.board').scrollLeft, window.scrollY]") == where
    assert (sample / "customers" / f"{DEMO}.yaml").read_bytes().endswith(
        b"- {date: 2026-11-26, event: stage, stage: objections}\n")
    assert phone.evaluate("performance.getEntriesByType('navigation').length") == 1


def test_on_a_phone_a_long_press_drags_a_card_onto_a_stage(phone: Any, site: str, sample: Path) -> None:
    path = sample / "customers" / f"{DEMO}.yaml"
    before = path.read_bytes()
    phone.goto(site + "/")
    phone.locator('nav.stages a[data-stage="demo"]').tap()
    phone.wait_for_timeout(600)  # (the smooth scroll)
    start = card(phone, DEMO).locator("dl").bounding_box()
    chip = phone.locator('nav.stages a[data-stage="objections"]').bounding_box()
    session = phone.context.new_cdp_session(phone)

    def touch(kind: str, x: float, y: float) -> None:
        points = [] if kind == "touchEnd" else [{"x": x, "y": y}]
        session.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})

    x, y = start["x"] + start["width"] / 2, start["y"] + start["height"] / 2
    touch("touchStart", x, y)
    phone.wait_for_timeout(500)  # a long press
    assert phone.locator(".card.ghost").count() == 1
    for step in range(1, 6):
        touch("touchMove", x + (chip["x"] + chip["width"] / 2 - x) * step / 5,
              y + (chip["y"] + chip["height"] / 2 - y) * step / 5)
    touch("touchEnd", 0, 0)
    assert done(phone) == "鼎盛房地产开发有限公司 moved to objections."
    assert path.read_bytes() == before + b"- {date: 2026-11-26, event: stage, stage: objections}\n"


def test_on_a_phone_a_visit_is_logged(phone: Any, site: str, sample: Path) -> None:
    path = sample / "customers" / f"{DEMO}.yaml"
    before = path.read_bytes()
    phone.goto(site + f"/customer/{DEMO}")
    visit = phone.locator("form", has=phone.locator('input[name="goal"]'))
    visit.locator('input[name="goal"]').fill("谈价格")
    visit.locator('input[name="note"]').fill("科长同意")
    visit.locator('input[name="next"]').fill("2026-12-03")  # a date input: the phone's date picker
    with phone.expect_navigation():
        visit.locator("button").tap()
    assert phone.locator("p.done span").inner_text() == "Logged a visit to 鼎盛房地产开发有限公司 on 2026-11-26."
    assert path.read_bytes() == before + ("- {date: 2026-11-26, event: visit, goal: 谈价格, note: 科长同意, "
                                          "next: 2026-12-03}\n").encode()
    assert phone.locator('a.call[href^="tel:"]').count() <= 1


def test_on_a_phone_a_business_card_becomes_a_key_person(phone: Any, site: str, sample: Path,
                                                          monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from salescli import cardocr
    from salescli.card import Line

    lines = ["鼎盛房地产开发有限公司", "王建国", "预算科长", "手机：13900001234"]
    monkeypatch.setattr(cardocr, "read_lines", lambda data, name: [  # (the server runs in this process)
        Line(text, 0.5 if text == "预算科长" else 0.99) for text in lines])
    photo = tmp_path / "card.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0 a photo")
    path = sample / "customers" / f"{DEMO}.yaml"
    phone.goto(site + f"/customer/{DEMO}")
    upload = phone.locator("form.namecard")
    upload.locator('input[type="file"]').set_input_files(str(photo))  # (a phone offers its camera here)
    with phone.expect_navigation():
        upload.locator("button").tap()
    checking = phone.locator("form.namecard")
    assert checking.locator("label.unsure").inner_text().startswith("title ← check")
    assert checking.locator('input[name="phone"]').input_value() == ""
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    checking.locator('input[name="title"]').fill("预算部经理")
    with phone.expect_navigation():
        checking.locator("button").tap()
    assert phone.locator("p.done span").inner_text() == "Added 王建国 to the key people of 鼎盛房地产开发有限公司."
    assert '{name: 王建国, title: 预算部经理, mobile: "13900001234"}' in path.read_text(encoding="utf-8")
