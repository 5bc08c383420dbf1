import csv
import io
import json
from pathlib import Path

from tests.conftest import steps

TODAY = "2026-12-10"


def _folder(run) -> None:
    """The same story as test_forecast.py's, written through the commands."""
    go = steps(run, today=TODAY)
    go("add", "A地产", "--id", "a", "--field", "房地产", "--owner", "李明", "--date", "2026-09-01")
    go("target", "a", "--value", "10万", "--by", "2026-12-20", "--date", "2026-09-10")
    go("advance", "a", "demo", "--date", "2026-09-20")
    for day in ("2026-11-27", "2026-12-02", "2026-12-02"):
        go("visit", "a", "--date", day)
    go("add", "B地产", "--id", "b", "--field", "房地产", "--owner", "王芳", "--date", "2026-09-01")
    go("advance", "b", "objections", "--date", "2026-10-01")
    go("target", "b", "--value", "20万", "--by", "2026-12-05", "--date", "2026-10-01")
    go("visit", "b", "--date", "2026-12-03")
    go("add", "C建工", "--id", "c", "--field", "建筑", "--owner", "李明", "--date", "2026-10-01")
    go("visit", "c", "--date", "2026-11-26")
    go("advance", "c", "close", "--value", "30000", "--date", "2026-11-30")
    go("advance", "c", "needs", "--new-deal", "2", "--date", "2026-12-01")
    go("advance", "c", "close", "--deal", "2", "--value", "50000", "--date", "2026-12-01")
    go("add", "D银行", "--id", "d", "--field", "银行", "--stage", "needs", "--date", "2026-11-01")
    go("target", "d", "--value", "4万", "--by", "2027-01-15", "--date", "2026-11-02")
    go("visit", "d", "--date", "2026-12-09")


def test_month_text(folder: Path, run) -> None:
    _folder(run)
    result = run("forecast", "--month", "--window", "10", "--quota", "30万", today=TODAY)
    assert result.exit_code == 0, result
    out = result.stdout.splitlines()
    assert out[0] == "Forecast 2026-12 · as of 2026-12-10 · 23 working days"
    assert "Won in 2026-12: 1 deal" in out
    assert "  total won 50,000 CNY" in out
    assert "  weighted 50,000 · best case 100,000 · expected (won + weighted) 100,000 CNY" in out
    assert "  categories: closed 50,000 · commit 0 · best case 100,000 · pipeline 0" in out
    assert any(line.startswith("Overdue") and line.endswith(": 1 deal") for line in out)
    assert "  visits/day (日客户拜访量)            0.40   4 visits ÷ 10 working days (2026-11-27 … 2026-12-10); " \
           "your target 4" in out
    assert "  close probability (成交概率)        0.667   2 deals won ÷ 3 customers visited, same window" in out
    assert "  average deal value (件均产值)      40,000   80,000 won ÷ 2 deals, same window" in out
    assert "  capacity (产值)                   245,333   = 0.40 × 23 × 0.667 × 40,000" in out
    assert "  visits per day needed: 0.49 (you make 0.40), the other factors as they are" in out
    assert "  gap: 200,000 CNY beyond won + weighted pipeline (100,000)" in out


def test_month_json_carries_the_inputs(folder: Path, run) -> None:
    _folder(run)
    data = json.loads(run("forecast", "--month", "2026-12", "--window", "10", "--quota", "300000",
                          "--format", "json", today=TODAY).stdout)
    assert data["won"]["total"] == 50000
    assert [(d["customer_id"], d["deal"], d["value"]) for d in data["won"]["deals"]] == [("c", "2", 50000)]
    assert [(d["customer_id"], d["probability"], d["weighted"]) for d in data["pipeline"]["deals"]] == [("a", 0.5, 50000)]
    assert data["pipeline"]["best_case"] == 100000 and data["overdue"]["total"] == 200000
    assert data["formula"] == {
        "window": {"start": "2026-11-27", "end": "2026-12-10", "working_days": 10}, "visits": 4,
        "visits_per_day": 0.4, "target_visits_per_day": 4.0, "customers_visited": ["a", "b", "d"],
        "won_deals": 2, "won_value": 80000, "close_probability": 0.6667, "average_value": 40000,
        "working_days": 23, "capacity": 245333,
    }
    assert data["quota"]["gap"] == 200000 and round(data["quota"]["visits_per_day_needed"], 4) == 0.4891


