"""The month's forecast and the output formula (产值公式). Pure: customers, settings and a date in.

Two models (`forecast: model:` in salescli.yaml; `auto` takes the one the folder's own history
forecasts better — learning.py says how):

- **stages**: won so far + each open deal due in the month (target date in it, not passed) × its
  stage's probability. Open deals without a target date, overdue, or at the close without a won
  event are left out and listed with the reason (Salesforce's "omitted").
- **history**: won so far + three parts, each learned from the folder's own past months:
  the deals due in the month, weighted by stage × how much such deals have brought in their month
  (targets slip); the open deals without a date or overdue, each × the chance that a deal of its
  stage and age is won within the month (survival.py) × how well that chance held; and the deals not
  in the pipeline yet, at the run-rate of past months (per working day, by season where the history
  shows a season). Only deals that cannot be valued at all, and those at the close without a won
  event, are left out.

An open deal's value is its target value, else its product's list price (pricelist.py), else — in
the history model — the folder's average won deal (件均产值); each line says which.

The formula: 产值 = 日客户拜访量 × 月工作日 × 客户的成交概率 × 件均产值
output = visits per day × working days in the month × close probability × average value per deal

Definitions, over a window of working days ending today (default the last 60), which starts no
earlier than the folder's first event:
- visits per day: visit events, counting one customer once a day, ÷ working days in the window;
- close probability: of the customers visited in the window, the share that won a deal in it (a
  customer who won twice counts once, so it never passes 1);
- average deal value (件均产值): value won in the window ÷ deals won in the window.
For the current month the working days are those left from today to the month's end, and the
capacity adds what was already won in the month.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import cached_property
from typing import Mapping, Sequence

from salescli.customer import Customer, Deal, Status, deal_owner
from salescli.dimensions import Dimension
from salescli.history import AT_AVERAGE, DUE, NEW, UNDATED, History
from salescli.i18n import N_, _, ngettext
from salescli.learning import HISTORY, STAGES, Factors, Learned
from salescli.pricelist import TARGET, Valuation
from salescli.stages import Stage
from salescli.workdays import Month, WorkCalendar

DEFAULT_WINDOW = 60  # working days, about three months

ZERO = Decimal(0)
CENT = Decimal("0.01")

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
    value: Decimal  # won value, else the open deal's value (see `source`)
    when: date | None  # won date, else target date
    probability: float
    category: str
    reason: str | None = None  # why it is not weighted (omitted); None: it is
    part: str = DUE  # the forecast's part that counts it: due (target in the month) or undated (history model)
    source: str | None = TARGET  # where an open deal's value comes from: target, list price or average

    @cached_property  # (asked for by every total and table of a forecast: worked out once)
    def weighted(self) -> Decimal:
        return weighted(self.value, self.probability)


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
    pipeline: tuple[DealLine, ...]  # open deals weighted: due in the month (and, history model, undated)
    omitted: tuple[DealLine, ...]  # open deals not weighted, each with its reason (see REASONS)
    formula: Formula
    elsewhere: int = 0  # another month: open deals not weighted that the current month's forecast lists
    model: str = STAGES  # which model made it (learning.STAGES or HISTORY)
    new: Decimal = ZERO  # history model: what deals not in the pipeline yet should bring (the run-rate)…
    new_days: int = 0  # … over these working days, from the day after today (or the month's first)
    factors: Factors | None = None  # history model: the factors it applied
    learned: Learned | None = None  # what the folder's history taught, and why this model

    @cached_property
    def overdue(self) -> tuple[DealLine, ...]:
        return tuple(line for line in self.omitted if line.reason == OVERDUE)

    @cached_property
    def due(self) -> tuple[DealLine, ...]:
        return tuple(line for line in self.pipeline if line.part == DUE)

    @cached_property
    def undated(self) -> tuple[DealLine, ...]:
        return tuple(line for line in self.pipeline if line.part == UNDATED)

    @cached_property
    def won_total(self) -> Decimal:
        return sum((line.value for line in self.won), ZERO)

    @cached_property
    def weighted_total(self) -> Decimal:
        return sum((line.weighted for line in self.pipeline), ZERO)

    @cached_property
    def best_case_total(self) -> Decimal:
        """The deals due in the month at their full value."""
        return sum((line.value for line in self.due), ZERO)

    @cached_property
    def omitted_total(self) -> Decimal:
        return sum((line.value for line in self.omitted), ZERO)

    @cached_property
    def expected_total(self) -> Decimal:
        """What the month should bring: won so far plus the weighted pipeline (and, history model, the
        deals not in the pipeline yet)."""
        return self.won_total + self.weighted_total + self.new

    @cached_property  # (the totals are asked for by several lines of a report: each summed once)
    def _parts(self) -> dict[str, Decimal]:
        return {"won": self.won_total, DUE: sum((line.weighted for line in self.due), ZERO),
                UNDATED: sum((line.weighted for line in self.undated), ZERO), NEW: self.new}

    def parts(self) -> dict[str, Decimal]:
        """What makes the expected month: won so far and each part's contribution."""
        return dict(self._parts)

    def by_category(self) -> dict[str, Decimal]:
        totals = {"closed": self.won_total, "commit": ZERO, "best_case": ZERO, "pipeline": ZERO}
        for line in self.due:
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
    valuation: Valuation = Valuation(),
    learned: Learned | None = None,
) -> MonthForecast:
    """The month's forecast by the model `learned` chose (the stages model without it), and the output
    formula: won, the weighted pipeline, best case, the open deals left out, each part's contribution."""
    history = learned is not None and learned.model == HISTORY
    count = _Counting(month, today, calendar, probabilities, categories,
                      learned.valuation if history and learned else valuation, learned if history else None)
    for customer in customers:
        for deal in customer.deals:
            count.add(customer, deal)
    won_lines = tuple(sorted(count.won, key=_by_date))
    factors = learned.factors(month) if history and learned else None
    new, days = ZERO, 0
    if factors is not None:
        days = len(calendar.workdays(count.start, month.last)) if count.start <= month.last else 0
        new = Decimal(str(factors.new_per_day * days)).quantize(CENT)
    return MonthForecast(
        month=month,
        today=today,
        working_days=calendar.count(month),
        won=won_lines,
        pipeline=tuple(sorted(count.pipeline, key=_in_pipeline)),
        omitted=tuple(sorted(count.omitted, key=lambda line: (REASONS.index(line.reason or ""), *_by_date(line)))),
        formula=formula(customers, month, today=today, calendar=calendar, target_visits_per_day=target_visits_per_day,
                        window_days=window_days, won_so_far=sum((line.value for line in won_lines), ZERO)),
        elsewhere=count.elsewhere,
        model=HISTORY if history else STAGES,
        new=new,
        new_days=days,
        factors=factors,
        learned=learned,
    )


