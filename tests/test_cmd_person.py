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
        "Error: birthday: 'someday' is not a valid date; write it as YYYY-MM-DD\n"
    assert run("person", "zj", "赵六", "--remove").stderr == "Error: no key person '赵六' to remove\n"
    assert run("person", "zj", "--title", "x").stderr == "Error: name the person: salescli person CUSTOMER NAME …\n"
    assert zj.read_bytes() == before
    assert run("person", "zj").stdout == \
        "中建三局 has no key people yet: salescli person zj NAME --title … --mobile …\n"