def test_month_csv_lists_every_deal_counted(folder: Path, run) -> None:
    _folder(run)
    rows = list(csv.DictReader(io.StringIO(run("forecast", "--format", "csv", today=TODAY).stdout)))
    assert [(r["section"], r["customer_id"], r["value"]) for r in rows] == [
        ("won", "c", "50,000"), ("pipeline", "a", "100,000"), ("overdue", "b", "200,000")]


def test_months_table(folder: Path, run) -> None:
    _folder(run)
    rows = json.loads(run("forecast", "--months", "3", "--window", "10", "--format", "json", today=TODAY).stdout)
    assert [(r["month"], r["working_days"], r["won"], r["weighted"], r["best_case"]) for r in rows] == [
        ("2026-12", 23, 50000, 50000, 100000),
        ("2027-01", 21, 0, 12000, 40000),  # d: 40,000 at needs (30%); 2027 counted Monday–Friday
        ("2027-02", 20, 0, 0, 0),
    ]
    result = run("forecast", "--months", "2", today=TODAY)
    assert result.stderr == ("warning: China's official holidays for 2027 are not in salescli's calendar yet; "
                             "counting Monday–Friday (add days off under `calendar:` in salescli.yaml)\n")


def test_breakdown_by_owner_and_field(folder: Path, run) -> None:
    _folder(run)
    by_owner = json.loads(run("forecast", "--by", "owner", "--format", "json", today=TODAY).stdout)
    assert [(g["owner"], g["won"], g["weighted"], g["overdue"]) for g in by_owner] == [
        ("李明", 50000, 50000, 0), ("王芳", 0, 0, 200000)]
    table = run("--lang", "zh", "forecast", "--by", "field", today=TODAY).stdout.splitlines()
    assert table[3].split()[:3] == ["建筑单位", "1", "50,000"]


def test_calibrate_and_use_history(folder: Path, run) -> None:
    _folder(run)
    rows = json.loads(run("forecast", "--calibrate", "--format", "json", today=TODAY).stdout)
    assert rows[0] == {"stage": "prospect", "中文": "开发新客户", "reached": 5, "decided": 2, "won": 2,
                       "history": None, "configured": 0.05}
    text = run("forecast", "--calibrate", today=TODAY).stdout
    assert "not enough history" in text
    same = json.loads(run("forecast", "--use-history", "--format", "json", today=TODAY).stdout)
    assert same["pipeline"]["weighted"] == 50000  # too little history: the configured rates stay


def test_backtest(folder: Path, run) -> None:
    _folder(run)
    rows = json.loads(run("forecast", "--backtest", "2", "--format", "json", today=TODAY).stdout)
    # on 1 Oct: nothing due in October; on 1 Nov: nothing due in November; c won 30,000 in November
    assert [(r["month"], r["forecast"], r["actual"], r["error"]) for r in rows] == [
        ("2026-10", 0, 0, 0), ("2026-11", 0, 30000, -30000)]


def test_bad_arguments(folder: Path, run) -> None:
    assert run("forecast", "--month", "2026-13").stderr == \
        "Error: '2026-13' is not a month; write it as YYYY-MM (e.g. 2026-12)\n"
    assert run("forecast", "--by", "colour").stderr == \
        "Error: --by takes one of: owner, field, channel, size, role, area, source\n"
    assert run("forecast", "--format", "markdown").exit_code == 2
    assert run("forecast", "--window", "0").stderr == "Error: --window must be at least 1 working day\n"
