"""The backtest: each month forecast on its eve, beside the naive forecasts, with the errors by hand."""

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from salescli.backtest import LAST_MONTH, MEAN_OF_THREE, MODEL, NO_EARLIER_MONTH, NO_HISTORY, accuracy, backtest
from salescli.history import history
from salescli.learning import Learned
from salescli.pricelist import Valuation
from salescli.survival import Hazards
from salescli.workdays import Month, WorkCalendar
from tests.test_forecast import make

D = date.fromisoformat
CAL = WorkCalendar()


def _wins() -> list:
    """A folder that began on 1 December 2025 and won 100, 200, 300 and 400 in January to April 2026."""
    return [make("a", "bank", ("2025-12-01", "added", {}))] + [
        make(f"w{month}", "bank", (f"2026-0{month}-02", "added", {"stage": "approach"}),
             (f"2026-0{month}-10", "won", {"value": 100 * month})) for month in (1, 2, 3, 4)]


def test_each_month_beside_last_month_and_the_mean_of_three() -> None:
    customers = _wins()
    months = [Month(2025, 11).next(offset) for offset in range(7)]  # the backtest's months and the three before
    found = history([(deal, None) for customer in customers for deal in customer.deals], months, calendar=CAL,
                    valuation=Valuation())
    learned = Learned(D("2026-01-31"), Hazards([], [], {}, {}, 0), Valuation(), (), "stages", "none", "history")
    asked: list[tuple[str, date]] = []

    def forecast(month: Month, eve: date) -> tuple[Any, Learned]:
        asked.append((str(month), eve))
        return {None: {"due": Decimal(250)}}, learned

    rows = backtest(found, [Month(2026, month) for month in (2, 3, 4, 5)], today=D("2026-05-15"),
                    first=D("2025-12-01"), forecast=forecast)
    assert asked == [("2026-02", D("2026-01-31")), ("2026-03", D("2026-02-28")), ("2026-04", D("2026-03-31")),
                     ("2026-05", D("2026-04-30"))]
    assert [(str(row.month), row.forecast, row.actual, row.forecasts[LAST_MONTH], row.forecasts[MEAN_OF_THREE],
             row.partial) for row in rows] == [
        ("2026-02", 250, 200, 100, None, False),  # November 2025 was before the folder: no mean of three
        ("2026-03", 250, 300, 200, 100, False),  # (0 + 100 + 200) / 3
        ("2026-04", 250, 400, 300, 200, False),
        ("2026-05", 250, 0, 400, 300, True),  # not over on 15 May
    ]
    assert rows[0].why == {MEAN_OF_THREE: NO_EARLIER_MONTH}
    # compared over March and April, which every method forecast:
    #   forecast −50, −150; last month −100, −100; mean of three −200, −200
    found_accuracy = {one.method: (one.months, one.mae, one.mape, one.bias) for one in accuracy(rows)}
    assert found_accuracy[MODEL] == (2, 100, pytest.approx((50 / 300 + 150 / 400) / 2), -100)
    assert found_accuracy[LAST_MONTH] == (2, 100, pytest.approx((100 / 300 + 100 / 400) / 2), -100)
    assert found_accuracy[MEAN_OF_THREE] == (2, 200, pytest.approx((200 / 300 + 200 / 400) / 2), -200)
    # a month before the folder's first event has no forecast
    early = backtest(found, [Month(2025, 12)], today=D("2026-05-15"), first=D("2025-12-01"), forecast=forecast)
    assert early[0].forecast is None and early[0].why[MODEL] == NO_HISTORY
