"""Honest in time: `--today D` on a folder gives exactly what the same folder gives with every event
after D removed (and the customers not in it yet), for every command that reads the folder as of a day.
On generated folders: customers added over two years, deals moved along, targets set and moved, won and
lost, visits, by several reps."""

from __future__ import annotations

import json
import random
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.conftest import invoke

STAGES = ["prospect", "prepare", "approach", "needs", "demo", "objections"]
START = date(2025, 1, 2)


def _customers(seed: int) -> dict[str, list[str]]:
    """Each customer's log lines, as salescli writes them, over 2025 and 2026."""
    rng = random.Random(seed)
    customers = {}
    for number in range(24):
        day = START + timedelta(days=rng.randint(0, 600))
        lines = [f"- {{date: {day}, event: added, stage: {rng.choice(STAGES[:3])}}}"]
        stage = 0
        for _step in range(rng.randint(1, 12)):
            day += timedelta(days=rng.randint(1, 40))
            kind = rng.random()
            if kind < 0.35:
                lines.append(f"- {{date: {day}, event: visit, next: {day + timedelta(days=rng.randint(3, 20))}}}")
            elif kind < 0.6 and stage < len(STAGES) - 1:
                stage += rng.randint(1, 2)
                lines.append(f"- {{date: {day}, event: stage, stage: {STAGES[min(stage, len(STAGES) - 1)]}}}")
            elif kind < 0.8:
                lines.append(f"- {{date: {day}, event: target, value: {rng.randint(1, 30) * 5000}, "
                             f"by: {day + timedelta(days=rng.randint(10, 90))}}}")
            elif kind < 0.9:
                lines.append(f"- {{date: {day}, event: won, value: {rng.randint(1, 30) * 5000}}}")
                break
            else:
                lines.append(f"- {{date: {day}, event: lost, reason: 价格}}")
                break
        customers[f"c{number:02d}"] = lines
    return customers


def _write(root: Path, customers: dict[str, list[str]], *, cut: date | None = None) -> Path:
    (root / "customers").mkdir(parents=True)
    (root / "salescli.yaml").write_text("user: 李明\nteam:\n  李明: {quota: 200000}\n  王芳: {quota: 150000}\n",
                                        encoding="utf-8")
    for number, (cid, lines) in enumerate(sorted(customers.items())):
        kept = [line for line in lines if cut is None or date.fromisoformat(line[9:19]) <= cut]
        if kept:
            owner = ("李明", "王芳", "张伟")[number % 3]
            text = f"name: 客户{cid}\narea: {('武昌', '汉口')[number % 2]}\nowner: {owner}\nlog:\n" + "\n".join(kept)
            (root / "customers" / f"{cid}.yaml").write_text(text + "\n", encoding="utf-8")
    return root


COMMANDS = [
    ("forecast", "--month"), ("forecast", "--month", "--format", "json"), ("forecast", "--months", "3", "-f", "json"),
    ("forecast", "--by", "owner", "-f", "json"), ("forecast", "--calibrate", "-f", "json"),
    ("forecast", "--use-history", "-f", "json"), ("forecast", "--backtest", "6", "-f", "json"),
    ("forecast", "--backtest", "4", "--by", "owner", "-f", "json"), ("forecast", "--model", "history"),
    ("report", "funnel", "--from", "2025-06-01", "--to", "2026-06-30", "-f", "json"),
    ("report", "winrate", "--by", "owner", "--from", "2025-01-01", "-f", "json"), ("report", "stale", "-f", "json"),
    ("report", "sources", "-f", "json"), ("list", "--format", "json"), ("list", "--deals", "--format", "json"),
    ("schedule", "--week", "-f", "json"), ("export", "--format", "json"), ("show", "c03", "--format", "json"),
]


@pytest.mark.parametrize("seed, day", [(7, "2025-11-30"), (11, "2026-03-15")])
def test_today_in_the_past_equals_the_folder_cut_at_that_day(tmp_path: Path, seed: int, day: str) -> None:
    customers = _customers(seed)
    whole = _write(tmp_path / "whole", customers)
    cut = _write(tmp_path / "cut", customers, cut=date.fromisoformat(day))
    assert len(list((whole / "customers").iterdir())) > len(list((cut / "customers").iterdir()))  # some were later
    for command in COMMANDS:
        if command[0] == "show" and not (cut / "customers" / "c03.yaml").exists():
            continue
        seen, expected = invoke(whole, *command, today=day), invoke(cut, *command, today=day)
        assert (seen.exit_code, seen.stdout) == (expected.exit_code, expected.stdout), command
        notes = [line for line in seen.stderr.splitlines() if "left out: figures are as of" in line]
        assert len(notes) == (command[0] != "show")  # said once (a customer's page: when it had later events)
        assert [line for line in seen.stderr.splitlines() if line not in notes] == expected.stderr.splitlines()


def test_a_customer_added_later_is_not_found_as_of_an_earlier_day(tmp_path: Path) -> None:
    root = _write(tmp_path / "whole", {"c00": ["- {date: 2026-05-01, event: added}"],
                                       "c01": ["- {date: 2026-01-01, event: added}"]})
    result = invoke(root, "show", "c00", today="2026-03-01")
    assert result.exit_code == 2
    assert result.stderr.endswith("Error: c00 was added after 2026-03-01: as of that day it is not in the folder\n")


@pytest.mark.parametrize("model", ["history", "stages"])
def test_a_backtest_month_is_what_the_forecast_said_on_its_eve(tmp_path: Path, model: str) -> None:
    """The backtest reads each month off the record of past months; the forecast of that month, run on its
    eve, rebuilds it from the customers as they stood: the two agree to the cent."""
    root = _write(tmp_path / "whole", _customers(5))
    rows = json.loads(invoke(root, "forecast", "--backtest", "5", "--month", "2026-07", "--model", model,
                             "-f", "json", today="2026-07-20").stdout)["months"]
    assert len(rows) == 5 and any(row["forecast"] for row in rows)
    for row in rows:
        eve = (date.fromisoformat(row["month"] + "-01") - timedelta(days=1)).isoformat()
        said = json.loads(invoke(root, "forecast", "--month", row["month"], "--model", model, "-f", "json",
                                 today=eve).stdout)
        assert said["expected"] == row["forecast"], row["month"]
