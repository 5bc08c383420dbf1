"""The customer list: one row per customer, filters, sorting and the closing summary. Pure."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from operator import attrgetter, itemgetter
from typing import Any, Callable, Iterable, NamedTuple, Sequence

from salescli.customer import STAGE_BY_KEY, STATUS_BY_VALUE, Customer, Deal, Status, amount_text, ordinal
from salescli.errors import UsageError
from salescli.stages import Stage


class Row(NamedTuple):
    """A customer in one line: its current deal, classification and what the summary counts.

    Made from the customer when its file is parsed and kept in the parse cache (as `to_plain`
    gives it), so that a list of thousands needs no customer built.
    """

    id: str
    name: str
    stage: Stage | None
    status: Status | None
    deals: int
    field: str | None
    size: str | None
    role: str | None
    channel: str | None
    area: str | None
    owner: str | None
    target_value: Decimal | None
    target_date: date | None
    won_value: Decimal | None
    last_activity: date | None
    open_deals: tuple[tuple[Stage, Decimal | None], ...] = ()  # each open deal's stage and target value
    won_deals: int = 0
    lost_deals: int = 0


def row(customer: Customer) -> Row:
    deal: Deal | None = customer.current_deal
    won = [d for d in customer.deals if d.status is Status.WON]
    return Row(
        id=customer.id,
        name=customer.name,
        stage=deal.stage if deal else None,
        status=deal.status if deal else None,
        deals=len(customer.deals),
        field=_text(customer.get("field")),
        size=_text(customer.get("size")),
        role=_text(customer.get("role")),
        channel=_text(customer.get("channel")),
        area=_text(customer.get("area")),
        owner=_text(customer.get("owner")),
        target_value=deal.target_value if deal else None,
        target_date=deal.target_date if deal else None,
        won_value=sum((d.won_value or Decimal(0) for d in won), Decimal(0)) or None,
        last_activity=customer.last_activity,
        open_deals=tuple((d.stage, d.target_value) for d in customer.open_deals),
        won_deals=len(won),
        lost_deals=sum(1 for d in customer.deals if d.status is Status.LOST),
    )


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def to_plain(line: Row) -> tuple[Any, ...]:
    """A row as values marshal can store."""
    return (*line[:2], _value(line.stage), _value(line.status), *line[4:11], amount_text(line.target_value),
            ordinal(line.target_date), amount_text(line.won_value), ordinal(line.last_activity),
            tuple((stage.value, amount_text(value)) for stage, value in line.open_deals), *line[16:])


def from_plain(values: Sequence[Any]) -> Row:
    (customer_id, name, stage, status, deals, field, size, role, channel, area, owner, target_value, target_date,
     won_value, last_activity, open_deals, won_deals, lost_deals) = values
    known = _KNOWN  # amounts, days and open-deal lists repeat across a folder: each is made once
    return _new_row(Row, (
        customer_id, name, STAGE_BY_KEY[stage] if stage else None, STATUS_BY_VALUE[status] if status else None,
        deals, field, size, role, channel, area, owner,
        known[target_value] if target_value in known else _known(target_value, Decimal),
        known[target_date] if target_date in known else _known(target_date, date.fromordinal),
        known[won_value] if won_value in known else _known(won_value, Decimal),
        known[last_activity] if last_activity in known else _known(last_activity, date.fromordinal),
        known[open_deals] if open_deals in known else _known(open_deals, _open_deals),
        won_deals, lost_deals))


_new_row = tuple.__new__  # Row(...) without NamedTuple's Python-level __new__: a folder may hold 100,000


# Plain value → its Row value. Keys never collide: amounts are text, days are ints, open deals tuples.
_KNOWN: dict[Any, Any] = {None: None}


def _known(plain: Any, make: Callable[[Any], Any]) -> Any:
    if len(_KNOWN) > 100_000:  # a folder has far fewer distinct ones; this only bounds a long-lived process
        _KNOWN.clear()
        _KNOWN[None] = None
    value = _KNOWN[plain] = make(plain)
    return value


def _open_deals(plain: tuple[tuple[str, str | None], ...]) -> tuple[tuple[Stage, Decimal | None], ...]:
    return tuple((STAGE_BY_KEY[key], None if value is None else Decimal(value)) for key, value in plain)


def _value(member: Stage | Status | None) -> str | None:
    return None if member is None else member.value


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


def select(rows: Iterable[Row], filters: Filters, *, today: date,
           text_of: Callable[[str], str] | None = None) -> list[Row]:
    """The rows `filters` keep; `text_of(id)` gives a customer's searchable text (for --search)."""
    if filters == NO_FILTERS:
        return list(rows)
    if filters.search and text_of is None:
        raise ValueError("searching needs the customers' text")
    wanted = filters.search.casefold() if filters.search else None
    return [line for line in rows if _keeps(line, filters, today)
            and (wanted is None or wanted in text_of(line.id))]  # type: ignore[misc]


