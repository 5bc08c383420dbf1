"""The Maven CRM sample imported as the README says, against counts made from its CSV files here.

A slice of it is in tests/data/maven (every run); the whole of it, where the project's machine has
it, in /work/shared/datasets/maven-crm (skipped elsewhere)."""

from __future__ import annotations

import csv
import json
import statistics
from collections import Counter, defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Callable

import pytest

from tests.conftest import REPO, invoke

SLICE = REPO / "tests" / "data" / "maven"
FULL = Path("/work/shared/datasets/maven-crm")
STAGE_MAP = "Prospecting=prospect,Engaging=approach,Won=close,Lost=lost"
TODAY = "2017-12-31"


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _imported(source: Path, root: Path) -> Path:
    """A new folder with the README's three commands run on `source`."""
    (root / "customers").mkdir(parents=True)
    for args in (["accounts.csv", "--map", "sector=needs.scope", "--map", "office_location=area",
                  "--date", "2016-10-01"],
                 ["sales_teams.csv", "--team"],
                 ["sales_pipeline.csv", "--deals", "--date", TODAY, "--stage-dates", "engage_date=approach",
                  "--stage-map", STAGE_MAP]):
        result = invoke(root, "import", str(source / args[0]), *args[1:], today=TODAY)
        assert result.exit_code == 0, result
    return root


def _expected_rates(deals: list[dict[str, str]], key: Callable[[dict[str, str]], str | None]) -> dict:
    """Won, lost, win rate, average won value and mean and median cycle per group, from the CSV rows."""
    groups: dict[str | None, list[dict[str, str]]] = defaultdict(list)
    for row in deals:
        if row["deal_stage"] in ("Won", "Lost"):
            groups[key(row)].append(row)
    found = {}
    for group, rows in groups.items():
        won = [row for row in rows if row["deal_stage"] == "Won"]
        cycles = [(date.fromisoformat(row["close_date"]) - date.fromisoformat(row["engage_date"])).days for row in won]
        found[group] = (len(won), len(rows) - len(won), len(won) / len(rows),
                        int((sum(Decimal(row["close_value"]) for row in won) / len(won)).quantize(Decimal(1)))
                        if won else None,
                        round(sum(cycles) / len(cycles), 1) if cycles else None,
                        float(statistics.median(cycles)) if cycles else None)
    return found


def _reported_rates(root: Path, by: str) -> dict:
    rates = json.loads(invoke(root, "report", "winrate", "--by", by, "--format", "json", today=TODAY).stdout)
    return {None if rate[by] == "(none)" else rate[by]: (rate["won"], rate["lost"], rate["win_rate"],
                                                        rate["avg_won_value"], rate["avg_cycle_days"],
                                                        rate["median_cycle_days"]) for rate in rates}


def _check(source: Path, root: Path) -> None:
    accounts = {row["account"]: row for row in _rows(source / "accounts.csv")}
    team = {row["sales_agent"]: row for row in _rows(source / "sales_teams.csv")}
    deals = [row for row in _rows(source / "sales_pipeline.csv") if row["account"]]
    _imported(source, root)

    # 1. deals per stage: the CSV's own counts for the rows with an account, and no other deal
    listed = json.loads(invoke(root, "list", "--deals", "--format", "json", today=TODAY).stdout)
    ours = Counter("won" if d["status"] == "won" else "lost" if d["status"] == "lost" else d["stage"] for d in listed)
    theirs = Counter({"Prospecting": "prospect", "Engaging": "approach", "Won": "won", "Lost": "lost"}[row["deal_stage"]]
                     for row in deals)
    assert ours == theirs and len(listed) == len(deals)
    assert {d["deal"]: (d["owner"], d["product"]) for d in listed} == \
        {row["opportunity_id"]: (row["sales_agent"], row["product"]) for row in deals}

    # 3. win rates, average won value, mean and median cycle: by sector, office, manager, rep, product
    assert _reported_rates(root, "needs.scope") == _expected_rates(deals, lambda row: accounts[row["account"]]["sector"])
    assert _reported_rates(root, "office") == _expected_rates(
        deals, lambda row: team[row["sales_agent"]]["regional_office"] if row["sales_agent"] in team else None)
    assert _reported_rates(root, "manager") == _expected_rates(
        deals, lambda row: team[row["sales_agent"]]["manager"] if row["sales_agent"] in team else None)
    assert _reported_rates(root, "owner") == _expected_rates(deals, lambda row: row["sales_agent"])
    assert _reported_rates(root, "product") == _expected_rates(deals, lambda row: row["product"])

    # 2. imported history: a decided deal passed approach on its engage date
    rates = {rate["stage"]: rate for rate in json.loads(invoke(root, "forecast", "--calibrate", "--format", "json",
                                                              today=TODAY).stdout)}
    won, lost = theirs["won"], theirs["lost"]
    assert (rates["approach"]["reached"], rates["approach"]["decided"], rates["approach"]["won"]) == \
        (won + lost + theirs["approach"], won + lost, won)

    # won value per month
    by_month: dict[str, Decimal] = defaultdict(Decimal)
    for row in deals:
        if row["deal_stage"] == "Won":
            by_month[row["close_date"][:7]] += Decimal(row["close_value"])
    months = json.loads(invoke(root, "forecast", "--month", "2016-10", "--months", "15", "--format", "json",
                               today=TODAY).stdout)
    assert {row["month"]: row["won"] for row in months if row["won"]} == {m: int(v) for m, v in by_month.items()}

    # 6. the forecast names every open deal it leaves out: here every one (no target dates)
    december = json.loads(invoke(root, "forecast", "--month", "2017-12", "--format", "json", today=TODAY).stdout)
    assert december["omitted"]["by_reason"] == {"no target date": {"deals": theirs["prospect"] + theirs["approach"],
                                                                   "value": 0}}
    assert december["pipeline"]["deals"] == []


def test_the_readme_commands_on_a_slice_of_maven(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _check(SLICE, tmp_path / "maven")
    shown = invoke(tmp_path / "maven", "show", "cancity", today=TODAY).stdout.splitlines()
    assert "  deal 1C1I7A6R: close 促成 (won) · won 1,054 on 2017-03-01 · owner Moses Frase · product GTX Plus Basic" \
        in shown
    monkeypatch.chdir(REPO)  # files are named as the user typed them, relative to here
    result = invoke(tmp_path / "maven", "import", str(SLICE / "accounts.csv"), "--map", "sector=needs.scope",
                    "--dry-run", today=TODAY)
    assert result.stdout.splitlines()[-2:] == [
        "columns not imported: year_established, revenue, employees, office_location, subsidiary_of (name a place "
        "for them with --map COLUMN=FIELD)",
        "tests/data/maven/accounts.csv: 0 customers to create, 6 to update, 0 rows skipped — dry run, nothing written"]


@pytest.mark.skipif(not FULL.is_dir(), reason="the whole Maven sample is only on the project's machine")
def test_the_readme_commands_on_the_whole_of_maven(tmp_path: Path) -> None:
    _check(FULL, tmp_path / "maven")
