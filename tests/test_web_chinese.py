"""The web page's leak test: every page, every error page and what a write answers, served in
Chinese, hold no English word — in the text, and in what shows on hover or is read out (title,
aria-label, placeholder) — but the words the command line's leak test allows (tests/test_chinese.py)."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("flask", reason="the web extra is not installed: pip install 'salescli[web]'")

from flask.testing import FlaskClient  # noqa: E402

from tests.test_chinese import _ids, english_words  # noqa: E402
from tests.test_web import BASE, DEMO, client_for, text_of, token  # noqa: E402

ATTRIBUTES = re.compile(r'\b(?:title|aria-label|placeholder|alt|data-(?:forward|back|close|lost|choose)|data-label)'
                        r'="([^"]*)"')
PAGES = ["/", "/?owner=", "/?owner=王芳&field=construction", "/?more=prospect", "/customers", "/customers?q=王强",
         "/customer/tianhejichangkuojianzhihuibu", "/customer/jiangchengjiangongjituan", f"/customer/{DEMO}/move",
         f"/customer/{DEMO}/move?stage=lost", "/forecast", "/forecast?month=2027-01&quota=60万",
         "/forecast?month=2026-12&model=history", "/forecast?month=2026-11&model=auto", "/forecast/accuracy",
         "/forecast/accuracy?month=2026-12&model=history", "/reports",
         "/reports?by=field&parties=1", "/route", "/route?days=30"]
ERRORS = {  # what each asks for, and the status it must answer
    "/nowhere": 404, "/customer/nobody": 404, "/forecast?month=十三月": 400, "/forecast?quota=很多": 400,
    "/reports?from=9999999999999999999天后": 400, "/reports?by=nonsense": 400, "/route?days=x": 400,
    "/route?from=明年某天": 400, "/route.ics?days=0": 400, "/static/nothing.css": 404,
}


def leaks(html: str, root: Path, url: str = "", *typed: str) -> set[str]:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)  # code, not words
    shown = text_of(html) + " " + " ".join(ATTRIBUTES.findall(html))
    return english_words(shown.replace("&#39;", "'"), _ids(root), (*re.split(r"[/?&=]", url), *typed))


def chinese(root: Path, **settings: Any) -> FlaskClient:
    return client_for(root, language="zh", **settings)


@pytest.mark.parametrize("url", PAGES)
def test_every_page_is_chinese(bundled: Path, url: str) -> None:
    response = chinese(bundled).get(url, base_url=BASE)
    assert response.status_code == 200, url
    assert leaks(response.get_data(as_text=True), bundled, url) == set()


@pytest.mark.parametrize("url", sorted(ERRORS))
def test_every_error_page_is_chinese(bundled: Path, url: str) -> None:
    response = chinese(bundled).get(url, base_url=BASE)
    html = response.get_data(as_text=True)
    assert response.status_code == ERRORS[url], (url, html[-1500:])
    assert leaks(html, bundled, url) == set()


def test_refusals_of_the_safety_rules_are_chinese(bundled: Path) -> None:
    client = chinese(bundled)
    refused = [client.get("/", base_url="http://attacker.example:8765"),  # a host not ours
               client.get("/", base_url=BASE, headers={"Host": ""}),
               client.post(f"/customer/{DEMO}/advance", data={"stage": "objections"}, base_url=BASE),  # no token
               client.post(f"/customer/{DEMO}/advance", data={"stage": "objections"}, base_url=BASE,
                           headers={"Origin": "http://attacker.example"}),
               client.get("/undo", base_url=BASE)]
    assert [response.status_code for response in refused] == [400, 400, 403, 403, 405]
    for response in refused:
        assert leaks(response.get_data(as_text=True), bundled) == set()
    guarded = chinese(bundled, password="换个密码", loopback=False, origin="http://192.0.2.1:8765")
    login = guarded.get("/login", base_url="http://192.0.2.1:8765").get_data(as_text=True)
    assert leaks(login, bundled) - {"password"} == set()  # (the login names the --password option)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', login)
    assert csrf
    for _attempt in range(4):
        answer = guarded.post("/login", data={"csrf_token": csrf.group(1), "password": "猜"},
                              base_url="http://192.0.2.1:8765")
    assert answer.status_code == 429
    assert "输错密码的次数太多" in answer.get_data(as_text=True)
    assert leaks(answer.get_data(as_text=True), bundled) - {"password"} == set()


def test_writes_and_their_refusals_are_chinese(bundled: Path, tmp_path: Path) -> None:
    root = tmp_path / "copy"
    shutil.copytree(bundled, root)
    client = chinese(root)
    form = {"csrf_token": token(client), "back": "board"}
    moved = client.post(f"/customer/{DEMO}/advance", data={**form, "stage": "approach"}, base_url=BASE,
                        headers={"X-Salescli": "1"})
    html = moved.get_data(as_text=True)
    assert moved.status_code == 200 and "鼎盛房地产开发有限公司已退回到接近阶段。" in text_of(html).replace(" ", "")
    assert leaks(html, root) == set()
    for refused in ({"stage": "lost"}, {"stage": "close", "value": "很多"}, {"stage": "飞"}):
        answer = client.post("/customer/jiuzhoutongwuliuyuanxiangmubu/advance", data={**form, **refused},
                             base_url=BASE)
        assert answer.status_code == 400, refused
        assert leaks(answer.get_data(as_text=True), root, refused["stage"]) == set()
    visit = client.post(f"/customer/{DEMO}/visit",
                        data={"csrf_token": form["csrf_token"], "next": "9999999999999999999天后"}, base_url=BASE)
    assert visit.status_code == 400 and "下次拜访：" in visit.get_data(as_text=True)
    assert leaks(visit.get_data(as_text=True), root, "9999999999999999999天后") == set()
    undone = client.post("/undo", data=form, base_url=BASE, headers={"X-Salescli": "1"})
    assert undone.status_code == 200 and "已撤销" in undone.get_data(as_text=True)
    assert leaks(undone.get_data(as_text=True), root) == set()


def test_the_log_names_its_events_in_chinese(bundled: Path) -> None:
    html = chinese(bundled).get("/customer/tianhejichangkuojianzhihuibu", base_url=BASE).get_data(as_text=True)
    events = re.findall(r'<td data-label="事件">([^<]*)</td>', html)
    assert events and not any(re.search("[A-Za-z]", event) for event in events)
    assert {"录入", "拜访"} <= set(events)


def test_the_business_card_pages_are_chinese(bundled: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from salescli import cardocr
    from salescli.card import Line

    root = tmp_path / "copy"
    shutil.copytree(bundled, root)
    lines = [["鼎盛房地产开发有限公司", "王建国", "预算科长", "手机：13900001234"]]
    monkeypatch.setattr(cardocr, "read_lines", lambda data, name: [Line(text, 0.5) for text in lines[-1]])
    client = chinese(root)
    path = f"/customer/{DEMO}"
    csrf = token(client, path)

    def upload(photo: bytes, name: str = "名片.jpg", **form: str) -> Any:
        return client.post(f"{path}/card", data={"csrf_token": csrf, "card": (io.BytesIO(photo), name), **form},
                           base_url=BASE, content_type="multipart/form-data")

    read = upload(b"\xff\xd8 photo", keep_photo="1")
    html = read.get_data(as_text=True)
    assert read.status_code == 200 and "请核对" in html
    assert leaks(html, root, "名片.jpg") == set()
    sent = dict(re.findall(r'<input[^>]*name="(\w+)"[^>]*value="([^"]*)"', html))
    refused = client.post(f"{path}/card/save", data={**sent, "mobile": "1390000123"}, base_url=BASE)
    assert refused.status_code == 400 and leaks(refused.get_data(as_text=True), root, "1390000123", "名片.jpg") == set()
    saved = client.post(f"{path}/card/save", data=sent, base_url=BASE, follow_redirects=True)
    assert saved.status_code == 200 and "照片已保存为" in saved.get_data(as_text=True)
    assert leaks(saved.get_data(as_text=True), root) == set()
    for photo, name, status in ((b"", "", 400), (b"x" * ((20 << 20) + 1), "名片.jpg", 413)):
        answer = upload(photo, name)
        assert answer.status_code == status and leaks(answer.get_data(as_text=True), root, "名片.jpg") == set()
    lines.append([])
    assert leaks(upload(b"\xff\xd8 photo").get_data(as_text=True), root, "名片.jpg") == set()
    lines.append(["鼎盛房地产开发有限公司"])
    assert leaks(upload(b"\xff\xd8 photo").get_data(as_text=True), root, "名片.jpg") == set()
    monkeypatch.setattr(cardocr, "available", lambda: False)
    assert leaks(client.get(path, base_url=BASE).get_data(as_text=True), root) == set()
