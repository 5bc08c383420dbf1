"""The month's forecast and the output formula (产值公式). Pure: customers, settings and a date in.

产值 = 日客户拜访量 × 月工作日 × 客户的成交概率 × 件均产值
output = visits per day × working days in the month × close probability × average value per deal

Definitions, over a trailing window of working days ending today (default 60):
- visits per day: visit events, counting one customer once a day, ÷ working days in the window;
- close probability: deals won in the window ÷ distinct customers visited in the window;
- average deal value (件均产值): value won in the window ÷ deals won in the window.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Iterable, Mapping, Sequence

from salescli.customer import Customer, Deal, Status, as_of
from salescli.stages import Stage
from salescli.workdays import Month, WorkCalendar

DEFAULT_WINDOW = 60  # working days, about three months
MIN_HISTORY = 5  # decided deals a stage needs before its historical rate is used

ZERO = Decimal(0)


@dataclass(frozen=True)
class DealLine:
    """One deal as a forecast counts it."""

    customer: Customer
    deal: Deal
    value: Decimal  # won value, else target value
    when: date | None  # won date, else target date
    probability: float
    category: str

    @property
    def weighted(self) -> Decimal:
        return (self.value * Decimal(str(self.probability))).quantize(Decimal("0.01"))


@dataclass(frozen=True)
class Formula:
    """The four factors of 产值 and where each came from."""

    window: tuple[date, ...]  # the working days measured
    visits: int
    customers_visited: tuple[str, ...]
    won_deals: int
    won_value: Decimal
    working_days: int
    target_visits_per_day: float

    @property
    def visits_per_day(self) -> float:
        return self.visits / len(self.window) if self.window else 0.0

    @property
    def close_probability(self) -> float | None:
        return self.won_deals / len(self.customers_visited) if self.customers_visited else None

    @property
    def average_value(self) -> Decimal | None:
        return (self.won_value / self.won_deals).quantize(Decimal("0.01")) if self.won_deals else None

    @property
    def capacity(self) -> Decimal | None:
        """visits/day × working days × close probability × average value; None without history."""
        return self.capacity_at(self.visits_per_day)

    def capacity_at(self, visits_per_day: float) -> Decimal | None:
        """The product at a given visit rate, to the unit."""
        product = self._product(visits_per_day)
        return None if product is None else product.quantize(Decimal(1))

    def visits_needed(self, quota: Decimal) -> float | None:
        """Visits per day that reach `quota` with the other three factors as they are."""
        per_visit_rate = self._product(1.0)
        return float(quota / per_visit_rate) if per_visit_rate else None

    def _product(self, visits_per_day: float) -> Decimal | None:
        if self.close_probability is None or self.won_deals == 0:
            return None
        average = self.won_value / self.won_deals
        return Decimal(str(visits_per_day)) * self.working_days * Decimal(str(self.close_probability)) * average


@dataclass(frozen=True)
class MonthForecast:
    month: Month
    today: date
    working_days: int
    won: tuple[DealLine, ...]
    pipeline: tuple[DealLine, ...]  # open, target date in the month and not yet passed
    overdue: tuple[DealLine, ...]  # open, target date passed
    formula: Formula

    @property
    def won_total(self) -> Decimal:
        return sum((line.value for line in self.won), ZERO)

    @property
    def weighted_total(self) -> Decimal:
        return sum((line.weighted for line in self.pipeline), ZERO)

    @property
    def best_case_total(self) -> Decimal:
        return sum((line.value for line in self.pipeline), ZERO)

    @property
    def expected_total(self) -> Decimal:
        """What the month should bring: won so far plus the weighted pipeline."""
        return self.won_total + self.weighted_total

    def by_category(self) -> dict[str, Decimal]:
        totals = {"closed": self.won_total, "commit": ZERO, "best_case": ZERO, "pipeline": ZERO}
        for line in self.pipeline:
            totals[line.category] += line.value
        return totals


def month_forecast(
    customers: Sequence[Customer],
    month: Month,
    *,
    today: date,
    calendar: WorkCalendar,
    probabilities: Mapping[Stage, float],
    categories: Mapping[Stage, str],
    target_visits_per_day: float = 0.0,
    window_days: int = DEFAULT_WINDOW,
) -> MonthForecast:
    """Won, weighted pipeline, best case and overdue deals of `month`, and the output formula."""
    won, pipeline, overdue = [], [], []
    for customer in customers:
        for deal in customer.deals:
            line = _line(customer, deal, probabilities, categories)
            if deal.status is Status.WON and deal.won_date and Month.of(deal.won_date) == month:
                won.append(line)
            elif deal.is_open and deal.target_date and deal.target_value is not None:
                if deal.target_date < today:
                    overdue.append(line)
                elif Month.of(deal.target_date) == month:
                    pipeline.append(line)
    return MonthForecast(
        month=month,
        today=today,
        working_days=calendar.count(month),
        won=tuple(sorted(won, key=_by_date)),
        pipeline=tuple(sorted(pipeline, key=_by_date)),
        overdue=tuple(sorted(overdue, key=_by_date)),
        formula=formula(customers, month, today=today, calendar=calendar,
                        target_visits_per_day=target_visits_per_day, window_days=window_days),
    )


def _by_date(line: DealLine) -> tuple[date, str, str]:
    return (line.when or date.min, line.customer.id, line.deal.name)


def _line(customer: Customer, deal: Deal, probabilities: Mapping[Stage, float],
          categories: Mapping[Stage, str]) -> DealLine:
    if deal.status is Status.WON:
        return DealLine(customer, deal, deal.won_value or ZERO, deal.won_date, 1.0, "closed")
    return DealLine(customer, deal, deal.target_value or ZERO, deal.target_date,
                    probabilities[deal.stage], categories[deal.stage])


def formula(
    customers: Sequence[Customer],
    month: Month,
    *,
    today: date,
    calendar: WorkCalendar,
    target_visits_per_day: float = 0.0,
    window_days: int = DEFAULT_WINDOW,
) -> Formula:
    """The four factors, measured over the `window_days` working days up to `today`."""
    window = tuple(calendar.back(today, window_days))
    start = window[0] if window else today
    visits = {(customer.id, day) for customer in customers for day in customer.visit_days if start <= day <= today}
    wins = [deal for customer in customers for deal in customer.deals
            if deal.status is Status.WON and deal.won_date and start <= deal.won_date <= today]
    return Formula(
        window=window,
        visits=len(visits),
        customers_visited=tuple(sorted({customer_id for customer_id, _ in visits})),
        won_deals=len(wins),
        won_value=sum((deal.won_value or ZERO for deal in wins), ZERO),
        working_days=calendar.count(month),
        target_visits_per_day=target_visits_per_day,
    )


def gap(forecast: MonthForecast, quota: Decimal) -> Decimal:
    """How far the month's expected total (won + weighted pipeline) falls short of `quota`."""
    return max(quota - forecast.expected_total, ZERO)


