import csv
import io
import json
from pathlib import Path

from tests.conftest import invoke, steps

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
    go("visit", "c", "--date", "2026-11-30")
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
    # c's first win (30 November) is the whole history: too little to compare the models yet
    assert out[1] == ("Model: stage-weighted — too little history to compare the models yet (it takes three months "
                      "from your first win)")
    assert "Won in 2026-12: 1 deal" in out
    assert "  total won 50,000 CNY" in out
    assert "  weighted 50,000 · best case 100,000 · expected (won + weighted) 100,000 CNY" in out
    assert "  categories: closed 50,000 · commit 0 · best case 100,000 · pipeline 0" in out
    assert out[out.index("Left out (open deals not weighted): 1 deal, 200,000 CNY"):][:5] == [
        "Left out (open deals not weighted): 1 deal, 200,000 CNY",
        "  overdue: 1 deal, 200,000 CNY — the target date passed: move the target or close the deal",
        "  customer    stage         target  by          why",
        "  ----------  ----------  --------  ----------  -------",
        "  B地产       objections   200,000  2026-12-05  overdue"]
    # the hand-worked figures of test_forecast.py's same story
    assert out[out.index("Output formula 产值 = visits/day × working days × close probability × "
                         "average deal value"):] == [
        "Output formula 产值 = visits/day × working days × close probability × average deal value",
        "  window: 2026-11-27 … 2026-12-10, 10 working days",
        "  visits/day (日客户拜访量)            0.50   5 visits ÷ 10 working days (a customer counts once a day); "
        "your target 4",
        "  working days (月工作日)                16   left from today to the end of 2026-12 (of 23)",
        "  close probability (成交概率)        0.250   1 of the 4 customers visited won a deal",
        "  average deal value (件均产值)      40,000   80,000 won ÷ 2 deals",
        "  capacity (产值)                   130,000   = 50,000 won so far + 0.50 × 16 × 0.250 × 40,000 (the "
        "factors are shown rounded; the product is of the exact ones)",
        "  beside the forecast: expected 100,000, best case 150,000 CNY",
        "  → Your visits are worth 130,000 CNY by the formula, 30% more than the 100,000 expected: the pipeline does "
        "not hold yet what your visits usually bring — log the new deals and their targets, and the expected month "
        "will follow.",
        "",
        "Quota 300,000 CNY:",
        "  visits per day needed: 1.56 (you make 0.50), over the 16 working days left, for the 250,000 not yet "
        "won, the other factors as they are",
        "  gap: 200,000 CNY beyond the expected month (100,000)"]


def test_month_json_carries_the_inputs(folder: Path, run) -> None:
    _folder(run)
    data = json.loads(run("forecast", "--month", "2026-12", "--window", "10", "--quota", "300000",
                          "--format", "json", today=TODAY).stdout)
    assert data["won"]["total"] == 50000
    assert [(d["customer_id"], d["deal"], d["value"]) for d in data["won"]["deals"]] == [("c", "2", 50000)]
    assert [(d["customer_id"], d["probability"], d["weighted"]) for d in data["pipeline"]["deals"]] == \
        [("a", 0.5, 50000)]
    assert data["pipeline"]["best_case"] == 100000
    assert data["omitted"] == {
        "deals": [{"section": "omitted", "customer_id": "b", "customer": "B地产", "deal": "1", "stage": "objections",
                   "category": "commit", "value": 200000, "value_from": "target", "date": "2026-12-05",
                   "probability": 0.7, "weighted": None, "reason": "overdue"}],
        "total": 200000, "by_reason": {"overdue": {"deals": 1, "value": 200000}}, "listed_in_the_current_month": 0}
    assert data["formula"] == {
        "window": {"start": "2026-11-27", "end": "2026-12-10", "working_days": 10, "from_first_event": False},
        "visits": 5, "visits_per_day": 0.5, "target_visits_per_day": 4.0, "customers_visited": ["a", "b", "c", "d"],
        "customers_won": ["c"], "won_deals": 2, "won_value": 80000, "close_probability": 0.25,
        "average_value": 40000, "working_days": 23, "days_left": 16, "won_so_far": 50000, "capacity": 130000,
        "no_capacity_because": None,
    }
    assert data["quota"] == {"amount": 300000, "visits_per_day_needed": 1.5625, "gap": 200000}


def test_month_csv_lists_every_deal_counted(folder: Path, run) -> None:
    _folder(run)
    rows = list(csv.DictReader(io.StringIO(run("forecast", "--format", "csv", today=TODAY).stdout)))
    assert [(r["section"], r["customer_id"], r["value"], r["reason"]) for r in rows] == [
        ("won", "c", "50,000", ""), ("pipeline", "a", "100,000", ""), ("omitted", "b", "200,000", "overdue")]


