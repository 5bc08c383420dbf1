"""How good the forecast is (`forecast --backtest`): each past month forecast as the folder stood on its
eve, beside what it won and beside two naive forecasts a spreadsheet would make. Pure.

Honest in time: the forecast of a month sees only what was logged by the day before it began — its
deals as they stood then, the rates and factors learned from deals decided by then, the model chosen
by then. The baselines are made the same way: last month's won value, and the mean of the last three
months', as known on the eve. The error measures, over the months that are over and that all three
forecast: the mean absolute error (MAE), the mean absolute percentage error (MAPE, over the months that
won something) and the bias (the mean of forecast − actual: above zero, too high on average).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Callable, Mapping, Sequence

from salescli.history import History
from salescli.learning import STAGES, Learned
from salescli.workdays import Month

ZERO = Decimal(0)
MODEL, LAST_MONTH, MEAN_OF_THREE = "forecast", "last_month", "mean_of_three"
METHODS = (MODEL, LAST_MONTH, MEAN_OF_THREE)

# Why a month has no forecast or baseline.
NO_HISTORY = "no history"  # the folder had no event before the month
NO_EARLIER_MONTH = "no earlier month"  # a baseline needs months the folder did not have yet

Parts = Mapping[str | None, Mapping[str, Decimal]]  # what made a month's forecast, per rep (None: the folder)


@dataclass(frozen=True)
class BacktestRow:
    month: Month
    group: str | None  # the rep (with --by owner), else None
    forecasts: Mapping[str, Decimal | None]  # by method (METHODS); None: no figure (see `why`)
    actual: Decimal  # won in the month, as logged by today
    parts: Mapping[str, Decimal]  # what made the model's forecast (won, due, undated, new)
    model: str  # which model made it, and on which season (stages, history:quarter …)
    partial: bool = False  # the month is not over: what was won is not all it will bring
    why: Mapping[str, str] = field(default_factory=dict)  # by method: why there is no figure

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
        errors = [error for error in (row.error(method) for row in compared) if error is not None]
        shares = [abs(share) for share in (row.error_share(method) for row in compared) if share is not None]
        found.append(Accuracy(
            method, len(errors),
            (sum(map(abs, errors), ZERO) / len(errors)).quantize(Decimal(1)) if errors else None,
            sum(shares) / len(shares) if shares else None,
            (sum(errors, ZERO) / len(errors)).quantize(Decimal(1)) if errors else None))
    return found


def backtest(found: History, months: Sequence[Month], *, today: date, first: date | None,
             forecast: Callable[[Month, date], tuple[Parts, Learned]], by_owner: bool = False) -> list[BacktestRow]:
    """Each of `months` forecast on its eve (`forecast` gives, for a month and its eve, its parts per rep —
    None for the folder — and what was learned), beside its actual and the two baselines, all read off
    the record `found` (which holds the months and the three before them). `first`: the folder's first
    event (a month before it has no forecast; a baseline needs months from it on)."""
    made: list[tuple[Month, Parts | None, Learned | None]] = []
    for month in months:
        eve = month.first - timedelta(days=1)
        made.append((month, *forecast(month, eve)) if first is not None and first <= eve else (month, None, None))
    groups = sorted({group for _month, parts, _learned in made for group in parts or {}} |
                    {owner for at, owner, _part, _value, _undone in found.wins if found.months[at] in months}
                    if by_owner else {None}, key=lambda group: (group is None, group or ""))
    return [_row(found, month, group, parts, learned, first, today=today, by_owner=by_owner)
            for group in groups for month, parts, learned in made]


def _row(found: History, month: Month, group: str | None, parts_by_group: Parts | None, learned: Learned | None,
         first: date | None, *, today: date, by_owner: bool) -> BacktestRow:
    """One month of one rep (or of the folder): the forecast made on its eve and the two baselines."""
    eve = month.first - timedelta(days=1)
    parts = dict(parts_by_group.get(group, {})) if parts_by_group is not None else {}
    history = [_won(found, month.next(-back), group, by_owner, eve) for back in (1, 2, 3)]
    known = [first is not None and month.next(-back).last >= first for back in (1, 2, 3)]
    forecasts = {MODEL: sum(parts.values(), ZERO) if parts_by_group is not None else None,
                 LAST_MONTH: history[0] if known[0] else None,
                 MEAN_OF_THREE: (sum(history, ZERO) / 3).quantize(Decimal(1)) if all(known) else None}
    why = {method: NO_HISTORY if method == MODEL else NO_EARLIER_MONTH
           for method, figure in forecasts.items() if figure is None}
    model = "—" if learned is None else learned.model if learned.model == STAGES else \
        f"{learned.model}:{learned.season}"
    return BacktestRow(month, group, forecasts, _won(found, month, group, by_owner, today), parts, model,
                       partial=month.last >= today, why=why)


def _won(found: History, month: Month, group: str | None, by_owner: bool, day: date) -> Decimal:
    """What the month won (the rep's, `by_owner`), as the log stood at the end of `day`."""
    if month not in found.months:
        return ZERO
    at, ordinal = found.months.index(month), day.toordinal()
    return Decimal(str(sum(value for won_at, owner, _part, value, undone in found.wins
                           if won_at == at and (not by_owner or owner == group) and not 0 < undone <= ordinal)))
