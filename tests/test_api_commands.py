"""The Python API of the commands that used to go around it: people, project parties and referrals,
import, export, edit, init, sync (each asserted on the files it writes)."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

import pytest

import salescli
from salescli.errors import DataError, InvalidValue, UnsafeWrite
from tests.conftest import customer_file, invoke

TODAY = date(2026, 11, 26)


@pytest.fixture
def new(folder: Path) -> salescli.Folder:
    return salescli.Folder(folder, today=TODAY)


def test_person_adds_updates_and_removes_a_key_person(new: salescli.Folder, folder: Path) -> None:
    new.add("天河机场")
    added = new.person("天河机场", "王强", {"title": "预算科长", "mobile": "13900000000", "birthday": "1978-05-12"})
    assert (added.added, added.person, added.entry(added.before)) == (True, "王强", {})
    path = customer_file(folder, "tianhejichang")
    assert '  people:       # 采购软件的主要人员, one entry each, e.g.\n  - {name: 王强, title: 预算科长, mobile: ' \
        '"13900000000", birthday: 1978-05-12}\n' in path.read_text(encoding="utf-8")
    updated = new.person("tianhejichang", "王强", {"hobbies": "钓鱼", "title": ""})
    assert updated.added is False
    assert dict(updated.entry(updated.after)) == {"name": "王强", "mobile": "13900000000",
                                                  "birthday": date(1978, 5, 12), "hobbies": "钓鱼"}
    assert [person["name"] for person in new.people("天河机场")] == ["王强"]
    with pytest.raises(InvalidValue, match="no detail colour"):
        new.person("天河机场", "王强", {"colour": "red"})
    with pytest.raises(InvalidValue, match="birthday"):
        new.person("天河机场", "李四", {"birthday": "soon"})
    new.remove_person("天河机场", "王强")
    assert "  - {name: 王强" not in path.read_text(encoding="utf-8") and new.people("天河机场") == []


def test_init_makes_a_folder_and_sync_commits_what_is_pending(tmp_path: Path) -> None:
    made = salescli.Folder.init(tmp_path / "sales", language="zh", user="李明")
    root = tmp_path / "sales"
    assert made.root == root.resolve() and made.repository and made.problems == ()
    assert made.made == ("customers/", "templates/", "templates/customer.yaml", "salescli.yaml", ".gitignore",
                         "a git repository", "the merge driver for customers/*.yaml")
    assert made.committed == (".gitattributes", ".gitignore", "customers/.gitkeep", "salescli.yaml",
                              "templates/customer.yaml")
    settings = (root / "salescli.yaml").read_text(encoding="utf-8")
    assert "language: zh" in settings and "user: 李明" in settings and "currency: CNY" in settings
    again = salescli.Folder.init(root)
    assert (again.made, again.repository, again.committed) == ((), False, ())
    folder = salescli.Folder(root, today=TODAY, commit=False)
    folder.add("天河机场")
    synced = folder.sync(message="本周拜访")
    assert synced.conflicts == [] and synced.lines[0] == "已提交 1 个改动的文件。"
    log = subprocess.run(["git", "-C", str(root), "log", "--format=%s", "--name-only", "-1"], capture_output=True,
                         text=True, check=True).stdout
    assert log.split() == ["本周拜访", "customers/tianhejichang.yaml"]
    with pytest.raises(InvalidValue, match="--language must be one of en, zh"):
        salescli.Folder.init(tmp_path / "other", language="fr")


def test_site_and_board_add_link_or_leave_each_party(new: salescli.Folder, folder: Path) -> None:
    new.add("保利华中房地产有限公司")
    heard: list[str] = []
    parties = new.site("光谷国际中心", {"甲方": "保利华中", "contractor": "江城建工"}, area="洪山", date="2026-11-20",
                       each=lambda party: heard.append(party.name))
    assert heard == ["保利华中", "江城建工"]
    linked, added = parties
    assert (linked.customer and linked.customer.id, linked.linked, linked.taken_as, linked.added) == (
        "baolihuazhongfangdichan", True, True, False)
    assert (added.customer and added.customer.id, added.added, added.role) == ("jiangchengjiangong", True, "contractor")
    assert customer_file(folder, "baolihuazhongfangdichan").read_text(encoding="utf-8").endswith(
        "log:\n- {date: 2026-11-20, event: link, project: 光谷国际中心, role: owner}\n"
        "- {date: 2026-11-26, event: added, stage: prospect}\n")  # (in date order)
    text = customer_file(folder, "jiangchengjiangong").read_text(encoding="utf-8")
    assert "role: contractor" in text and "channel: cold" in text and "source: site-sign" in text
    assert "project: 光谷国际中心" in text and text.endswith("log:\n- {date: 2026-11-20, event: added}\n")
    again = new.site("光谷国际中心", {"乙方": "江城建工"})[0]
    assert (again.linked, again.added, again.customer and again.customer.id) == (False, False, "jiangchengjiangong")
    new.add("江城建工集团", new=True)
    asked: list[tuple[str, str]] = []
    unclear, = new.board("光谷软件园C座", ["江城建"])
    assert unclear.customer is None and {one.id for one in unclear.unclear} == {"jiangchengjiangong",
                                                                                 "jiangchengjiangongjituan"}
    taken, = new.board("光谷软件园C座", ["江城建"],
                       confirm=lambda typed, one: asked.append((typed, one.id)) or one.id == "jiangchengjiangongjituan")
    assert taken.customer and taken.customer.id == "jiangchengjiangongjituan" and len(asked) == 2
    with pytest.raises(InvalidValue, match="name at least one party"):
        new.site("光谷国际中心", {"监理": " "})


def test_refer_adds_a_referred_customer(new: salescli.Folder) -> None:
    new.add("江城建工")
    referred = new.refer("江城建工", "楚天造价咨询", contact="王强")
    assert (referred.get("referred_by"), referred.get("channel"), referred.get("contact.person")) == (
        "jiangchengjiangong", "referral", "王强")
    assert [one.id for one in new.related("江城建工").referred.children[0:1] for one in [one.customer]] == [
        "chutianzaojiazixun"]


def test_edit_checks_a_text_then_saves_it(new: salescli.Folder, folder: Path) -> None:
    new.add("天河机场")
    before = new.source("天河机场")
    path = customer_file(folder, "tianhejichang")
    assert before == path.read_text(encoding="utf-8") and new.check_text("tianhejichang", before) == []
    broken = before.replace("event: added, stage: prospect", "event: added, stage: demoo")
    problems = new.check_text("tianhejichang", broken)
    assert [(problem.line, problem.code) for problem in problems] == [(before.count("\n"), "vocabulary")]
    assert "unknown stage 'demoo'" in problems[0].message
    with pytest.raises(DataError, match="demoo"):
        new.save_text("tianhejichang", before, broken)
    assert path.read_text(encoding="utf-8") == before
    edited = before.replace("area:         ", "area: 洪山     ")
    assert new.save_text("tianhejichang", before, edited).get("area") == "洪山"
    assert path.read_text(encoding="utf-8") == edited
    with pytest.raises(UnsafeWrite):
        new.save_text("tianhejichang", before, edited)  # the file holds `before` no more


def test_export_gives_the_bytes_of_salescli_export(sample: Path, tmp_path: Path) -> None:
    folder = salescli.Folder(sample, today=TODAY)
    csv = folder.export(bom=True)
    lines = csv.data.decode("utf-8").splitlines()
    assert lines[0].startswith("\ufeffid,name,") and csv.count == len(lines) - 1 == len(folder.customers())
    deals = folder.export("json", deals=True)
    assert deals.count == sum(len(customer.deals) for customer in folder.customers()) and deals.data.startswith(b"[\n")
    target = tmp_path / "all.xlsx"
    book = folder.export("xlsx", to=target)
    assert target.read_bytes() == book.data == folder.export("xlsx").data and book.data.startswith(b"PK")
    assert invoke(sample, "export", "--format", "json").stdout.encode("utf-8") == folder.export("json").data
    with pytest.raises(InvalidValue, match="--bom is for CSV"):
        folder.export("json", bom=True)
    with pytest.raises(InvalidValue, match="unknown format 'pdf'"):
        folder.export("pdf")


def test_import_customers_deals_team_and_products(new: salescli.Folder, folder: Path, tmp_path: Path) -> None:
    rows = tmp_path / "customers.csv"
    rows.write_text("单位,联系人,领域,备注\n中建三局,王强,建筑,x\n,李四,银行,\n", encoding="utf-8")
    dry = new.import_customers(rows, mapping={"单位": "name"}, dry_run=True)
    assert [create.name for create in dry.plan.creates] == ["中建三局"]
    assert list((folder / "customers").glob("*.yaml")) == []
    assert (dry.unused, dry.rows) == (("备注",), 2) and [(skip.row, skip.reason) for skip in dry.plan.skips] == [
        (3, "no name")]
    seen: list[tuple[int, int]] = []
    done = new.import_customers(rows, mapping=["单位=name"], date="2026-11-20", progress=lambda *at: seen.append(at))
    assert [create.name for create in done.plan.creates] == ["中建三局"] and seen == [(1, 2)]
    text = customer_file(folder, "zhongjiansanju").read_text(encoding="utf-8")
    assert "field: construction" in text and "  person: 王强" in text
    assert text.endswith("log:\n- {date: 2026-11-20, event: added}\n")
    deals = tmp_path / "deals.csv"
    deals.write_text("account,opportunity,stage,close_value,close_date\n中建三局,2027扩容,Won,50000,2026-11-24\n",
                     encoding="utf-8")
    imported = new.import_deals(deals, stage_map={"Won": "close"}, mapping={"account": "customer"})
    assert imported.plan.skips == [] \
        and "2027扩容" in customer_file(folder, "zhongjiansanju").read_text(encoding="utf-8")
    assert [deal.name for deal in new.customer("中建三局").deals if deal.won_value == 50000] == ["2027扩容"]
    team = tmp_path / "team.csv"
    team.write_text("rep,manager,office\n李明,张经理,武汉\n", encoding="utf-8")
    assert list(new.import_team(team).plan.added) == ["李明"]
    assert "李明: {manager: 张经理, office: 武汉}" in (folder / "salescli.yaml").read_text(encoding="utf-8")
    products = tmp_path / "products.csv"
    products.write_text("产品,价格\n广联达计价,48000\n", encoding="utf-8")
    priced = new.import_products(products, dry_run=True)
    assert priced.plan.added == {"广联达计价": 48000} and new.prices().find("广联达计价") is None
    new.import_products(products)
    assert new.prices().find("广联达计价") is not None
