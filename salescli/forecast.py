"""The month's forecast and the output formula (产值公式). Pure: customers, settings and a date in.

产值 = 日客户拜访量 × 月工作日 × 客户的成交概率 × 件均产值
output = visits per day × working days in the month × close probability × average value per deal

Definitions, over a window of working days ending today (default the last 60), which starts no
earlier than the folder's first event:
- visits per day: visit events, counting one customer once a day, ÷ working days in the window;
- close probability: of the customers visited in the window, the share that won a deal in it (a
  customer who won twice counts once, so it never passes 1);
- average deal value (件均产值): value won in the window ÷ deals won in the window.
For the current month the working days are those left from today to the month's end, and the
capacity adds what was already won in the month.

Open deals the month does not weight are listed apart with the reason (Salesforce's "omitted"):
overdue (the target date passed), no target date, no value, or at the close without a won event.
The current month lists every one of them but those due in another month without a value, which
that month lists.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Iterable, Mapping, Sequence

from salescli.customer import Customer, Deal, Status, as_of
from salescli.dimensions import Dimension
from salescli.i18n import N_, _, ngettext
from salescli.stages import Stage
from salescli.workdays import Month, WorkCalendar

DEFAULT_WINDOW = 60  # working days, about three months
MIN_HISTORY = 5  # decided deals a stage needs before its historical rate is used

ZERO = Decimal(0)

# Why an open deal is not weighted, in the order the forecast lists them: keys (JSON has them as they
# are), and English words for the text, translated where shown (`_(line.reason)`).
OVERDUE = N_("overdue")
NO_DATE = N_("no target date")
NO_VALUE = N_("no value")
NO_WON_EVENT = N_("at the close without a won event")
REASONS = (OVERDUE, NO_DATE, NO_VALUE, NO_WON_EVENT)
_AFTER_CLOSE = (Stage.CLOSE, Stage.SERVICE)


@dataclass(frozen=True)
class DealLine:
    """One deal as a forecast counts it."""

    customer: Customer
    deal: Deal
    value: Decimal  # won value, else target value
    when: date | None  # won date, else target date
    probability: float
    category: str
    reason: str | None = None  # why it is not weighted (omitted); None: it is

    @property
    def weighted(self) -> Decimal:
        return (self.value * Decimal(str(self.probability))).quantize(Decimal("0.01"))


@dataclass(frozen=True)
class Formula:
    """The four factors of 产值 and where each came from."""

    start: date  # the window: from `start` to `end` (today), both counted
    end: date
    window_days: int  # working days from start to end
    visits: int
    customers_visited: tuple[str, ...]
    customers_won: tuple[str, ...]  # of those visited, the ones that won a deal in the window
    won_deals: int  # every deal won in the window (the average deal value's)
    won_value: Decimal
    working_days: int  # of the month
    target_visits_per_day: float
    days_left: int | None = None  # the current month: working days from today to its end; else None
    won_so_far: Decimal = ZERO  # the current month: value already won in it
    clamped: bool = False  # the window starts at the folder's first event, not DAYS back

    @property
    def visits_per_day(self) -> float:
        return self.visits / self.window_days if self.window_days else 0.0

    @property
    def close_probability(self) -> float | None:
        """Of the customers visited in the window, the share that won a deal in it (at most 1)."""
        return len(self.customers_won) / len(self.customers_visited) if self.customers_visited else None

    @property
    def average_value(self) -> Decimal | None:
        return (self.won_value / self.won_deals).quantize(Decimal("0.01")) if self.won_deals else None

    @property
    def days(self) -> int:
        """The working days the capacity counts: those left in the current month, else the month's."""
        return self.working_days if self.days_left is None else self.days_left

    @property
    def capacity(self) -> Decimal | None:
        """Won so far + visits/day × days × close probability × average value; None without history."""
        return self.capacity_at(self.visits_per_day)

    def capacity_at(self, visits_per_day: float) -> Decimal | None:
        """The capacity at a given visit rate, to the unit."""
        product = self._product(visits_per_day)
        return None if product is None else (self.won_so_far + product).quantize(Decimal(1))

    def visits_needed(self, quota: Decimal) -> float | None:
        """Visits per day that reach `quota` with the other three factors as they are (in the current
        month: over the days left, for what is not yet won)."""
        per_visit_rate = self._product(1.0)
        if not per_visit_rate:
            return None
        return max(float((quota - self.won_so_far) / per_visit_rate), 0.0)

    @property
    def missing(self) -> str | None:
        """Why there is no capacity, naming the real cause (in the current language); None when there is one."""
        if not self.customers_visited and not self.won_deals:
            return _("no customer visited and no deal won in the window: widen it with --window")
        if not self.customers_visited:
            return ngettext("no customer visited in the window ({count} deal won without a visit logged): "
                            "log visits with `salescli visit`",
                            "no customer visited in the window ({count} deals won without a visit logged): "
                            "log visits with `salescli visit`", self.won_deals).format(count=self.won_deals)
        if not self.won_deals:
            return _("no deal won in the window, so no average deal value: widen it with --window")
        return None

    @property
    def no_rate(self) -> str | None:
        """Why no visit rate reaches a quota; None when one does."""
        if self.missing:
            return self.missing
        if not self.customers_won:
            return _("none of the customers visited in the window won a deal there")
        return None

    def _product(self, visits_per_day: float) -> Decimal | None:
        if self.close_probability is None or self.won_deals == 0:
            return None
        average = self.won_value / self.won_deals
        return Decimal(str(visits_per_day)) * self.days * Decimal(str(self.close_probability)) * average


