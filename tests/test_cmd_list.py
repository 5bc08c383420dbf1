import csv
import io
import json
from pathlib import Path

from tests.conftest import customer_file


def _folder(folder: Path, run) -> None:
    run("add", "中建三局", "--id", "zj", "--field", "建筑", "--size", "系统", "--role", "乙方", "--channel", "陌拜",
        "--area", "洪山", "--value", "12万", "--by", "2026-12-20", "--date", "2026-10-01")
    run("advance", "zj", "demo", "--date", "2026-11-20")
    run("add", "鼎盛地产", "--id", "ds", "--field", "房地产", "--size", "散户", "--role", "甲方",
        "--channel", "缘故", "--area", "汉阳", "--value", "8万", "--date", "2026-09-01")
    run("add", "陈建国", "--id", "cjg", "--field", "建筑", "--size", "个人", "--channel", "转介绍",
        "--date", "2026-08-01")
    run("advance", "cjg", "close", "--value", "6800", "--date", "2026-10-10")
    run("add", "周敏工作室", "--id", "zm", "--date", "2026-07-01")
    run("advance", "zm", "lost", "--reason", "太贵", "--date", "2026-07-20")


def test_list_table_lines_up_chinese_and_ends_with_a_summary(folder: Path, run) -> None:
    _folder(folder, run)
    result = run("list")
    assert result.exit_code == 0
    # the table as printed, wider than the code (split, its rows would no longer line up)
    assert result.stdout == (
        "id    name        stage            field         size        role        channel       area      target  by          last activity\n"  # noqa: E501
        "----  ----------  ---------------  ------------  ----------  ----------  ------------  ------  --------  ----------  ---------------\n"  # noqa: E501
        "ds    鼎盛地产    prospect         real-estate   small       owner       acquaintance  汉阳      80,000              2026-09-01\n"  # noqa: E501
        "zm    周敏工作室  prospect (lost)                                                                                    2026-07-20\n"  # noqa: E501
        "zj    中建三局    demo             construction  system      contractor  cold          洪山     120,000  2026-12-20  2026-11-20\n"  # noqa: E501
        "cjg   陈建国      close (won)      construction  individual              referral                                    2026-10-10\n"  # noqa: E501
        "4 customers | prospect 1 · demo 1 | won 1 (6,800) | lost 1 | open pipeline 200,000 CNY\n"
    )


def test_list_in_chinese(folder: Path, run) -> None:
    _folder(folder, run)
    out = run("--lang", "zh", "list", "--stage", "展示").stdout.splitlines()
    assert out[0].split() == ["编号", "名称", "阶段", "领域", "规模", "角色", "渠道", "区域", "目标金额", "目标日期",
                              "最近活动"]
    assert out[2].split() == ["zj", "中建三局", "产品展示", "建筑单位", "系统", "乙方", "陌拜", "洪山", "120,000",
                              "2026-12-20", "2026-11-20"]
    # The summary's sentences (1 customer, won 0 (0), …) are the catalog's: its test checks each is translated.
    assert out[3].split(" | ")[1] == "产品展示 1" and out[3].endswith("120,000 CNY")
    picked = run("--lang", "zh", "list", "--stage", "展示", "--columns", "名称,目标金额").stdout.splitlines()
    assert picked[0].split() == ["名称", "目标金额"] and picked[2].split() == ["中建三局", "120,000"]


def test_filters(folder: Path, run) -> None:
    _folder(folder, run)

    def ids(*args: str) -> list[str]:
        return [row["id"] for row in json.loads(run("list", "--format", "json", *args).stdout)]

    assert ids("--field", "建筑") == ["zj", "cjg"]
    assert ids("--size", "个人") == ["cjg"]
    assert ids("--role", "owner") == ["ds"]
    assert ids("--channel", "referral") == ["cjg"]
    assert ids("--area", "洪") == ["zj"]
    assert ids("--open") == ["ds", "zj"]
    assert ids("--won") == ["cjg"]
    assert ids("--lost") == ["zm"]
    assert ids("--stage", "close") == ["cjg"]
    assert ids("--stale", "30") == ["ds"]  # open, quiet since 2026-09-01
    assert ids("--open", "--due", "2026-12-31") == ["zj"]
    assert ids("--min-value", "10万") == ["zj"]
    assert ids("--min-value", "5万") == ["ds", "zj"]
    assert ids("太贵") == ["zm"]  # text search reaches the log
    assert ids("--sort", "-value") == ["zj", "ds", "cjg", "zm"]
    assert ids("--sort", "last") == ["zm", "ds", "cjg", "zj"]
    assert ids("--sort", "name") == ["cjg", "ds", "zj", "zm"]  # by pinyin: chen, ding, zhong, zhou


