"""The Chinese catalog: complete, current, compiled; which language is spoken, and when."""

from __future__ import annotations

import gettext
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po

from salescli import i18n
from salescli.locale import refresh
from tests.conftest import invoke

BRACES = re.compile(r"\{[a-z_]*[^}]*\}")
PERCENTS = re.compile(r"%(?:\([a-z_]+\))?[sdr]")


def _catalog() -> Catalog:
    with refresh.CATALOG.open("rb") as file:
        return read_po(file)


def _strings(message: Message) -> tuple[str, ...]:
    return message.string if isinstance(message.string, tuple) else (message.string,)


def _ids(message: Message) -> tuple[str, ...]:
    return message.id if isinstance(message.id, tuple) else (message.id,)


def _code_messages(tmp_path: Path) -> Catalog:
    template = tmp_path / "salescli.pot"
    refresh._pybabel("extract", "-F", str(refresh.HERE / "babel.cfg"), *refresh.KEYWORDS, "--no-location",
                     "-o", str(template), str(refresh.PACKAGE))
    with template.open("rb") as file:
        return read_po(file)


def test_every_message_in_the_code_is_translated(tmp_path: Path) -> None:
    catalog = _catalog()
    missing = [message.id for message in _code_messages(tmp_path)
               if message.id and catalog.get(message.id, message.context) is None]
    assert missing == [], "run `python -m salescli.locale.refresh` and translate (docs/development.md, Translating)"
    unfinished = [message.id for message in catalog
                  if message.id and (message.fuzzy or not all(_strings(message)))]
    assert unfinished == []


def test_translations_keep_every_placeholder() -> None:
    wrong = []
    for message in _catalog():
        if not message.id:
            continue
        for pattern in (BRACES, PERCENTS):
            wanted = set(pattern.findall(_ids(message)[-1]))
            wrong += [(message.id, text) for text in _strings(message) if set(pattern.findall(text)) != wanted]
    assert wrong == []


def test_the_compiled_catalog_is_the_po() -> None:
    with (refresh.CATALOG.with_suffix(".mo")).open("rb") as file:
        compiled = gettext.GNUTranslations(file)._catalog  # type: ignore[attr-defined]
    expected: dict[object, str] = {}
    for message in _catalog():
        if not message.id or message.fuzzy:
            continue
        key = f"{message.context}\x04{_ids(message)[0]}" if message.context else _ids(message)[0]
        if isinstance(message.id, tuple):
            expected.update({(key, index): text for index, text in enumerate(_strings(message))})
        else:
            expected[key] = message.string
    compiled = {key: text for key, text in compiled.items() if key != ""}
    assert compiled == expected, "the .mo is stale: run `python -m salescli.locale.refresh`"


# ---- which language ---------------------------------------------------------------------------

@pytest.mark.parametrize(("environ", "expected"), [
    ({}, None),
    ({"LANG": "zh_CN.UTF-8"}, "zh"),
    ({"LANG": "en_US.UTF-8", "LC_ALL": "zh_TW.UTF-8"}, "zh"),
    ({"LC_MESSAGES": "zh_CN.UTF-8", "LANG": "en_US.UTF-8"}, "zh"),
    ({"LANG": "en_US.UTF-8", "LANGUAGE": "zh_CN:en"}, "zh"),
    ({"LANG": "zh_CN.UTF-8", "LANGUAGE": "en_US"}, None),
    ({"LC_ALL": "C", "LANGUAGE": "zh_CN"}, None),  # gettext ignores LANGUAGE in the C locale
])
def test_the_locale_names_the_language(environ: dict[str, str], expected: str | None) -> None:
    assert i18n.from_locale(environ) == expected


def test_the_option_beats_the_environment_which_beats_the_folder_which_beats_the_locale() -> None:
    locale = {"LANG": "zh_CN.UTF-8"}
    assert i18n.choose("en", "zh", {"SALESCLI_LANG": "zh", **locale}) == "en"
    assert i18n.choose(None, "en", {"SALESCLI_LANG": "zh"}) == "zh"
    assert i18n.choose(None, "en", locale) == "en"
    assert i18n.choose(None, None, locale) == "zh"
    assert i18n.choose(None, None, {}) == "en"


def test_the_locale_alone_speaks_chinese(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")  # (the folder has no salescli.yaml to say otherwise)
    result = invoke(folder, "advance", "无此客户", "demo")
    assert result.exit_code == 2
    assert result.stderr.startswith("错误：")
    usage = invoke(folder, "list", "--bogus")
    assert "用法：" in usage.stderr and "没有这个选项" in usage.stderr


def test_english_stays_english_whatever_was_spoken_before(sample: Path) -> None:
    chinese = invoke(sample, "--lang", "zh", "list", "--help")
    english = invoke(sample, "list", "--help")
    assert chinese.stdout.startswith("用法：") and english.stdout.startswith("Usage: salescli list")
    assert "List customers" in english.stdout


def test_init_in_a_chinese_locale_writes_chinese(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    from typer.testing import CliRunner

    from salescli.cli import app

    result = CliRunner().invoke(app, ["init", str(tmp_path / "sales"), "--user", "李明"])
    assert result.exit_code == 0, result.output
    assert "language: zh" in (tmp_path / "sales" / "salescli.yaml").read_text(encoding="utf-8")


def test_english_never_opens_the_catalog() -> None:
    script = ("import sys; from salescli.main import main; sys.argv = ['salescli', '--version'];\n"
              "import gettext; opened = []; real = gettext.translation\n"
              "gettext.translation = lambda *a, **k: opened.append(a) or real(*a, **k)\n"
              "try: main()\nexcept SystemExit: pass\nprint(opened)")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env={"PATH": ""})
    assert result.stdout.splitlines()[-1] == "[]"


def test_chinese_is_wrapped_by_the_columns_it_takes() -> None:
    from salescli.cli.widewrap import WideTextWrapper, width

    text = "把单推进到下一阶段，或推进到指定阶段。Run salescli advance 中建三局 close to record it，然后索取转介绍。"
    lines = WideTextWrapper(20, initial_indent="  ", subsequent_indent="  ").wrap(text)
    # 18 columns a line: 9 Chinese characters; closing punctuation stays with the character before it
    assert lines == ["  把单推进到下一阶", "  段，或推进到指定阶", "  段。Run salescli", "  advance 中建三局",
                     "  close to record", "  it，然后索取转介", "  绍。"]
    assert all(width(line) <= 20 for line in lines)
    brackets = WideTextWrapper(12).wrap("分类用语（中英文均可）或“demo”")
    assert brackets == ["分类用语（中", "英文均可）或", "“demo”"]  # an opening bracket stays with what it opens
    assert width("中建三局 ok") == 11 and width("\033[1m用法\033[0m") == 4


def test_a_range_is_said_without_english_in_chinese(sample: Path) -> None:
    chinese = invoke(sample, "--lang", "zh", "forecast", "--help").stdout
    assert "[≤120]" in chinese and "[默认：60；≤36500]" in chinese and "x<=" not in chinese
    refused = invoke(sample, "--lang", "zh", "forecast", "--months", "500")
    assert (refused.exit_code, refused.stderr.splitlines()[-1]) == (
        2, "错误：'--months' 的值无效：500 不在范围 ≤120 内。")
    english = invoke(sample, "forecast", "--months", "500")  # (after Chinese, in the same process)
    assert english.stderr.splitlines()[-1] == "Error: Invalid value for '--months': 500 is not in the range x<=120."
    assert "[x<=120]" in invoke(sample, "forecast", "--help").stdout
