"""The commands' words go through the catalog: run in another language with a stand-in catalog that
marks every message it is asked for, their output holds no English outside the marks beyond ids,
option names, command lines, file names and the data's own values."""

import re
from pathlib import Path
from typing import Any

import pytest
import typer

from salescli import i18n, listing
from salescli.cli import app
from salescli.commands import list_customers, stages_in_chinese
from salescli.dimensions import CHOICES
from salescli.i18n import titles
from salescli.profile import BY_KEY
from tests.conftest import invoke, steps

TODAY = "2026-12-10"


def _marked(message: str) -> str:
    """The message's own words between ‹ and ›, its {placeholders} outside: what fills them is checked too."""
    return "".join(part if re.fullmatch(r"\{\w*\}", part) else f"‹{part}›"
                   for part in re.split(r"(\{\w*\})", message) if part)


class _Marking:
    """A catalog that marks every message it gives: English that is not marked was never looked up."""

    def gettext(self, message: str) -> str:
        return _marked(message)

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        return _marked(singular if count == 1 else plural)

    def pgettext(self, context: str, message: str) -> str:
        return f"‹{context}|{message}›"


@pytest.fixture
def marking(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(i18n, "_catalog", lambda language: _Marking())
    monkeypatch.setitem(i18n._current, "language", i18n.language())  # put back as it was after the test


# Words that are not the interface's: the command, the settings file, the currency, format names, a YAML key,
# a placeholder in a command line.
ALLOWED = {"salescli", "salescli.yaml", "CNY", "xlsx", "json", "csv", "funds.vendor", "PROJECT"}


def _english(text: str, data: set[str]) -> set[str]:
    text = re.sub(r"‹[^‹›]*›", " ", text)
    text = re.sub(r"(?<!\S)(\S*/\S*|\S+\.yaml|--?[a-z][\w-]*)", " ", text)  # paths, file and option names
    return set(re.findall(r"[A-Za-z][A-Za-z.-]*[A-Za-z]", text)) - ALLOWED - data


def _story(folder: Path) -> set[str]:
    go = steps(lambda *args, **kwargs: invoke(folder, *args, **kwargs), today=TODAY)
    go("add", "A地产", "--id", "a", "--field", "房地产", "--owner", "李明", "--date", "2026-09-01")
    go("target", "a", "--value", "10万", "--by", "2026-12-20", "--date", "2026-09-10")
    go("visit", "a", "--date", "2026-11-27", "--stage", "demo")
    go("add", "C建工", "--id", "c", "--field", "建筑", "--owner", "李明", "--channel", "转介绍",
       "--date", "2026-10-01")
    go("visit", "c", "--date", "2026-11-30")
    go("advance", "c", "close", "--value", "30000", "--date", "2026-11-30")
    go("add", "D银行", "--id", "d", "--date", "2026-11-01")
    return {"a", "c", "d"}


@pytest.mark.usefixtures("marking")
def test_the_commands_words_come_from_the_catalog(folder: Path, tmp_path: Path) -> None:
    ids = _story(folder)
    sheet = tmp_path / "sheet.csv"
    sheet.write_text("客户名称,领域,奇怪列\nE公司,房地产,x\n,,y\nA地产,,z\n", encoding="utf-8")
    commands = [
        ["forecast", "--month", "2026-12", "--quota", "60万"], ["forecast", "--months", "2"],
        ["forecast", "--by", "owner"], ["forecast", "--calibrate"], ["forecast", "--backtest", "2"],
        ["forecast", "--month", "13x"], ["forecast", "--window", "0"],
        ["list"], ["list", "--deals"], ["list", "--columns", "name,colour"], ["list", "--open", "--won"],
        ["report", "funnel"], ["report", "winrate", "--by", "owner"], ["report", "sources"], ["report", "parties"],
        ["import", str(sheet), "--dry-run"], ["import", str(sheet)], ["import", str(tmp_path / "none.csv")],
        ["export", "--format", "xlsx"], ["export", "-o", str(tmp_path / "out.csv")],
        ["add", "A地产"], ["add", "F公司", "--no-input", "--value", "5万", "--by", "2026-12-31"],
        ["advance", "f"], ["advance", "f", "close", "--value", "6万"],
        ["visit", "a", "--next", "2026-12-15", "--stage", "objections", "--target", "12万", "--by", "2026-12-31",
         "--learned", "funds.vendor=广联达"],
        ["visit", "d", "--stage", "lost", "--reason", "贵"], ["target", "a"], ["target", "a", "--by", "2027-01-10"],
        ["git-setup"], ["web", "--port", "99999"], ["init", str(tmp_path / "new"), "--no-git"],
    ]
    for command in commands:
        result = invoke(folder, "--lang", "zh", *command, today=TODAY)
        left = _english(result.stdout + result.stderr, ids | {"f", "colour"})
        assert not left, (command, left, result)


def test_help_texts_written_out_say_what_the_code_takes() -> None:
    """Help texts are literals, as the catalog needs them: they must name what the options take."""
    group: Any = typer.main.get_command(app)
    helps = {(name, parameter.name): parameter.help for name, command in group.commands.items()
             for parameter in command.params}
    assert ", ".join(listing.SORT_KEYS) in helps["list", "sort"]
    assert ", ".join(list_customers.ALL_COLUMNS) in helps["list", "columns_wanted"]
    assert CHOICES in helps["forecast", "by"]
    reports = group.commands["report"].commands
    for name in ("funnel", "winrate"):
        assert CHOICES in next(p.help for p in reports[name].params if p.name == "by"), name


@pytest.mark.usefixtures("marking")
def test_table_titles_in_another_language_by_context() -> None:
    i18n._current["language"] = "zh"
    assert titles(["won", "lost", "best_case", "needs.scope", "colour"], "zh", counts=["won", "lost"]) == {
        "won": "‹count|won›", "lost": "‹count|lost›", "best_case": "‹column|best case›",
        "needs.scope": BY_KEY["needs.scope"].zh, "colour": "colour"}
    assert titles(["won"], "zh") == {"won": "‹column|won›"}  # a sum, not a count
    assert titles(["won", "best_case"], "en", counts=["won"]) == {"won": "won", "best_case": "best case"}


def test_a_chinese_table_names_a_stage_once() -> None:
    records = [{"stage": "demo", "中文": "产品展示", "deals": 2}]
    shown, keys = stages_in_chinese(records, ["stage", "中文", "deals"], "zh")
    assert (shown[0]["stage"], keys) == ("产品展示", ["stage", "deals"])
    assert stages_in_chinese(records, ["stage", "中文", "deals"], "en") == (records, ["stage", "中文", "deals"])
