"""Importing rows from spreadsheets and other CRMs: which customers and deals they become. Pure:
rows (dicts by column) and the folder's customers in, a plan of creations, updates and skips out."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Callable, Mapping, Sequence

from salescli import profile
from salescli.config import Config
from salescli.customer import Customer, EventKind, fold_name
from salescli.errors import UsageError
from salescli.exchange import PROFILE_COLUMNS
from salescli.parsing import parse_date, parse_money
from salescli.pipeline import LOST_WORDS, event_item
from salescli.stages import Stage, stage_words
from salescli.vocab import resolve_word

CLASSIFICATION = ("field", "size", "role", "channel", "source")
CUSTOMER_TARGETS = (*PROFILE_COLUMNS, "stage", "target_value", "target_date", "won_value")
DEAL_TARGETS = ("customer", "deal", "stage", "opened", "closed", "value", "target_value", "target_date", "reason",
                "note")

# Headers recognised without --map: our own export's, the registry's (keys, labels in both
# languages, common titles such as 客户名称, 联系人, 电话), and those of the deal state.
CUSTOMER_HEADERS: Mapping[str, str] = {
    **{column: column for column in CUSTOMER_TARGETS},
    **profile.import_headers(),
    "编号": "id", "阶段": "stage", "目标金额": "target_value", "目标日期": "target_date", "成交金额": "won_value",
}
DEAL_HEADERS: Mapping[str, str] = {
    **{column: column for column in DEAL_TARGETS},
    "account": "customer", "客户": "customer", "客户名称": "customer", "opportunity": "deal",
    "opportunity_id": "deal", "单号": "deal", "deal_stage": "stage", "阶段": "stage", "engage_date": "opened",
    "开始日期": "opened", "close_date": "closed", "成交日期": "closed", "close_value": "value", "金额": "value",
    "成交金额": "value", "lost_reason": "reason", "原因": "reason", "备注": "note",
}


@dataclass(frozen=True)
class Skip:
    row: int  # 1-based data row (the header is row 0 in these numbers' eyes: row 1 is the first record)
    reason: str


@dataclass
class Create:
    row: int
    name: str
    values: dict[str, Any]
    items: list[dict[str, Any]]
    chosen_id: str | None = None


@dataclass
class Update:
    """New profile values (only where the file has none) and new events for a customer."""

    customer: Customer
    rows: list[int] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)
    items: list[dict[str, Any]] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # fields where the file and the row differ: the file wins


@dataclass
class Plan:
    creates: list[Create] = field(default_factory=list)
    updates: dict[str, Update] = field(default_factory=dict)
    skips: list[Skip] = field(default_factory=list)


def column_map(headers: Sequence[str], overrides: Mapping[str, str], known: Mapping[str, str],
               targets: Sequence[str]) -> dict[str, str]:
    """Source column → destination, from --map first, then the recognised headers."""
    for source, target in overrides.items():
        if target not in targets:
            raise UsageError(f"--map {source}={target}: '{target}' is not something to import into; "
                             f"use one of: {', '.join(targets)}")
    mapping = {}
    for header in headers:
        clean = header.strip()
        if clean in overrides:
            mapping[header] = overrides[clean]
        elif clean.casefold() in known or clean in known:
            mapping[header] = known.get(clean) or known[clean.casefold()]
    return mapping


def stage_of(text: str, stage_map: Mapping[str, str]) -> Stage | str:
    """A foreign stage value as ours (a Stage or 'lost'), through --stage-map first."""
    mapped = stage_map.get(text.strip(), stage_map.get(text.strip().casefold(), text))
    if mapped.strip().casefold() in LOST_WORDS:
        return "lost"
    try:
        return resolve_word(mapped, stage_words(), what="stage")
    except UsageError:
        raise UsageError(f"unknown stage '{text}' (map it with --stage-map '{text}=STAGE')") from None


def plan_customers(rows: Sequence[Mapping[str, str]], mapping: Mapping[str, str], customers: Sequence[Customer], *,
                   config: Config, today: date, stage_map: Mapping[str, str]) -> Plan:
    """Each row a customer: new ones are created; one matching by id or name gets only the values it
    lacks (the file wins where both have one)."""
    plan = Plan()
    by_id = {c.id: c for c in customers}
    by_name = {fold_name(c.name): c for c in customers}
    seen: dict[str, int] = {}
    for number, raw in enumerate(rows, start=1):
        record = {mapping[key]: str(value).strip() for key, value in raw.items()
                  if key in mapping and value not in (None, "") and str(value).strip()}
        try:
            values, items = _customer_row(record, config=config, today=today, stage_map=stage_map)
        except UsageError as error:
            plan.skips.append(Skip(number, error.message))
            continue
        name = record["name"]
        existing = by_id.get(record.get("id", "")) or by_name.get(fold_name(name))
        key = existing.id if existing else fold_name(name)
        if key in seen:
            plan.skips.append(Skip(number, f"the same customer as row {seen[key]}"))
            continue
        seen[key] = number
        if existing is None:
            plan.creates.append(Create(number, name, values, items, record.get("id")))
        else:
            plan.updates[existing.id] = _update(existing, number, values)
    return plan


def _customer_row(record: Mapping[str, str], *, config: Config, today: date,
                  stage_map: Mapping[str, str]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    if not record.get("name"):
        raise UsageError("no name")
    values: dict[str, Any] = {}
    for key, text in record.items():
        if key in CLASSIFICATION:
            values[key] = config.vocabulary(key).resolve(text).key
        elif key in PROFILE_COLUMNS and key not in ("id", "name"):
            values[key] = _typed(key, text)
    stage = stage_of(record["stage"], stage_map) if record.get("stage") else Stage.PROSPECT
    items = [event_item(EventKind.ADDED, today, "1", stage=stage.value if isinstance(stage, Stage)
                        and stage.number < Stage.CLOSE.number else Stage.PROSPECT.value)]
    if record.get("target_value") or record.get("target_date"):
        items.append(event_item(EventKind.TARGET, today, "1",
                                value=parse_money(record["target_value"]) if record.get("target_value") else None,
                                by=parse_date(record["target_date"], today=today) if record.get("target_date") else None))
    if stage in (Stage.CLOSE, Stage.SERVICE):
        if not record.get("won_value"):
            raise UsageError("the stage is close but the row has no won value")
        items.append(event_item(EventKind.WON, today, "1", value=parse_money(record["won_value"])))
    elif stage == "lost":
        items.append(event_item(EventKind.LOST, today, "1", reason="imported as lost"))
    return values, items


def _typed(key: str, text: str) -> Any:
    """A cell as the file stores the field's value: counts and amounts as numbers (through the
    registry); a cell that is not one is kept as written — `check` points at it, nothing is lost."""
    field = profile.BY_KEY.get(key)
    if field is None or field.kind not in (profile.Kind.INTEGER, profile.Kind.AMOUNT):
        return text
    try:
        return field.parse(text.removesuffix(".0"), vocabularies={}, today=date.min)
    except UsageError:
        return text


def _update(customer: Customer, number: int, values: Mapping[str, Any]) -> Update:
    update = Update(customer, [number])
    for key, value in values.items():
        current = customer.get(key)
        if current in (None, ""):
            update.values[key] = value
        elif str(current) != str(value):
            update.kept.append(key)
    return update


def plan_deals(rows: Sequence[Mapping[str, str]], mapping: Mapping[str, str], customers: Sequence[Customer], *,
               today: date, stage_map: Mapping[str, str], default_date: date) -> Plan:
    """Each row a deal of a customer found by id or name; its events keyed by the deal's name."""
    plan = Plan()
    by_id = {c.id: c for c in customers}
    by_name = {fold_name(c.name): c for c in customers}
    seen: set[tuple[str, str]] = set()
    for number, raw in enumerate(rows, start=1):
        record = {mapping[key]: str(value).strip() for key, value in raw.items()
                  if key in mapping and value not in (None, "") and str(value).strip()}
        try:
            customer, name, items = _deal_row(record, number, by_id, by_name, today=today, stage_map=stage_map,
                                              default_date=default_date)
        except UsageError as error:
            plan.skips.append(Skip(number, error.message))
            continue
        if customer.deal(name) is not None or (customer.id, name) in seen:
            plan.skips.append(Skip(number, f"deal '{name}' of {customer.name} is already there"))
            continue
        seen.add((customer.id, name))
        update = plan.updates.setdefault(customer.id, Update(customer))
        update.rows.append(number)
        update.items += items
    return plan


