"""Forecast figures against values worked out by hand (see each test's comments)."""

from datetime import date
from decimal import Decimal

import pytest

from salescli import forecast
from salescli.config import DEFAULT_CATEGORIES, DEFAULT_PROBABILITIES
from salescli.customer import Customer, customer_from_document
from salescli.stages import Stage
from salescli.workdays import Month, WorkCalendar

TODAY = date(2026, 12, 10)
CAL = WorkCalendar()
D = date.fromisoformat


def make(cid: str, field: str, *log: tuple) -> Customer:
    events = [{"date": D(day), "event": kind, **extra} for day, kind, extra in log]
    return customer_from_document({"name": cid.upper(), "field": field, "log": events}, file_id=cid)


CUSTOMERS = [
    make("a", "real-estate",
         ("2026-09-01", "added", {}), ("2026-09-10", "target", {"value": 100000, "by": D("2026-12-20")}),
         ("2026-09-20", "stage", {"stage": "demo"}),
         ("2026-11-27", "visit", {}), ("2026-12-02", "visit", {}), ("2026-12-02", "visit", {"note": "same day"})),
    make("b", "real-estate",
         ("2026-09-01", "added", {}), ("2026-10-01", "stage", {"stage": "objections"}),
         ("2026-10-01", "target", {"value": 200000, "by": D("2026-12-05")}), ("2026-12-03", "visit", {})),
    make("c", "construction",
         ("2026-10-01", "added", {}), ("2026-11-26", "visit", {}), ("2026-11-30", "won", {"value": 30000}),
         ("2026-12-01", "open", {"deal": "2", "stage": "needs"}), ("2026-12-01", "won", {"deal": "2", "value": 50000})),
    make("d", "bank",
         ("2026-11-01", "added", {"stage": "needs"}), ("2026-11-02", "target", {"value": 40000, "by": D("2027-01-15")}),
         ("2026-12-09", "visit", {})),
    make("e", "bank", ("2026-11-01", "added", {}), ("2026-11-20", "lost", {"reason": "price"})),
]


def december(**kwargs: object) -> forecast.MonthForecast:
    return forecast.month_forecast(CUSTOMERS, Month(2026, 12), today=TODAY, calendar=CAL,
                                   probabilities=DEFAULT_PROBABILITIES, categories=DEFAULT_CATEGORIES,
                                   target_visits_per_day=4, window_days=10, **kwargs)  # type: ignore[arg-type]


def test_won_counts_only_deals_closed_in_the_month() -> None:
    result = december()
    # c's first deal closed on 30 Nov (November); its second on 1 Dec (December)
    assert [(line.customer.id, line.deal.name, line.value) for line in result.won] == [("c", "2", Decimal(50000))]
    assert result.won_total == Decimal(50000)


def test_weighted_pipeline_best_case_and_overdue() -> None:
    result = december()
    # a: 100,000 due 20 Dec at demo (50%) → 50,000; d is due in January; b's 5 Dec has passed
    assert [(line.customer.id, line.weighted) for line in result.pipeline] == [("a", Decimal(50000))]
    assert result.weighted_total == Decimal(50000)
    assert result.best_case_total == Decimal(100000)
    assert [(line.customer.id, line.value) for line in result.overdue] == [("b", Decimal(200000))]
    assert result.expected_total == Decimal(100000)  # 50,000 won + 50,000 weighted
    assert result.by_category() == {"closed": Decimal(50000), "commit": 0, "best_case": Decimal(100000),
                                    "pipeline": 0}
    assert result.working_days == 23


def test_the_four_factors_of_the_formula() -> None:
    formula = december().formula
    # the 10 working days up to Thu 10 Dec: 27 Nov … 10 Dec
    assert (formula.window[0], formula.window[-1], len(formula.window)) == (D("2026-11-27"), TODAY, 10)
    # visits in the window, one per customer a day: a 27 Nov, a 2 Dec (twice, counted once), b 3 Dec, d 9 Dec;
    # c's visit of 26 Nov is before the window
    assert formula.visits == 4
    assert formula.visits_per_day == pytest.approx(0.4)
    assert formula.customers_visited == ("a", "b", "d")
    # won in the window: c on 30 Nov (30,000) and c's deal 2 on 1 Dec (50,000)
    assert (formula.won_deals, formula.won_value) == (2, Decimal(80000))
    assert formula.close_probability == pytest.approx(2 / 3)
    assert formula.average_value == Decimal(40000)
    # 0.4 × 23 × 2/3 × 40,000 = 245,333.33
    assert formula.capacity == Decimal(245333)


