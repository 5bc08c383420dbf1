"""Importing rows from spreadsheets and other CRMs: which customers, deals and team members they
become. Pure: rows (dicts by column) and the folder's customers in, a plan of creations, updates and
skips out. Nothing is invented and nothing is dropped without a word: every column is used or
reported, every row is imported or skipped with its reason."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Any, Iterable, Mapping, Sequence

from salescli import profile
from salescli.config import TEAM_KEYS, Config, Team, team_member
from salescli.customer import FIRST_DEAL, Customer, EventKind, Status, event_from_item, fold_name
from salescli.errors import ConfigProblem, InvalidValue, LogProblem, NotFound
from salescli.exchange import DERIVED_COLUMNS, PROFILE_COLUMNS, profile_key
from salescli.i18n import _, joined, language, ngettext
from salescli.parsing import parse_date, parse_money
from salescli.pipeline import LOST_WORDS, event_item
from salescli.pricelist import PriceList, fold_product
from salescli.stages import Stage, stage_words
from salescli.vocab import resolve_word

CLASSIFICATION = ("field", "size", "role", "channel", "source")
CUSTOMER_TARGETS = (*PROFILE_COLUMNS, *DERIVED_COLUMNS)
DEAL_TARGETS = ("customer", "deal", "stage", "status", "opened", "closed", "value", "target_value", "target_date",
                "reason", "note", "owner", "product")
TEAM_TARGETS = ("rep", *TEAM_KEYS)

# Headers recognised without --map: our own export's, the registry's (keys, labels in both
# languages, common titles such as 客户名称, 联系人, 电话), and those of the deal state.
CUSTOMER_HEADERS: Mapping[str, str] = {
    **{column: column for column in CUSTOMER_TARGETS},
    **profile.import_headers(),
    "编号": "id", "阶段": "stage", "状态": "status", "目标金额": "target_value", "目标日期": "target_date",
    "成交金额": "won_value", "最近活动": "last_activity", "单数": "deals",
}
DEAL_HEADERS: Mapping[str, str] = {
    **{column: column for column in DEAL_TARGETS},
    "account": "customer", "客户": "customer", "客户名称": "customer", "opportunity": "deal",
    "opportunity_id": "deal", "单号": "deal", "deal_stage": "stage", "阶段": "stage", "engage_date": "opened",
    "开始日期": "opened", "close_date": "closed", "成交日期": "closed", "close_value": "value", "金额": "value",
    "成交金额": "value", "lost_reason": "reason", "原因": "reason", "备注": "note", "sales_agent": "owner",
    "agent": "owner", "rep": "owner", "负责人": "owner", "业务员": "owner", "销售": "owner", "产品": "product",
    # our own `export --deals` in Chinese
    "客户编号": "customer", "单": "deal", "状态": "status", "结束日期": "closed", "目标金额": "target_value",
    "目标日期": "target_date",
}
TEAM_HEADERS: Mapping[str, str] = {
    **{column: column for column in TEAM_TARGETS},
    "sales_agent": "rep", "agent": "rep", "owner": "rep", "name": "rep", "业务员": "rep", "销售": "rep",
    "负责人": "rep", "regional_office": "office", "region": "office", "办事处": "office", "分公司": "office",
    "经理": "manager", "主管": "manager", "销售经理": "manager",
}
_STATUS_WORDS = {"open": Status.OPEN, "进行中": Status.OPEN, "跟进中": Status.OPEN, "won": Status.WON,
                 "成交": Status.WON, "已成交": Status.WON, "赢单": Status.WON,
                 **{word: Status.LOST for word in LOST_WORDS}}


@dataclass(frozen=True)
class Skip:
    row: int  # the row as the spreadsheet numbers it (its header is row 1), or a JSON record's number from 1
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
    notes: list[str] = field(default_factory=list)  # what the report should say besides (once each)


@dataclass(frozen=True)
class Dating:
    """How a plan dates events: `default` where a row gives no date; rows dated after `today` are
    refused unless `future` (an event records what happened)."""

    today: date
    default: date
    future: bool = False
    _parsed: dict[str, date] = field(default_factory=dict, compare=False)

    def day(self, text: str | None) -> date | None:
        """A date cell (each distinct text parsed once: a CRM export repeats its dates)."""
        if not text:
            return None
        known = self._parsed.get(text)
        if known is None:
            try:
                known = date.fromisoformat(text)
            except ValueError:
                known = parse_date(text, today=self.today)
            self._parsed[text] = known
        return known

    def check(self, days: Iterable[date | None]) -> None:
        latest = max((day for day in days if day is not None), default=None)
        if latest is not None and latest > self.today and not self.future:
            raise InvalidValue(_("dated {date}, after today ({today}); pass --future to import it anyway").format(
                date=latest, today=self.today))


def column_map(headers: Sequence[str], overrides: Mapping[str, str], known: Mapping[str, str],
               targets: Sequence[str], *, profile_keys: bool = False) -> dict[str, str]:
    """Source column → destination, from --map first, then the recognised headers; with
    `profile_keys`, a --map may name any profile key."""
    for source, target in overrides.items():
        if target in targets:
            continue
        if not profile_keys:
            raise InvalidValue(_("--map {source}={target}: '{target}' is not something to import into; use one of: "
                                 "{targets}").format(source=source, target=target, targets=joined(targets)))
        try:
            profile_key(target)
        except InvalidValue as error:
            raise InvalidValue(f"--map {source}={target}: {error.message}") from None  # (the message is translated)
    mapping = {}
    for header in headers:
        clean = header.strip()
        if clean in overrides:
            mapping[header] = overrides[clean]
        elif clean.casefold() in known or clean in known:
            mapping[header] = known.get(clean) or known[clean.casefold()]
        elif profile_keys and "." in clean and _is_profile_key(clean):  # a dotted key, as our export writes
            mapping[header] = clean
    return mapping


def _is_profile_key(text: str) -> bool:
    try:
        profile_key(text)
    except InvalidValue:
        return False
    return True


def unused_columns(headers: Sequence[str], used: Iterable[str]) -> list[str]:
    """The columns an import leaves out (the report names them, so that nothing goes unseen)."""
    taken = set(used)
    return [header for header in headers if header.strip() and header not in taken]


def stage_of(text: str, stage_map: Mapping[str, str]) -> Stage | str:
    """A foreign stage value as ours (a Stage or 'lost'), through --stage-map first."""
    mapped = stage_map.get(text.strip(), stage_map.get(text.strip().casefold(), text))
    if mapped.strip().casefold() in LOST_WORDS:
        return "lost"
    try:
        return resolve_word(mapped, stage_words(), what="stage")
    except InvalidValue:
        raise InvalidValue(_("unknown stage '{text}' (map it with --stage-map '{text}=STAGE')").format(text=text)) \
            from None


def stage_dates(pairs: Mapping[str, str], headers: Sequence[str]) -> dict[str, Stage]:
    """--stage-dates COLUMN=STAGE: which column dates which stage (one before the close)."""
    found = {}
    for column, word in pairs.items():
        if column not in headers:
            raise InvalidValue(_("--stage-dates {column}={stage}: the file has no column '{column}'").format(
                column=column, stage=word))
        stage = resolve_word(word, stage_words(), what="stage")
        if stage.number >= Stage.CLOSE.number:
            raise InvalidValue(_("--stage-dates {column}={stage}: the close is dated by the closed column "
                                 "(close_date, 成交日期 …); name a stage before it").format(column=column, stage=word))
        found[column] = stage
    return found


def _records(rows: Sequence[Mapping[str, Any]], mapping: Mapping[str, str],
             numbers: Sequence[int] | None = None) -> Iterable[tuple[int, dict[str, str]]]:
    for number, raw in zip(_numbered(rows, numbers), rows):
        yield number, {mapping[key]: str(value).strip() for key, value in raw.items()
                       if key in mapping and value not in (None, "") and str(value).strip()}


def _numbered(rows: Sequence[Any], numbers: Sequence[int] | None) -> Sequence[int]:
    """Each row's number: as given (a spreadsheet's own), else 1, 2, 3 …"""
    return range(1, len(rows) + 1) if numbers is None else numbers


class _Finder:
    """Customers by id or by name as written in a row (each distinct reference looked up once)."""

    def __init__(self, customers: Sequence[Customer]) -> None:
        self.by_id = {c.id: c for c in customers}
        self.by_name = {fold_name(c.name): c for c in customers}
        self._known: dict[str, Customer | None] = {}

    def find(self, reference: str) -> Customer | None:
        if reference not in self._known:
            self._known[reference] = self.by_id.get(reference) or self.by_name.get(fold_name(reference))
        return self._known[reference]


# ---- customers ------------------------------------------------------------------------------

def plan_customers(rows: Sequence[Mapping[str, str]], mapping: Mapping[str, str], customers: Sequence[Customer], *,
                   config: Config, dating: Dating, stage_map: Mapping[str, str],
                   numbers: Sequence[int] | None = None) -> Plan:
    """Each row a customer: new ones are created; one matching by id or name gets only the values it
    lacks (the file wins where both have one). `numbers`: each row's number in the spreadsheet."""
    plan = Plan()
    finder = _Finder(customers)
    seen: dict[str, int] = {}
    several = 0
    for number, record in _records(rows, mapping, numbers):
        try:
            values, items = _customer_row(record, config=config, dating=dating, stage_map=stage_map)
        except InvalidValue as error:
            plan.skips.append(Skip(number, error.message))
            continue
        name = record["name"]
        existing = finder.by_id.get(record.get("id", "")) or finder.find(name)
        key = existing.id if existing else fold_name(name)
        if key in seen:
            plan.skips.append(Skip(number, _("the same customer as row {row}").format(row=seen[key])))
            continue
        seen[key] = number
        if existing is None:
            several += _count(record.get("deals")) > 1
            plan.creates.append(Create(number, name, values, items, record.get("id")))
        else:
            plan.updates[existing.id] = _update(existing, number, values)
    if several:
        plan.notes.append(ngettext(
            "{count} of the customers created had several deals: a row of one customer each keeps the current deal "
            "and the value won in all; `export --format xlsx` (or json) keeps every deal",
            "{count} of the customers created had several deals: a row of one customer each keeps the current deal "
            "and the value won in all; `export --format xlsx` (or json) keeps every deal",
            several).format(count=several))
    return plan


