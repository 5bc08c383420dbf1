"""Reading card photos (salescli/cardocr.py with card.parse): cards rendered here with Pillow and a
CJK font, photographed (turned, blurred, JPEG), read by the real OCR — a few, since each takes about
a second; the OCR loads once for the whole run. The photo checks need no OCR."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from salescli import cardocr
from salescli.card import Card, parse
from salescli.errors import InvalidValue

PIL = pytest.importorskip("PIL", reason="Pillow comes with salescli[card]")
from PIL import Image, ImageDraw, ImageFilter, ImageFont  # noqa: E402

FONTS = [(Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"), 2),  # Debian's fonts-noto-cjk
         (Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"), 2)]
FONT = next(((path, index) for path, index in FONTS if path.exists()), None)
needs_font = pytest.mark.skipif(FONT is None, reason="no CJK font: apt-get install fonts-noto-cjk")
needs_ocr = pytest.mark.skipif(not cardocr.available(), reason="the OCR is not installed: pip install 'salescli[card]'")

Row = tuple[str, int, int, int]  # text, size, x, y


def render(rows: list[Row], *, turn: float = 0.0, blur: float = 0.0, quality: int = 85,
           size: tuple[int, int] = (900, 540)) -> bytes:
    """A card with `rows` of text, photographed on a grey table: its JPEG bytes."""
    assert FONT is not None
    card = Image.new("RGB", size, (250, 248, 240))
    draw = ImageDraw.Draw(card)
    for text, points, x, y in rows:
        draw.text((x, y), text, font=ImageFont.truetype(str(FONT[0]), points, index=FONT[1]), fill=(20, 20, 20))
    table = Image.new("RGB", (size[0] + 160, size[1] + 160), (120, 120, 110))
    table.paste(card, (80, 80))
    photo = table.rotate(turn, resample=Image.BICUBIC, fillcolor=(120, 120, 110))
    if blur:
        photo = photo.filter(ImageFilter.GaussianBlur(blur))
    buffer = io.BytesIO()
    photo.save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


CLASSIC = [("中建三局第一建设工程有限责任公司", 28, 60, 40), ("安装分公司 预算部", 24, 60, 82),
           ("王建国", 52, 60, 150), ("预算科长", 26, 250, 172),
           ("手机：139 0000 1234", 24, 60, 280), ("电话：027-8765 4321", 24, 60, 320),
           ("E-mail：wangjg@cscec3b.com.cn", 24, 60, 360), ("地址：武汉市洪山区珞喻路1号", 24, 60, 400)]


def read(photo: bytes) -> Card:
    return parse(cardocr.read_lines(photo, "card.jpg"))


@needs_font
@needs_ocr
def test_a_classic_card_with_chinese_labels_is_read_exactly() -> None:
    card = read(render(CLASSIC))
    assert card.values() == {
        "name": "王建国", "title": "预算科长", "mobile": "13900001234", "phone": "027-87654321",
        "email": "wangjg@cscec3b.com.cn", "address": "武汉市洪山区珞喻路1号",
        "company": "中建三局第一建设工程有限责任公司", "department": "安装分公司预算部"}


@needs_font
@needs_ocr
def test_english_labels_a_company_over_two_lines_on_a_turned_blurred_photo() -> None:
    rows = [("湖北省交通规划设计院", 30, 300, 40), ("股份有限公司", 30, 300, 82),
            ("李强 总经理", 44, 300, 160),
            ("Mobile: +86 139-0000-1234", 24, 300, 270), ("Tel: (027) 8765 4321", 24, 300, 310),
            ("Fax: 027-8765 4322", 24, 300, 350), ("Add: 武汉市武昌区中山路88号", 24, 300, 390)]
    card = read(render(rows, turn=3.5, blur=0.8, quality=60))
    assert card.values() == {
        "name": "李强", "title": "总经理", "mobile": "13900001234", "phone": "027-87654321",
        "address": "武汉市武昌区中山路88号", "company": "湖北省交通规划设计院股份有限公司"}


@needs_font
@needs_ocr
def test_two_columns_with_letter_labels_and_no_email_left_empty() -> None:
    rows = [("张  伟", 56, 60, 100), ("项目经理", 26, 60, 190),
            ("M  159 2700 8866", 22, 470, 80), ("T  0755-2345 6789", 22, 470, 120),
            ("A  深圳市南山区科技园路18号", 22, 470, 160),
            ("深圳华信工程咨询有限公司  造价部", 28, 60, 440)]
    card = read(render(rows, turn=-2.0))
    assert card.values() == {
        "name": "张伟", "title": "项目经理", "mobile": "15927008866", "phone": "0755-23456789",
        "address": "深圳市南山区科技园路18号", "company": "深圳华信工程咨询有限公司", "department": "造价部"}
    assert card.email is None


@needs_font
@needs_ocr
def test_a_photo_without_text_reads_as_nothing() -> None:
    assert cardocr.read_lines(render([]), "blank.jpg") == []


def test_an_empty_file_is_refused() -> None:
    with pytest.raises(InvalidValue, match="^card.jpg is empty: take the photo again$"):
        cardocr.read_lines(b"", "card.jpg")


def test_what_is_not_an_image_is_refused() -> None:
    with pytest.raises(InvalidValue, match=r"^notes.txt is not an image salescli can read \(a JPEG, PNG"):
        cardocr.read_lines("王建国 13900001234".encode(), "notes.txt")
    with pytest.raises(InvalidValue, match="is not an image"):
        cardocr.read_lines(b"\xff\xd8\xff\xe0" + b"\x00" * 100, "cut.jpg")  # a JPEG cut short


def test_a_huge_file_is_refused_with_the_limit() -> None:
    with pytest.raises(InvalidValue, match=r"^big.jpg is 21 MB; a card's photo can be at most 20 MB"):
        cardocr.read_lines(b"\xff" * (21 * 1024 * 1024), "big.jpg")


def test_an_image_of_too_many_pixels_is_refused_before_it_is_decoded() -> None:
    buffer = io.BytesIO()
    Image.new("1", (10_000, 6_000)).save(buffer, "PNG")  # 60 million pixels in a few kilobytes
    with pytest.raises(InvalidValue, match="^huge.png has more than 50 million pixels"):
        cardocr.read_lines(buffer.getvalue(), "huge.png")


def test_a_large_photo_is_read_at_the_working_size_and_turned_as_the_camera_held_it() -> None:
    image = Image.new("RGB", (4000, 3000), "white")
    exif = Image.Exif()
    exif[0x0112] = 6  # the camera was turned: show it turned a quarter
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif.tobytes())
    assert cardocr.photo(buffer.getvalue(), "p.jpg").size == (768, cardocr.WORKING_SIDE)


def test_without_the_ocr_the_message_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(__import__("sys").modules, "rapidocr_onnxruntime", None)
    with pytest.raises(InvalidValue, match=r"needs the OCR, which is not installed: `pip install 'salescli\[card\]'`"):
        cardocr._engine.__wrapped__()
