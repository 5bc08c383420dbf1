import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from salescli import __version__
from salescli.cli import app
from tests.conftest import customer_file, invoke

COMMANDS = ["init", "add", "advance", "visit", "target", "list", "show", "forecast", "schedule", "prep", "site",
            "board", "refer", "related"]


def test_version() -> None:
    result = CliRunner().invoke(app, ["--version"])
    assert (result.exit_code, result.stdout) == (0, f"salescli {__version__}\n")


def test_every_command_is_wired_with_help_and_an_example() -> None:
    top = CliRunner().invoke(app, ["--help"]).stdout
    for command in COMMANDS:
        assert re.search(rf"^\s+{command}\s+\S", top, re.MULTILINE), command
        help_text = CliRunner().invoke(app, [command, "--help"]).stdout
        assert "Example" in help_text and "salescli " + command in help_text, command


def test_outside_a_data_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SALESCLI_DIR", raising=False)
    result = CliRunner().invoke(app, ["list"])
    assert result.exit_code == 2
    assert result.stderr == ("Error: not in a salescli data folder (no customers/ here or above); "
                             "run `salescli init` to make one, or pass --dir PATH\n")


def test_today_from_the_environment(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SALESCLI_TODAY", "2027-03-01")
    monkeypatch.setenv("SALESCLI_DIR", str(folder))
    CliRunner().invoke(app, ["add", "鼎盛地产", "--id", "ds"])
    assert customer_file(folder, "ds").read_text(encoding="utf-8").endswith(
        "- {date: 2027-03-01, event: added, stage: prospect}\n")


def test_bad_today_is_a_usage_error(folder: Path) -> None:
    result = invoke(folder, "list", today="01/02/2026")
    assert (result.exit_code, result.stderr) == (
        2, "Error: '01/02/2026' is ambiguous (day or month first?); write it as YYYY-MM-DD\n")


def test_a_bad_config_names_the_line(folder: Path) -> None:
    (folder / "salescli.yaml").write_text("user: me\nprobabilities:\n  demo: 3\n", encoding="utf-8")
    result = invoke(folder, "list")
    assert result.exit_code == 1
    assert result.stderr == f"Error: {folder / 'salescli.yaml'}:3:9: a probability is between 0 and 1, not 3\n"


def test_config_extends_vocabularies_and_sets_language(folder: Path) -> None:
    (folder / "salescli.yaml").write_text("language: zh\nvocabulary:\n  field:\n    water: 水利部门\n",
                                          encoding="utf-8")
    assert invoke(folder, "add", "长江水利委员会", "--id", "cj", "--field", "水利").exit_code == 0
    assert invoke(folder, "list", "--field", "water").stdout.splitlines()[2].split()[:4] == \
        ["cj", "长江水利委员会", "开发新客户", "水利部门"]


def test_debug_shows_the_traceback(folder: Path) -> None:
    result = CliRunner().invoke(app, ["--dir", str(folder), "--debug", "show", "nobody"])
    assert result.exception is not None and "no customer matches" in str(result.exception)


def test_customer_completion_lists_ids(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    invoke(folder, "add", "中建三局", "--id", "zj")
    invoke(folder, "add", "中铁", "--id", "zt")
    invoke(folder, "add", "鼎盛", "--id", "ds")
    monkeypatch.setenv("SALESCLI_DIR", str(folder))
    monkeypatch.setenv("_SALESCLI_COMPLETE", "complete_bash")
    monkeypatch.setenv("COMP_WORDS", "salescli show z")
    monkeypatch.setenv("COMP_CWORD", "2")
    result = CliRunner().invoke(app, [], prog_name="salescli")
    assert result.stdout.split() == ["zj", "zt"]


def test_ctrl_c_exits_130_and_leaves_the_file_whole(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    invoke(folder, "add", "中建三局", "--id", "zj")
    before = customer_file(folder, "zj").read_bytes()

    def interrupted(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    result = invoke(folder, "advance", "zj")
    assert (result.exit_code, result.stderr) == (130, "Interrupted; nothing was half-written.\n")
    assert customer_file(folder, "zj").read_bytes() == before
    assert sorted(p.name for p in (folder / "customers").iterdir()) == ["zj.yaml"]


@pytest.mark.parametrize("report", ["funnel", "winrate", "stale", "sources", "parties"])
def test_every_report_has_help_with_an_example(report: str) -> None:
    help_text = CliRunner().invoke(app, ["report", report, "--help"]).stdout
    assert "Example" in help_text and f"salescli report {report}" in help_text


def test_an_argument_that_is_not_utf8_is_one_usage_error(folder: Path) -> None:
    result = invoke(folder, "add", "b\udcffc")  # what Python makes of the bytes b"b\xffc" in argv
    assert (result.exit_code, result.stderr) == (2, "Error: the argument 'b\\xffc' is not UTF-8 text; set the "
                                                    "terminal (or the script) to UTF-8 and type it again\n")
    assert list((folder / "customers").iterdir()) == []


def test_control_characters_are_shown_escaped_in_tables(folder: Path) -> None:
    customer_file(folder, "esc").write_text('name: "red\\e[31m\\a\\tx"\nlog:\n- {date: 2026-11-01, event: added}\n',
                                            encoding="utf-8")
    listed = invoke(folder, "list").stdout
    assert "\x1b" not in listed and "\x07" not in listed
    assert listed.splitlines()[2].startswith("esc   red\\x1b[31m\\x07\\tx  prospect")


def test_a_worksheet_gets_control_characters_as_excel_writes_them(folder: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    customer_file(folder, "esc").write_text('name: "red\\e[31m"\nlog:\n- {date: 2026-11-01, event: added}\n',
                                            encoding="utf-8")
    result = invoke(folder, "export", "--format", "xlsx", "--output", str(tmp_path / "x.xlsx"))
    assert result.exit_code == 0, result.stderr
    assert load_workbook(tmp_path / "x.xlsx").active["B2"].value == "red_x001B_[31m"


def test_ctrl_c_after_the_write_landed_says_it_was_saved(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os
    import signal

    from salescli import repository

    invoke(folder, "add", "中建三局", "--id", "zj")
    remember = repository._remember

    def interrupted_while_finishing(*args: object) -> None:
        os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C just after the rename: it waits until the write is done
        remember(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(repository, "_remember", interrupted_while_finishing)
    result = invoke(folder, "advance", "zj")
    assert (result.exit_code, result.stderr) == (
        130, f"Interrupted; nothing was half-written, and the change to {customer_file(folder, 'zj')} was saved.\n")
    assert customer_file(folder, "zj").read_text(encoding="utf-8").endswith("event: stage, stage: prepare}\n")


def test_an_output_made_of_the_whole_folder_exits_1_when_a_file_was_skipped(sample: Path) -> None:
    """A forecast, a report or an export without one customer is not the whole: shown, warned of, exit 1
    (a script must not take it for the whole); a write or one customer's page is whole: exit 0."""
    whole = {args: invoke(sample, *args) for args in WHOLE}
    (sample / "customers" / "broken.yaml").write_text("id: broken\nname: [坏\n", encoding="utf-8")
    warning = f"warning: skipped {sample / 'customers' / 'broken.yaml'}:2:7: a `[…]` is not closed"
    for args in WHOLE:
        result = invoke(sample, *args)
        assert (result.exit_code, result.stdout) == (1, whole[args].stdout), args  # the rest, as before
        assert result.stderr.startswith(warning), args
    for args in (("show", "天河"), ("prep", "天河"), ("visit", "天河", "--note", "x")):
        result = invoke(sample, *args)
        assert result.exit_code == 0 and result.stderr.startswith(warning), args


WHOLE = (("list", "--format", "json"), ("forecast", "--month", "2026-12"), ("schedule", "--week"),
         ("report", "funnel"), ("related", "江城建工"), ("export", "--format", "json"))


def test_ctrl_c_that_python_would_print_and_drop_still_ends_the_command(folder: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C during a weak reference's callback (the import system's module locks: any import in a
    command) is printed by Python as "Exception ignored" and lost; the command then says it was interrupted."""
    import weakref

    from salescli import repository

    invoke(folder, "add", "中建三局", "--id", "zj")
    remember = repository._remember

    def interrupted_in_a_callback(*args: object) -> None:
        class Lock:
            pass

        def released(_reference: object) -> None:
            raise KeyboardInterrupt

        lock = Lock()
        kept = weakref.ref(lock, released)
        del lock  # (the callback runs here: Python hands what it raises to sys.unraisablehook)
        assert kept() is None
        remember(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(repository, "_remember", interrupted_in_a_callback)
    result = invoke(folder, "advance", "zj")
    assert (result.exit_code, result.stderr) == (
        130, f"Interrupted; nothing was half-written, and the change to {customer_file(folder, 'zj')} was saved.\n")