@dataclass(frozen=True)
class MonthForecast:
    month: Month
    today: date
    working_days: int
    won: tuple[DealLine, ...]
    pipeline: tuple[DealLine, ...]  # open, target date in the month and not yet passed, with a value
    omitted: tuple[DealLine, ...]  # open deals not weighted, each with its reason (see REASONS)
    formula: Formula
    elsewhere: int = 0  # another month: open deals not weighted that the current month's forecast lists

    @property
    def overdue(self) -> tuple[DealLine, ...]:
        return tuple(line for line in self.omitted if line.reason == OVERDUE)

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
    def omitted_total(self) -> Decimal:
        return sum((line.value for line in self.omitted), ZERO)

    @property
    def expected_total(self) -> Decimal:
        """What the month should bring: won so far plus the weighted pipeline."""
        return self.won_total + self.weighted_total

    def by_category(self) -> dict[str, Decimal]:
        totals = {"closed": self.won_total, "commit": ZERO, "best_case": ZERO, "pipeline": ZERO}
        for line in self.pipeline:
            totals[line.category] += line.value
        return totals

    def by_reason(self) -> dict[str, tuple[int, Decimal]]:
        """Each reason for leaving deals out: how many and their value (known values only)."""
        found = {reason: [line for line in self.omitted if line.reason == reason] for reason in REASONS}
        return {reason: (len(lines), sum((line.value for line in lines), ZERO))
                for reason, lines in found.items() if lines}


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
    """Won, weighted pipeline, best case and the open deals left out of `month`, and the output formula."""
    current = month == Month.of(today)
    first, last = month.first, month.last  # (a date's month compared by its bounds: no Month made per deal)
    won, pipeline, omitted = [], [], []
    elsewhere = 0
    for customer in customers:
        for deal in customer.deals:
            if deal.status is Status.WON and deal.won_date and first <= deal.won_date <= last:
                won.append(_line(customer, deal, probabilities, categories))
            elif deal.status is Status.OPEN:
                reason = _omitted(deal, today)
                due = deal.target_date is not None and first <= deal.target_date <= last
                if reason is None and due:
                    pipeline.append(_line(customer, deal, probabilities, categories))
                elif reason == NO_VALUE:  # listed in the month it is due in
                    if due:
                        omitted.append(_line(customer, deal, probabilities, categories, reason))
                elif reason is not None and current:
                    omitted.append(_line(customer, deal, probabilities, categories, reason))
                elif reason is not None:
                    elsewhere += 1
    won_lines = tuple(sorted(won, key=_by_date))
    return MonthForecast(
        month=month,
        today=today,
        working_days=calendar.count(month),
        won=won_lines,
        pipeline=tuple(sorted(pipeline, key=_by_date)),
        omitted=tuple(sorted(omitted, key=lambda line: (REASONS.index(line.reason or ""), *_by_date(line)))),
        formula=formula(customers, month, today=today, calendar=calendar, target_visits_per_day=target_visits_per_day,
                        window_days=window_days, won_so_far=sum((line.value for line in won_lines), ZERO)),
        elsewhere=elsewhere,
    )