class _Counting:
    """Sorts a month's deals into won, weighted and left out, as the model counts them."""

    def __init__(self, month: Month, today: date, calendar: WorkCalendar, probabilities: Mapping[Stage, float],
                 categories: Mapping[Stage, str], valuation: Valuation, learned: Learned | None) -> None:
        self.month, self.today, self.calendar = month, today, calendar
        self.probabilities, self.categories = probabilities, categories
        self.valuation, self.learned = valuation, learned
        self.current = month == Month.of(today)
        self.first, self.last = month.first, month.last
        self.start = max(month.first, today + timedelta(days=1))  # the days still to come in the month
        self.factors = learned.factors(month) if learned else None
        # the days still to come in the month, as working days after today (the first and the last)
        self.window = (calendar.between(today, self.start - timedelta(days=1)) + 1, calendar.between(today, month.last))
        self._ages: dict[date, int] = {}
        self._chances: dict[tuple[Stage, str | None, int], float] = {}
        self.won: list[DealLine] = []
        self.pipeline: list[DealLine] = []
        self.omitted: list[DealLine] = []
        self.elsewhere = 0

    def add(self, customer: Customer, deal: Deal) -> None:
        first, last = self.first, self.last
        if deal.status is Status.WON and deal.won_date and first <= deal.won_date <= last:
            self.won.append(DealLine(customer, deal, deal.won_value or ZERO, deal.won_date, 1.0, "closed",
                                     source=None))
        elif deal.status is Status.OPEN:
            if self.learned is None:
                self._by_stage(customer, deal)
            else:
                self._by_history(customer, deal)

    def _by_stage(self, customer: Customer, deal: Deal) -> None:
        """The stages model: due deals weighted, the others listed apart (the current month lists them)."""
        value, source = self.valuation.of(deal.target_value, deal.product)
        reason = _omitted(deal, self.today, value)
        due = deal.target_date is not None and self.first <= deal.target_date <= self.last
        if reason is None and due:
            self.pipeline.append(self._line(customer, deal, value, source, self.probabilities[deal.stage]))
        elif reason == NO_VALUE:  # listed in the month it is due in
            if due:
                self.omitted.append(self._line(customer, deal, value, source, self.probabilities[deal.stage], reason))
        elif reason is not None and self.current:
            self.omitted.append(self._line(customer, deal, value, source, self.probabilities[deal.stage], reason))
        elif reason is not None:
            self.elsewhere += 1

    def _by_history(self, customer: Customer, deal: Deal) -> None:
        """The history model: due deals weighted by stage, undated and overdue ones by their chance."""
        assert self.learned is not None and self.factors is not None
        value, source = self.valuation.of(deal.target_value, deal.product)
        target = deal.target_date
        if deal.stage in _AFTER_CLOSE or not value:
            reason = NO_WON_EVENT if deal.stage in _AFTER_CLOSE else NO_VALUE
            if self.current or (target is not None and self.first <= target <= self.last):
                self.omitted.append(self._line(customer, deal, value, source, self.probabilities[deal.stage], reason))
            return
        owner = deal_owner(customer, deal)
        if target is not None and target >= self.today and self.first <= target <= self.last:
            chance = due_chance(self.learned, self.factors, deal.stage, owner)
            self.pipeline.append(self._line(customer, deal, value, source, chance))
        elif target is None or target < self.today:
            chance = self._undated_chance(deal.stage, owner, self._age(deal.opened))
            self.pipeline.append(self._line(customer, deal, value, source, chance, part=UNDATED))  # (0%: still named)

    def _undated_chance(self, stage: Stage, owner: str | None, age: int) -> float:
        """`undated_chance`, once for each stage, rep and age (thousands of deals share a few hundred)."""
        key = (stage, owner, age)
        chance = self._chances.get(key)
        if chance is None:
            assert self.learned is not None and self.factors is not None
            chance = self._chances[key] = undated_chance(self.learned, self.factors, stage, owner, age, self.window)
        return chance

    def _age(self, opened: date) -> int:
        """A deal's age in working days (deals opened on one day are many)."""
        age = self._ages.get(opened)
        if age is None:
            age = self._ages[opened] = self.calendar.between(opened, self.today)
        return age

    def _line(self, customer: Customer, deal: Deal, value: Decimal | None, source: str | None, probability: float,
              reason: str | None = None, *, part: str = DUE) -> DealLine:
        return DealLine(customer, deal, value or ZERO, deal.target_date, probability,
                        self.categories[deal.stage], reason, part, source)


