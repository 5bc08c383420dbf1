"""The customer list: one row per customer, filters, sorting and the closing summary. Pure."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Iterable, Sequence

from salescli.customer import Customer, Deal, Status
from salescli.errors import UsageError
from salescli.stages import Stage


@dataclass(frozen=True)
class Row:
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


def row(customer: Customer) -> Row:
    deal: Deal | None = customer.current_deal
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
        won_value=sum((d.won_value or Decimal(0) for d in customer.deals if d.status is Status.WON), Decimal(0))
        or None,
        last_activity=customer.last_activity,
    )


def _text(value: object) -> str | None:
    return None if value is None else str(value)


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


def select(customers: Iterable[Customer], filters: Filters, *, today: date) -> list[tuple[Customer, Row]]:
    """The customers `filters` keep, each with its row (made once: lists can be long)."""
    pairs = ((customer, row(customer)) for customer in customers)
    return [(customer, line) for customer, line in pairs if _keeps(customer, line, filters, today)]


def _keeps(customer: Customer, line: Row, f: Filters, today: date) -> bool:
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
    if f.min_value is not None and (line.target_value is None or line.target_value < f.min_value):
        return False
    return not f.search or f.search.casefold() in _haystack(customer)


def _haystack(customer: Customer) -> str:
    parts = [customer.id, customer.name, *(str(value) for value in _leaves(customer.profile))]
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
    present = [r for r in rows if _sort_value(r, name) is not None]
    absent = [r for r in rows if _sort_value(r, name) is None]
    present.sort(key=lambda r: (_sort_value(r, name), r.id), reverse=descending)
    return present + sorted(absent, key=lambda r: r.id)


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


def summarize(customers: Sequence[Customer]) -> Summary:
    """Open deals per stage, won and lost deals, open pipeline value (target values) and won value."""
    deals = [deal for customer in customers for deal in customer.deals]
    open_deals = [deal for deal in deals if deal.is_open]
    by_stage = Counter(deal.stage for deal in open_deals)
    return Summary(
        customers=len(customers),
        open_by_stage={stage: by_stage[stage] for stage in Stage if by_stage[stage]},
        won=sum(1 for deal in deals if deal.status is Status.WON),
        lost=sum(1 for deal in deals if deal.status is Status.LOST),
        open_value=sum((deal.target_value or Decimal(0) for deal in open_deals), Decimal(0)),
        won_value=sum((deal.won_value or Decimal(0) for deal in deals if deal.status is Status.WON), Decimal(0)),
    )
