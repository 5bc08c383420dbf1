from pathlib import Path

import pytest
import yaml

from tests.conftest import customer_file


@pytest.fixture
def zj(folder: Path, run) -> Path:
    assert run("add", "中建三局", "--id", "zj", "--field", "建筑", "--contact", "王强", "--no-input").exit_code == 0
    return customer_file(folder, "zj")


def test_set_changes_only_the_lines_of_its_keys(zj: Path, run) -> None:
    before = zj.read_text(encoding="utf-8")
    result = run("set", "中建", "contact.phone=13900000000", "决策人=王总", "预算人员数量=12", "软件金额=4.8万",
                 "field=房地产")
    assert result.exit_code == 0, result
    assert result.stdout == ("中建三局 (zj):\n"
                             "  contact.phone (联系电话): 13900000000\n"
                             "  decision.decision_maker (主要决策人): 王总\n"
                             "  needs.estimators (预算人员数量): 12\n"
                             "  funds.amount (软件金额): 48,000\n"
                             "  field (领域): construction → real-estate\n")
    assert zj.read_text(encoding="utf-8") == (
        before.replace("field: construction # 领域", "field: real-estate  # 领域")  # the comment keeps its column
        .replace("  phone:        # 联系电话", '  phone: "13900000000" # 联系电话')
        .replace("  decision_maker:   # 主要决策人", "  decision_maker: 王总 # 主要决策人")
        .replace("  estimators:   # 预算人员的数量", "  estimators: 12 # 预算人员的数量")
        .replace("  amount:       # 软件的金额", "  amount: 48000 # 软件的金额"))


def test_unset_and_empty_values(zj: Path, run) -> None:
    before = zj.read_text(encoding="utf-8")
    result = run("set", "zj", "--unset", "contact.person", "field=")
    assert result.stdout == ("中建三局 (zj):\n  field (领域): construction → (empty)\n"
                             "  contact.person (主要联系人): 王强 → (empty)\n")
    assert zj.read_text(encoding="utf-8") == before.replace("  person: 王强  # 主要联系人",
                                                            "  person:       # 主要联系人").replace(
        "field: construction # 领域", "field:              # 领域")
    assert run("set", "zj", "--unset", "contact.person").stdout == "中建三局 (zj): nothing changed.\n"


def test_a_key_of_your_own_needs_custom(zj: Path, run) -> None:
    refused = run("set", "zj", "tender.no=ZB-7")
    assert refused.exit_code == 2
    assert refused.stderr == ("Error: unknown field 'tender.no'; `salescli set --help` lists the fields, and "
                              "--custom keeps a field of your own\n")
    assert run("set", "zj", "tender.no=ZB-7", "--custom").exit_code == 0
    assert yaml.safe_load(zj.read_text(encoding="utf-8"))["tender"] == {"no": "ZB-7"}  # `no` quoted: not false
    assert "  tender.no                ZB-7" in run("show", "zj").stdout.splitlines()


@pytest.mark.parametrize(("args", "message"), [
    (["seats=many"], "Error: funds.seats: 'many' is not a whole number\n"),
    (["phon=1"], "Error: unknown field 'phon' (did you mean 'contact.phone'?); `salescli set --help` lists the "
                 "fields, and --custom keeps a field of your own\n"),
    (["birthday=1980-01-01"], "Error: a key person's birthday is kept with `salescli person CUSTOMER NAME "
                              "--birthday …`\n"),
    (["id=x"], "Error: the id cannot be set: it is the name of the customer's file (customers/ID.yaml); to change "
               "the customer's name, set name=…\n"),
    (["log=1"], "Error: the log cannot be set: it is the customer's history, which the commands add to (`salescli "
                "visit`, `advance`, `target`); to correct an entry, `salescli edit CUSTOMER`\n"),
    (["stage=促成"], "Error: the stage is not a profile value: the log gives it. Move the deal with `salescli advance "
                   "zj 促成` (a lost deal: `advance zj lost --reason …`)\n"),
    (["目标金额=25万"], "Error: the close target is not a profile value: the log gives it. Set it with "
                     "`salescli target zj --value 25万`\n"),
    (["next=下周一"], "Error: the next visit is not a profile value: the log gives it. Agree it with `salescli visit "
                    "zj --next 下周一`\n"),
    ([], "Error: give KEY=VALUE pairs to set, or --unset KEY\n"),
])
def test_bad_keys_and_values_change_nothing(zj: Path, run, args: list[str], message: str) -> None:
    before = zj.read_bytes()
    result = run("set", "zj", *args)
    assert (result.exit_code, result.stderr) == (2, message)
    assert zj.read_bytes() == before


def test_referred_by_takes_a_customer_reference(zj: Path, folder: Path, run) -> None:
    run("add", "楚天造价咨询", "--id", "ct", "--no-input")
    assert run("set", "ct", "referred_by=中建", "channel=转介绍").exit_code == 0
    data = yaml.safe_load(customer_file(folder, "ct").read_text(encoding="utf-8"))
    assert (data["referred_by"], data["channel"]) == ("zj", "referral")
    assert run("set", "ct", "referred_by=nobody").stderr.startswith("Error: no customer matches 'nobody'")


def test_a_hand_made_file_gets_the_keys_it_lacks(folder: Path, run) -> None:
    path = customer_file(folder, "hm")
    path.write_text("name: 手写客户\ncontact: {person: 李工}   # 手写\nlog:\n- {date: 2026-11-01, event: added}\n",
                    encoding="utf-8")
    assert run("set", "hm", "phone=027-1234", "scope=房建").exit_code == 0
    assert path.read_text(encoding="utf-8") == ('name: 手写客户\ncontact: {person: 李工, phone: 027-1234}   # 手写\n'
                                                "needs:\n  scope: 房建\nlog:\n- {date: 2026-11-01, event: added}\n")