def due_chance(learned: Learned, factors: Factors, stage: Stage, owner: str | None) -> float:
    """The history model's weight of a deal due in the month: its stage's rate × what due deals brought
    × how the rep's stand to the folder's (at most 1)."""
    return min(learned.weights[stage] * factors.due * learned.owner_ratio(owner, DUE), 1.0)


def undated_chance(learned: Learned, factors: Factors, stage: Stage, owner: str | None, age: int,
                   window: tuple[int, int]) -> float:
    """The history model's weight of an undated or overdue deal: its chance of a win in the `window`
    (working days after today) × how well such chances held × the rep's standing (at most 1)."""
    chance = learned.hazards.chance(stage, age, *window)
    return min(chance * factors.undated * learned.owner_ratio(owner, UNDATED), 1.0)


def weighted(value: Decimal, probability: float) -> Decimal:
    """A deal's weighted value, to the cent, as every forecast line rounds it."""
    return (value * Decimal(str(probability))).quantize(CENT)


def on_eve(found: History, at: int, learned: Learned, probabilities: Mapping[Stage, float], *,
           by_owner: bool) -> dict[str | None, dict[str, Decimal]]:
    """What `month_forecast` says of the record's month `at` on its eve (its parts, for the folder or per
    rep), from the record alone: a backtest asks it of a dozen months without rebuilding any customer."""
    parts: dict[str | None, dict[str, Decimal]] = defaultdict(lambda: {"won": ZERO, DUE: ZERO, UNDATED: ZERO,
                                                                       NEW: ZERO})
    if learned.model == HISTORY:
        _history_parts(parts, found, at, learned, by_owner=by_owner)
    else:  # the stages model weights the due deals with a value of their own, and nothing else
        for owner, stage, _age, value in found.due[at]:
            if value != AT_AVERAGE and value:
                parts[owner if by_owner else None][DUE] += weighted(Decimal(str(value)), probabilities[stage])
    return dict(parts)


