"""The customer list: one row per customer, filters, sorting and the closing summary. Pure."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import Enum
from typing import Any, Callable, Iterable, Mapping, NamedTuple, Sequence

from salescli.customer import Customer, Deal, Status, amount_text, deal_owner, event_notes
from salescli.errors import InvalidValue
from salescli.i18n import N_, _, joined
from salescli.stages import Stage


class Row(NamedTuple):
    """A customer in one line: its current deal, classification and what the summary counts.

    Plain values, as the parse cache keeps them and as the list shows them: stage and status by
    key, amounts as decimal text, days as ISO text (which sort as the days do).
    """

    id: str
    name: str
    stage: str | None  # Stage key
    status: str | None  # Status value
    deals: int
    field: str | None
    size: str | None
    role: str | None
    channel: str | None
    area: str | None
    owner: str | None
    target_value: str | None  # decimal text
    target_date: str | None  # ISO day
    won_value: str | None
    last_activity: str | None
    open_deals: tuple[tuple[str, str | None], ...] = ()  # each open deal's stage key and target value
    won_deals: int = 0
    lost_deals: int = 0
    deal_won_value: str | None = None  # what the current deal was won for (won_value: every deal's)


FIELDS = Row._fields
AMOUNTS = ("target_value", "won_value")


def row(customer: Customer) -> Row:
    deal: Deal | None = customer.current_deal
    won = [d for d in customer.deals if d.status is Status.WON]
    return Row(
        id=customer.id,
        name=customer.name,
        stage=deal.stage.value if deal else None,
        status=deal.status.value if deal else None,
        deals=len(customer.deals),
        field=_text(customer.get("field")),
        size=_text(customer.get("size")),
        role=_text(customer.get("role")),
        channel=_text(customer.get("channel")),
        area=_text(customer.get("area")),
        owner=_text(customer.get("owner")),
        target_value=amount_text(deal.target_value) if deal else None,
        target_date=_day(deal.target_date) if deal else None,
        won_value=amount_text(sum((d.won_value or Decimal(0) for d in won), Decimal(0)) or None),
        last_activity=_day(customer.last_activity),
        open_deals=tuple((d.stage.value, amount_text(d.target_value)) for d in customer.open_deals),
        won_deals=len(won),
        lost_deals=sum(1 for d in customer.deals if d.status is Status.LOST),
        deal_won_value=amount_text(deal.won_value) if deal and deal.status is Status.WON else None,
    )


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _day(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


class Columns:
    """Rows held a field at a time: each field's values in one list, all in the same order.

    A folder of 100,000 customers is then 18 lists, which the cache splits out of 18 texts, rather
    than 100,000 rows to build and take apart again for the table.
    """

    def __init__(self, fields: Sequence[list[Any]]) -> None:
        if len(fields) != len(FIELDS):
            raise ValueError(f"{len(FIELDS)} fields expected, not {len(fields)}")
        self.fields = list(fields)  # in Row's order

    @classmethod
    def of(cls, rows: Iterable[Row]) -> Columns:
        fields = [list(values) for values in zip(*rows)]
        return cls(fields or [[] for _field in FIELDS])

    def __len__(self) -> int:
        return len(self.fields[0])

    def __getitem__(self, name: str) -> list[Any]:
        return self.fields[_POSITION[name]]

    __iter__ = None  # not a sequence of rows: ask for rows() or a field

    def rows(self) -> list[Row]:
        return list(map(Row._make, zip(*self.fields)))

    def take(self, positions: Sequence[int]) -> Columns:
        """The rows at `positions`, in that order."""
        return Columns([list(map(values.__getitem__, positions)) for values in self.fields])

    def extend(self, rows: Iterable[Row]) -> None:
        for values, more in zip(self.fields, zip(*rows)):
            values.extend(more)


_POSITION = {name: position for position, name in enumerate(FIELDS)}


def decimals(texts: Sequence[str | None]) -> list[Decimal | None]:
    """Amount texts as Decimals (each distinct one converted once)."""
    known = {text: None if text is None else Decimal(text) for text in set(texts)}
    return list(map(known.__getitem__, texts))


@dataclass(frozen=True)
class Filters:
    """What `list` keeps; classification values are stored keys (already resolved)."""

    stage: Stage | None = None
    field: str | None = None
    size: str | None = None
    role: str | None = None
    channel: str | None = None
    area: str | None = None
    owner: str | None = None
    status: Status | None = None
    stale_days: int | None = None
    due: date | None = None  # target date on or before
    min_value: Decimal | None = None  # target value at least
    search: str | None = None


NO_FILTERS = Filters()


def select(columns: Columns, filters: Filters, *, today: date,
           customers: Mapping[str, Customer] | None = None) -> Columns:
    """The rows `filters` keep; a search (`filters.search`: what `mentions` finds) needs the `customers`
    by id (a row without one is not found)."""
    if filters == NO_FILTERS:
        return columns
    search = filters.search
    if search and customers is None:
        raise ValueError("searching needs the customers")
    test = keeps(filters, today=today)
    return columns.take([position for position, line in enumerate(columns.rows()) if test(line)
                         and (not search or (line.id in customers and  # type: ignore[operator]
                                             mentions(customers[line.id], search)))])  # type: ignore[index]


def keeps(f: Filters, *, today: date) -> Callable[[Row], bool]:
    """Whether `filters` keep a row (all but `search`: that is the customers' text, `mentions`)."""
    exact = [(name, wanted.value if isinstance(wanted, Enum) else wanted) for name, wanted in
             (("stage", f.stage), ("field", f.field), ("size", f.size), ("role", f.role),
              ("channel", f.channel), ("status", f.status)) if wanted is not None]
    quiet_since = None if f.stale_days is None else (today - timedelta(days=f.stale_days)).isoformat()
    due = None if f.due is None else f.due.isoformat()

    def keeps(line: Row) -> bool:
        if any(getattr(line, name) != wanted for name, wanted in exact):
            return False
        if f.area and f.area.casefold() not in (line.area or "").casefold():
            return False
        if f.owner and f.owner.casefold() not in (line.owner or "").casefold():
            return False
        if quiet_since is not None and (line.status != Status.OPEN.value
                                        or (line.last_activity and line.last_activity > quiet_since)):
            return False
        if due is not None and (line.target_date is None or line.target_date > due):
            return False
        return f.min_value is None or (line.target_value is not None and Decimal(line.target_value) >= f.min_value)

    return keeps


def mentions(customer: Customer, text: str) -> bool:
    """What `list TEXT` finds: `text` anywhere in the customer's file (the id, the name, every profile
    value) or its log's notes, whatever the case."""
    return text.casefold() in searchable_text(customer)


def searchable_text(customer: Customer) -> str:
    """What `list TEXT` searches: the id, name, every profile value and the log's notes, folded."""
    parts = [customer.id, customer.name, *(str(value) for value in _leaves(dict(customer.profile)))]
    parts += event_notes(customer.events)
    return "\n".join(parts).casefold()


def _leaves(value: object) -> Iterable[object]:
    if isinstance(value, dict):
        for item in value.values():
            yield from _leaves(item)
    elif isinstance(value, list):
        for item in value:
            yield from _leaves(item)
    elif value is not None:
        yield value


SORT_KEYS = ("stage", "id", "name", "value", "date", "last", "field", "area", "owner")


def sort_rows(columns: Columns, key: str) -> Columns:
    """Rows ordered by `key` (see SORT_KEYS); a leading '-' reverses. Empty values go last, by id."""
    name, descending = _sort_key(key, SORT_KEYS, N_("cannot sort by '{key}'; use one of: {keys} (prefix - to reverse)"))
    ids = columns["id"]
    by_id = sorted(range(len(ids)), key=ids.__getitem__, reverse=descending)  # positions, not rows: C compares
    return columns.take(_ordered(by_id, _sort_values(columns, name), descending))


def _sort_key(key: str, allowed: Sequence[str], refusal: str) -> tuple[str, bool]:
    """A --sort KEY's name, and whether it is reversed (-KEY); `refusal` (an N_ message) says why not."""
    name = key.lstrip("-+")
    if name not in allowed:
        raise InvalidValue(_(refusal).format(key=key, keys=joined(allowed)))
    return name, key.startswith("-")


def _ordered(positions: list[int], values: Sequence[Any], descending: bool) -> list[int]:
    """`positions` (in tie-break order) by their values; empty values last (first when descending)."""
    present = [position for position in positions if values[position] is not None]
    present.sort(key=values.__getitem__, reverse=descending)  # stable: equal values keep the tie-break order
    absent = [position for position in positions if values[position] is None]
    return present + (absent[::-1] if descending else absent)


def _sort_values(columns: Columns, name: str) -> list[Any]:
    if name == "stage":  # the funnel's order; open deals of a stage before its won and lost ones
        return list(map(_RANKS.get, zip(columns["stage"], columns["status"])))
    if name == "name":
        return list(map(_pinyin_order, columns["name"]))
    if name == "value":
        return decimals(columns["target_value"])
    return columns[{"date": "target_date", "last": "last_activity"}.get(name, name)]


def funnel_order(line: Sequence[Any]) -> tuple[int, str]:
    """Where a row comes when sorted by stage: the funnel's order, then by id; customers without a deal last."""
    rank = _RANKS.get((line[2], line[3]))
    return (len(_RANKS) if rank is None else rank, line[0])


_RANKS: dict[tuple[str | None, str | None], int] = {
    (stage.value, status.value): stage.number * 2 + (status is not Status.OPEN) for stage in Stage for status in Status}


def _pinyin_order(name: str) -> str:
    """Chinese names sort by their pinyin, as in a phone's contacts (陈 < 鼎 < 中 < 周)."""
    from pypinyin import lazy_pinyin

    return " ".join(lazy_pinyin(name)).casefold()


# ---- one row per deal (`list --deals`) ----------------------------------------------------------

DEAL_SORT_KEYS = ("stage", "id", "name", "value", "date", "last", "field", "area", "owner", "opened", "closed",
                  "product")


def select_deals(customers: Iterable[Customer], filters: Filters, *, today: date) -> list[tuple[Customer, Deal]]:
    """Each deal `filters` keep (stage, status, owner, target and staleness are the deal's own; the
    classification, area and TEXT its customer's)."""
    search = filters.search
    quiet_since = None if filters.stale_days is None else today - timedelta(days=filters.stale_days)
    exact = [(name, value) for name, value in (("field", filters.field), ("size", filters.size), ("role", filters.role),
                                               ("channel", filters.channel)) if value is not None]
    found = []
    for customer in customers:
        if any(_text(customer.get(name)) != value for name, value in exact) \
                or (filters.area and filters.area.casefold() not in str(customer.get("area") or "").casefold()) \
                or (search and not mentions(customer, search)):
            continue
        found += [(customer, deal) for deal in customer.deals
                  if _keeps_deal(customer, deal, filters, quiet_since)]
    return found


def _keeps_deal(customer: Customer, deal: Deal, f: Filters, quiet_since: date | None) -> bool:
    if (f.stage is not None and deal.stage is not f.stage) or (f.status is not None and deal.status is not f.status):
        return False
    if f.owner and f.owner.casefold() not in (deal_owner(customer, deal) or "").casefold():
        return False
    if quiet_since is not None and (not deal.is_open or (deal.last_event and deal.last_event > quiet_since)):
        return False
    if f.due is not None and (deal.target_date is None or deal.target_date > f.due):
        return False
    return f.min_value is None or (deal.target_value is not None and deal.target_value >= f.min_value)


def sort_deals(deals: list[tuple[Customer, Deal]], key: str) -> list[tuple[Customer, Deal]]:
    """Deals ordered by `key` (DEAL_SORT_KEYS; '-' reverses); empty values last, then by customer and deal."""
    name, descending = _sort_key(key, DEAL_SORT_KEYS,
                                 N_("cannot sort deals by '{key}'; use one of: {keys} (prefix - to reverse)"))
    ordered = sorted(deals, key=lambda pair: (pair[0].id, pair[1].opened, pair[1].name), reverse=descending)
    values = [_deal_sort_value(customer, deal, name) for customer, deal in ordered]
    return [ordered[i] for i in _ordered(list(range(len(ordered))), values, descending)]


def _deal_sort_value(customer: Customer, deal: Deal, name: str) -> Any:
    if name == "stage":
        return _RANKS[(deal.stage.value, deal.status.value)]
    if name == "id":
        return customer.id
    if name == "name":
        return _pinyin_order(customer.name)
    if name == "value":
        return deal.won_value if deal.status is Status.WON else deal.target_value
    if name == "owner":
        return deal_owner(customer, deal)
    if name in ("field", "area"):
        return _text(customer.get(name))
    return {"date": deal.target_date, "last": deal.last_event, "opened": deal.opened, "closed": deal.closed,
            "product": deal.product}[name]


def summarize_deals(deals: Sequence[tuple[Customer, Deal]]) -> Summary:
    """The list's summary, counted over deals (each row one): open per stage, won and lost, open and won
    value."""
    open_deals = [deal for _customer, deal in deals if deal.is_open]
    won = [deal for _customer, deal in deals if deal.status is Status.WON]
    by_stage = Counter(deal.stage for deal in open_deals)
    return Summary(
        customers=len(deals),
        open_by_stage={stage: by_stage[stage] for stage in Stage if by_stage[stage]},
        won=len(won),
        lost=sum(1 for _customer, deal in deals if deal.status is Status.LOST),
        open_value=sum((deal.target_value or Decimal(0) for deal in open_deals), Decimal(0)),
        won_value=sum((deal.won_value or Decimal(0) for deal in won), Decimal(0)),
    )


@dataclass(frozen=True)
class Others:
    """The deals of the listed customers that are not the deals their rows show (a customer at demo
    may have won an earlier deal): said apart, so that the summary's counts add up to the rows."""

    open: int = 0
    won: int = 0
    lost: int = 0
    open_value: Decimal = Decimal(0)
    won_value: Decimal = Decimal(0)

    @property
    def count(self) -> int:
        return self.open + self.won + self.lost


@dataclass(frozen=True)
class Summary:
    """What a list's rows add up to: each row counts once, by the deal it shows — open at a stage, won,
    lost, or without a deal (`none`); `others`: their other deals."""

    customers: int  # the rows (customers; deals for a list of deals)
    open_by_stage: dict[Stage, int]
    won: int
    lost: int
    open_value: Decimal
    won_value: Decimal
    none: int = 0
    others: Others = Others()


def summarize(columns: Columns) -> Summary:
    """Each row by its current deal — open per stage, won, lost, none — with the open rows' target values
    and the won rows' values; the customers' other deals apart (Others)."""
    stages, statuses = columns["stage"], columns["status"]
    by_stage = Counter(stage for stage, status in zip(stages, statuses) if status == Status.OPEN.value)
    won = sum(1 for status in statuses if status == Status.WON.value)
    lost = sum(1 for status in statuses if status == Status.LOST.value)
    open_value = _total(value for value, status in zip(columns["target_value"], statuses)
                        if status == Status.OPEN.value)
    won_value = _total(columns["deal_won_value"])
    every_open = [deal for deals in columns["open_deals"] for deal in deals]
    others = Others(open=len(every_open) - sum(by_stage.values()), won=sum(columns["won_deals"]) - won,
                    lost=sum(columns["lost_deals"]) - lost,
                    open_value=_total(value for _stage, value in every_open) - open_value,
                    won_value=_total(columns["won_value"]) - won_value)
    return Summary(
        customers=len(columns),
        open_by_stage={stage: by_stage[stage.value] for stage in Stage if by_stage[stage.value]},
        won=won, lost=lost, open_value=open_value, won_value=won_value,
        none=sum(1 for status in statuses if status is None), others=others,
    )


def _total(amounts: Iterable[str | None]) -> Decimal:
    """The sum of amount texts (each distinct one converted once: a folder repeats its amounts)."""
    return sum((Decimal(text) * count for text, count in Counter(amounts).items() if text is not None), Decimal(0))
