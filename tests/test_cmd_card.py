"""`salescli person CUSTOMER --card PHOTO` and `salescli add --card PHOTO`: what is shown, asked and
written. The OCR is replaced by the text it would read (its own tests read real photos), except in
one run through a rendered card."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from salescli import cardcli, cardocr
from salescli.card import Line
from tests.conftest import REPO, customer_file, invoke

CARD = ["中建三局第一建设工程有限责任公司", "安装分公司 预算部", "王建国", "预算科长 高级工程师",
        "手机：139 0000 1234", "电话：027-8765 4321", "E-mail: wangjg@cscec3b.com.cn", "地址：武汉市洪山区珞喻路1号"]
PREVIEW = (
    "  name          王建国\n"
    "  title         预算科长 高级工程师\n"
    "  mobile        13900001234\n"
    "  office phone  027-87654321\n"
    "  email         wangjg@cscec3b.com.cn\n"
    "  address       武汉市洪山区珞喻路1号\n"
    "  company       中建三局第一建设工程有限责任公司\n"
    "  department    安装分公司预算部\n")
PEOPLE_LINE = "  people:       # 采购软件的主要人员, one entry each, e.g.\n"
WANG = ('  - {name: 王建国, title: 预算科长 高级工程师, mobile: "13900001234", phone: 027-87654321, email: '
        'wangjg@cscec3b.com.cn}\n')


@pytest.fixture
def ocr(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The text the OCR reads from every photo (the last one set): CARD unless changed."""
    read: list[list[str]] = [CARD]
    monkeypatch.setattr(cardocr, "read_lines", lambda data, name: [Line(text, 0.99) for text in read[-1]])
    return read


@pytest.fixture
def photo(tmp_path: Path) -> Path:
    path = tmp_path / "card.jpg"
    path.write_bytes(b"\xff\xd8\xff\xe0 a photo")
    return path


@pytest.fixture
def zj(folder: Path, run) -> Path:
    assert run("add", "中建三局一公司", "--id", "zj", "--no-input", "--date", "2026-10-01").exit_code == 0
    return customer_file(folder, "zj")