def test_quota_solving_and_gap() -> None:
    result = december()
    # visits/day needed = 300,000 ÷ (23 × 2/3 × 40,000) = 300,000 ÷ 613,333.33 = 0.48913
    assert result.formula.visits_needed(Decimal(300000)) == pytest.approx(0.489130, abs=1e-6)
    assert forecast.gap(result, Decimal(300000)) == Decimal(200000)  # 300,000 − (50,000 + 50,000)
    assert forecast.gap(result, Decimal(50000)) == 0


def test_without_wins_in_the_window_there_is_no_capacity() -> None:
    result = forecast.month_forecast(CUSTOMERS[:2], Month(2026, 12), today=TODAY, calendar=CAL,
                                     probabilities=DEFAULT_PROBABILITIES, categories=DEFAULT_CATEGORIES,
                                     window_days=10)
    assert result.formula.capacity is None and result.formula.visits_needed(Decimal(1)) is None


def test_breakdown_by_field() -> None:
    groups = forecast.breakdown(december(), "field")
    assert [(g.key, g.won, g.weighted, g.best_case, g.overdue, g.deals) for g in groups] == [
        ("construction", Decimal(50000), 0, 0, 0, 1),
        ("real-estate", 0, Decimal(50000), Decimal(100000), Decimal(200000), 2),
    ]


def _history() -> list[Customer]:
    won = [make(f"w{n}", "bank", ("2026-01-01", "added", {}), ("2026-02-01", "won", {"value": 10})) for n in range(3)]
    return won + [
        make("l1", "bank", ("2026-01-01", "added", {}), ("2026-01-05", "stage", {"stage": "demo"}),
             ("2026-02-01", "lost", {"reason": "x"})),
        make("l2", "bank", ("2026-01-01", "added", {"stage": "needs"}), ("2026-02-01", "lost", {"reason": "x"})),
        make("l3", "bank", ("2026-01-01", "added", {}), ("2026-02-01", "lost", {"reason": "x"})),
        make("o1", "bank", ("2026-01-01", "added", {"stage": "demo"})),
    ]


def test_calibration_counts_decided_deals_that_reached_each_stage() -> None:
    rates = {rate.stage: rate for rate in forecast.calibrate(_history(), DEFAULT_PROBABILITIES)}
    # prospect: all 7 reached it, 6 are decided, 3 won
    assert (rates[Stage.PROSPECT].reached, rates[Stage.PROSPECT].decided, rates[Stage.PROSPECT].won) == (7, 6, 3)
    assert rates[Stage.PROSPECT].rate == 0.5
    # needs: w1-3 (won, so through close), l1 (demo), l2 (needs), o1 (demo, open): 5 decided, 3 won
    assert rates[Stage.NEEDS].rate == 0.6
    # demo: w1-3, l1, o1 reached it; only 4 decided: not enough history
    assert (rates[Stage.DEMO].decided, rates[Stage.DEMO].rate) == (4, None)
    used = forecast.historical_probabilities(rates.values())
    assert used[Stage.NEEDS] == 0.6 and used[Stage.DEMO] == DEFAULT_PROBABILITIES[Stage.DEMO]


def test_backtest_rebuilds_past_forecasts_from_the_log() -> None:
    history = [
        # known on 1 Oct: 100,000 due 20 Oct at demo → forecast 50,000; won 90,000 on 18 Oct
        make("x", "bank", ("2026-09-01", "added", {}), ("2026-09-15", "stage", {"stage": "demo"}),
             ("2026-09-15", "target", {"value": 100000, "by": D("2026-10-20")}), ("2026-10-18", "won", {"value": 90000})),
        # its target was set on 5 Oct, after the 1 Oct forecast; won 60,000 on 28 Oct
        make("y", "bank", ("2026-09-01", "added", {}), ("2026-10-05", "target", {"value": 60000, "by": D("2026-10-25")}),
             ("2026-10-28", "won", {"value": 60000})),
        # known on 1 Nov: 80,000 due 15 Nov at objections → 56,000; lost on 20 Nov
        make("z", "bank", ("2026-09-01", "added", {}), ("2026-10-10", "stage", {"stage": "objections"}),
             ("2026-10-10", "target", {"value": 80000, "by": D("2026-11-15")}), ("2026-11-20", "lost", {"reason": "x"})),
    ]
    rows = forecast.backtest(history, [Month(2026, 10), Month(2026, 11)], calendar=CAL,
                             probabilities=DEFAULT_PROBABILITIES, categories=DEFAULT_CATEGORIES)
    assert [(str(r.month), r.forecast, r.best_case, r.actual, r.error) for r in rows] == [
        ("2026-10", Decimal(50000), Decimal(100000), Decimal(150000), Decimal(-100000)),
        ("2026-11", Decimal(56000), Decimal(80000), Decimal(0), Decimal(56000)),
    ]
    assert rows[0].error_share == pytest.approx(-2 / 3)
    assert rows[1].error_share is None
