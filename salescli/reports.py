"""The numbers a rep and a manager look at: funnel, win rates, stale deals, sources. Pure."""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import compress, repeat
from operator import ge
from typing import Iterable, Mapping, Sequence

from salescli.customer import Customer, Deal, Status
from salescli.dimensions import Dimension
from salescli.errors import InvalidValue
from salescli.i18n import _, language, ngettext
from salescli.stages import Stage

ZERO = Decimal(0)


@dataclass(frozen=True)
class Period:
    """`start` to `end`, both included; None is open-ended."""

    start: date | None = None
    end: date | None = None

    def holds(self, day: date | None) -> bool:
        if day is None:
            return False
        return (self.start is None or day >= self.start) and (self.end is None or day <= self.end)


def _deals(customers: Iterable[Customer]) -> list[tuple[Customer, Deal]]:
    return [(customer, deal) for customer in customers for deal in customer.deals]


def deal_value(deal: Deal) -> Decimal:
    """What a deal is worth: its won value, else its target value."""
    if deal.status is Status.WON and deal.won_value is not None:
        return deal.won_value
    return deal.target_value or ZERO


# ---- funnel ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class FunnelStep:
    stage: Stage
    customers: int
    deals: int
    value: Decimal
    conversion: float | None  # deals here ÷ deals at the stage before


def funnel(customers: Sequence[Customer], period: Period = Period()) -> list[FunnelStep]:
    """Deals (opened in the period) that reached each of the eight stages, and their value."""
    return _funnel([(c, d) for c, d in _deals(customers) if period.holds(d.opened)])


def funnels(customers: Sequence[Customer], dimension: Dimension, period: Period = Period()
            ) -> dict[str | None, list[FunnelStep]]:
    """A funnel per value of a dimension (a manager's, an office's, a product's …), largest first."""
    groups: dict[str | None, list[tuple[Customer, Deal]]] = defaultdict(list)
    for customer, deal in _deals(customers):
        if period.holds(deal.opened):
            groups[dimension.of(customer, deal)].append((customer, deal))
    ordered = sorted(groups.items(), key=lambda item: (-len(item[1]), item[0] or "\uffff"))
    return {key: _funnel(deals) for key, deals in ordered}


def _funnel(opened: list[tuple[Customer, Deal]]) -> list[FunnelStep]:
    # (each deal looked at once: a stage's filter runs in C)
    numbers = [deal.furthest.number for _customer, deal in opened]
    values = [deal_value(deal) for _customer, deal in opened]
    ids = [customer.id for customer, _deal in opened]
    steps: list[FunnelStep] = []
    for stage in Stage:
        reached = list(map(ge, numbers, repeat(stage.number)))
        deals = sum(reached)
        before = steps[-1].deals if steps else None
        steps.append(FunnelStep(
            stage=stage,
            customers=len(set(compress(ids, reached))),
            deals=deals,
            value=sum(compress(values, reached), ZERO),
            conversion=deals / before if before else None,
        ))
    return steps


# ---- win rates ------------------------------------------------------------------------------

@dataclass(frozen=True)
class WinRate:
    key: str | None
    won: int
    lost: int
    won_value: Decimal
    cycle_days: tuple[int, ...]  # first event to close, per won deal

    @property
    def rate(self) -> float | None:
        return self.won / (self.won + self.lost) if self.won + self.lost else None

    @property
    def average_value(self) -> Decimal | None:
        return (self.won_value / self.won).quantize(Decimal(1)) if self.won else None

    @property
    def average_cycle(self) -> float | None:
        return sum(self.cycle_days) / len(self.cycle_days) if self.cycle_days else None

    @property
    def median_cycle(self) -> float | None:
        """The middle cycle time (the mean of the middle two when they are even): a few very long
        deals pull the mean, not this."""
        return float(statistics.median(self.cycle_days)) if self.cycle_days else None


