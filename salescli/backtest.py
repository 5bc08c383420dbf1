"""How good the forecast is (`forecast --backtest`): each past month forecast as the folder stood on its
eve, beside what it won and beside two naive forecasts a spreadsheet would make. Pure.

Honest in time: the forecast of a month sees only what was logged by the day before it began — its
deals as they stood then, the rates and factors learned from deals decided by then, the model chosen
by then. The baselines are made the same way: last month's won value, and the mean of the last three
months'. The error measures, over the months that are over and that all three forecast: the mean
absolute error (MAE), the mean absolute percentage error (MAPE, over the months that won something)
and the bias (the mean of forecast − actual: above zero, too high on average).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Callable, Iterable, Mapping, Sequence

from salescli.customer import Customer, Status, deal_owner
from salescli.learning import Learned
from salescli.workdays import Month

ZERO = Decimal(0)
MODEL, LAST_MONTH, MEAN_OF_THREE = "forecast", "last_month", "mean_of_three"
METHODS = (MODEL, LAST_MONTH, MEAN_OF_THREE)

# Why a month has no forecast or baseline.
NO_HISTORY = "no history"  # the folder had no event before the month
NO_EARLIER_MONTH = "no earlier month"  # a baseline needs months the folder did not have yet


@dataclass(frozen=True)
class BacktestRow:
    month: Month
    group: str | None  # the rep (with --by owner), else None
    forecasts: Mapping[str, Decimal | None]  # by method (METHODS); None: no figure (see `why`)
    actual: Decimal  # won in the month, as logged by today
    parts: Mapping[str, Decimal]  # what made the model's forecast (won, due, undated, new)
    model: str  # which model made it, and on which season (stages, history:quarter …)
    partial: bool = False  # the month is not over: what was won is not all it will bring
    why: Mapping[str, str] = None  # type: ignore[assignment]  # by method: why there is no figure

    @property
    def forecast(self) -> Decimal | None:
        return self.forecasts[MODEL]

    def error(self, method: str = MODEL) -> Decimal | None:
        """Forecast − actual; None for a month not over yet, or without that forecast."""
        figure = self.forecasts[method]
        return None if self.partial or figure is None else figure - self.actual

    def error_share(self, method: str = MODEL) -> float | None:
        error = self.error(method)
        return float(error / self.actual) if error is not None and self.actual else None


@dataclass(frozen=True)
class Accuracy:
    """One method's errors over the months compared."""

    method: str
    months: int
    mae: Decimal | None
    mape: float | None  # over the months that won something
    bias: Decimal | None


def accuracy(rows: Sequence[BacktestRow]) -> list[Accuracy]:
    """Each method's MAE, MAPE and bias over the same months: those over, where every method has a figure."""
    compared = [row for row in rows if not row.partial and all(row.forecasts[m] is not None for m in METHODS)]
    found = []
    for method in METHODS:
        errors = [row.error(method) for row in compared]
        known = [error for error in errors if error is not None]
        shares = [abs(share) for share in (row.error_share(method) for row in compared) if share is not None]
        found.append(Accuracy(
            method, len(known),
            (sum(map(abs, known), ZERO) / len(known)).quantize(Decimal(1)) if known else None,
            sum(shares) / len(shares) if shares else None,
            (sum(known, ZERO) / len(known)).quantize(Decimal(1)) if known else None))
    return found


def backtest(customers: Sequence[Customer], months: Sequence[Month], *, today: date,
             forecast: Callable[[Sequence[Customer], Month, date], tuple[Mapping[str | None, Mapping[str, Decimal]], Learned | None]],
             by_owner: bool = False) -> list[BacktestRow]:
    """Each month forecast on its eve from the customers as they stood then (`forecast` gives, for the
    customers of that day, the month's parts per rep — None for the whole folder — and what was learned),
    beside the month's actual and the two baselines."""
    first = min((customer.first_seen for customer in customers if customer.first_seen), default=None)
    won = _won_by_month(customers, by_owner=by_owner)
    made: list[tuple[Month, Mapping[str | None, Mapping[str, Decimal]] | None, Learned | None]] = []
    for month in months:
        eve = month.first - timedelta(days=1)
        if first is None or first > eve:
            made.append((month, None, None))
            continue
        then = [cut for cut in (_as_of(customer, eve) for customer in customers) if cut is not None]
        made.append((month, *forecast(then, month, eve)))
    groups = sorted({group for _month, parts, _learned in made for group in parts or {}} |
                    {group for group, month in won if month in months} if by_owner else {None},
                    key=lambda group: (group is None, group or ""))
    return [_row(month, group, parts, learned, won, first, today=today)
            for group in groups for month, parts, learned in made]


def _row(month: Month, group: str | None, parts_by_group: Mapping[str | None, Mapping[str, Decimal]] | None,
         learned: Learned | None, won: Mapping[tuple[str | None, Month], Decimal], first: date | None, *,
         today: date) -> BacktestRow:
    """One month of one rep (or of the folder): the forecast made on its eve and the two baselines."""
    parts = dict(parts_by_group.get(group, {})) if parts_by_group is not None else {}
    history = [won.get((group, month.next(-back)), ZERO) for back in (1, 2, 3)]
    known = [first is not None and month.next(-back).last >= first for back in (1, 2, 3)]
    forecasts = {MODEL: sum(parts.values(), ZERO) if parts_by_group is not None else None,
                 LAST_MONTH: history[0] if known[0] else None,
                 MEAN_OF_THREE: (sum(history, ZERO) / 3).quantize(Decimal(1)) if all(known) else None}
    why = {method: NO_HISTORY if method == MODEL else NO_EARLIER_MONTH
           for method, figure in forecasts.items() if figure is None}
    model = "—" if learned is None else learned.model if learned.model == "stages" else \
        f"{learned.model}:{learned.season}"
    return BacktestRow(month, group, forecasts, won.get((group, month), ZERO), parts, model,
                       partial=month.last >= today, why=why)


def _as_of(customer: Customer, day: date) -> Customer | None:
    """The customer's deals as they stood at the end of `day` (read off their histories: quick); None
    before its first event."""
    if customer.first_seen is None or customer.first_seen > day:
        return None
    if customer.last_activity is not None and customer.last_activity <= day:
        return customer
    deals = tuple(then for then in (deal.at(day) for deal in customer.deals) if then is not None)
    return replace(customer, deals=deals, last_activity=day,
                   visit_days=tuple(visit for visit in customer.visit_days if visit <= day))


def _won_by_month(customers: Iterable[Customer], *, by_owner: bool) -> dict[tuple[str | None, Month], Decimal]:
    """Value won per month (per rep with `by_owner`), as logged by today."""
    won: dict[tuple[str | None, Month], Decimal] = {}
    for customer in customers:
        for deal in customer.deals:
            if deal.status is Status.WON and deal.won_date is not None:
                key = (deal_owner(customer, deal) if by_owner else None, Month.of(deal.won_date))
                won[key] = won.get(key, ZERO) + (deal.won_value or ZERO)
    return won