def _files(folder: Path) -> dict[str, bytes]:
    return {str(path.relative_to(folder)): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


def test_dry_run_shows_what_the_card_says_and_writes_nothing(folder: Path, zj: Path, photo: Path, ocr) -> None:
    before = _files(folder)
    result = invoke(folder, "person", "zj", "--card", str(photo), "--dry-run")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == (f"{photo}: 王建国, a new key person of 中建三局一公司 (zj):\n" + PREVIEW
                             + "Nothing written (--dry-run).\n")
    assert _files(folder) == before


def test_in_a_script_it_writes_only_with_yes(folder: Path, zj: Path, photo: Path, ocr) -> None:
    before = zj.read_text(encoding="utf-8")
    refused = invoke(folder, "person", "zj", "--card", str(photo))
    assert refused.exit_code == 2
    assert refused.stderr == ("Error: nothing written: in a script, add --yes to write what the card says (or "
                              "--dry-run to only read it)\n")
    assert zj.read_text(encoding="utf-8") == before
    written = invoke(folder, "person", "zj", "--card", str(photo), "--yes")
    assert written.exit_code == 0
    assert written.stdout.endswith(PREVIEW + "Added 王建国 to the key people of 中建三局一公司.\n")
    note = '  - {name: 王建国, title: 预算科长 高级工程师, mobile: "13900001234", phone: 027-87654321, email: ' \
           'wangjg@cscec3b.com.cn, note: "business card: 安装分公司预算部; 武汉市洪山区珞喻路1号"}\n'
    assert zj.read_text(encoding="utf-8") == before.replace(PEOPLE_LINE, PEOPLE_LINE + note)
    assert not list((folder / "customers").glob("*.jpg"))  # the photo is not kept


def test_in_a_terminal_it_asks_before_writing(folder: Path, zj: Path, photo: Path, ocr,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cardcli, "_in_terminal", lambda: True)
    before = zj.read_text(encoding="utf-8")
    declined = invoke(folder, "person", "zj", "--card", str(photo), input="n\n")
    assert declined.exit_code == 2 and declined.stdout.endswith("Write it? [Y/n]: n\n")
    assert zj.read_text(encoding="utf-8") == before
    accepted = invoke(folder, "person", "zj", "--card", str(photo), input="\n")
    assert accepted.exit_code == 0
    assert accepted.stdout.endswith("Write it? [Y/n]: \nAdded 王建国 to the key people of 中建三局一公司.\n")


def test_keep_photo_stores_it_beside_the_customer_file_named_in_the_log(folder: Path, zj: Path, photo: Path,
                                                                        ocr) -> None:
    result = invoke(folder, "person", "zj", "--card", str(photo), "--yes", "--keep-photo")
    kept = folder / "customers" / "zj.card-wangjianguo.jpg"
    assert result.stdout.endswith(f"The photo is kept as {kept}.\n")
    assert kept.read_bytes() == photo.read_bytes()
    assert zj.read_text(encoding="utf-8").endswith(
        "- {date: 2026-11-26, event: note, note: \"business card of 王建国: zj.card-wangjianguo.jpg\"}\n")
    again = invoke(folder, "person", "zj", "--card", str(photo), "--yes", "--keep-photo")
    assert again.stdout.endswith(f"The photo is kept as {kept.with_name('zj.card-wangjianguo-2.jpg')}.\n")  # not over
    assert invoke(folder, "check").exit_code == 0


def test_a_known_person_is_updated_and_the_changes_said(folder: Path, zj: Path, photo: Path, ocr) -> None:
    invoke(folder, "person", "zj", "王建国", "--mobile", "13700000000", "--hobbies", "钓鱼")
    result = invoke(folder, "person", "zj", "--card", str(photo), "--yes")
    assert result.stdout.startswith(f"{photo}: updates 王建国, a key person of 中建三局一公司 (zj):\n")
    assert result.stdout.endswith("Updated 王建国 of 中建三局一公司: title, mobile, office phone, email.\n")
    assert '  - {name: 王建国, mobile: "13900001234", hobbies: 钓鱼, title: 预算科长 高级工程师, ' \
           'phone: 027-87654321, email: wangjg@cscec3b.com.cn}\n' in zj.read_text(encoding="utf-8")


def test_what_is_typed_beside_the_card_wins(folder: Path, zj: Path, photo: Path, ocr) -> None:
    ocr.append(["王建国", "手机：13900001234", "预算科长"])
    result = invoke(folder, "person", "zj", "王建华", "--card", str(photo), "--title", "科长", "--yes")
    assert result.exit_code == 0
    assert '  - {name: 王建华, title: 科长, mobile: "13900001234"}\n' in zj.read_text(encoding="utf-8")


def test_a_name_typed_beside_a_card_without_one_is_taken(folder: Path, zj: Path, photo: Path, ocr) -> None:
    ocr.append(["中建三局一公司", "手机：13900001234"])
    assert invoke(folder, "person", "zj", "王强", "--card", str(photo), "--yes").exit_code == 0
    assert '  - {name: 王强, mobile: "13900001234"}\n' in zj.read_text(encoding="utf-8")


def test_unsure_fields_are_named_in_the_preview(folder: Path, zj: Path, photo: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cardocr, "read_lines",
                        lambda data, name: [Line("王建国", 0.99), Line("手机：1390000123", 0.99)])
    result = invoke(folder, "person", "zj", "--card", str(photo), "--dry-run")
    assert "  mobile        1390000123  ← check\n" in result.stdout
    assert "  email         (not on the card)\n" in result.stdout
    assert "Check mobile against the card: the reading is unsure.\n" in result.stdout


def test_add_card_makes_the_customer_with_its_person(folder: Path, photo: Path, ocr, run) -> None:
    result = run("add", "--card", str(photo), "--yes", "--field", "建筑", "--area", "洪山")
    assert result.exit_code == 0, result
    assert result.stdout.startswith(f"{photo}: a new customer, 中建三局第一建设工程有限责任公司, "
                                    "with its key person 王建国:\n")
    new = "zhongjiansanjudiyijianshegongcheng"
    assert result.stdout.endswith(f"Added 中建三局第一建设工程有限责任公司 as {new} "
                                  f"({folder}/customers/{new}.yaml), with its key person 王建国.\n")
    text = customer_file(folder, "zhongjiansanjudiyijianshegongcheng").read_text(encoding="utf-8")
    for line in ("name: 中建三局第一建设工程有限责任公司\n", "field: construction ", "area: 洪山 ",
                 "  address: 武汉市洪山区珞喻路1号 ", "  department: 安装分公司预算部 ", "  person: 王建国 ",
                 '  phone: "13900001234" ', WANG, "- {date: 2026-11-26, event: added, stage: prospect}\n"):
        assert line in text, line
    assert run("check").exit_code == 0


def test_add_card_finds_the_company_under_its_short_name(folder: Path, zj: Path, photo: Path, ocr, run) -> None:
    result = run("add", "--card", str(photo), "--yes")
    assert result.stdout.startswith(f"{photo}: 王建国, a new key person of 中建三局一公司 (zj):\n")
    assert result.stdout.endswith("Added 王建国 to the key people of 中建三局一公司.\n")
    assert [path.name for path in (folder / "customers").iterdir()] == ["zj.yaml"]


def test_add_card_near_a_customer_is_refused_in_a_script_unless_new(folder: Path, photo: Path, ocr, run) -> None:
    run("add", "中建三局", "--id", "zjsj", "--no-input")
    before = _files(folder)
    refused = run("add", "--card", str(photo), "--yes")
    assert refused.exit_code == 2
    assert refused.stderr == ("Error: 中建三局第一建设工程有限责任公司 may already be in the folder as 中建三局 "
                              "(zjsj); if it is another customer, add it with --new\n")
    assert _files(folder) == before
    assert run("add", "--card", str(photo), "--yes", "--new").exit_code == 0


def test_add_card_takes_a_name_for_the_company(folder: Path, photo: Path, ocr, run) -> None:
    ocr.append(["王建国", "手机：13900001234"])
    assert run("add", "--card", str(photo), "--yes").stderr == (
        "Error: the card names no company: name the customer, `salescli add NAME --card PHOTO`, or add the person "
        "to one, `salescli person CUSTOMER --card PHOTO`\n")
    assert run("add", "楚天造价", "--card", str(photo), "--yes", "--id", "ct").exit_code == 0
    assert '  - {name: 王建国, mobile: "13900001234"}\n' in customer_file(folder, "ct").read_text(encoding="utf-8")


@pytest.mark.parametrize("lines, message", [
    ([], "card.jpg: no text found on the photo; take it again, flat, sharp and filling the frame"),
    (["中建三局一公司", "手机：13900001234"], "card.jpg: no name found on the card (the text read: 中建三局一公司 / "
                                         "手机:13900001234); type the person in with `salescli person CUSTOMER NAME "
                                         "--title … --mobile …`"),
])
def test_a_card_without_text_or_name_writes_nothing(folder: Path, zj: Path, photo: Path, ocr, lines, message) -> None:
    ocr.append(lines)
    before = _files(folder)
    result = invoke(folder, "person", "zj", "--card", str(photo), "--yes")
    assert (result.exit_code, result.stderr) == (2, f"Error: {photo.parent}/{message}\n")
    assert _files(folder) == before


def test_bad_photos_are_one_clear_error_and_nothing_is_written(folder: Path, zj: Path, tmp_path: Path) -> None:
    before = _files(folder)
    (tmp_path / "notes.txt").write_text("王建国 13900001234", encoding="utf-8")
    (tmp_path / "empty.jpg").write_bytes(b"")
    with open(tmp_path / "huge.jpg", "wb") as huge:
        huge.truncate(25 * 1024 * 1024)
    for name, message in [("notes.txt", "is not an image salescli can read (a JPEG, PNG, WebP or similar photo of "
                                        "the card)"),
                          ("empty.jpg", "is empty: take the photo again"),
                          ("huge.jpg", "is 25 MB; a card's photo can be at most 20 MB (take it again at a lower "
                                       "resolution)")]:
        result = invoke(folder, "person", "zj", "--card", str(tmp_path / name), "--yes")
        assert (result.exit_code, result.stderr) == (2, f"Error: {tmp_path / name} {message}\n")
    missing = invoke(folder, "person", "zj", "--card", str(tmp_path / "none.jpg"))
    assert (missing.exit_code, missing.stderr) == (2, f"Error: no photo {tmp_path / 'none.jpg'}\n")
    assert _files(folder) == before


def test_without_the_ocr_card_says_how_to_install_it(folder: Path, zj: Path, photo: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from PIL import Image

    Image.new("RGB", (90, 54), "white").save(photo, "JPEG")
    monkeypatch.setitem(sys.modules, "rapidocr_onnxruntime", None)
    monkeypatch.setattr(cardocr, "_engine", cardocr._engine.__wrapped__)  # (not the OCR loaded by other tests)
    result = invoke(folder, "person", "zj", "--card", str(photo))
    assert (result.exit_code, result.stderr) == (2, "Error: reading a business card needs the OCR, which is not "
                                                    "installed: `pip install 'salescli[card]'` (Python 3.10–3.12)\n")


def test_card_options_go_with_card(folder: Path, zj: Path) -> None:
    for args in (["person", "zj", "王强", "--yes"], ["add", "楚天", "--dry-run"]):
        result = invoke(folder, *args)
        assert (result.exit_code, result.stderr) == (
            2, "Error: --yes, --dry-run and --keep-photo go with --card PHOTO\n")


def test_a_chinese_run_shows_the_card_in_chinese(folder: Path, zj: Path, photo: Path, ocr) -> None:
    result = invoke(folder, "--lang", "zh", "person", "zj", "--card", str(photo), "--dry-run")
    assert result.stdout.splitlines()[1:4] == ["  姓名      王建国", "  职务      预算科长 高级工程师",
                                               "  手机      13900001234"]


def test_the_command_line_starts_without_the_ocr() -> None:
    code = ("import sys; from salescli.cli import app; from salescli.commands import person, add; "
            "print(sorted(m for m in ('numpy', 'PIL', 'rapidocr_onnxruntime', 'salescli.cardocr', 'salescli.card') "
            "if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True)
    assert done.stdout == "[]\n"
