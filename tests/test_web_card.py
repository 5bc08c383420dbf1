"""The business card (名片) on the web page's customer page: a photo read into a form to check, the
key person written when confirmed, the bad inputs refused in the page's words. The OCR is replaced
by fixed text (as in tests/test_card_api.py); the photo's own checks are real."""

from __future__ import annotations

import io
import re
import sys
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("flask", reason="the web extra is not installed: pip install 'salescli[web]'")

from flask.testing import FlaskClient  # noqa: E402

from salescli import cardocr  # noqa: E402
from salescli.card import Line  # noqa: E402
from tests.test_web import BASE, DEMO, client_for, files, text_of, token  # noqa: E402

CARD = ["鼎盛房地产开发有限公司", "王建国", "预算科长", "手机：139 0000 1234", "地址：武汉市洪山区珞喻路1号"]
UNSURE = 2  # the OCR's confidence in the title is low: the page marks it to check
PATH = f"/customer/{DEMO}"
JPEG = b"\xff\xd8\xff\xe0 a photo"
READ_LINES = cardocr.read_lines  # the real one: it checks the photo before the OCR reads it


@pytest.fixture
def read(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """What the OCR reads (the last list); each photo it was given is recorded after it."""
    lines = [list(CARD)]
    monkeypatch.setattr(cardocr, "read_lines", lambda data, name: [
        Line(text, 0.5 if number == UNSURE else 0.99) for number, text in enumerate(lines[-1])])
    return lines


@pytest.fixture
def client(sample: Path) -> FlaskClient:
    return client_for(sample)


def upload(client: FlaskClient, photo: bytes | None = JPEG, name: str = "IMG_0001.jpg", **form: str) -> Any:
    sent: dict[str, Any] = {"csrf_token": token(client, PATH), **form}
    sent["card"] = (io.BytesIO(photo or b""), name if photo is not None else "")
    return client.post(f"{PATH}/card", data=sent, base_url=BASE, content_type="multipart/form-data")


def fields(html: str) -> dict[str, str]:
    """The form's fields (inputs) and their values, as the browser would send them."""
    return {name: value for tag in re.findall(r"<input\b[^>]*>", html)
            if (name := _attribute(tag, "name")) and (_attribute(tag, "type") != "checkbox" or " checked" in tag)
            for value in [_attribute(tag, "value") or ""]}


def _attribute(tag: str, name: str) -> str | None:
    found = re.search(rf'\b{name}="([^"]*)"', tag)
    return found.group(1) if found else None


def people_line(sample: Path) -> list[str]:
    return [line for line in (sample / "customers" / f"{DEMO}.yaml").read_text(encoding="utf-8").splitlines()
            if "王建国" in line]


def test_the_customer_page_opens_the_phones_camera(client: FlaskClient) -> None:
    html = client.get(PATH, base_url=BASE).get_data(as_text=True)
    form = html[html.index('<form class="stacked namecard"'):].split("</form>")[0]
    assert 'method="post" enctype="multipart/form-data" action="/customer/dingshengfangdichankaifa/card"' in form
    assert '<input type="file" name="card" accept="image/*" capture required>' in form
    assert "Photo of the card (at most 20 MB)" in text_of(form) and 'name="csrf_token"' in form
    assert '<input type="checkbox" name="keep_photo" value="1">' in form  # not ticked: the photo is not kept


def test_a_card_read_is_a_form_to_check_and_nothing_is_written(client: FlaskClient, sample: Path,
                                                               read: list[list[str]]) -> None:
    before = files(sample)
    response = upload(client)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert files(sample) == before
    text = text_of(html)
    assert ("IMG_0001.jpg: 王建国, a new key person of 鼎盛房地产开发有限公司 (dingshengfangdichankaifa): "
            "Check title against the card: the reading is unsure.") in text
    sent = fields(html)
    assert {key: sent[key] for key in ("name", "title", "mobile", "phone", "email", "address", "company",
                                       "department")} == {
        "name": "王建国", "title": "预算科长", "mobile": "13900001234", "phone": "", "email": "", "department": "",
        "address": "武汉市洪山区珞喻路1号", "company": "鼎盛房地产开发有限公司"}
    assert re.search(r'<label class="unsure"><span>title <em>← check</em></span>\s*'
                     r'<input name="title" value="预算科长"', html)
    assert html.count('class="unsure"') == 1 and "photo" not in sent and "keep_photo" not in sent
    assert '<input name="phone" value="" placeholder="(not on the card)"' in html  # empty: never guessed


def test_confirming_writes_the_key_person_as_corrected_and_undo_takes_it_back(client: FlaskClient, sample: Path,
                                                                             read: list[list[str]]) -> None:
    path = sample / "customers" / f"{DEMO}.yaml"
    before = path.read_text(encoding="utf-8")
    sent = fields(upload(client).get_data(as_text=True))
    response = client.post(f"{PATH}/card/save", data={**sent, "title": "预算部经理", "email": "wjg@dingsheng.cn"},
                           base_url=BASE)
    assert (response.status_code, response.headers["Location"]) == (303, PATH)
    after = path.read_text(encoding="utf-8")
    line = ('  - {name: 王建国, title: 预算部经理, mobile: "13900001234", email: wjg@dingsheng.cn, '
            'note: "business card: 武汉市洪山区珞喻路1号"}\n')
    people = re.search(r"^  people:.*\n", before, re.M)
    assert people and after == before[:people.end()] + line + before[people.end():]  # one line put in, nothing else
    page = client.get(PATH, base_url=BASE).get_data(as_text=True)
    assert "Added 王建国 to the key people of 鼎盛房地产开发有限公司." in text_of(page)
    assert '<form class="undo"' in page and not list((sample / "customers").glob("*.jpg"))
    undone = client.post("/undo", data={"csrf_token": token(client, PATH)}, base_url=BASE)
    assert undone.status_code == 303 and path.read_text(encoding="utf-8") == before


def test_a_card_of_someone_known_updates_their_details(client: FlaskClient, sample: Path,
                                                       read: list[list[str]]) -> None:
    sent = fields(upload(client).get_data(as_text=True))
    assert client.post(f"{PATH}/card/save", data=sent, base_url=BASE).status_code == 303
    read.append([*CARD[:2], "预算科副科长", "手机：13900001234", "电话：027-87654321"])
    again = upload(client).get_data(as_text=True)
    assert "IMG_0001.jpg: updates 王建国, a key person of 鼎盛房地产开发有限公司" in text_of(again)
    assert client.post(f"{PATH}/card/save", data=fields(again), base_url=BASE).status_code == 303
    assert people_line(sample) == ['  - {name: 王建国, title: 预算科副科长, mobile: "13900001234", '
                                   'note: "business card: 武汉市洪山区珞喻路1号", phone: 027-87654321}']
    page = text_of(client.get(PATH, base_url=BASE).get_data(as_text=True))
    assert "Updated 王建国 of 鼎盛房地产开发有限公司: title, office phone." in page


def test_the_photo_is_kept_only_when_asked(client: FlaskClient, sample: Path, read: list[list[str]]) -> None:
    html = upload(client, keep_photo="1").get_data(as_text=True)
    sent = fields(html)
    assert sent["keep_photo"] == "1" and sent["photo"]
    assert client.post(f"{PATH}/card/save", data=sent, base_url=BASE).status_code == 303
    kept = sample / "customers" / f"{DEMO}.card-wangjianguo.jpg"
    assert kept.read_bytes() == JPEG
    assert (sample / "customers" / f"{DEMO}.yaml").read_text(encoding="utf-8").endswith(
        f'- {{date: 2026-11-26, event: note, note: "business card of 王建国: {kept.name}"}}\n')
    page = client.get(PATH, base_url=BASE).get_data(as_text=True)
    assert f"The photo is kept as customers/{kept.name}." in text_of(page)
    assert '<form class="undo"' not in page  # (two files written: nothing to take back in one)


def test_a_held_photo_is_this_sessions_alone(client: FlaskClient, sample: Path, read: list[list[str]]) -> None:
    sent = fields(upload(client, keep_photo="1").get_data(as_text=True))
    other = client_for(sample)
    other.application.extensions["salescli.photos"] = client.application.extensions["salescli.photos"]
    before = files(sample)
    response = other.post(f"{PATH}/card/save", data={**sent, "csrf_token": token(other, PATH)}, base_url=BASE)
    assert response.status_code == 400 and files(sample) == before
    html = response.get_data(as_text=True)
    assert "The photo is no longer here (the page keeps the last few for an hour)" in text_of(html)
    assert fields(html)["name"] == "王建国"  # the form again, as it was sent


def test_a_field_the_person_command_refuses_is_refused_in_the_form(client: FlaskClient, sample: Path,
                                                                    read: list[list[str]]) -> None:
    sent = fields(upload(client).get_data(as_text=True))
    before = files(sample)
    for wrong, said in (({"mobile": "1390000123"}, "mobile"), ({"name": " "}, "the person needs a name")):
        response = client.post(f"{PATH}/card/save", data={**sent, **wrong}, base_url=BASE)
        html = response.get_data(as_text=True)
        assert response.status_code == 400 and said in text_of(html)
        assert fields(html)["title"] == "预算科长" and 'class="unsure"' in html
    assert files(sample) == before


@pytest.mark.parametrize(("photo", "lines", "status", "said"), [
    (None, CARD, 400, "Error: Photo of the card: choose a photo of the card, or take one"),
    (b"", None, 400, "Error: IMG_0001.jpg is empty: take the photo again"),
    (JPEG, [], 400,
     "Error: IMG_0001.jpg: no text found on the photo; take it again, flat, sharp and filling the frame"),
    (JPEG, ["鼎盛房地产开发有限公司", "手机：13900001234"], 400, "Error: IMG_0001.jpg: no name found on the card"),
    (b"x" * ((20 << 20) + 1000), CARD, 413,
     "Error: IMG_0001.jpg is 20 MB; a card's photo can be at most 20 MB (take it again at a lower resolution)"),
    (b"x" * (21 << 20), CARD, 413,
     "Error: the photo is 21 MB; a card's photo can be at most 20 MB (take it again at a lower resolution)"),
])
def test_bad_photos_are_refused_in_the_pages_words(client: FlaskClient, sample: Path, read: list[list[str]],
                                                   photo: bytes | None, lines: list[str] | None, status: int,
                                                   said: str, monkeypatch: pytest.MonkeyPatch) -> None:
    if lines is None:
        monkeypatch.setattr(cardocr, "read_lines", READ_LINES)
    else:
        read.append(lines)
    before = files(sample)
    response = upload(client, photo)
    html = response.get_data(as_text=True)
    assert response.status_code == status
    assert said in text_of(html).replace("&#39;", "'")
    assert 'name="card" accept="image/*" capture' in html  # the customer page again, to take another photo
    assert files(sample) == before


def test_what_is_no_image_is_said_so(client: FlaskClient, sample: Path) -> None:
    response = upload(client, b"GIF89a but not really", "名片.gif")
    assert response.status_code == 400
    assert ("名片.gif is not an image salescli can read (a JPEG, PNG, WebP or similar photo of the card)"
            in text_of(response.get_data(as_text=True)))


def test_without_the_ocr_the_page_says_how_to_install_it(client: FlaskClient, sample: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from PIL import Image

    photo = io.BytesIO()
    Image.new("RGB", (90, 54), "white").save(photo, "JPEG")
    monkeypatch.setitem(sys.modules, "rapidocr_onnxruntime", None)
    monkeypatch.setattr(cardocr, "_engine", cardocr._engine.__wrapped__)  # (not the OCR loaded by other tests)
    response = upload(client, photo.getvalue())
    assert response.status_code == 400
    assert ("Error: reading a business card needs the OCR, which is not installed: `pip install 'salescli[card]'` "
            "(Python 3.10–3.12)") in text_of(response.get_data(as_text=True)).replace("&#39;", "'")
    monkeypatch.setattr(cardocr, "available", lambda: False)
    html = client.get(PATH, base_url=BASE).get_data(as_text=True)
    form = html[html.index('<form class="stacked namecard"'):].split("</form>")[0]
    assert 'type="file"' not in form and "pip install &#39;salescli[card]&#39;" in form


def test_a_card_needs_the_forms_token_and_read_only_has_no_card(sample: Path, read: list[list[str]]) -> None:
    client = client_for(sample)
    before = files(sample)
    response = client.post(f"{PATH}/card", data={"card": (io.BytesIO(JPEG), "a.jpg")}, base_url=BASE,
                           content_type="multipart/form-data")
    assert response.status_code == 403
    watching = client_for(sample, read_only=True)
    assert 'name="card"' not in watching.get(PATH, base_url=BASE).get_data(as_text=True)
    for url in (f"{PATH}/card", f"{PATH}/card/save"):
        assert watching.post(url, data={"name": "王建国"}, base_url=BASE).status_code in (404, 405)
    assert files(sample) == before