# ---- breakdowns -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Group:
    key: str | None
    won: Decimal
    weighted: Decimal
    best_case: Decimal
    overdue: Decimal
    deals: int


def breakdown(forecast: MonthForecast, dimension: str) -> list[Group]:
    """The forecast's figures per value of a profile field (owner, field, channel, size, role)."""
    sections: dict[str | None, dict[str, list[DealLine]]] = defaultdict(lambda: defaultdict(list))
    for name, lines in (("won", forecast.won), ("pipeline", forecast.pipeline), ("overdue", forecast.overdue)):
        for line in lines:
            value = line.customer.get(dimension)
            sections[None if value is None else str(value)][name].append(line)
    groups = [
        Group(
            key=key,
            won=sum((line.value for line in parts["won"]), ZERO),
            weighted=sum((line.weighted for line in parts["pipeline"]), ZERO),
            best_case=sum((line.value for line in parts["pipeline"]), ZERO),
            overdue=sum((line.value for line in parts["overdue"]), ZERO),
            deals=sum(len(lines) for lines in parts.values()),
        )
        for key, parts in sections.items()
    ]
    return sorted(groups, key=lambda group: (-(group.won + group.weighted), group.key or "\uffff"))


# ---- calibration and backtest ---------------------------------------------------------------

@dataclass(frozen=True)
class StageRate:
    """Of the decided deals (won or lost) that reached `stage`, the share that was won."""

    stage: Stage
    reached: int
    decided: int
    won: int
    configured: float

    @property
    def rate(self) -> float | None:
        """None when fewer than MIN_HISTORY deals decide it: not enough history."""
        return self.won / self.decided if self.decided >= MIN_HISTORY else None


def calibrate(customers: Iterable[Customer], probabilities: Mapping[Stage, float]) -> list[StageRate]:
    deals = [deal for customer in customers for deal in customer.deals]
    rates = []
    for stage in Stage:
        reached = [deal for deal in deals if deal.furthest.number >= stage.number]
        decided = [deal for deal in reached if not deal.is_open]
        won = [deal for deal in decided if deal.status is Status.WON]
        rates.append(StageRate(stage, len(reached), len(decided), len(won), probabilities[stage]))
    return rates


def historical_probabilities(rates: Iterable[StageRate]) -> dict[Stage, float]:
    """Each stage's historical rate where there is enough history, else the configured one."""
    return {rate.stage: rate.configured if rate.rate is None else rate.rate for rate in rates}


@dataclass(frozen=True)
class BacktestRow:
    month: Month
    forecast: Decimal  # weighted pipeline due in the month, as the log stood on its first day
    best_case: Decimal
    actual: Decimal  # value won in the month, as the log says now
    deals: int

    @property
    def error(self) -> Decimal:
        return self.forecast - self.actual

    @property
    def error_share(self) -> float | None:
        return float(self.error / self.actual) if self.actual else None


def backtest(
    customers: Sequence[Customer],
    months: Sequence[Month],
    *,
    calendar: WorkCalendar,
    probabilities: Mapping[Stage, float],
    categories: Mapping[Stage, str],
) -> list[BacktestRow]:
    """What the forecast would have said on the first day of each month, beside what was won."""
    rows = []
    for month in months:
        past = [as_of(customer, month.first) for customer in customers]
        then = month_forecast(past, month, today=month.first, calendar=calendar,
                              probabilities=probabilities, categories=categories)
        actual = [deal.won_value or ZERO for customer in customers for deal in customer.deals
                  if deal.status is Status.WON and deal.won_date and Month.of(deal.won_date) == month]
        rows.append(BacktestRow(month, then.weighted_total, then.best_case_total, sum(actual, ZERO),
                                len(then.pipeline)))
    return rows