def _history_parts(parts: dict[str | None, dict[str, Decimal]], found: History, at: int, learned: Learned, *,
                   by_owner: bool) -> None:
    """The history model's parts of month `at` on its eve, added to `parts`: the due deals at their stage's
    weight, the undated ones (the settled runs begun by then among them) at their chance of a win within the
    month, the new part at its run-rate."""
    factors, working = learned.factors(found.months[at]), found.working[at]
    average = learned.valuation.average or ZERO
    undated = [*found.undated[at], *((owner, stage, found.eve_ages[at] - opened, value)
                                     for first, owner, stage, opened, value in found.runs if first <= at)]
    for owner, stage, _age, value in found.due[at]:
        worth = average if value == AT_AVERAGE else Decimal(str(value))
        if worth:
            parts[owner if by_owner else None][DUE] += weighted(worth, due_chance(learned, factors, stage, owner))
    for owner, stage, age, value in undated:
        worth = average if value == AT_AVERAGE else Decimal(str(value))
        if worth:
            chance = undated_chance(learned, factors, stage, owner, age, (1, working))
            parts[owner if by_owner else None][UNDATED] += weighted(worth, chance)
    new = Decimal(str(factors.new_per_day * working)).quantize(CENT)
    for owner, share in (_shares(new, learned, list(parts)) if by_owner else {None: new}).items():
        parts[owner][NEW] += share


def _omitted(deal: Deal, today: date, value: Decimal | None) -> str | None:
    """Why an open deal is not weighted by the stages model; None when it is."""
    if deal.stage in _AFTER_CLOSE:
        return NO_WON_EVENT  # never 100% without a won event
    if deal.target_date is None:
        return NO_DATE
    if deal.target_date < today:
        return OVERDUE
    if not value:
        return NO_VALUE
    return None


def _in_pipeline(line: DealLine) -> tuple[bool, Decimal, date, str, str]:
    """Due deals by date, then the undated ones, the weightiest first."""
    return (line.part != DUE, ZERO if line.part == DUE else -line.weighted, *_by_date(line))


def _by_date(line: DealLine) -> tuple[date, str, str]:
    return (line.when or date.min, line.customer.id, line.deal.name)


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
    start, clamped = _window_start(customers, today=today, calendar=calendar, window_days=window_days)
    visits = _visits(customers, start, today)
    visited = {customer_id for customer_id, _day in visits}
    wins = _wins(customers, start, today)
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