def test_json_and_csv_carry_raw_values(folder: Path, run) -> None:
    _folder(folder, run)
    rows = json.loads(run("list", "--format", "json", "--stage", "demo").stdout)
    assert rows == [{
        "id": "zj", "name": "中建三局", "stage": "demo", "status": "open", "deals": 1, "field": "construction",
        "size": "system", "role": "contractor", "channel": "cold", "area": "洪山", "owner": None,
        "target_value": 120000, "target_date": "2026-12-20", "won_value": None, "last_activity": "2026-11-20",
    }]
    table = list(csv.DictReader(io.StringIO(run("list", "--format", "csv", "--won").stdout)))
    assert [(row["id"], row["stage"], row["status"], row["won_value"]) for row in table] == [
        ("cjg", "close", "won", "6,800")]
    tsv = run("list", "--format", "tsv", "--won").stdout.splitlines()
    assert tsv[0].split("\t")[:3] == ["id", "name", "stage"]
    markdown = run("list", "--format", "markdown", "--won").stdout.splitlines()
    assert markdown[0].startswith("| id ") and markdown[1].startswith("|----")


def test_bad_options_are_usage_errors(folder: Path, run) -> None:
    assert run("list", "--format", "xml").stderr == \
        "Error: unknown format 'xml'; use one of: table, csv, tsv, json, markdown\n"
    assert run("list", "--sort", "size").exit_code == 2
    assert run("list", "--open", "--won").stderr == "Error: use one of --open, --won, --lost\n"
    assert run("list", "--stage", "lost").stderr == "Error: --stage takes a stage; for lost deals use --lost\n"


def test_a_broken_file_is_named_and_the_rest_still_listed(folder: Path, run) -> None:
    _folder(folder, run)
    customer_file(folder, "bad").write_text("name: B\nlog:\n- {date: 2026-09-01, event: added\n", encoding="utf-8")
    result = run("list", "--format", "json")
    assert result.exit_code == 1
    assert [row["id"] for row in json.loads(result.stdout)] == ["ds", "zm", "zj", "cjg"]
    assert result.stderr == (f"warning: skipped {customer_file(folder, 'bad')}:3:3: a `{{…}}` is not closed: end it "
                             "with `}` on the same line, and put a value holding a comma or ': ' in quotes\n")
    searched = run("list", "太贵", "--format", "json")  # a search reads the folder twice: rows and texts
    assert [row["id"] for row in json.loads(searched.stdout)] == ["zm"]
    assert searched.stderr == result.stderr and searched.exit_code == 1  # still one warning


def test_empty_folder_says_how_to_add_the_first_customer(folder: Path, run) -> None:
    result = run("list")
    assert result.exit_code == 0
    assert result.stdout == ("No customers yet: add the first with `salescli add NAME` (`salescli add --help` lists "
                             "the fields), or bring a spreadsheet in with `salescli import FILE`.\n")
    assert run("list", "--format", "json").stdout == "[]\n"
    run("add", "鼎盛地产")
    assert run("list", "--stage", "demo").stdout.endswith("0 customers | won 0 (0) | lost 0 | open pipeline 0 CNY\n")
    assert run("list").stdout.splitlines()[-1] == "1 customer | prospect 1 | won 0 (0) | lost 0 | open pipeline 0 CNY"