def test_months_table(folder: Path, run) -> None:
    _folder(run)
    rows = json.loads(run("forecast", "--months", "3", "--window", "10", "--format", "json", today=TODAY).stdout)
    # capacity: December 50,000 won + 0.5 × 16 days left × 0.25 × 40,000; later months all their working days:
    # 0.5 × 21 × 0.25 × 40,000 and 0.5 × 20 × 0.25 × 40,000. The overdue deal only in the current month's row.
    assert [(r["month"], r["working_days"], r["won"], r["weighted"], r["best_case"], r["capacity"],
             r["omitted_deals"], r["omitted"]) for r in rows] == [
        ("2026-12", 23, 50000, 50000, 100000, 130000, 1, 200000),
        ("2027-01", 21, 0, 12000, 40000, 105000, 0, 0),  # d: 40,000 at needs (30%); 2027 counted Monday–Friday
        ("2027-02", 20, 0, 0, 0, 100000, 0, 0),
    ]
    result = run("forecast", "--months", "2", today=TODAY)
    assert result.stderr == ("warning: China's official holidays for 2027 are not in salescli's calendar yet; "
                             "counting Monday–Friday (add days off under `calendar:` in salescli.yaml)\n")


def test_breakdown_by_owner_and_field(folder: Path, run) -> None:
    _folder(run)
    by_owner = json.loads(run("forecast", "--by", "owner", "--format", "json", today=TODAY).stdout)
    assert [(g["owner"], g["won"], g["weighted"], g["omitted"]) for g in by_owner] == [
        ("李明", 50000, 50000, 0), ("王芳", 0, 0, 200000)]
    table = run("--lang", "zh", "forecast", "--by", "field", today=TODAY).stdout.splitlines()
    assert table[4].split()[:3] == ["建筑单位", "1", "50,000"]


def test_each_reps_quota_and_gap(folder: Path, run) -> None:
    _folder(run)
    (folder / "salescli.yaml").write_text("team:\n  李明: {quota: 12万}\n  王芳: {manager: 李总, quota: 10万}\n",
                                          encoding="utf-8")
    by_owner = json.loads(run("forecast", "--by", "owner", "--format", "json", today=TODAY).stdout)
    # 李明: 50,000 won + 50,000 weighted = 100,000 expected, 20,000 short of 120,000; 王芳: nothing expected
    assert [(g["owner"], g["expected"], g["quota"], g["gap"]) for g in by_owner] == [
        ("李明", 100000, 120000, 20000), ("王芳", 0, 100000, 100000)]
    assert run("forecast", "--by", "field", "--format", "json", today=TODAY).stdout.count('"quota"') == 0
    (folder / "salescli.yaml").write_text("team:\n  李明: {quota: lots}\n", encoding="utf-8")
    refused = run("forecast", "--by", "owner", today=TODAY)
    assert refused.exit_code != 0 and "salescli.yaml" in refused.stderr and "lots" in refused.stderr


def test_calibrate_and_use_history(folder: Path, run) -> None:
    _folder(run)
    rows = json.loads(run("forecast", "--calibrate", "--format", "json", today=TODAY).stdout)
    # prospect: a, b and c's first deal opened there (c's second and d opened at needs); all three moved
    # on; c's first is the one decided, and won; stays 19 (a), 30 (b), 60 (c) days
    assert rows[0] == {"stage": "prospect", "中文": "开发新客户", "reached": 3, "to_next": 1.0, "decided": 1,
                       "won": 1, "to_won": 1.0, "median_days": 30.0, "history": None, "configured": 0.05}
    # the close: c's two won deals, the second won from needs the day it opened (needs: 0 days)
    assert (rows[3]["reached"], rows[3]["median_days"]) == (2, 0.0)
    assert (rows[6]["reached"], rows[6]["won"], rows[6]["to_next"]) == (2, 2, 0.0)
    text = run("forecast", "--calibrate", today=TODAY).stdout
    assert "not enough history" in text
    same = json.loads(run("forecast", "--use-history", "--format", "json", today=TODAY).stdout)
    assert same["pipeline"]["weighted"] == 50000  # too little history: the configured rates stay


