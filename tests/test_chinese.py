"""The leak test: every command, its help and its errors, run in Chinese, hold no English word but
ids, option names, file names, placeholders and the words of ALLOWED (issue 15)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Iterator

import click
import pytest
import typer

from salescli import config, listing, profile, stages, vocab
from salescli.cli import app
from salescli.commands import list_customers
from tests.conftest import invoke


def _words(key: str) -> list[str]:
    return re.findall(r"[A-Za-z]+", key)

def _command_paths(command: click.Command, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    yield path
    for name, child in getattr(command, "commands", {}).items():
        yield from _command_paths(child, (*path, name))


COMMANDS = list(_command_paths(typer.main.get_command(app)))


# Words a Chinese rep meets as they are: formats, tools, and the keys the files store and the
# commands take (`advance 中建三局 demo`, `--by office`, `set field=房地产`) — each also accepted in
# Chinese where it is a value. Built from the code's own lists, so a new key needs no entry here.
ALLOWED = {
    "salescli", "json", "csv", "tsv", "xlsx", "markdown", "table", "text", "yaml", "ics", "iCalendar", "git",
    "Excel", "bash", "zsh", "fish", "powershell", "pwsh", "Tab", "Ctrl", "UTF", "id", "nano", "vi",
    "http", "localhost", "en", "zh", "CNY", "BIM",  # BIM: the bundled sample's notes
    *(stage.value for stage in stages.Stage), "won", "lost", "open", "reopen", "added", "visit", "target", "note",
    *listing.SORT_KEYS, *listing.DEAL_SORT_KEYS, *config.TEAM_KEYS, *config.MODELS, *config.SEASONALITIES,
}
ALLOWED |= {word for vocabulary in vocab.BUILTIN.values() for term in vocabulary.terms for word in _words(term.key)}
ALLOWED |= {"Prospecting", "Engaging"}  # a foreign CRM's stages, in import --stage-map's example
ALLOWED |= {word for path in COMMANDS for name in path for word in _words(name)}  # the commands' names
ALLOWED |= {word for key in (*profile.KEYS, *(field.key for field in profile.PERSON), *list_customers.ALL_COLUMNS)
            for word in _words(key)}

CODE = re.compile(r"`[^`\n]*`|\[默认：[^]]*\]")  # a command, key or file quoted; an option's default
COMMAND_LINE = re.compile(r"(?<![.\w-])(?:salescli|git|pip|jq)(?![.\w-])"
                          r"(?: [^\s`#，。；）]+)*")  # up to a comment or Chinese punctuation
OPTION = re.compile(r"(?<![\w-])--?[A-Za-z][\w-]*(=\S*)?")
PLACEHOLDER = re.compile(r"\b[A-Z][A-Z0-9_]+\b")  # CUSTOMER, STAGE, YYYY-MM-DD's pieces
FILE = re.compile(r"[\w~.-]*[/\\][\w./\\~-]*"
                  r"|[\w-]*\.(?:yaml|yml|csv|xlsx|json|ics|po|mo|md|gitattributes|gitignore)\b"
                  r"|\$\w+")
KEY = re.compile(r"\b[a-z_]+(?:\.[a-z_]+)+\b|\b[a-z]+_[a-z_]+\b")  # contact.phone, visits_per_day
WORD = re.compile(r"[A-Za-z]{2,}")


def english_words(text: str, ids: set[str], typed: tuple[str, ...] = ()) -> set[str]:
    """The English words of `text` beyond what may stay English, and beyond what the user `typed`."""
    for pattern in (CODE, COMMAND_LINE, FILE, OPTION, KEY, PLACEHOLDER):
        text = pattern.sub(" ", text)
    for name in sorted({*ids, *typed}, key=len, reverse=True):
        text = text.replace(name, " ")
    return {word for word in WORD.findall(text) if word not in ALLOWED and word.lower() not in ALLOWED}


def _ids(root: Path) -> set[str]:
    return {path.stem for path in (root / "customers").glob("*.yaml")} | {"zhongjiansanju"}



# Every read command on the bundled folder, at the sample's date.
READS = [
    ["list"], ["list", "--deals"], ["list", "--stage", "demo"], ["list", "--format", "markdown"],
    ["show", "天河"], ["show", "jiangcheng"], ["prep", "天河"], ["prep", "华中电力"],
    ["schedule", "--week"], ["schedule", "天河"], ["schedule", "--month"],
    ["forecast", "--month", "2026-12", "--quota", "60万"], ["forecast", "--months", "3"],
    ["forecast", "--by", "owner"], ["forecast", "--calibrate"], ["forecast", "--backtest", "3"],
    ["forecast", "--formula"],
    ["report", "funnel"], ["report", "winrate", "--by", "channel"], ["report", "stale"], ["report", "sources"],
    ["report", "parties"], ["related", "江城建工"], ["check"],
    # errors on the way
    ["show", "nobody"], ["advance", "天河", "bogus"], ["list", "--bogus"], ["show"], ["forecast", "--month", "十三月"],
    ["add", "天河建设集团"], ["visit", "天河", "--stage", "飞"], ["target", "天河", "很多"],
    ["list", "--channel", "朋友"],
    ["report", "nonsense"], ["list", "--format", "pdf"], ["forecast", "--months", "x"], ["list", "--stale", "-1"],
    # Click's words in other forms, and refusals that name what was meant (issue 24)
    ["lsit"], ["show", "天河", "机场"], ["advance", "天河", "--value"], ["advance", "天河", "close", "5万"],
    ["advance", "天河", "close", "--value", "0"], ["target", "天河", "25万", "月底"], ["visit", "天河", "见了王工"],
    ["set", "天河", "stage=促成"], ["set", "天河", "log=1"], ["set", "天河", "needs.estimator=3"],
    ["person", "天河", "李四", "--mobile", "1391234567"], ["person", "天河", "李四", "--birthday", "2月30日"],
    ["show", "天河机厂"], ["schedule", "--days", "x"], ["edit"], ["import", "nothing.csv"],
    ["check", "--format", "pdf"],
]


def _leaks(root: Path, *args: str) -> set[str]:
    result = invoke(root, "--lang", "zh", *args, today="2026-11-26")
    return english_words(result.stdout + result.stderr, _ids(root), args)


@pytest.mark.parametrize("path", COMMANDS, ids=lambda path: " ".join(path) or "salescli")
def test_every_help_is_chinese(bundled: Path, path: tuple[str, ...]) -> None:
    assert _leaks(bundled, *path, "--help") == set()


@pytest.mark.parametrize("args", READS, ids=" ".join)
def test_every_read_and_its_errors_are_chinese(bundled: Path, args: list[str]) -> None:
    assert _leaks(bundled, *args) == set()


def test_a_new_folder_and_its_writes_are_chinese(tmp_path: Path) -> None:
    root = tmp_path / "sales"
    leaks: dict[str, set[str]] = {}

    def step(*args: str) -> None:
        result = invoke(root, "--lang", "zh", *args, today="2026-11-26")
        leaks[" ".join(args)] = english_words(result.stdout + result.stderr, _ids(root), args)

    from typer.testing import CliRunner

    made = CliRunner().invoke(app, ["--lang", "zh", "init", str(root), "--user", "李明"])
    leaks["init"] = english_words(made.stdout + made.stderr, set())
    for args in (
        ["list"], ["forecast", "--month"], ["schedule", "--week"],
        ["add", "中建三局", "--id", "zjsj", "--field", "建筑", "--area", "洪山", "--channel", "陌拜"],
        ["add", "中建三局"], ["advance", "zjsj"], ["advance", "zjsj", "产品展示"],
        ["visit", "zjsj", "--goal", "演示计价软件", "--learned", "预算员5人", "--next", "下周一"],
        ["target", "zjsj", "5万", "--by", "月底"], ["set", "zjsj", "--vendor", "广联达", "--seats", "3"],
        ["person", "zjsj", "王强", "--title", "预算科长", "--mobile", "13900000000"],
        ["site", "光谷中心", "--client", "汉江置业", "--contractor", "zjsj"], ["board", "光谷软件园", "华图设计"],
        ["refer", "zjsj", "华通造价", "--id", "ht"], ["related", "zjsj"], ["show", "zjsj"], ["prep", "zjsj"],
        ["advance", "zjsj", "close", "--value", "五万"], ["advance", "zjsj", "lost"], ["list"],
        ["forecast", "--month", "--quota", "10万"], ["report", "funnel"], ["check"], ["export"],
        ["advance", "nobody", "close"], ["visit", "zjsj", "--next", "明年某天"], ["set", "zjsj", "--seats", "很多"],
    ):
        step(*args)
    (root / "customers" / "broken.yaml").write_text("id: broken\nname: [坏\n", encoding="utf-8")
    step("list")
    step("check")
    assert {command: words for command, words in leaks.items() if words} == {}


def test_the_allow_list_does_not_hide_english() -> None:
    assert english_words("Error: no customer matches 'xy'", set()) == {"Error", "no", "customer", "matches", "xy"}
    assert english_words("Error: no customer matches 'xy'", set(), ("show", "xy")) == {"Error", "no", "customer",
                                                                                      "matches"}
    assert english_words("用 salescli advance CUSTOMER demo --value 5万，见 customers/zjsj.yaml、`git add`",
                         {"zjsj"}) == set()
    assert english_words("用法： salescli list [OPTIONS]\n  Show this message and exit. [默认：push]", set()) == {
        "this", "message", "and", "exit"}  # (show: a command's name)


@pytest.mark.parametrize("url", ["/", "/customers", "/customer/tianhejichangkuojianzhihuibu", "/forecast",
                                 "/forecast?month=2027-01", "/reports", "/reports?by=field", "/route",
                                 "/customer/nobody"])
def test_every_web_page_is_chinese(bundled: Path, url: str) -> None:
    pytest.importorskip("flask")
    from tests.test_web import BASE, app_for, text_of

    response = app_for(bundled, language="zh").test_client().get(url, base_url=BASE)
    html = response.get_data(as_text=True)
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)  # code, not words
    assert english_words(text_of(html), _ids(bundled), tuple(url.split("/"))) == set()


def test_clicks_suggestions_are_chinese_without_a_stray_stop(bundled: Path) -> None:
    typo = invoke(bundled, "--lang", "zh", "lsit")
    assert typo.stderr.splitlines()[-1] == "错误：没有这个命令：'lsit'。是不是要用 'site'、'list'、'visit' 中的一个？"
    one = invoke(bundled, "--lang", "zh", "shwo")
    assert one.stderr.splitlines()[-1] == "错误：没有这个命令：'shwo'。是不是要用 'show'？"
    assert invoke(bundled, "lsit").stderr.splitlines()[-1] in (
        "Error: No such command 'lsit'. Did you mean 'site', 'list', 'visit'?",  # Typer's own, before any Chinese run
        "Error: No such command 'lsit'. Did you mean one of 'site', 'list', 'visit'?")


# ---- a Chinese rep's month (issue 24) ---------------------------------------------------------

class _Month:
    """A rep in Wuhan through December 2026, in Chinese: every command's output is kept, and checked
    for English as it comes."""

    def __init__(self, root: Path) -> None:
        self.root, self.leaks, self.today = root, {}, "2026-12-01"

    def __call__(self, *args: str, ok: bool = True, data: bool = False) -> Any:
        result = invoke(self.root, "--lang", "zh", *args, today=self.today)
        assert (result.exit_code == 0) == ok, (args, result)
        words = english_words(result.stderr if data else result.stdout + result.stderr, _ids(self.root), args)
        if words:
            self.leaks[" ".join(args)] = words
        return result

    def on(self, day: str) -> "_Month":
        self.today = day
        return self


def _summary_adds_up(line: str) -> None:
    """`8 个客户 | 产品展示 6 | 成交 0（0） | 丢单 2 | …`: the counts of the rows are the rows."""
    rows = int(re.match(r"(\d+) 个客户", line).group(1))  # type: ignore[union-attr]
    parts = line.split(" | ")
    counted = sum(int(number) for part in parts[1:] if not part.startswith(("在途金额", "这些客户的其他单"))
                  for number in re.findall(r"(?<![\d,（])(\d+)(?=（|$| ·)", part))
    assert counted == rows, line


def test_a_chinese_reps_month(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    root = tmp_path / "武汉"
    assert CliRunner().invoke(app, ["--lang", "zh", "init", str(root), "--user", "李明", "--no-git"]).exit_code == 0
    rep = _Month(root)
    # the first days: customers from the street, a site sign board, a lobby board and a referral
    rep("add", "中建三局第二建设工程有限责任公司", "--field", "建筑", "--size", "系统", "--role", "乙方",
        "--channel", "陌拜", "--area", "洪山", "--contact", "王强", "--phone", "13907110001")
    rep("add", "保利华中房地产有限公司", "--field", "房地产", "--size", "系统", "--role", "甲方", "--channel", "缘故",
        "--area", "武昌", "--value", "30万", "--by", "2027-01-29")
    rep("add", "中铁大桥局集团第五工程有限公司", "--field", "铁路", "--area", "汉阳", "--role", "乙方")
    rep("add", "城建集团", "--field", "建筑", "--area", "江岸")
    rep("site", "四新会展二期", "甲方=汉阳城投", "乙方=中铁大桥局五公司", "监理=华建监理", "--area", "汉阳")
    assert len(list((root / "customers").glob("*.yaml"))) == 6  # 中铁大桥局五公司 is the 五公司 already there
    rep("board", "光谷软件园C座", "华中设计院", "楚天造价咨询", "--area", "洪山")
    rep("refer", "保利华中", "武汉华建工程监理有限公司", "--contact", "刘工", ok=False)  # like 华建监理: refused
    rep("refer", "保利华中", "长江造价咨询", "--contact", "刘工", "--area", "武昌")
    rep("person", "保利华中", "张总", "--title", "成本部经理", "--mobile", "13912345678", "--birthday", "12月18日")
    refused = rep("person", "保利华中", "李四", "--mobile", "1391234567", ok=False)
    assert "11 位" in refused.stderr
    # dead ends that are not: an amount without --value, a stage set as a value, a name with a wrong character
    assert "--value 25万" in rep("target", "城建集团", "25万", ok=False).stderr
    assert "salescli advance" in rep("set", "城建集团", "stage=促成", ok=False).stderr
    assert "保利华中房地产有限公司" in rep("show", "保丽华中", ok=False).stderr
    rep("target", "城建集团", "--value", "25万", "--by", "月底")
    # the month's visits
    for day, args in [
        ("2026-12-01", ["中建三局第二", "--goal", "初次拜访", "--stage", "approach", "--next", "2026-12-14"]),
        ("2026-12-02", ["保利华中", "--goal", "了解需求", "--stage", "needs", "--next", "2026-12-22"]),
        ("2026-12-02", ["保利华中", "--goal", "下午再谈", "--learned", "预算人员数量=12"]),  # twice a day: once
        ("2026-12-03", ["城建集团", "--stage", "demo", "--note", "演示了计价软件", "--next", "下周一"]),
        ("2026-12-04", ["汉阳城投", "--goal", "初次拜访", "--stage", "approach"]),
        ("2026-12-07", ["城建集团", "--stage", "objections", "--note", "担心价格"]),
        ("2026-12-08", ["中铁大桥局", "--stage", "needs", "--target", "四万八", "--by", "2026-12-25"]),
        ("2026-12-09", ["华中设计院", "--stage", "approach", "--note", "见了总工"]),
        ("2026-12-10", ["楚天造价", "--stage", "lost", "--reason", "已买别家"]),
        ("2026-12-14", ["中建三局第二", "--stage", "demo", "--note", "演示算量"]),
        ("2026-12-15", ["城建集团", "--stage", "close", "--value", "五万五千块", "--note", "签了合同"]),
        ("2026-12-16", ["中铁大桥局", "--stage", "demo"]),
        ("2026-12-17", ["长江造价", "--stage", "approach", "--next", "2026-12-21"]),
        ("2026-12-18", ["中铁大桥局", "--stage", "close", "--note", "按目标成交"]),  # the target's 四万八
    ]:
        rep.on(day)("visit", *args)
    rep.on("2026-12-18")("advance", "华中设计院", "close", "--value", "0", ok=False)  # refused in a script
    rep("advance", "汉阳城投", "lost", "--reason", "项目延期")
    # the 24th: the agreed 12-22 visit to 保利华中 was missed — overdue everywhere, and before the plan
    rep.on("2026-12-24")
    prep = rep("prep", "保利华中").stdout
    assert "下次拜访：2026-12-22（已约定，已逾期）" in prep
    assert "下次拜访 2026-12-22（已逾期）" in rep("show", "保利华中").stdout
    route = rep("schedule", "--week").stdout
    assert "约定（已逾期）" in next(line for line in route.splitlines() if "保利华中" in line)
    assert "推进到" in route
    assert "生日" not in route or "张总" in route
    shown = rep("show", "中铁大桥局五公司").stdout  # the 五公司 of the sign board: linked, by name
    assert "关联    项目 四新会展二期 · 乙方" in shown and "（待了解）" in shown and "—缺" not in shown
    assert "转介绍人：保利华中房地产有限公司（baolihuazhongfangdichan）" in rep("show", "长江造价").stdout
    # counts that add up
    for args in (["list"], ["list", "--stage", "demo"], ["list", "--won"], ["list", "--lost"]):
        _summary_adds_up(rep(*args).stdout.splitlines()[-1])
    formula = json.loads(rep("forecast", "--month", "--format", "json", data=True).stdout)["formula"]
    visits = {(path.stem, line.split("date: ")[1][:10]) for path in (root / "customers").glob("*.yaml")
              for line in path.read_text(encoding="utf-8").splitlines() if "event: visit" in line}
    assert formula["visits"] == len(visits) == 14 - 1  # a customer counts once a day, as visit said
    assert formula["won_deals"] == 2 and formula["won_value"] == 55000 + 48000
    assert rep("check").stdout.startswith("已检查")
    assert rep.leaks == {}