def _omitted(deal: Deal, today: date) -> str | None:
    """Why an open deal is not weighted; None when it is."""
    if deal.stage in _AFTER_CLOSE:
        return NO_WON_EVENT  # never 100% without a won event
    if deal.target_date is None:
        return NO_DATE
    if deal.target_date < today:
        return OVERDUE
    if not deal.target_value:
        return NO_VALUE
    return None


def _by_date(line: DealLine) -> tuple[date, str, str]:
    return (line.when or date.min, line.customer.id, line.deal.name)


def _line(customer: Customer, deal: Deal, probabilities: Mapping[Stage, float],
          categories: Mapping[Stage, str], reason: str | None = None) -> DealLine:
    if deal.status is Status.WON:
        return DealLine(customer, deal, deal.won_value or ZERO, deal.won_date, 1.0, "closed")
    return DealLine(customer, deal, deal.target_value or ZERO, deal.target_date,
                    probabilities[deal.stage], categories[deal.stage], reason)


def formula(
    customers: Sequence[Customer],
    month: Month,
    *,
    today: date,
    calendar: WorkCalendar,
    target_visits_per_day: float = 0.0,
    window_days: int = DEFAULT_WINDOW,
    won_so_far: Decimal = ZERO,
) -> Formula:
    """The four factors, measured over the `window_days` working days up to `today` (from the
    folder's first event, when that is later)."""
    back = calendar.back(today, window_days)
    start = back[0] if back else today
    first_event = min((customer.first_seen for customer in customers if customer.first_seen), default=None)
    clamped = first_event is not None and first_event > start
    if clamped:
        assert first_event is not None
        start = first_event
    visits = {(customer.id, day) for customer in customers
              if customer.last_activity and customer.last_activity >= start  # (else no visit in the window)
              for day in customer.visit_days if start <= day <= today}
    visited = {customer_id for customer_id, _day in visits}
    wins = [(customer.id, deal) for customer in customers for deal in customer.deals
            if deal.status is Status.WON and deal.won_date and start <= deal.won_date <= today]
    current = month == Month.of(today)
    return Formula(
        start=start,
        end=today,
        window_days=len(calendar.workdays(start, today)) if start <= today else 0,
        visits=len(visits),
        customers_visited=tuple(sorted(visited)),
        customers_won=tuple(sorted({customer_id for customer_id, _deal in wins} & visited)),
        won_deals=len(wins),
        won_value=sum((deal.won_value or ZERO for _customer, deal in wins), ZERO),
        working_days=calendar.count(month),
        target_visits_per_day=target_visits_per_day,
        days_left=len(calendar.workdays(today, month.last)) if current else None,
        won_so_far=won_so_far if current else ZERO,
        clamped=clamped,
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
    omitted: Decimal  # the value of the open deals left out (see MonthForecast.omitted)
    deals: int


def breakdown(forecast: MonthForecast, dimension: Dimension) -> list[Group]:
    """The forecast's figures per value of a dimension (owner, manager, office, product, a profile key)."""
    sections: dict[str | None, dict[str, list[DealLine]]] = defaultdict(lambda: defaultdict(list))
    for name, lines in (("won", forecast.won), ("pipeline", forecast.pipeline), ("omitted", forecast.omitted)):
        for line in lines:
            sections[dimension.of(line.customer, line.deal)][name].append(line)
    groups = [
        Group(
            key=key,
            won=sum((line.value for line in parts["won"]), ZERO),
            weighted=sum((line.weighted for line in parts["pipeline"]), ZERO),
            best_case=sum((line.value for line in parts["pipeline"]), ZERO),
            omitted=sum((line.value for line in parts["omitted"]), ZERO),
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
    partial: bool = False  # the month is not over: what was won is not all it will bring

    @property
    def error(self) -> Decimal | None:
        """Forecast − actual; None for a month not yet over (it is left out of the error)."""
        return None if self.partial else self.forecast - self.actual

    @property
    def error_share(self) -> float | None:
        return float(self.error / self.actual) if self.error is not None and self.actual else None


def backtest(
    customers: Sequence[Customer],
    months: Sequence[Month],
    *,
    today: date,
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
                                len(then.pipeline), partial=month.last >= today))
    return rows


def mean_absolute_error(rows: Iterable[BacktestRow]) -> tuple[int, Decimal | None]:
    """Over the months that are over: how many, and the mean of |forecast − actual|."""
    errors = [abs(row.error) for row in rows if row.error is not None]
    return len(errors), (sum(errors, ZERO) / len(errors)).quantize(Decimal(1)) if errors else None