def _deal_row(record: Mapping[str, str], number: int, by_id: Mapping[str, Customer], by_name: Mapping[str, Customer],
              *, today: date, stage_map: Mapping[str, str],
              default_date: date) -> tuple[Customer, str, list[dict[str, Any]]]:
    reference = record.get("customer")
    if not reference:
        raise UsageError("no customer")
    customer = by_id.get(reference) or by_name.get(fold_name(reference))
    if customer is None:
        raise UsageError(f"no customer '{reference}' in the folder (import the customers first)")
    name = record.get("deal") or f"import-{number}"
    stage = stage_of(record["stage"], stage_map) if record.get("stage") else Stage.PROSPECT
    day: Callable[[str], date | None] = lambda key: parse_date(record[key], today=today) if record.get(key) else None
    opened, closed = day("opened"), day("closed")
    start = opened or closed or default_date
    open_stage = stage if isinstance(stage, Stage) and stage.number < Stage.CLOSE.number else Stage.PROSPECT
    items = [event_item(EventKind.OPEN, start, name, stage=open_stage.value, note=record.get("note"))]
    if record.get("target_value") or record.get("target_date"):
        items.append(event_item(EventKind.TARGET, start, name,
                                value=parse_money(record["target_value"]) if record.get("target_value") else None,
                                by=day("target_date")))
    if stage in (Stage.CLOSE, Stage.SERVICE):
        value = parse_money(record["value"]) if record.get("value") else None
        if value is None:
            raise UsageError("won, but no value")
        items.append(event_item(EventKind.WON, closed or start, name, value=value))
    elif stage == "lost":
        items.append(event_item(EventKind.LOST, closed or start, name, reason=record.get("reason") or "lost"))
    return customer, name, items


def parse_pairs(pairs: Sequence[str], option: str) -> dict[str, str]:
    """`A=b` pairs (repeated or comma-separated) as a dict."""
    found = {}
    for pair in (part for text in pairs for part in text.split(",") if part.strip()):
        source, separator, target = pair.partition("=")
        if not separator or not source.strip() or not target.strip():
            raise UsageError(f"{option} takes FROM=TO pairs, not '{pair}'")
        found[source.strip()] = target.strip()
    return found

