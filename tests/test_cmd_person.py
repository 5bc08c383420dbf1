from pathlib import Path

import pytest

from tests.conftest import customer_file


@pytest.fixture
def zj(folder: Path, run) -> Path:
    assert run("add", "中建三局", "--id", "zj", "--no-input", "--date", "2026-10-01").exit_code == 0
    return customer_file(folder, "zj")


PEOPLE_LINE = "  people:       # 采购软件的主要人员, one entry each, e.g.\n"


def test_a_person_is_added_then_updated_then_removed(zj: Path, run) -> None:
    before = zj.read_text(encoding="utf-8")
    added = run("person", "中建", "王强", "--title", "预算科长", "--mobile", "13900000000", "--birthday", "1978-05-12")
    assert (added.exit_code, added.stdout) == (0, "Added 王强 to the key people of 中建三局.\n")
    with_wang = before.replace(PEOPLE_LINE, PEOPLE_LINE + '  - {name: 王强, title: 预算科长, mobile: "13900000000", '
                                                          "birthday: 1978-05-12}\n")
    assert zj.read_text(encoding="utf-8") == with_wang
    updated = run("person", "zj", "王强", "--hobbies", "钓鱼", "--title", "")
    assert updated.stdout == "Updated 王强 of 中建三局: title 预算科长 → (empty); hobbies (empty) → 钓鱼.\n"
    assert zj.read_text(encoding="utf-8") == with_wang.replace(
        '  - {name: 王强, title: 预算科长, mobile: "13900000000", birthday: 1978-05-12}',
        '  - {name: 王强, mobile: "13900000000", birthday: 1978-05-12, hobbies: 钓鱼}')
    assert run("person", "zj", "王强", "--remove").stdout == "Removed 王强 from the key people of 中建三局.\n"
    assert zj.read_text(encoding="utf-8") == before


def test_people_are_listed_and_used_by_show_prep_and_schedule(zj: Path, run) -> None:
    run("person", "zj", "王强", "--title", "预算科长", "--mobile", "13900000000", "--birthday", "1978-11-28")
    run("person", "zj", "李四", "--phone", "027-87654321", "--family", "一儿一女")
    assert run("person", "zj").stdout == (
        "name    title     mobile       birthday    office phone    family\n"
        "------  --------  -----------  ----------  --------------  --------\n"
        "王强    预算科长  13900000000  1978-11-28\n"
        "李四                                       027-87654321    一儿一女\n")
    shown = run("show", "zj").stdout.splitlines()
    assert "  · 王强 · title 预算科长 · mobile 13900000000 · birthday 1978-11-28" in shown
    assert "  how to reach them        13900000000, 027-87654321" in shown
    assert "  王强 · 预算科长 · 13900000000 · birthday 11-28 (in 2 days)" in run("prep", "zj").stdout.splitlines()
    assert "2026-11-28 Sat  王强 预算科长 · 中建三局" in run("schedule", "--week").stdout


def test_person_errors_change_nothing(zj: Path, run) -> None:
    before = zj.read_bytes()
    assert run("person", "zj", "王强", "--birthday", "someday").stderr == \
        "Error: birthday: 'someday' is not a birthday; write 1978-05-12, or 3月8日 (03-08) without the year\n"
    assert run("person", "zj", "王强", "--birthday", "2月30日").stderr == \
        "Error: birthday: '2月30日' is not a day of the year\n"
    assert run("person", "zj", "王强", "--mobile", "1391234567").stderr == (
        "Error: mobile: '1391234567' has 10 digits; a mainland mobile number has 11 (a landline: with its area code, "
        "027-8765 4321)\n")
    assert run("person", "zj", "王强", "--mobile", "12912345678").stderr == \
        "Error: mobile: '12912345678' is not a mobile number: the second digit of a mainland mobile is 3 to 9\n"
    assert run("set", "zj", "phone=139 1234 567").stderr == (
        "Error: contact.phone: '139 1234 567' has 10 digits; a mainland mobile number has 11 (a landline: with its "
        "area code, 027-8765 4321)\n")
    assert run("person", "zj", "赵六", "--remove").stderr == \
        "Error: no key person '赵六' to remove: 中建三局 has none yet\n"
    assert run("person", "zj", "--title", "x").stderr == "Error: name the person: salescli person CUSTOMER NAME …\n"
    assert zj.read_bytes() == before
    assert run("person", "zj").stdout == \
        "中建三局 has no key people yet: salescli person zj NAME --title … --mobile …\n"


def test_a_birthday_without_its_year_is_kept_so_and_reminded_every_year(zj: Path, run) -> None:
    assert run("person", "zj", "李四", "--birthday", "3月8日", "--mobile", "+86 139 0000 0000",
               "--phone", "87654321").exit_code == 0
    assert '  - {name: 李四, mobile: +86 139 0000 0000, phone: "87654321", birthday: 03-08}\n' in \
        zj.read_text(encoding="utf-8")
    assert "李四 · +86 139 0000 0000 / 87654321 · birthday 03-08 (in 102 days)" in run("prep", "zj").stdout
    for year in ("2027", "2028"):
        route = run("schedule", "--from", f"{year}-03-06", "--days", "5").stdout
        assert f"{year}-03-08 " in route and "李四  · 中建三局" in route
    assert run("check").exit_code == 0
    assert run("person", "zj", "李斯", "--remove").stderr == \
        "Error: no key person '李斯' to remove; the key people: 李四\n"
    assert run("person", "zj", "李四", "--birthday", "二月二十九日").exit_code == 0  # a leap day: 1 March in 2027
    assert "李四" in run("schedule", "--from", "2027-03-01", "--days", "1").stdout
