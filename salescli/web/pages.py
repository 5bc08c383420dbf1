"""What the board and the customer list show, shaped from the customers. Pure: no files, no Flask."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Iterable, Mapping, Sequence

from salescli.config import Config
from salescli.customer import Customer, Deal, Status
from salescli.reports import StaleDeal, stale
from salescli.stages import Stage

CARDS_SHOWN = 60  # per column: a bigger folder is narrowed with the filters
WON_SHOWN_DAYS = 90  # a won deal stays on the board (at close, or moved on to service) this long
ROWS_SHOWN = 500  # on the customer list
FILTERS = ("owner", "field", "area", "channel")
ZERO = Decimal(0)


@dataclass(frozen=True)
class Filters:
    """The board's filters: a profile value each (None: any)."""

    owner: str | None = None
    field: str | None = None
    area: str | None = None
    channel: str | None = None

    @classmethod
    def of(cls, values: Mapping[str, str]) -> Filters:
        return cls(**{name: values.get(name) or None for name in FILTERS})

    def keeps(self, customer: Customer) -> bool:
        return all(wanted is None or str(customer.get(name) or "") == wanted
                   for name, wanted in self.items())

    def items(self) -> list[tuple[str, str | None]]:
        return [(name, getattr(self, name)) for name in FILTERS]

    @property
    def active(self) -> bool:
        return any(value is not None for _, value in self.items())


@dataclass(frozen=True)
class Card:
    """An open deal on the board."""

    customer: Customer
    deal: Deal
    days_in_stage: int
    stale: StaleDeal | None  # why it is stale, when it is

    @property
    def several(self) -> bool:
        return len(self.customer.deals) > 1

    @property
    def won(self) -> bool:
        return self.deal.status is Status.WON


@dataclass(frozen=True)
class Column:
    stage: Stage
    cards: tuple[Card, ...]  # the first CARDS_SHOWN: open deals, soonest target first, then the latest won
    count: int
    total: Decimal  # the target values of its open deals and the values of its won ones
    won: int = 0  # of `count`, won deals
    won_total: Decimal = ZERO


@dataclass(frozen=True)
class Board:
    columns: tuple[Column, ...]
    filters: Filters
    choices: Mapping[str, tuple[tuple[str, str], ...]]  # filter → (value, label), in order

    @property
    def count(self) -> int:
        """Open deals on the board (shown or not)."""
        return sum(column.count - column.won for column in self.columns)

    @property
    def total(self) -> Decimal:
        """Their target values."""
        return sum((column.total - column.won_total for column in self.columns), ZERO)


def board(customers: Sequence[Customer], filters: Filters, *, today: date, config: Config,
          language: str) -> Board:
    """Eight columns in the course's order: a card per open deal of the customers the filters keep,
    and per deal won in the last WON_SHOWN_DAYS days (at close, or moved on to after-sales service)."""
    since = today - timedelta(days=WON_SHOWN_DAYS)
    shown = {customer.id: [deal for deal in customer.deals if _on_board(deal, since)] for customer in customers}
    on_board = [customer for customer in customers if shown[customer.id]]
    kept = [customer for customer in on_board if filters.keeps(customer)]
    stale_deals = {(item.customer.id, item.deal.name): item
                   for item in stale(kept, today=today, limits=config.stale_days)}
    by_stage: dict[Stage, list[Card]] = {stage: [] for stage in Stage}
    for customer in kept:
        for deal in shown[customer.id]:
            days = (today - (deal.stage_since or deal.opened)).days
            by_stage[deal.stage].append(Card(customer, deal, days, stale_deals.get((customer.id, deal.name))))
    return Board(tuple(_column(stage, cards) for stage, cards in by_stage.items()), filters,
                 _choices(on_board, config, language))


def _on_board(deal: Deal, since: date) -> bool:
    return deal.is_open or (deal.status is Status.WON and deal.won_date is not None and deal.won_date >= since)


def _column(stage: Stage, cards: list[Card]) -> Column:
    open_cards = sorted((card for card in cards if not card.won), key=_soonest)
    won_cards = sorted((card for card in cards if card.won), key=_latest_won)
    won_total = sum((card.deal.won_value or ZERO for card in won_cards), ZERO)
    total = sum((card.deal.target_value or ZERO for card in open_cards), ZERO) + won_total
    return Column(stage, tuple((open_cards + won_cards)[:CARDS_SHOWN]), len(cards), total, len(won_cards), won_total)


def _soonest(card: Card) -> tuple[date, str, str]:
    return (card.deal.target_date or date.max, card.customer.name, card.deal.name)


def _latest_won(card: Card) -> tuple[int, str, str]:
    return (-(card.deal.won_date or date.min).toordinal(), card.customer.name, card.deal.name)


def _choices(customers: Iterable[Customer], config: Config, language: str) -> dict[str, tuple[tuple[str, str], ...]]:
    choices = {}
    for name in FILTERS:
        values = sorted({str(value) for customer in customers if (value := customer.get(name)) is not None})
        if name in config.vocabularies:
            vocabulary = config.vocabulary(name)
            order = {term.key: position for position, term in enumerate(vocabulary.terms)}
            values.sort(key=lambda key: (order.get(key, len(order)), key))
            choices[name] = tuple((value, vocabulary.label(value, language)) for value in values)
        else:
            choices[name] = tuple((value, value) for value in values)
    return choices


@dataclass(frozen=True)
class Listed:
    """The customer list: those matching the search, the first ROWS_SHOWN of them."""

    customers: tuple[Customer, ...]
    count: int


def listed(customers: Sequence[Customer], text: str | None) -> Listed:
    """Customers whose name or id holds `text` (all without), in funnel order then by name."""
    folded = (text or "").strip().casefold()
    found = [customer for customer in customers
             if not folded or folded in customer.name.casefold() or folded in customer.id]
    found.sort(key=_funnel)
    return Listed(tuple(found[:ROWS_SHOWN]), len(found))


def _funnel(customer: Customer) -> tuple[int, int, str]:
    deal = customer.current_deal
    if deal is None:
        return (0, 0, customer.name)
    return (0 if deal.is_open else 1, deal.stage.number, customer.name)
