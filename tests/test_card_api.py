"""Folder.read_card and Folder.save_card: what the web page's card upload will call (a photo's bytes
in, a preview out; the preview, corrected, written)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

import salescli
from salescli import cardocr
from salescli.card import Line
from salescli.errors import InvalidValue
from tests.conftest import invoke

LINES = ["中建三局第一建设工程有限责任公司", "王建国", "预算科长", "手机：13900001234", "地址：武汉市洪山区珞喻路1号"]


@pytest.fixture(autouse=True)
def ocr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cardocr, "read_lines", lambda data, name: [Line(text, 0.99) for text in LINES])


def test_a_card_read_from_bytes_corrected_and_written(folder: Path) -> None:
    invoke(folder, "add", "中建三局一公司", "--id", "zj", "--no-input")
    api = salescli.Folder(folder, today="2026-11-26")
    reading = api.read_card(b"\xff\xd8 photo bytes", file="upload.jpg")
    assert (reading.customer.id if reading.customer else None, reading.file) == ("zj", "upload.jpg")
    assert reading.card.values() == {"name": "王建国", "title": "预算科长", "mobile": "13900001234",
                                     "address": "武汉市洪山区珞喻路1号", "company": "中建三局第一建设工程有限责任公司"}
    corrected = replace(reading, card=replace(reading.card, title="预算部经理"))
    saved = api.save_card(corrected, keep_photo=True)
    assert (saved.person, saved.added_person, saved.added_customer) == ("王建国", True, False)
    assert saved.photo == folder / "customers" / "zj.card-wangjianguo.jpg"
    assert saved.photo.read_bytes() == b"\xff\xd8 photo bytes"
    assert [dict(person) for person in saved.after.get("trust.people")] == [
        {"name": "王建国", "title": "预算部经理", "mobile": "13900001234",
         "note": "business card: 武汉市洪山区珞喻路1号"}]


def test_a_new_company_becomes_a_customer_and_a_name_is_needed(folder: Path) -> None:
    api = salescli.Folder(folder, today="2026-11-26")
    reading = api.read_card(b"\xff\xd8 photo bytes", file="upload.jpg")
    assert reading.customer is None and reading.near == ()
    with pytest.raises(InvalidValue, match="^the person needs a name$"):
        api.save_card(replace(reading, card=replace(reading.card, name=" ")))
    saved = api.save_card(reading, field="建筑")
    assert (saved.after.name, saved.after.get("field"), saved.after.get("contact.person")) == (
        "中建三局第一建设工程有限责任公司", "construction", "王建国")
    assert not list((folder / "customers").glob("*.jpg"))