def win_rates(customers: Sequence[Customer], dimension: Dimension | str, period: Period = Period()) -> list[WinRate]:
    """Won ÷ (won + lost), average won value and cycle time, per value of a dimension (a profile key,
    the deal's owner or product, the owner's manager or office), over the deals decided in the period."""
    by = dimension if isinstance(dimension, Dimension) else Dimension(dimension)
    groups: dict[str | None, list[Deal]] = defaultdict(list)
    for customer, deal in _deals(customers):
        if deal.status is not Status.OPEN and period.holds(deal.closed):
            groups[by.of(customer, deal)].append(deal)
    rates = [
        WinRate(
            key=key,
            won=sum(1 for d in deals if d.status is Status.WON),
            lost=sum(1 for d in deals if d.status is Status.LOST),
            won_value=sum((d.won_value or ZERO for d in deals if d.status is Status.WON), ZERO),
            cycle_days=tuple((d.won_date - d.opened).days for d in deals if d.status is Status.WON and d.won_date),
        )
        for key, deals in groups.items()
    ]
    return sorted(rates, key=lambda r: (-(r.rate or 0), -r.won, r.key or "\uffff"))


# ---- stale deals ----------------------------------------------------------------------------

@dataclass(frozen=True)
class StaleDeal:
    customer: Customer
    deal: Deal
    days_in_stage: int
    limit: int
    visit_overdue_days: int | None  # days since the planned next visit, when it has passed

    @property
    def reasons(self) -> list[str]:
        """Why the deal is stale, in the current language."""
        found = []
        if self.days_in_stage > self.limit:
            found.append(ngettext("{days} day in {stage} (limit {limit})", "{days} days in {stage} (limit {limit})",
                                  self.days_in_stage).format(days=self.days_in_stage,
                                                             stage=self.deal.stage.label(language()), limit=self.limit))
        if self.visit_overdue_days:
            found.append(ngettext("planned visit {days} day overdue", "planned visit {days} days overdue",
                                  self.visit_overdue_days).format(days=self.visit_overdue_days))
        return found


def stale(customers: Sequence[Customer], *, today: date, limits: Mapping[Stage, int]) -> list[StaleDeal]:
    """Open deals whose planned visit has passed or that sat in their stage too long, oldest first."""
    found = []
    for customer, deal in _deals(customers):
        if not deal.is_open:
            continue
        days = (today - (deal.stage_since or deal.opened)).days
        overdue = (today - deal.next_visit).days if deal.next_visit and deal.next_visit < today else None
        if days > limits[deal.stage] or overdue:
            found.append(StaleDeal(customer, deal, days, limits[deal.stage], overdue))
    return sorted(found, key=lambda s: (-s.days_in_stage, s.customer.id))


# ---- sources --------------------------------------------------------------------------------

@dataclass(frozen=True)
class SourceRow:
    key: str | None
    customers: int
    won: int
    won_value: Decimal


def sources(customers: Sequence[Customer], period: Period = Period(), *,
            dimension: Dimension | str = "source") -> list[SourceRow]:
    """Customers (first seen in the period) per prospecting source (or another dimension of the
    customer: its owner's manager or office, a profile key), with their wins and value won."""
    by = dimension if isinstance(dimension, Dimension) else Dimension(dimension)
    if by.key == "product":
        raise InvalidValue(_("report sources counts customers, and a product is a deal's: "
                             "try `salescli report winrate --by product`"))
    groups: dict[str | None, list[Customer]] = defaultdict(list)
    for customer in customers:
        if period.holds(customer.first_seen):
            groups[by.of(customer)].append(customer)
    rows = []
    for key, members in groups.items():
        wins = [d for c in members for d in c.deals if d.status is Status.WON]
        rows.append(SourceRow(key, len(members), len(wins), sum((d.won_value or ZERO for d in wins), ZERO)))
    return sorted(rows, key=lambda r: (-r.won_value, -r.customers, r.key or "\uffff"))