def _window_start(customers: Sequence[Customer], *, today: date, calendar: WorkCalendar,
                  window_days: int) -> tuple[date, bool]:
    """The window's first day: `window_days` working days back from `today`, or the folder's first
    event when that is later (then True: the window is clamped)."""
    back = calendar.back(today, window_days)
    start = back[0] if back else today
    first_event = min((customer.first_seen for customer in customers if customer.first_seen), default=None)
    if first_event is not None and first_event > start:
        return first_event, True
    return start, False


def _visits(customers: Sequence[Customer], start: date, today: date) -> set[tuple[str, date]]:
    """Each (customer, day) visited from `start` to `today`."""
    return {(customer.id, day) for customer in customers
            if customer.last_activity and customer.last_activity >= start  # (else no visit in the window)
            for day in customer.visit_days if start <= day <= today}


def _wins(customers: Sequence[Customer], start: date, today: date) -> list[tuple[str, Deal]]:
    """Each deal won from `start` to `today`, with its customer's id."""
    return [(customer.id, deal) for customer in customers for deal in customer.deals
            if deal.status is Status.WON and deal.won_date and start <= deal.won_date <= today]


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
    new: Decimal = ZERO  # history model: its share of the deals not in the pipeline yet
    not_attributed: bool = False  # the new deals of a dimension they cannot be split by (one group of their own)

    @property
    def expected(self) -> Decimal:
        return self.won + self.weighted + self.new


def breakdown(forecast: MonthForecast, dimension: Dimension) -> list[Group]:
    """The forecast's figures per value of a dimension (owner, manager, office, product, a profile key).
    The history model's new deals are split by rep (each rep's share of them in the past months); by any
    other dimension they are a group of their own, so that the groups still add up to the month."""
    sections: dict[str | None, dict[str, list[DealLine]]] = defaultdict(lambda: defaultdict(list))
    for name, lines in (("won", forecast.won), ("pipeline", forecast.pipeline), ("omitted", forecast.omitted)):
        for line in lines:
            sections[dimension.of(line.customer, line.deal)][name].append(line)
    shares = _new_shares(forecast, dimension, list(sections))
    groups = [
        Group(
            key=key,
            won=sum((line.value for line in parts["won"]), ZERO),
            weighted=sum((line.weighted for line in parts["pipeline"]), ZERO),
            best_case=sum((line.value for line in parts["pipeline"] if line.part == DUE), ZERO),
            omitted=sum((line.value for line in parts["omitted"]), ZERO),
            deals=sum(len(lines) for lines in parts.values()),
            new=shares.pop(key, ZERO),
        )
        for key, parts in sections.items()
    ]
    groups += [Group(key, ZERO, ZERO, ZERO, ZERO, 0, new=share) for key, share in shares.items() if share]
    rest = forecast.new - sum((group.new for group in groups), ZERO)
    if rest:
        groups.append(Group(None, ZERO, ZERO, ZERO, ZERO, 0, new=rest, not_attributed=True))
    return sorted(groups, key=lambda group: (group.not_attributed, -group.expected, group.key or "\uffff"))


def _new_shares(forecast: MonthForecast, dimension: Dimension, keys: list[str | None]) -> dict[str | None, Decimal]:
    """Each rep's part of the new deals (by owner only; their shares, to the cent, add up to the whole)."""
    if not forecast.new or forecast.learned is None or dimension.key != "owner":
        return {}
    return _shares(forecast.new, forecast.learned, keys)


def _shares(new: Decimal, learned: Learned, keys: list[str | None]) -> dict[str | None, Decimal]:
    owners = {owner for record in learned.records for owner in record.owners} | set(keys)
    shares = {owner: (new * Decimal(str(learned.owner_share(owner)))).quantize(CENT) for owner in owners}
    shares = {owner: share for owner, share in shares.items() if share}
    if shares:  # the cents rounding leaves go to the largest share
        largest = max(shares, key=lambda owner: (shares[owner], owner or ""))
        shares[largest] += new - sum(shares.values(), ZERO)
    return shares