def test_backtest(folder: Path, run) -> None:
    _folder(run)
    data = json.loads(run("forecast", "--backtest", "2", "--format", "json", today=TODAY).stdout)
    # on 30 Sep nothing was due in October; on 31 Oct nothing in November; c won 30,000 in November.
    # Baselines: the folder began on 1 September, so each month has last month (0) but no mean of three
    assert [(r["month"], r["forecast"], r["actual"], r["error"], r["last_month"], r["mean_of_three"], r["partial"])
            for r in data["months"]] == [("2026-10", 0, 0, 0, 0, None, False),
                                         ("2026-11", 0, 30000, -30000, 0, None, False)]
    assert data["months"][1]["why"] == {"mean_of_three": "no earlier month"}
    # no month that every method forecast: no error is made up (test_backtest.py has the arithmetic)
    assert data["accuracy"]["(all)"]["forecast"] == {"months": 0, "mae": None, "mape": None, "bias": None}
    # from January: December is not over on 10 December (partial). On 30 Nov the log had a (100,000 at demo,
    # 50%) and b (200,000 at objections, 70%) due in December: 50,000 + 140,000 = 190,000
    table = run("forecast", "--backtest", "2", "--month", "2027-01", today=TODAY).stdout.splitlines()
    assert table[3].split() == ["2026-11", "0", "30,000", "-100%", "0", "no", "earlier", "month", "stage-weighted"]
    assert table[4].split() == ["2026-12", "190,000", "50,000", "partial", "30,000", "10,000", "stage-weighted"]
    assert table[6:] == [
        "Errors over the 0 months that are over and that all three forecast",
        "  method                           MAE    MAPE    bias",
        "  -----------------------------  -----  ------  ------",
        "  the forecast                       —       —       —",
        "  last month                         —       —       —",
        "  mean of the last three months      —       —       —",
        "  (1 month not over yet: partial, left out)"]
    by_owner = json.loads(run("forecast", "--backtest", "2", "--month", "2027-01", "--by", "owner", "--format", "json",
                              today=TODAY).stdout)
    # December on its eve: a (李明) 50,000 and b (王芳) 140,000; c (李明) won 30,000 in November, 50,000 in December
    assert [(r["owner"], r["month"], r["forecast"], r["actual"], r["last_month"]) for r in by_owner["months"]] == [
        ("李明", "2026-11", 0, 30000, 0), ("李明", "2026-12", 50000, 50000, 30000),
        ("王芳", "2026-11", 0, 0, 0), ("王芳", "2026-12", 140000, 0, 0)]
    assert run("forecast", "--backtest", "2", "--by", "field", today=TODAY).stderr == \
        "Error: the backtest breaks down by owner only (--by owner)\n"


def test_bad_arguments(folder: Path, run) -> None:
    assert run("forecast", "--month", "2026-13").stderr == \
        "Error: '2026-13' is not a month; write it as YYYY-MM (e.g. 2026-12)\n"
    assert run("forecast", "--by", "a..b").stderr.startswith(
        "Error: --by takes owner, product, manager, office or a profile key (channel, field, area, needs.scope …); "
        "'a..b' is not a profile key;")
    assert run("forecast", "--by", "manager").stderr == (
        "Error: --by manager needs the team table: import it with `salescli import TEAM.csv --team` or write "
        "`team:` in salescli.yaml\n")
    assert run("forecast", "--format", "markdown").exit_code == 2
    assert run("forecast", "--window", "0").stderr == "Error: --window must be at least 1 working day\n"


def test_the_learned_model_is_kept_while_the_files_and_settings_are_the_same(tmp_path: Path, monkeypatch) -> None:
    """The history model is learned once for a folder's files, day and settings, and kept in the parse
    cache: the next forecast reads it back. Any change to a file learns it again; without the cache
    the figures are the same."""
    from salescli import learning

    root = _write_story(tmp_path)
    monkeypatch.setenv("SALESCLI_CACHE_DIR", str(tmp_path / "cache"))
    learned = []
    original = learning.learn
    monkeypatch.setattr(learning, "learn", lambda *a, **k: learned.append(1) or original(*a, **k))
    first = invoke(root, "forecast", "--month", "--model", "history", "-f", "json", today=TODAY).stdout
    again = invoke(root, "forecast", "--month", "--model", "history", "-f", "json", today=TODAY).stdout
    assert first == again and len(learned) == 1
    invoke(root, "visit", "a", "--date", "2026-12-10", today=TODAY)
    changed = invoke(root, "forecast", "--month", "--model", "history", "-f", "json", today=TODAY).stdout
    assert len(learned) == 2
    monkeypatch.setenv("SALESCLI_CACHE_DIR", "off")
    assert invoke(root, "forecast", "--month", "--model", "history", "-f", "json", today=TODAY).stdout == changed
    assert json.loads(changed)["model"]["name"] == "history"


def _write_story(tmp_path: Path) -> Path:
    import shutil

    from tests.conftest import REPO

    root = tmp_path / "sales"
    (root / "customers").mkdir(parents=True)
    shutil.copytree(REPO / "templates", root / "templates")
    _folder(lambda *args, **kwargs: invoke(root, *args, **kwargs))
    return root