def _keeps(line: Row, f: Filters, today: date) -> bool:
    exact = ((f.stage, line.stage), (f.field, line.field), (f.size, line.size),
             (f.role, line.role), (f.channel, line.channel), (f.status, line.status))
    if any(wanted is not None and wanted != actual for wanted, actual in exact):
        return False
    if f.area and f.area.casefold() not in (line.area or "").casefold():
        return False
    if f.owner and f.owner.casefold() not in (line.owner or "").casefold():
        return False
    if f.stale_days is not None:
        quiet_since = today - timedelta(days=f.stale_days)
        if line.status is not Status.OPEN or (line.last_activity and line.last_activity > quiet_since):
            return False
    if f.due is not None and (line.target_date is None or line.target_date > f.due):
        return False
    return f.min_value is None or (line.target_value is not None and line.target_value >= f.min_value)


def searchable_text(customer: Customer) -> str:
    """What `list TEXT` searches: the id, name, every profile value and the log's notes, folded."""
    parts = [customer.id, customer.name, *(str(value) for value in _leaves(dict(customer.profile)))]
    parts += [text for event in customer.events for text in (event.note, event.reason, event.goal) if text]
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


def sort_rows(rows: Sequence[Row], key: str) -> list[Row]:
    """Rows ordered by `key` (see SORT_KEYS); a leading '-' reverses. Empty values go last."""
    descending = key.startswith("-")
    name = key.lstrip("-+")
    if name not in SORT_KEYS:
        raise UsageError(f"cannot sort by '{key}'; use one of: {', '.join(SORT_KEYS)} (prefix - to reverse)")
    if name == "stage":  # the default, made quick: by id, then (a stable sort) by the funnel's order
        ordered = sorted(rows, key=_id_of, reverse=descending)
        staged = [r for r in ordered if r.stage is not None]
        staged.sort(key=_stage_rank, reverse=descending)
        return staged + [r for r in ordered if r.stage is None][::-1 if descending else 1]
    keyed = [(_sort_value(r, name), r) for r in rows]
    present = [(value, r.id, r) for value, r in keyed if value is not None]
    present.sort(key=itemgetter(0, 1), reverse=descending)
    absent = sorted((r for value, r in keyed if value is None), key=_id_of)
    return [r for _, _, r in present] + absent


_id_of = attrgetter("id")


def _stage_rank(line: Row) -> tuple[int, bool]:
    """Open deals of a stage before the won and lost ones; customers without a deal last."""
    return _RANKS[line.stage, line.status]


_RANKS: dict[tuple[Stage | None, Status | None], tuple[int, bool]] = {
    (stage, status): (stage.number, status is not Status.OPEN) for stage in Stage for status in Status}


def _sort_value(line: Row, name: str) -> object:
    if name == "stage":
        return None if line.stage is None else (line.stage.number, line.status is not Status.OPEN)
    if name == "name":
        return _pinyin_order(line.name)
    attribute = {"value": "target_value", "date": "target_date", "last": "last_activity"}.get(name, name)
    return getattr(line, attribute)


def _pinyin_order(name: str) -> str:
    """Chinese names sort by their pinyin, as in a phone's contacts (陈 < 鼎 < 中 < 周)."""
    from pypinyin import lazy_pinyin

    return " ".join(lazy_pinyin(name)).casefold()


@dataclass(frozen=True)
class Summary:
    customers: int
    open_by_stage: dict[Stage, int]
    won: int
    lost: int
    open_value: Decimal
    won_value: Decimal


def summarize(rows: Sequence[Row]) -> Summary:
    """Open deals per stage, won and lost deals, open pipeline value (target values) and won value."""
    open_deals = [deal for line in rows for deal in line.open_deals]
    by_stage = Counter(stage for stage, _ in open_deals)
    return Summary(
        customers=len(rows),
        open_by_stage={stage: by_stage[stage] for stage in Stage if by_stage[stage]},
        won=sum(line.won_deals for line in rows),
        lost=sum(line.lost_deals for line in rows),
        open_value=sum((value or Decimal(0) for _, value in open_deals), Decimal(0)),
        won_value=sum((line.won_value or Decimal(0) for line in rows), Decimal(0)),
    )