def test_list_deals_one_row_per_deal(folder: Path, run) -> None:
    _folder(folder, run)
    run("advance", "cjg", "needs", "--new-deal", "扩容", "--date", "2026-11-01")
    run("target", "cjg", "--value", "2万", "--by", "2027-01-10", "--deal", "扩容", "--date", "2026-11-01")
    result = run("list", "--deals", "--sort", "opened")
    assert result.exit_code == 0, result
    assert result.stdout == (
        "customer    deal    stage              value  by          opened      closed      owner    product\n"
        "----------  ------  ---------------  -------  ----------  ----------  ----------  -------  ---------\n"
        "周敏工作室  1       prospect (lost)                       2026-07-01  2026-07-20\n"
        "陈建国      1       close (won)        6,800              2026-08-01  2026-10-10\n"
        "鼎盛地产    1       prospect          80,000              2026-09-01\n"
        "中建三局    1       demo             120,000  2026-12-20  2026-10-01\n"
        "陈建国      扩容    needs             20,000  2027-01-10  2026-11-01\n"
        # open: ds 80,000 + zj 120,000 + cjg's 扩容 20,000 = 220,000
        "5 deals | prospect 1 · needs 1 · demo 1 | won 1 (6,800) | lost 1 | open pipeline 220,000 CNY\n")
    rows = list(csv.DictReader(io.StringIO(run("list", "--deals", "--format", "csv", "--sort", "id").stdout)))
    assert [(r["customer_id"], r["deal"], r["stage"], r["status"], r["value"], r["opened"], r["closed"])
            for r in rows] == [
        ("cjg", "1", "close", "won", "6,800", "2026-08-01", "2026-10-10"),
        ("cjg", "扩容", "needs", "open", "20,000", "2026-11-01", ""),
        ("ds", "1", "prospect", "open", "80,000", "2026-09-01", ""),
        ("zj", "1", "demo", "open", "120,000", "2026-10-01", ""),
        ("zm", "1", "prospect", "lost", "", "2026-07-01", "2026-07-20")]
    assert [(d["customer_id"], d["deal"]) for d in json.loads(run("list", "--deals", "--open", "--field", "建筑",
                                                                   "--format", "json").stdout)] == \
        [("cjg", "扩容"), ("zj", "1")]
    assert [d["deal"] for d in json.loads(run("list", "--deals", "--due", "2026-12-31", "--format", "json").stdout)] \
        == ["1"]  # zj's


def test_a_date_no_calendar_holds_is_refused_with_exit_2(folder: Path, run) -> None:
    _folder(folder, run)
    for text in ("9999999999999999999天后", "9999999999999999999天前", "9999999999999999999周后",
                 "9999999999999999999个月后", "9999999999999999999年后"):
        result = run("list", "--due", text)
        assert (result.exit_code, result.stdout) == (2, "")
        assert result.stderr == f"Error: '{text}' is outside the years salescli works with (1900–2999); write a date " \
                                f"in them\n"



def test_csv_tsv_and_json_keep_a_value_byte_for_byte_and_a_table_shows_its_controls(folder: Path, run) -> None:
    name = "A\x1b[31mB\x07C\x7fD\x9b2JE\tF"
    (folder / "customers" / "esc.yaml").write_text(
        'name: "A\\e[31mB\\aC\\x7fD\\x9b2JE\\tF"\nlog:\n- {date: 2026-11-01, event: added}\n', encoding="utf-8")
    assert json.loads(run("list", "--format", "json").stdout)[0]["name"] == name
    for fmt, delimiter in (("csv", ","), ("tsv", "\t")):
        rows = list(csv.reader(io.StringIO(run("list", "--format", fmt).stdout), delimiter=delimiter))
        assert rows[1][:2] == ["esc", name]
    table = run("list").stdout
    assert "A\\x1b[31mB\\x07C\\x7fD\\x9b2JE\\tF" in table and "\x1b" not in table and "\x07" not in table


def test_the_summary_adds_up_to_the_rows(sample: Path) -> None:
    """Issue 24: `list --stage demo` said 8 customers, demo 6, won 1, lost 2 — nine for eight rows, and
    no row was won (the win was an earlier deal of a customer now at demo)."""
    from tests.conftest import invoke

    summary = invoke(sample, "--lang", "zh", "list", "--stage", "demo").stdout.splitlines()[-1]
    assert summary == ("8 个客户 | 产品展示 6 | 成交 0（0） | 丢单 2 | 在途金额 764,500 CNY | "
                       "这些客户的其他单：成交 1（180,000）")
    rows = invoke(sample, "list", "--stage", "demo", "--format", "json").stdout
    assert len(json.loads(rows)) == 8 == 6 + 2
