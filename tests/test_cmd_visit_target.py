from pathlib import Path

from tests.conftest import customer_file


def test_visit_logs_goal_note_and_next(folder: Path, run) -> None:
    run("add", "中建三局", "--id", "zj")
    result = run("visit", "zj", "--goal", "见决策人", "--note", "约了下周", "--next", "+7d")
    assert result.stdout == "Logged a visit to 中建三局 on 2026-11-26; next visit 2026-12-03.\n"
    assert customer_file(folder, "zj").read_text(encoding="utf-8").endswith(
        "- {date: 2026-11-26, event: visit, goal: 见决策人, note: 约了下周, next: 2026-12-03}\n")


def test_target_is_dynamic_the_latest_counts(folder: Path, run) -> None:
    run("add", "中建三局", "--id", "zj")
    assert run("target", "zj", "--value", "12万", "--by", "2026-12-20").stdout == \
        "中建三局: target 120,000 CNY by 2026-12-20.\n"
    assert run("target", "zj", "--by", "2027-01-15", "--note", "甲方推迟").stdout == \
        "中建三局: target 120,000 CNY by 2027-01-15.\n"
    assert customer_file(folder, "zj").read_text(encoding="utf-8").endswith(
        "- {date: 2026-11-26, event: target, value: 120000, by: 2026-12-20}\n"
        "- {date: 2026-11-26, event: target, by: 2027-01-15, note: 甲方推迟}\n")
    assert run("advance", "zj", "close").stdout.startswith("中建三局: prospect → close 促成 — won 120,000\n")


def test_target_needs_a_value_or_a_date(folder: Path, run) -> None:
    run("add", "中建三局", "--id", "zj")
    assert run("target", "zj").stderr == "Error: give --value, --by or both\n"