def _count(text: str | None) -> int:
    return int(float(text)) if text and text.replace(".", "", 1).isdigit() else 0


def _customer_row(record: Mapping[str, str], *, config: Config, dating: Dating,
                  stage_map: Mapping[str, str]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    if not record.get("name"):
        raise InvalidValue(_("no name"))
    values: dict[str, Any] = {}
    for key, text in record.items():
        if key in CLASSIFICATION:
            values[key] = config.vocabulary(key).resolve(text).key
        elif key not in ("id", "name", *DERIVED_COLUMNS):
            values[key] = _typed(key, text)
    return values, _history(record, dating, stage_map)


def _history(record: Mapping[str, str], dating: Dating, stage_map: Mapping[str, str]) -> list[dict[str, Any]]:
    """A row's stage, status, target and won value as the log that gives them (our export's round
    trip: `list` shows the same), dated at the row's last activity, else the import's date. A row
    without any is a customer without a deal of its own yet: `added` with no stage."""
    day = dating.day(record.get("last_activity")) or dating.default
    stage = stage_of(record["stage"], stage_map) if record.get("stage") else None
    status = _status(record.get("status"), stage)
    if stage == "lost":
        stage = None
    won = parse_money(record["won_value"]) if record.get("won_value") else None
    target = parse_money(record["target_value"]) if record.get("target_value") else None
    by = dating.day(record.get("target_date"))
    dating.check([day])
    if stage is None and status is None and won is None and target is None and by is None:
        return [event_item(EventKind.ADDED, day, FIRST_DEAL)]
    assert stage is None or isinstance(stage, Stage)
    if won is not None and status is not Status.WON:  # the value won before the current deal
        return [event_item(EventKind.ADDED, day, FIRST_DEAL, stage=Stage.PROSPECT.value),
                event_item(EventKind.WON, day, FIRST_DEAL, value=won),
                *_current_deal(day, "2", stage, status, won=won, target=target, by=by)]
    return _current_deal(day, FIRST_DEAL, stage, status, won=won, target=target, by=by)


def _current_deal(day: date, deal: str, stage: Stage | None, status: Status | None, *, won: Decimal | None,
                  target: Decimal | None, by: date | None) -> list[dict[str, Any]]:
    """The events of a row's current deal, all on `day`: added (the first deal) or opened, at its stage
    if open; its stage; its target; won or lost."""
    items = []
    opening = stage if stage and stage.number < Stage.CLOSE.number else Stage.PROSPECT
    kind = EventKind.ADDED if deal == FIRST_DEAL else EventKind.OPEN
    items.append(event_item(kind, day, deal, stage=opening.value))
    if stage and stage is not opening and status is not Status.WON:
        items.append(event_item(EventKind.STAGE, day, deal, stage=stage.value))
    if target is not None or by is not None:
        items.append(event_item(EventKind.TARGET, day, deal, value=target, by=by))
    if status is Status.WON:
        if won is None:
            raise InvalidValue(_("the row says the deal is won but gives no won value"))
        items.append(event_item(EventKind.WON, day, deal, value=won))
        if stage is Stage.SERVICE:
            items.append(event_item(EventKind.STAGE, day, deal, stage=Stage.SERVICE.value))
    elif status is Status.LOST:
        items.append(event_item(EventKind.LOST, day, deal, reason="imported as lost"))
    return items


def _status(text: str | None, stage: Stage | str | None) -> Status | None:
    if text:
        status = _STATUS_WORDS.get(text.strip().casefold())
        if status is None:
            raise InvalidValue(_("unknown status '{text}'; use open, won or lost").format(text=text))
        return status
    if stage == "lost":
        return Status.LOST
    return Status.WON if stage in (Stage.CLOSE, Stage.SERVICE) else None


def _typed(key: str, text: str) -> Any:
    """A cell as the file stores the field's value: counts and amounts as numbers (through the
    registry); a cell that is not one is kept as written — `check` points at it, nothing is lost."""
    field = profile.BY_KEY.get(key)
    if field is None or field.kind not in (profile.Kind.INTEGER, profile.Kind.AMOUNT):
        return text
    try:
        return field.parse(text.removesuffix(".0"), vocabularies={}, today=date.min)
    except InvalidValue:
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


# ---- whole records (our own JSON export) ----------------------------------------------------

def is_full_records(rows: Sequence[Mapping[str, Any]]) -> bool:
    """Whether JSON rows are whole customer records (`export --format json`): a profile and a log each."""
    return bool(rows) and all(isinstance(row.get("log"), list) and isinstance(row.get("profile"), Mapping)
                              for row in rows)


def plan_records(records: Sequence[Mapping[str, Any]], customers: Sequence[Customer], *, dating: Dating,
                 numbers: Sequence[int] | None = None) -> Plan:
    """Whole records as they were: each profile value and every event. A customer already in the
    folder gets the values it lacks and the events its log does not have yet."""
    plan = Plan()
    finder = _Finder(customers)
    seen: set[str] = set()
    for number, record in zip(_numbered(records, numbers), records):
        try:
            name, values, items = _whole(record, dating)
        except (InvalidValue, LogProblem, KeyError, TypeError, ValueError) as error:
            plan.skips.append(Skip(number, _("not a whole record: {problem}").format(problem=error)))
            continue
        existing = finder.by_id.get(str(record.get("id"))) or finder.find(name)
        key = existing.id if existing else fold_name(name)
        if key in seen:
            plan.skips.append(Skip(number, _("the same customer as an earlier record")))
            continue
        seen.add(key)
        if existing is None:
            plan.creates.append(Create(number, name, values, items, str(record["id"]) if record.get("id") else None))
        else:
            update = _update(existing, number, values)
            update.items = _new_events(existing, items)
            plan.updates[existing.id] = update
    return plan


def _whole(record: Mapping[str, Any], dating: Dating) -> tuple[str, dict[str, Any], list[dict[str, Any]]]:
    name = str(record.get("name") or record["profile"].get("name") or "").strip()
    if not name:
        raise InvalidValue(_("no name"))
    values = {key: value for key, value in _leaves(record["profile"]) if key not in ("id", "name")}
    items = [_event(entry, dating) for entry in record["log"]]
    for index, item in enumerate(items):
        event_from_item(item, index)  # refuses what a log cannot hold, naming it
    dating.check(item["date"] for item in items)
    return name, values, items


def _leaves(profile: Mapping[str, Any], prefix: str = "") -> Iterable[tuple[str, Any]]:
    """Profile values by dotted key; a list (the key people) is one value."""
    for key, value in profile.items():
        if isinstance(value, Mapping):
            yield from _leaves(value, f"{prefix}{key}.")
        elif value is not None:
            yield f"{prefix}{key}", _from_json(value)


def _from_json(value: Any) -> Any:
    """A JSON value as the file held it: dates were ISO text, amounts numbers."""
    if isinstance(value, list):
        return [_from_json(item) for item in value]
    if isinstance(value, Mapping):
        return {key: _from_json(item) for key, item in value.items()}
    if isinstance(value, float):
        return Decimal(str(value))
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value
    return value


# An event's keys in the order salescli's commands write them, so that a file comes back as it was.
_EVENT_KEYS = ("stage", "value", "by", "reason", "goal", "owner", "product", "note", "next", "project", "role")


def _event(entry: Mapping[str, Any], dating: Dating) -> dict[str, Any]:
    fields = {key: _from_json(entry[key]) for key in _EVENT_KEYS if entry.get(key) is not None}
    if isinstance(fields.get("value"), int):
        fields["value"] = Decimal(fields["value"])
    day = dating.day(str(entry["date"]))
    assert day is not None
    return event_item(EventKind(entry["event"]), day, str(entry.get("deal") or FIRST_DEAL), **fields)


def _new_events(customer: Customer, items: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The items the customer's log does not hold yet (as many times as the record has them)."""
    have = [replace(event, index=0) for event in customer.events]
    new = []
    for item in items:
        event = replace(event_from_item(item, 0), index=0)
        if event in have:
            have.remove(event)
        else:
            new.append(item)
    return new


# ---- deals ----------------------------------------------------------------------------------

def plan_deals(rows: Sequence[Mapping[str, str]], mapping: Mapping[str, str], customers: Sequence[Customer], *,
               dating: Dating, stage_map: Mapping[str, str], dated_stages: Mapping[str, Stage] | None = None,
               numbers: Sequence[int] | None = None) -> Plan:
    """Each row a deal of a customer found by id or name; its events keyed by the deal's name, at the
    dates the row gives: opened, each stage of --stage-dates, closed."""
    plan = Plan()
    finder = _Finder(customers)
    seen: set[tuple[str, str]] = set()
    dated = dict(dated_stages or {})
    for number, raw in zip(_numbered(rows, numbers), rows):
        record = {mapping[key]: str(value).strip() for key, value in raw.items()
                  if key in mapping and value not in (None, "") and str(value).strip()}
        try:
            reached = [(day, stage) for column, stage in dated.items()
                       if (day := dating.day(str(raw.get(column) or "").strip()))]
            customer, name, items = _deal_row(record, number, finder, reached, dating=dating, stage_map=stage_map)
        except InvalidValue as error:
            plan.skips.append(Skip(number, error.message))
            continue
        if _has_deal(customer, name) or (customer.id, name) in seen:
            plan.skips.append(Skip(number, _("deal '{deal}' of {customer} is already there").format(
                deal=name, customer=customer.name)))
            continue
        seen.add((customer.id, name))
        update = plan.updates.setdefault(customer.id, Update(customer))
        update.rows.append(number)
        update.items += items
    return plan


def _has_deal(customer: Customer, name: str) -> bool:
    """Whether the customer has that deal already (the tentative first deal of a bare `added` is none:
    an opportunity named "1" takes its place)."""
    if customer.deal(name) is None:
        return False
    return name != FIRST_DEAL or any(event.deal == FIRST_DEAL
                                     and not (event.kind is EventKind.ADDED and not event.stage)
                                     for event in customer.events if event.kind not in (EventKind.NOTE, EventKind.LINK))


def _deal_row(record: Mapping[str, str], number: int, finder: _Finder, reached: list[tuple[date, Stage]], *,
              dating: Dating, stage_map: Mapping[str, str]) -> tuple[Customer, str, list[dict[str, Any]]]:
    """A row's customer, deal name and events: opened, the stages reached (each dated in `reached`, or
    the row's stage when no date says it), its target, and won or lost."""
    customer = _row_customer(record, finder)
    name = record.get("deal") or f"import-{number}"
    stage = _row_stage(record, stage_map)
    opened, closed = dating.day(record.get("opened")), dating.day(record.get("closed"))
    reached.sort(key=lambda step: (step[0], step[1].number))
    _check_order(reached, closed)
    dating.check([opened, closed, *(day for day, _ in reached)])
    start = min([day for day in (opened, *(day for day, _ in reached)) if day] or [closed or dating.default])
    items = _stage_items(record, name, stage, start, reached, dating.default)
    if record.get("target_value") or record.get("target_date"):
        items.append(event_item(EventKind.TARGET, start, name,
                                value=parse_money(record["target_value"]) if record.get("target_value") else None,
                                by=dating.day(record.get("target_date"))))
    if stage in (Stage.CLOSE, Stage.SERVICE):
        value = parse_money(record["value"]) if record.get("value") else None
        if value is None:
            raise InvalidValue(_("won, but no value"))
        items.append(event_item(EventKind.WON, closed or start, name, value=value))
    elif stage == "lost":
        items.append(event_item(EventKind.LOST, closed or start, name, reason=record.get("reason") or "lost"))
    return customer, name, items


def _row_customer(record: Mapping[str, str], finder: _Finder) -> Customer:
    reference = record.get("customer")
    if not reference:
        raise InvalidValue(_("no customer"))
    customer = finder.find(reference)
    if customer is None:
        raise NotFound(_("no customer '{reference}' in the folder (import the customers first)").format(
            reference=reference))
    return customer


def _row_stage(record: Mapping[str, str], stage_map: Mapping[str, str]) -> Stage | str:
    """The stage a row's deal is at: its `stage` (prospect if none), close when its status says won,
    "lost" when it says lost."""
    stage = stage_of(record["stage"], stage_map) if record.get("stage") else Stage.PROSPECT
    status = _status(record.get("status"), None) if record.get("status") else None
    if status is Status.LOST:  # (our own export: a deal lost at the stage it had reached)
        return "lost"
    if status is Status.WON and isinstance(stage, Stage) and stage.number < Stage.CLOSE.number:
        return Stage.CLOSE
    return stage


def _stage_items(record: Mapping[str, str], name: str, stage: Stage | str, start: date,
                 reached: list[tuple[date, Stage]], default: date) -> list[dict[str, Any]]:
    """The deal opened on `start` (at the first stage reached then, else at the row's stage if it is
    open and no date says otherwise, else at prospect), then each stage reached, in order; then the row's
    stage of an open deal, on `default` (or after the last date), when the dates stop short of it."""
    open_deal = isinstance(stage, Stage) and stage.number < Stage.CLOSE.number
    first = reached.pop(0)[1] if reached and reached[0][0] == start else (
        stage if open_deal and not reached else Stage.PROSPECT)
    assert isinstance(first, Stage)
    items = [event_item(EventKind.OPEN, start, name, stage=first.value, owner=record.get("owner"),
                        product=record.get("product"), note=record.get("note"))]
    items += [event_item(EventKind.STAGE, day, name, stage=step.value) for day, step in reached]
    last = (reached[-1][1] if reached else first)
    if isinstance(stage, Stage) and open_deal and stage is not last:  # the row's stage, beyond the dates
        items.append(event_item(EventKind.STAGE, max(default, reached[-1][0] if reached else start), name,
                                stage=stage.value))
    return items


def _check_order(reached: Sequence[tuple[date, Stage]], closed: date | None) -> None:
    for day, stage in reached:
        if closed is not None and day > closed:
            raise InvalidValue(_("it reached {stage} on {date}, after it closed ({closed})").format(
                stage=stage.label(language()), date=day, closed=closed))


# ---- the team table -------------------------------------------------------------------------

@dataclass
class TeamPlan:
    added: dict[str, dict[str, str]] = field(default_factory=dict)  # rep → {manager, office}: new entries
    same: list[str] = field(default_factory=list)  # reps the table has already, as the file says
    kept: list[str] = field(default_factory=list)  # reps the table has otherwise: salescli.yaml wins
    skips: list[Skip] = field(default_factory=list)


def plan_team(rows: Sequence[Mapping[str, str]], mapping: Mapping[str, str], team: Team,
              numbers: Sequence[int] | None = None) -> TeamPlan:
    """Each row a rep with their manager and office; a rep already in the team table keeps its entry."""
    plan = TeamPlan()
    for number, record in _records(rows, mapping, numbers):
        rep = record.get("rep")
        if not rep:
            plan.skips.append(Skip(number, _("no rep")))
            continue
        entry = {key: record[key] for key in TEAM_KEYS if record.get(key)}
        try:
            new = team_member(entry)
        except ConfigProblem as problem:
            plan.skips.append(Skip(number, str(problem)))
            continue
        member = team.member(rep)
        if rep in plan.added or member is not None:
            same = member == new if member else plan.added[rep] == entry
            (plan.same if same else plan.kept).append(rep)
            continue
        plan.added[rep] = entry
    return plan


def parse_pairs(pairs: Sequence[str], option: str) -> dict[str, str]:
    """`A=b` pairs (repeated or comma-separated) as a dict."""
    found = {}
    for pair in (part for text in pairs for part in text.split(",") if part.strip()):
        source, separator, target = pair.partition("=")
        if not separator or not source.strip() or not target.strip():
            raise InvalidValue(_("{option} takes FROM=TO pairs, not '{pair}'").format(option=option, pair=pair))
        found[source.strip()] = target.strip()
    return found



# ---- the price list -----------------------------------------------------------------------------

PRODUCT_TARGETS = ("product", "price", "aliases")
PRODUCT_HEADERS: Mapping[str, str] = {
    **{column: column for column in PRODUCT_TARGETS},
    "name": "product", "产品": "product", "产品名称": "product", "名称": "product", "sales_price": "price",
    "list_price": "price", "unit_price": "price", "价格": "price", "单价": "price", "售价": "price", "价目": "price",
    "标价": "price", "alias": "aliases", "别名": "aliases",
}
ALIAS_SEPARATORS = re.compile(r"\s*[;；|、]\s*")


@dataclass
class ProductPlan:
    added: dict[str, Any] = field(default_factory=dict)  # name → price, or {price, aliases}, as salescli.yaml takes it
    same: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # in the price list already, at another price or with other aliases
    skips: list[Skip] = field(default_factory=list)


def plan_products(rows: Sequence[Mapping[str, str]], mapping: Mapping[str, str], prices: PriceList,
                  numbers: Sequence[int] | None = None) -> ProductPlan:
    """Each row a product with its list price (and other names, separated by ; | 、); a product already in
    the price list keeps its entry. A row without a name, with a price that is not a positive amount, or
    naming a product an earlier row named, is skipped with the reason."""
    plan = ProductPlan()
    first_row: dict[str, int] = {}
    for number, record in _records(rows, mapping, numbers):
        name = record.get("product")
        if not name:
            plan.skips.append(Skip(number, _("no product name")))
            continue
        folded = fold_product(name)
        if folded in first_row:
            plan.skips.append(Skip(number, _("{product} again (row {row} named it first)").format(
                product=name, row=first_row[folded])))
            continue
        first_row[folded] = number
        try:
            price = parse_money(record.get("price") or "")
        except InvalidValue as error:
            plan.skips.append(Skip(number, error.message if record.get("price") else _("no price")))
            continue
        if price <= 0:
            plan.skips.append(Skip(number, _("the price {price} is not above 0").format(price=record.get("price"))))
            continue
        aliases = [alias for alias in ALIAS_SEPARATORS.split(record.get("aliases") or "") if alias]
        written = int(price) if price == price.to_integral_value() else str(price)
        entry: Any = {"price": written, "aliases": aliases} if aliases else written
        existing = prices.find(name)
        if existing is not None:
            same = existing.price == price and set(aliases) <= set(existing.aliases)
            (plan.same if same else plan.kept).append(existing.name)
            continue
        plan.added[name] = entry
    return plan
