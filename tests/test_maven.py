"""The Maven CRM sample imported as docs/guide.en.md says, against counts made from its CSV files here.

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
    """A new folder with the guide's import commands run on `source`."""
    (root / "customers").mkdir(parents=True)
    for args in (["accounts.csv", "--map", "sector=needs.scope", "--map", "office_location=area",
                  "--date", "2016-10-01"],
                 ["sales_teams.csv", "--team"],
                 ["sales_pipeline.csv", "--deals", "--date", TODAY, "--stage-dates", "engage_date=approach",
                  "--stage-map", STAGE_MAP],
                 ["products.csv", "--products"]):
        result = invoke(root, "import", str(source / args[0]), *args[1:], today=TODAY)
        assert result.exit_code == 0, result
    # every product the open deals name is priced ("GTXPro" is products.csv's "GTX Pro")
    shown = result.stdout.splitlines()
    assert len(shown) == 2 and shown[0] == \
        "columns not imported: series (name a place for them with --map COLUMN=FIELD)"
    assert shown[1].endswith("products.csv: 7 products added to the price list in salescli.yaml, 0 there already, 0 "
                             "kept as they were, 0 rows skipped")
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
    theirs = Counter({"Prospecting": "prospect", "Engaging": "approach", "Won": "won",
                      "Lost": "lost"}[row["deal_stage"]] for row in deals)
    assert ours == theirs and len(listed) == len(deals)
    assert {d["deal"]: (d["owner"], d["product"]) for d in listed} == \
        {row["opportunity_id"]: (row["sales_agent"], row["product"]) for row in deals}

    # 3. win rates, average won value, mean and median cycle: by sector, office, manager, rep, product
    assert _reported_rates(root, "needs.scope") == _expected_rates(
        deals, lambda row: accounts[row["account"]]["sector"])
    assert _reported_rates(root, "office") == _expected_rates(
        deals, lambda row: team[row["sales_agent"]]["regional_office"] if row["sales_agent"] in team else None)
    assert _reported_rates(root, "manager") == _expected_rates(
        deals, lambda row: team[row["sales_agent"]]["manager"] if row["sales_agent"] in team else None)
    assert _reported_rates(root, "owner") == _expected_rates(deals, lambda row: row["sales_agent"])
    assert _reported_rates(root, "product") == _expected_rates(deals, lambda row: row["product"])

    # 2. imported history: a decided deal passed approach on its engage date, and nothing between it and
    # the close (a win is not credited with needs, demo and objections)
    rates = {rate["stage"]: rate for rate in json.loads(invoke(root, "forecast", "--calibrate", "--format", "json",
                                                              today=TODAY).stdout)}
    won, lost = theirs["won"], theirs["lost"]
    assert (rates["approach"]["reached"], rates["approach"]["decided"], rates["approach"]["won"]) == \
        (won + lost + theirs["approach"], won + lost, won)
    assert [rates[stage]["reached"] for stage in ("needs", "demo", "objections")] == [0, 0, 0]
    assert (rates["close"]["reached"], rates["close"]["won"]) == (won, won)
    assert rates["approach"]["to_won"] == won / (won + lost)

    # won value per month
    by_month: dict[str, Decimal] = defaultdict(Decimal)
    for row in deals:
        if row["deal_stage"] == "Won":
            by_month[row["close_date"][:7]] += Decimal(row["close_value"])
    months = json.loads(invoke(root, "forecast", "--month", "2016-10", "--months", "15", "--format", "json",
                               today=TODAY).stdout)
    assert {row["month"]: row["won"] for row in months if row["won"]} == {m: int(v) for m, v in by_month.items()}

    # 6. the stage-weighted forecast names every open deal it leaves out: here every one (no target dates),
    # each at its list price
    prices = {row["product"].replace(" ", ""): Decimal(row["sales_price"]) for row in _rows(source / "products.csv")}
    open_deals = [row for row in deals if row["deal_stage"] in ("Prospecting", "Engaging")]
    december = json.loads(invoke(root, "forecast", "--month", "2017-12", "--model", "stages", "--format", "json",
                                 today=TODAY).stdout)
    assert december["omitted"]["by_reason"] == {"no target date": {
        "deals": len(open_deals), "value": int(sum(prices[row["product"].replace(" ", "")] for row in open_deals))}}
    assert december["pipeline"]["deals"] == []
    # the history model weights each of them by its chance instead (none left on 31 December: 0)
    history = json.loads(invoke(root, "forecast", "--month", "2017-12", "--model", "history", "--format", "json",
                                today=TODAY).stdout)
    assert len(history["undated"]["deals"]) == len(open_deals) and history["omitted"]["deals"] == []
    assert {deal["value_from"] for deal in history["undated"]["deals"]} == {"list price"}


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
    # the forecast beats both naive forecasts over June–December 2017, each made as the folder stood on its
    # eve; the naive ones' errors are those of a count of the CSV
    deals = [row for row in _rows(FULL / "sales_pipeline.csv") if row["account"] and row["deal_stage"] == "Won"]
    won = {month: sum((Decimal(row["close_value"]) for row in deals if row["close_date"][:7] == month), Decimal(0))
           for month in [f"2017-{number:02d}" for number in range(1, 13)]}
    months = sorted(won)[5:]
    last = statistics.mean(float(abs(won[months[at - 1] if at else "2017-05"] - won[month]) / won[month])
                           for at, month in enumerate(months))
    keys = sorted(won)
    three = statistics.mean(float(abs(sum(won[keys[keys.index(month) - back]] for back in (1, 2, 3)) / 3
                                      - won[month]) / won[month]) for month in months)
    data = json.loads(invoke(tmp_path / "maven", "forecast", "--backtest", "7", "--month", "2018-01", "--format",
                             "json", today="2018-01-01").stdout)
    accuracy = data["accuracy"]["(all)"]
    assert accuracy["last_month"]["mape"] == pytest.approx(last) and round(last, 2) == 0.39
    assert accuracy["mean_of_three"]["mape"] == pytest.approx(three, abs=1e-6) and round(three, 2) == 0.22
    assert accuracy["forecast"]["months"] == 7 and accuracy["forecast"]["mape"] < 0.15
