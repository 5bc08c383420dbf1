"""What the history model learns from past months, worked out by hand."""

from datetime import date
from decimal import Decimal

import pytest

from salescli.config import DEFAULT_PROBABILITIES, ForecastSettings
from salescli.customer import as_of
from salescli.history import DUE, NEW
from salescli.learning import HISTORY, STAGES, Learned, MonthRecord, Tally, _chosen, _factors, forecast_of, learn
from salescli.pricelist import Valuation
from salescli.survival import BINS, Hazards
from salescli.workdays import Month, WorkCalendar
from tests.test_forecast import make

D = date.fromisoformat
CAL = WorkCalendar()


def test_factors_are_won_over_weighted_and_a_run_rate_a_working_day() -> None:
    records = [MonthRecord(Month(2026, month), days, _tally(won_due=due_won, due=100, won_new=new), {})
               for month, days, due_won, new in ((1, 20, 50, 100), (2, 16, 70, 160), (3, 22, 90, 220),
                                                 (4, 22, 60, 44))]
    none = _factors(records, Month(2026, 5), 1)
    # (50 + 70 + 90 + 60) / 400; the run-rate over the latest six months (here all four):
    # (100 + 160 + 220 + 44) / (20 + 16 + 22 + 22)
    assert (none.due, none.new_per_day, none.months) == (pytest.approx(270 / 400), pytest.approx(524 / 80), 4)
    assert none.undated == 1.0  # nothing weighted: no evidence, no correction
    # by month of the quarter: May is the second month of its quarter, as February was
    quarter = _factors(records, Month(2026, 5), 3)
    assert (quarter.due, quarter.new_per_day, quarter.months) == (0.7, 10.0, 1)
    # June's season (the third month: March) has one past month; July's (the first: January, April) two
    assert _factors(records, Month(2026, 7), 3).new_per_day == pytest.approx(144 / 42)
    assert forecast_of(records[3], quarter) == pytest.approx(100 * 0.7 + 10 * 22)


def test_the_model_and_the_season_are_what_the_history_forecasts_best() -> None:
    # every month: 100 weighted as due, 50 of it won. The stages model says 100 (error 50); the history
    # model, from the months before, 50 (error 0) — judged on March and April (two months before them)
    records = tuple(MonthRecord(Month(2026, month), 20, _tally(won_due=50, due=100, stages=100), {})
                    for month in (1, 2, 3, 4))
    learned = _chosen(_learned(records), ForecastSettings())
    assert (learned.model, learned.season, learned.chosen_by, learned.judged_months) == (HISTORY, "none", "backtest", 2)
    assert learned.errors == {f"{HISTORY}:none": 0.0, f"{HISTORY}:quarter": 0.0, STAGES: 50.0}
    # the settings decide when they say so
    assert _chosen(_learned(records), ForecastSettings(model="stages")).model == STAGES
    # two months of history judge nothing yet: the stages model
    assert _chosen(_learned(records[:2]), ForecastSettings()).chosen_by == "history"
    assert _chosen(_learned(records[:2]), ForecastSettings()).model == STAGES


def test_learn_uses_only_what_was_known_at_the_end_of_the_day() -> None:
    customers = [make(cid, "bank", *log) for cid, *log in (
        ("a", ("2026-01-05", "added", {"stage": "approach"}), ("2026-01-20", "won", {"value": 100})),
        ("b", ("2026-02-05", "added", {"stage": "approach"}), ("2026-02-20", "won", {"value": 300})),
    )]
    learned = learn([c for c in (as_of(customer, D("2026-01-31")) for customer in customers) if c],
                    today=D("2026-01-31"), calendar=CAL, probabilities=DEFAULT_PROBABILITIES,
                    valuation=Valuation(), settings=ForecastSettings())
    assert [str(record.month) for record in learned.records] == ["2026-01"]
    assert learned.records[0].total.won[NEW] == 100  # a opened and was won in January
    assert learned.valuation.average == Decimal(100)  # b's win of 20 February is not known yet


def _tally(*, won_due: float = 0, due: float = 0, won_new: float = 0, stages: float = 0) -> Tally:
    tally = Tally()
    tally.won[DUE], tally.weighted[DUE], tally.won[NEW], tally.stages_model = won_due, due, won_new, stages
    return tally


def _learned(records: tuple[MonthRecord, ...]) -> Learned:
    hazards = Hazards([0.0] * BINS, [0.0] * BINS, {}, {}, decided=0)
    return Learned(D("2026-04-30"), hazards, Valuation(), records, STAGES, "none", "history")

