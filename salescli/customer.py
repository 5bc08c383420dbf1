"""A customer: its profile and the deals derived from its append-only log. Pure: no files here."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
import datetime as dt
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any, Iterable, Mapping

from salescli.errors import UsageError
from salescli.stages import Stage, stage_words
from salescli.vocab import resolve_word

FIRST_DEAL = "1"  # events without a `deal:` key belong to the customer's first deal


class EventKind(str, Enum):
    ADDED = "added"  # the customer entered the folder; opens the first deal
    OPEN = "open"  # a further deal starts (a repeat purchase, a second product)
    STAGE = "stage"  # the deal moved to `stage`
    WON = "won"  # closed (促成) with `value`
    LOST = "lost"  # ended with `reason`
    REOPEN = "reopen"  # a won or lost deal is open again
    VISIT = "visit"  # a customer visit, with `goal`, `note`, `next`
    TARGET = "target"  # close target: `value` by date `by`
    NOTE = "note"
    LINK = "link"  # the customer is a party (`role`) to another `project` too


class Status(str, Enum):
    OPEN = "open"
    WON = "won"
    LOST = "lost"


@dataclass(frozen=True)
class Event:
    date: dt.date
    kind: EventKind
    deal: str = FIRST_DEAL
    stage: Stage | None = None
    value: Decimal | None = None
    by: dt.date | None = None
    next: dt.date | None = None
    reason: str | None = None
    goal: str | None = None
    note: str | None = None
    project: str | None = None
    role: str | None = None
    index: int = 0  # position in the file's log, for messages


@dataclass(frozen=True)
class Deal:
    """One sale to a customer, as its events have shaped it so far."""

    name: str
    opened: date
    stage: Stage = Stage.PROSPECT
    status: Status = Status.OPEN
    target_value: Decimal | None = None
    target_date: date | None = None
    won_value: Decimal | None = None
    won_date: date | None = None
    lost_reason: str | None = None
    lost_date: date | None = None
    stage_since: date | None = None
    furthest: Stage = Stage.PROSPECT  # the furthest stage it ever reached
    next_visit: date | None = None
    last_event: date | None = None

    @property
    def is_open(self) -> bool:
        return self.status is Status.OPEN


@dataclass(frozen=True)
class Customer:
    id: str
    name: str
    profile: Mapping[str, Any]
    events: tuple[Event, ...]
    deals: tuple[Deal, ...] = field(default=())
    path: Path | None = field(default=None, compare=False)  # the file it was read from

    def deal(self, name: str) -> Deal | None:
        return next((deal for deal in self.deals if deal.name == name), None)

    @property
    def open_deals(self) -> tuple[Deal, ...]:
        return tuple(deal for deal in self.deals if deal.is_open)

    @property
    def current_deal(self) -> Deal | None:
        """The deal a row in `list` stands for: the open one (the furthest on, if several),
        else the one that changed last."""
        if self.open_deals:
            return max(self.open_deals, key=lambda deal: (deal.stage.number, deal.opened))
        if self.deals:
            return max(self.deals, key=lambda deal: (deal.last_event or deal.opened, deal.opened))
        return None

    @property
    def projects(self) -> tuple[str, ...]:
        """Its own project and those it was linked to (a site sign board naming it), in order."""
        found = [str(self.get("project"))] if self.get("project") else []
        found += [event.project for event in self.events if event.kind is EventKind.LINK and event.project]
        return tuple(dict.fromkeys(found))

    def role_in(self, project: str) -> str | None:
        """Its tendering role on `project`: from the link event if it has one, else its profile role."""
        linked = [event.role for event in self.events if event.kind is EventKind.LINK and event.project == project]
        return next((role for role in reversed(linked) if role), None) or self.get("role")

    @property
    def last_activity(self) -> date | None:
        return max((event.date for event in self.events), default=None)

    def get(self, key: str) -> Any:
        """A profile value by dotted key (`contact.person`); None when absent or empty."""
        value: Any = self.profile
        for part in key.split("."):
            if not isinstance(value, Mapping):
                return None
            value = value.get(part)
        return None if value == "" else value


class LogProblem(ValueError):
    """A problem in one place of a customer document; `where` is the key path to it."""

    def __init__(self, message: str, where: tuple[str | int, ...]) -> None:
        super().__init__(message)
        self.where = where


def customer_from_document(document: Any, *, file_id: str, path: Path | None = None) -> Customer:
    """Build a Customer from a loaded YAML document; raise LogProblem naming the bad place."""
    if not isinstance(document, Mapping):
        raise LogProblem("a customer file must be a mapping of keys (name:, log:, …)", ())
    name = document.get("name")
    if name is None or str(name).strip() == "":
        raise LogProblem("the customer has no name; add `name: …`", ("name",))
    log = document.get("log")
    if log is None:
        log = []
    if not isinstance(log, list):
        raise LogProblem("`log:` must be a list of events (`- {date: …, event: …}`)", ("log",))
    events = tuple(event_from_item(item, index) for index, item in enumerate(log))
    profile = {key: value for key, value in document.items() if key != "log"}
    # The file name is the id; an `id:` key inside is for readers (and `check`), never trusted for paths.
    return Customer(file_id, str(name).strip(), profile, events, derive_deals(events), path)


def event_from_item(item: Any, index: int) -> Event:
    """One log entry as an Event; raise LogProblem naming the bad key."""
    where: tuple[str | int, ...] = ("log", index)
    if not isinstance(item, Mapping):
        raise LogProblem("a log event must be a mapping like {date: 2026-11-26, event: note}", where)
    try:
        kind = EventKind(str(item.get("event", "")).strip())
    except ValueError:
        kinds = ", ".join(kind.value for kind in EventKind)
        raise LogProblem(f"unknown event '{item.get('event')}'; use one of: {kinds}", (*where, "event")) from None
    return Event(
        date=_date(item.get("date"), (*where, "date"), required=True),  # type: ignore[arg-type]
        kind=kind,
        deal=str(item["deal"]) if item.get("deal") not in (None, "") else FIRST_DEAL,
        stage=_stage(item.get("stage"), (*where, "stage")),
        value=_money(item.get("value"), (*where, "value")),
        by=_date(item.get("by"), (*where, "by")),
        next=_date(item.get("next"), (*where, "next")),
        reason=_text(item.get("reason")),
        goal=_text(item.get("goal")),
        note=_text(item.get("note")),
        project=_text(item.get("project")),
        role=_text(item.get("role")),
        index=index,
    )


def _date(value: Any, where: tuple[str | int, ...], *, required: bool = False) -> date | None:
    if value is None or value == "":
        if required:
            raise LogProblem("the event has no date; write `date: YYYY-MM-DD`", where[:-1])
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raise LogProblem(f"'{value}' is not a date; write YYYY-MM-DD", where)


def _stage(value: Any, where: tuple[str | int, ...]) -> Stage | None:
    if value is None or value == "":
        return None
    try:
        return resolve_word(str(value), stage_words(), what="stage")
    except UsageError as error:
        raise LogProblem(error.message, where) from None


def _money(value: Any, where: tuple[str | int, ...]) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise LogProblem(f"'{value}' is not an amount", where)
    if isinstance(value, (int, float)):
        return Decimal(str(value))
    from salescli.parsing import parse_money

    try:
        return parse_money(str(value))
    except UsageError as error:
        raise LogProblem(error.message, where) from None


def _text(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


_NOT_ABOUT_A_DEAL = (EventKind.NOTE, EventKind.LINK)  # these neither open nor change a deal


def derive_deals(events: Iterable[Event]) -> tuple[Deal, ...]:
    """Replay the log in date order (file order within a day) into the state of each deal."""
    deals: dict[str, Deal] = {}
    for event in sorted(events, key=lambda event: event.date):
        if event.kind in _NOT_ABOUT_A_DEAL:
            continue
        deal = deals.get(event.deal) or Deal(event.deal, opened=event.date, stage_since=event.date)
        deals[event.deal] = replace(_apply(deal, event), last_event=event.date)
    return tuple(deals.values())


def _apply(deal: Deal, event: Event) -> Deal:
    kind = event.kind
    if kind in (EventKind.ADDED, EventKind.OPEN, EventKind.STAGE) and event.stage:
        return _move(deal, event.stage, event.date)
    if kind is EventKind.WON:
        deal = _move(deal, Stage.CLOSE, event.date)
        return replace(deal, status=Status.WON, won_value=event.value, won_date=event.date)
    if kind is EventKind.LOST:
        return replace(deal, status=Status.LOST, lost_reason=event.reason, lost_date=event.date)
    if kind is EventKind.REOPEN:
        deal = replace(deal, status=Status.OPEN, won_value=None, won_date=None, lost_reason=None, lost_date=None)
        return _move(deal, event.stage, event.date) if event.stage else deal
    if kind is EventKind.TARGET:
        return replace(deal, target_value=event.value or deal.target_value, target_date=event.by or deal.target_date)
    if kind is EventKind.VISIT:
        return replace(deal, next_visit=event.next)
    return deal


def _move(deal: Deal, stage: Stage, when: date) -> Deal:
    if stage == deal.stage:
        return deal
    furthest = stage if stage.number > deal.furthest.number else deal.furthest
    return replace(deal, stage=stage, stage_since=when, furthest=furthest)


def as_of(customer: Customer, day: date) -> Customer:
    """The customer as its log stood before `day`: only events dated earlier count."""
    events = tuple(event for event in customer.events if event.date < day)
    return replace(customer, events=events, deals=derive_deals(events))
