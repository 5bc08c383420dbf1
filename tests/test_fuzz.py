"""Hostile input, generated: command-line values and damaged customer files never end in a traceback
(nor in the CLI's last-resort "failed unexpectedly" line), only in a result or one clear error line."""

import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from salescli import safefile
from salescli.cli import app

CUSTOMER = ("id: zj\nname: 中建三局\nfield: construction\narea: 洪山\ncontact:\n  person: 王工\n"
            "trust:\n  people:\n  - {name: 王工, birthday: 1978-05-12}\n"
            "log:\n- {date: 2026-09-01, event: added, stage: prospect}\n"
            "- {date: 2026-09-12, event: visit, goal: 初次拜访, note: 见到了科长, next: 2026-09-20}\n"
            "- {date: 2026-09-12, event: target, value: 120000, by: 2026-12-20}\n")
OTHER = "id: ds\nname: 鼎盛地产\nlog:\n- {date: 2026-10-01, event: added, stage: demo}\n"

WORDS = st.sampled_from([
    "", " ", "0", "-1", "1e9", "99999999999999999999999999999", "9" * 400, "4.8万", "¥48,000", "nan", "inf",
    "today", "+99999999d", "-99999999d", "+1m", "9999-12-31", "0001-01-01", "1899-12-31", "2999-12-31",
    "9999-12", "2026-13", "2026-02-30", "12月5日", "01/02/2026", "5 Dec 99999", "demo", "close", "lost", "5",
    "zj", "ds", "中建", "中", "x" * 300, "a\x1b[31mb\x07", "a\x00b", "a\nb", "\t", "../x", "/", "-", "--",
    "'", '"', "{a: 1}", "[", "#", "&a", "*a", "!!python/object:os.system", "a\udcffb", "\ud800", "\u2028", "\ufeff"])
VALUES = WORDS | st.text(max_size=12)

COMMANDS = st.one_of(
    st.tuples(st.just("add"), VALUES).map(list),
    st.tuples(st.just("add"), VALUES, st.sampled_from(["--value", "--by", "--date", "--note", "--stage", "--id",
                                                       "--amount", "--field"]), VALUES).map(list),
    st.tuples(st.sampled_from(["visit", "target", "advance"]), st.sampled_from(["zj", "ds"]),
              st.sampled_from(["--date", "--note", "--next", "--value", "--by", "--goal", "--deal"]), VALUES)
    .map(lambda parts: [*parts[:2], parts[2], parts[3]] if parts[0] != "advance" or parts[2] in
         ("--date", "--note", "--value", "--deal") else [parts[0], parts[1], parts[3]]),
    st.tuples(st.sampled_from(["show", "prep", "related", "schedule", "list"]), VALUES).map(list),
    st.tuples(st.just("list"), st.sampled_from(["--stale", "--due", "--min-value", "--sort", "--stage"]), VALUES)
    .map(list),
    st.tuples(st.just("forecast"), st.sampled_from(["--month", "--months", "--window", "--backtest", "--quota"]),
              VALUES).map(list),
    st.tuples(st.just("schedule"), st.sampled_from(["--days", "--from"]), VALUES).map(list),
    st.tuples(st.just("report"), st.sampled_from(["funnel", "winrate", "stale", "sources"]),
              st.sampled_from(["--from", "--to"]), VALUES).map(list),
    st.tuples(st.sampled_from(["--today", "--lang"]), VALUES, st.sampled_from(["list", "schedule", "forecast"]))
    .map(list),
)


def _folder() -> Path:
    root = Path(tempfile.mkdtemp(prefix="salescli-fuzz-"))
    (root / "customers").mkdir()
    (root / "customers" / "zj.yaml").write_text(CUSTOMER, encoding="utf-8")
    (root / "customers" / "ds.yaml").write_text(OTHER, encoding="utf-8")
    return root


def _no_traceback(root: Path, *args: str) -> None:
    safefile.forget()
    result = CliRunner().invoke(app, ["--dir", str(root), "--today", "2026-11-26", *args], input="")
    assert result.exception is None or isinstance(result.exception, SystemExit), (args, repr(result.exception))
    assert result.exit_code in (0, 1, 2), (args, result.exit_code, result.output)
    assert "Traceback" not in result.output and "failed unexpectedly" not in result.output, (args, result.output)
    if result.exit_code:
        errors = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
        assert len(errors) <= 1, (args, result.stderr)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(COMMANDS)
def test_no_command_line_ends_in_a_traceback(args: list[str]) -> None:
    root = _folder()
    try:
        _no_traceback(root, *args)
    finally:
        shutil.rmtree(root, ignore_errors=True)


MUTATIONS = st.lists(st.tuples(st.sampled_from(["insert", "delete", "replace"]), st.floats(0, 1),
                               st.binary(min_size=1, max_size=3) | st.sampled_from(
                                   [b"\n", b": ", b"- ", b"{", b"}", b"log:\n", b"\x00", b"\xff", b"'", b"9" * 40,
                                    b"date: 9999-12-31", b"\r", b"\xe4\xb8", b"&a ", b"<<<<<<< ours\n"])),
                     min_size=1, max_size=4)


def _mutated(data: bytes, mutations: list[tuple[str, float, bytes]]) -> bytes:
    for kind, where, piece in mutations:
        at = int(where * len(data))
        if kind == "insert":
            data = data[:at] + piece + data[at:]
        elif kind == "delete":
            data = data[:at] + data[at + len(piece):]
        else:
            data = data[:at] + piece + data[at + len(piece):]
    return data


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(MUTATIONS, st.sampled_from([["list"], ["check"], ["show", "zj"], ["visit", "zj", "--note", "n"],
                                   ["advance", "zj"], ["schedule"], ["forecast", "--month", "2026-12"],
                                   ["report", "funnel"], ["export", "--format", "json"]]))
def test_no_damaged_file_ends_in_a_traceback(mutations: list[tuple[str, float, bytes]], args: list[str]) -> None:
    root = _folder()
    try:
        path = root / "customers" / "zj.yaml"
        path.write_bytes(_mutated(path.read_bytes(), mutations))
        _no_traceback(root, "list")  # the cache as a rep's last command left it
        _no_traceback(root, *args)
    finally:
        shutil.rmtree(root, ignore_errors=True)
