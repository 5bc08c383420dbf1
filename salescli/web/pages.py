"""What the board and the customer list show, shaped from the customers. Pure: no files, no Flask."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Iterable, Mapping, Sequence

from salescli.api import Config, Customer, Deal, Filters, Row, Stage, StaleDeal, Status, filter_rows, row, stale

CARDS_SHOWN = 20  # per column, the most urgent first ("show more" adds MORE_SHOWN at a time)
MORE_SHOWN = 100
OWN_DEALS_FROM = 200  # a board with more cards than this starts at the rep's own deals (salescli.yaml's user)
WON_SHOWN_DAYS = 90  # a won deal stays on the board (at close, or moved on to service) this long
ROWS_SHOWN = 500  # on the customer list
FILTERS = ("owner", "field", "area", "channel")
ZERO = Decimal(0)


def filters_of(values: Mapping[str, str], *, owner: str | None = None) -> Filters:
    """The board's filters a query asks for (FILTERS: a profile value each, as `salescli list` takes them;
    none: any); `owner` when it does not name one (an empty one: any)."""
    return Filters(field=values.get("field") or None, area=values.get("area") or None,
                   channel=values.get("channel") or None,
                   owner=values["owner"] or None if "owner" in values else owner)


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
    cards: tuple[Card, ...]  # the first few: open deals, soonest target first, then the latest won
    count: int
    total: Decimal  # the target values of its open deals and the values of its won ones
    won: int = 0  # of `count`, won deals
    won_total: Decimal = ZERO

    @property
    def hidden(self) -> int:
        return self.count - len(self.cards)


@dataclass(frozen=True)
class Board:
    columns: tuple[Column, ...]
    filters: Filters
    choices: Mapping[str, tuple[tuple[str, str], ...]]  # filter → (value, label), in order
    own: str | None = None  # the owner the board was narrowed to by default (a big board: the rep's own deals)

    @property
    def chosen(self) -> list[tuple[str, str | None]]:
        """Each filter with its value (None: any)."""
        return [(name, getattr(self.filters, name)) for name in FILTERS]

    @property
    def narrowed(self) -> bool:
        """Whether a filter leaves deals out."""
        return any(value is not None for _name, value in self.chosen)

    @property
    def count(self) -> int:
        """Open deals on the board (shown or not)."""
        return sum(column.count - column.won for column in self.columns)

    @property
    def total(self) -> Decimal:
        """Their target values."""
        return sum((column.total - column.won_total for column in self.columns), ZERO)

    @property
    def hidden(self) -> int:
        return sum(column.hidden for column in self.columns)


@dataclass(frozen=True)
class Entry:
    """A customer with deals on the board: those deals, and its list row (what the filters test)."""

    customer: Customer
    deals: tuple[Deal, ...]
    row: Row

    @property
    def values(self) -> tuple[str, ...]:
        """Its values of the FILTERS ('' for none)."""
        return tuple(str(getattr(self.row, name) or "") for name in FILTERS)


def entry(customer: Customer, *, today: date) -> Entry | None:
    """The customer's place on the board (None: no deal of it is there). Worked out once per customer
    and kept while its file is unchanged (see data.Snapshot.each)."""
    since = today - timedelta(days=WON_SHOWN_DAYS)
    deals = tuple(deal for deal in customer.deals if _on_board(deal, since))
    return Entry(customer, deals, row(customer)) if deals else None


def board(entries: Sequence[Entry], filters: Filters, *, today: date, settings: Config,
          language: str, shown: Mapping[Stage, int] | None = None, own: str | None = None) -> Board:
    """Eight columns in the course's order: a card per open deal of the customers the filters keep,
    and per deal won in the last WON_SHOWN_DAYS days (at close, or moved on to after-sales service);
    each column shows its first CARDS_SHOWN cards (`shown`: as many as that for some). `entries`:
    each customer's `entry`."""
    keeps = filter_rows(filters, today=today)
    kept = [one for one in entries if keeps(one.row)]
    stale_deals = {(item.customer.id, item.deal.name): item
                   for item in stale([one.customer for one in kept], today=today, limits=settings.stale_days)}
    by_stage: dict[Stage, list[Card]] = {stage: [] for stage in Stage}
    for one in kept:
        for deal in one.deals:
            days = (today - (deal.stage_since or deal.opened)).days
            by_stage[deal.stage].append(Card(one.customer, deal, days, stale_deals.get((one.customer.id, deal.name))))
    return Board(tuple(_column(stage, cards, (shown or {}).get(stage, CARDS_SHOWN))
                       for stage, cards in by_stage.items()),
                 filters, _choices(entries, settings, language), own)


def default_owner(entries: Sequence[Entry], user: str | None) -> str | None:
    """Whose deals a board starts at: the rep's own (`user`, salescli.yaml's) when the whole board
    has more than OWN_DEALS_FROM cards and the rep owns some of them; else everyone's (None)."""
    if not user:
        return None
    cards = sum(len(one.deals) for one in entries)
    owned = any(one.values[0] == user for one in entries)
    return user if cards > OWN_DEALS_FROM and owned else None


def _on_board(deal: Deal, since: date) -> bool:
    return deal.is_open or (deal.status is Status.WON and deal.won_date is not None and deal.won_date >= since)


def _column(stage: Stage, cards: list[Card], shown: int) -> Column:
    open_cards = sorted((card for card in cards if not card.won), key=_soonest)
    won_cards = sorted((card for card in cards if card.won), key=_latest_won)
    won_total = sum((card.deal.won_value or ZERO for card in won_cards), ZERO)
    total = sum((card.deal.target_value or ZERO for card in open_cards), ZERO) + won_total
    return Column(stage, tuple((open_cards + won_cards)[:shown]), len(cards), total, len(won_cards), won_total)


def _soonest(card: Card) -> tuple[date, str, str]:
    return (card.deal.target_date or date.max, card.customer.name, card.deal.name)


def _latest_won(card: Card) -> tuple[int, str, str]:
    return (-(card.deal.won_date or date.min).toordinal(), card.customer.name, card.deal.name)


def _choices(entries: Iterable[Entry], settings: Config, language: str) -> dict[str, tuple[tuple[str, str], ...]]:
    choices = {}
    every = set(one.values for one in entries)
    for position, name in enumerate(FILTERS):
        values = sorted({values[position] for values in every} - {""})
        if name in settings.vocabularies:
            vocabulary = settings.vocabulary(name)
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


def listed(customers: Sequence[Customer]) -> Listed:
    """The customers a search found (Folder.search), in funnel order then by name."""
    found = sorted(customers, key=_funnel)
    return Listed(tuple(found[:ROWS_SHOWN]), len(found))


def _funnel(customer: Customer) -> tuple[int, int, str]:
    deal = customer.current_deal
    if deal is None:
        return (0, 0, customer.name)
    return (0 if deal.is_open else 1, deal.stage.number, customer.name)
