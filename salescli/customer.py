"""A customer: its profile and the deals derived from its append-only log. Pure: no files here."""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from bisect import bisect_right
from collections import abc
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any, Iterable, Mapping, NamedTuple, Sequence

from salescli.errors import InvalidValue, LogProblem
from salescli.i18n import C_, _, joined, pgettext
from salescli.parsing import FIRST_DAY, LAST_DAY, MAX_AMOUNT, YEARS, parse_money, too_large
from salescli.stages import Stage, stage_words
from salescli.vocab import resolve_word

FIRST_DEAL = "1"  # events without a `deal:` key belong to the customer's first deal


class EventKind(str, Enum):
    ADDED = "added"  # the customer entered the folder; with a stage, opens the first deal (see derive_deals)
    OPEN = "open"  # a further deal starts (a repeat purchase, a second product)
    STAGE = "stage"  # the deal moved to `stage`
    WON = "won"  # closed (促成) with `value`
    LOST = "lost"  # ended with `reason`
    REOPEN = "reopen"  # a won or lost deal is open again
    VISIT = "visit"  # a customer visit, with `goal`, `note`, `next`
    TARGET = "target"  # close target: `value` by date `by`
    NOTE = "note"
    LINK = "link"  # the customer is a party (`role`) to another `project` too


EVENT_WORDS = {EventKind.ADDED: C_("event", "added"), EventKind.OPEN: C_("event", "open"),
                EventKind.STAGE: C_("event", "stage"), EventKind.WON: C_("event", "won"),
                EventKind.LOST: C_("event", "lost"), EventKind.REOPEN: C_("event", "reopen"),
                EventKind.VISIT: C_("event", "visit"), EventKind.TARGET: C_("event", "target"),
                EventKind.NOTE: C_("event", "note"), EventKind.LINK: C_("event", "link")}


def event_name(kind: EventKind) -> str:
    """What an event is called in the log's view, in the current language (the file keeps the key)."""
    return pgettext("event", EVENT_WORDS[kind])


class Status(str, Enum):
    OPEN = "open"
    WON = "won"
    LOST = "lost"


STATUS_WORDS = {Status.OPEN: C_("status", "open"), Status.WON: C_("status", "won"), Status.LOST: C_("status", "lost")}


def status_name(status: Status) -> str:
    """`won` (成交) …, in the current language."""
    return pgettext("status", STATUS_WORDS[status])


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
    owner: str | None = None  # the rep who owns the deal (a CRM's sales agent), when not the customer's owner
    product: str | None = None  # what the deal sells
    index: int = 0  # position in the file's log, for messages


class Deal(NamedTuple):
    """One sale to a customer, as its events have shaped it so far (a tuple: a folder holds many)."""

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
    owner: str | None = None  # set by an event of the deal with `owner:` (the latest one counts)
    product: str | None = None
    # Its history, in date order, so that a figure as of an earlier day needs no replay of the log (see
    # `at`): the stages it entered, its targets, its outcomes. Kept compact — days as ordinals, stages and
    # statuses by number, amounts as text — for reading a folder costs no more for it; the properties
    # below read it.
    stage_log: tuple[int, ...] = ()  # day, stage number, day, stage number …
    target_log: tuple[int, ...] = ()  # day, `by` day (0: none) … of each target event
    target_amounts: tuple[str, ...] = ()  # the target value after each target event ("": none)
    outcome_log: tuple[int, ...] = ()  # day, status number … of each won, lost and reopen event
    outcome_amounts: tuple[str, ...] = ()  # the value won ("": none; lost and reopen)

    @property
    def stage_days(self) -> tuple[date, ...]:
        return tuple(map(_DAY, self.stage_log[::2]))

    @property
    def stages(self) -> tuple[Stage, ...]:
        return tuple(STAGE_OF_NUMBER[number] for number in self.stage_log[1::2])

    @property
    def target_values(self) -> tuple[Decimal | None, ...]:
        return tuple(Decimal(amount) if amount else None for amount in self.target_amounts)

    @property
    def outcomes(self) -> tuple[Status, ...]:
        return tuple(_STATUS_OF[number] for number in self.outcome_log[1::2])

    @property
    def outcome_values(self) -> tuple[Decimal | None, ...]:
        return tuple(Decimal(amount) if amount else None for amount in self.outcome_amounts)

    @property
    def is_open(self) -> bool:
        return self.status is Status.OPEN

    @property
    def closed(self) -> date | None:
        """The day it was won or lost; None while open."""
        return self.won_date if self.status is Status.WON else self.lost_date if self.status is Status.LOST else None

    def state(self) -> dict[str, Any]:
        """What the deal is now, by field (its history left out)."""
        return {name: value for name, value in zip(_STATE_FIELDS, self)}

    def stays(self) -> list[tuple[Stage, date, date | None]]:
        """Each stay in a stage, from its log: the stage, the day the deal entered it and the day it left
        it — moved on, won or lost (None: it is there still). A deal opens at prospect unless its first
        event names another stage; the move to the close that a won event makes is the decision, not a
        stay."""
        starts = list(zip(self.stages, self.stage_days))
        if not starts or starts[0][1] > self.opened:
            starts.insert(0, (Stage.PROSPECT, self.opened))
        if self.status is Status.WON and len(starts) > 1 and starts[-1] == (Stage.CLOSE, self.won_date):
            starts.pop()
        ends = [start for _stage, start in starts[1:]] + [self.closed]
        return [(stage, start, end) for (stage, start), end in zip(starts, ends)]

    @property
    def reached(self) -> tuple[Stage, ...]:
        """The stages its log took it into, in order, each once: a deal won from approach passed
        approach and the close, nothing between."""
        won = (Stage.CLOSE,) if self.status is Status.WON else ()
        return tuple(dict.fromkeys((*(stage for stage, _start, _end in self.stays()), *won)))

    def at(self, day: date) -> Deal | None:
        """The deal as it stood at the end of `day` (its events dated on or before it); None when it
        had not opened. Quick: read off its history, as replaying the log up to `day` would give it."""
        if day >= (self.last_event or self.opened):
            return self
        if day < self.opened:
            return None
        moves = bisect_right(self.stage_log[::2], day.toordinal())
        targets = bisect_right(self.target_log[::2], day.toordinal())
        decisions = bisect_right(self.outcome_log[::2], day.toordinal())
        stages = self.stages[:moves]
        status = self.outcomes[decisions - 1] if decisions else Status.OPEN
        decided = _DAY(self.outcome_log[2 * decisions - 2]) if decisions else None
        won, lost = status is Status.WON, status is Status.LOST
        target_on = self.target_log[2 * targets - 1] if targets else 0
        return self._replace(
            stage=stages[-1] if stages else Stage.PROSPECT, status=status,
            target_value=self.target_values[targets - 1] if targets else None,
            target_date=_DAY(target_on) if target_on else None,
            won_value=self.outcome_values[decisions - 1] if won else None,
            won_date=decided if won else None,
            lost_reason=self.lost_reason if lost else None,  # (the latest reason: a reason is not history)
            lost_date=decided if lost else None,
            stage_since=_DAY(self.stage_log[2 * moves - 2]) if moves else self.opened,
            furthest=max(stages, key=_NUMBER.__getitem__, default=Stage.PROSPECT),
            last_event=day, stage_log=self.stage_log[:2 * moves], target_log=self.target_log[:2 * targets],
            target_amounts=self.target_amounts[:targets], outcome_log=self.outcome_log[:2 * decisions],
            outcome_amounts=self.outcome_amounts[:decisions])


@dataclass(frozen=True)
class Customer:
    id: str
    name: str
    profile: Mapping[str, Any]
    events: Sequence[Event]  # a tuple, or the parse cache's records.LazyEvents
    deals: tuple[Deal, ...] = field(default=())
    path: Path | None = field(default=None, compare=False)  # the file it was read from
    # Derived from the events, kept apart so that lists and forecasts need not build every event:
    last_activity: date | None = field(default=None, compare=False)
    first_seen: date | None = field(default=None, compare=False)
    visit_days: tuple[date, ...] = field(default=(), compare=False)  # days with a visit, in log order
    link_projects: tuple[str, ...] = field(default=(), compare=False)  # the projects of its link events, in order
    link_roles: tuple[str | None, ...] = field(default=(), compare=False)  # and the role each names
    owner: str | None = field(default=None, compare=False)  # the profile's owner (a forecast asks it of every deal)

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
        if self.deals:  # (on a tie, the one opened later in the log)
            return max(reversed(self.deals), key=lambda deal: (deal.last_event or deal.opened, deal.opened))
        return None

    @property
    def projects(self) -> tuple[str, ...]:
        """Its own project and those it was linked to (a site sign board naming it), in order."""
        found = [str(self.get("project"))] if self.get("project") else []
        return tuple(dict.fromkeys((*found, *self.link_projects)))

    def role_in(self, project: str) -> str | None:
        """Its tendering role on `project`: from the link event if it has one, else its profile role."""
        linked = [role for linked, role in zip(self.link_projects, self.link_roles) if linked == project]
        return next((role for role in reversed(linked) if role), None) or self.get("role")

    def get(self, key: str) -> Any:
        """A profile value by dotted key (`contact.person`); None when absent or empty."""
        if "." not in key:  # the common case, and a hot path in lists of thousands
            value = self.profile.get(key)
            return None if value == "" else value
        first, *more = key.split(".")
        value = self.profile.get(first)
        for part in more:
            if type(value) is not dict and not isinstance(value, abc.Mapping):  # (typing's isinstance is slow)
                return None
            value = value.get(part)
        return None if value == "" else value


def deal_owner(customer: Customer, deal: Deal | None) -> str | None:
    """Who owns a deal: the rep its events name (a CRM's sales agent), else the customer's owner."""
    return (deal.owner if deal else None) or customer.owner


def fold_name(name: str) -> str:
    """A name as duplicates are spotted: case, spaces and full-width forms ignored."""
    return "".join(unicodedata.normalize("NFKC", name).casefold().split())


def customer_from_document(document: Any, *, file_id: str, path: Path | None = None) -> Customer:
    """Build a Customer from a loaded YAML document; raise LogProblem naming the bad place."""
    if not isinstance(document, Mapping):
        raise LogProblem(_("a customer file must be a mapping of keys (name:, log:, …)"), ())
    name = document.get("name")
    if name is None or str(name).strip() == "":
        raise LogProblem(_("the customer has no name; add `name: …`"), ("name",))
    log = document.get("log")
    if log is None:
        log = []
    if not isinstance(log, list):
        raise LogProblem(_("`log:` must be a list of events (`- {date: …, event: …}`)"), ("log",))
    events = tuple(event_from_item(item, index) for index, item in enumerate(log))
    profile = {key: value for key, value in document.items() if key != "log"}
    # The file name is the id; an `id:` key inside is for readers (and `check`), never trusted for paths.
    owner = profile.get("owner")
    return with_events(Customer(file_id, str(name).strip(), profile, events, path=path,
                                owner=None if owner is None or owner == "" else str(owner)), events)


def with_events(customer: Customer, events: tuple[Event, ...]) -> Customer:
    """`customer` with these events and everything derived from them."""
    projects, roles = _links(events)
    return replace(
        customer,
        events=events,
        deals=derive_deals(events),
        last_activity=max((event.date for event in events), default=None),
        first_seen=min((event.date for event in events), default=None),
        visit_days=tuple(event.date for event in events if event.kind is EventKind.VISIT),
        link_projects=projects,
        link_roles=roles,
    )


def _links(events: Sequence[Event]) -> tuple[tuple[str, ...], tuple[str | None, ...]]:
    """The projects of the link events (a site sign board naming the customer), in log order, and the
    role each names."""
    links = [(event.project, event.role) for event in events if event.kind is EventKind.LINK and event.project]
    return tuple(project for project, _role in links), tuple(role for _project, role in links)


def appended(customer: Customer, items: Sequence[Mapping[str, Any]]) -> Customer:
    """`customer` with `items` (as a file reads them) added at the end of its log, in that order.
    Items dated no earlier than every event update the deals as they stand (a long log need not be
    replayed); others replay it all."""
    start = len(customer.events)
    added = tuple(event_from_item(item, start + offset) for offset, item in enumerate(items))
    latest = customer.last_activity
    known = {deal.name for deal in customer.deals}
    if latest is None or any(event.date < latest for event in added) \
            or any(later.date < earlier.date for earlier, later in zip(added, added[1:])) \
            or any(event.deal not in known or event.kind is EventKind.OPEN for event in added
                   if event.kind not in _NOT_ABOUT_A_DEAL):
        return with_events(customer, (*customer.events, *added))
    extend = getattr(customer.events, "extended", None)  # a log the parse cache keeps packed stays packed
    events = extend(added) if extend is not None else (*customer.events, *added)
    projects, roles = _links(added)
    return replace(
        customer,
        events=events,
        deals=_replayed({deal.name: deal._asdict() for deal in customer.deals}, added),
        last_activity=max(event.date for event in added),
        first_seen=customer.first_seen or min(event.date for event in added),
        visit_days=(*customer.visit_days, *(event.date for event in added if event.kind is EventKind.VISIT)),
        link_projects=(*customer.link_projects, *projects),
        link_roles=(*customer.link_roles, *roles),
    )


def event_from_item(item: Any, index: int) -> Event:
    """One log entry as an Event; raise LogProblem naming the bad key."""
    if type(item) is not dict and not isinstance(item, Mapping):  # (typing's isinstance is slow: dicts first)
        raise LogProblem(_("a log event must be a mapping like {date: 2026-11-26, event: note}"), ("log", index))
    get = item.get
    event = get("event")
    kind = (_KINDS.get(event) if type(event) is str else None) or _kind(event, index)  # a key as written, mostly
    day = get("date")
    deal = get("deal")
    return Event(
        date=day if type(day) is date and FIRST_DAY <= day <= LAST_DAY  # type: ignore[arg-type]
        else _date(day, ("log", index, "date"), required=True),
        kind=kind,
        deal=FIRST_DEAL if deal is None or deal == "" else str(deal),
        stage=_stage(get("stage"), index),
        value=_money(get("value"), ("log", index, "value")),
        by=_optional_date(get("by"), index, "by"),
        next=_optional_date(get("next"), index, "next"),
        reason=_text(get("reason")),
        goal=_text(get("goal")),
        note=_text(get("note")),
        project=_text(get("project")),
        role=_text(get("role")),
        owner=_text(get("owner")),
        product=_text(get("product")),
        index=index,
    )


_KINDS = {kind.value: kind for kind in EventKind}


def _kind(value: Any, index: int) -> EventKind:
    try:
        return EventKind(str(value if value is not None else "").strip())
    except ValueError:
        kinds = joined(kind.value for kind in EventKind)
        raise LogProblem(_("unknown event '{event}'; use one of: {kinds}").format(event=value, kinds=kinds),
                         ("log", index, "event")) from None


def _optional_date(value: Any, index: int, key: str) -> date | None:
    if value is None or type(value) is date and FIRST_DAY <= value <= LAST_DAY:
        return value  # type: ignore[no-any-return]
    return _date(value, ("log", index, key))


def _date(value: Any, where: tuple[str | int, ...], *, required: bool = False) -> date | None:
    if value is None or value == "":
        if required:
            raise LogProblem(_("the event has no date; write `date: YYYY-MM-DD`"), where[:-1])
        return None
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        if not FIRST_DAY <= value <= LAST_DAY:
            raise LogProblem(_("{date} is outside the years salescli works with ({years})").format(
                date=value, years=YEARS), where)
        return value
    raise LogProblem(_("'{value}' is not a date; write YYYY-MM-DD").format(value=value), where)


def _stage(value: Any, index: int) -> Stage | None:
    if value is None or value == "":
        return None
    if type(value) is str and value in STAGE_BY_KEY:  # the common case: the key as salescli writes it
        return STAGE_BY_KEY[value]
    try:
        return resolve_word(str(value), stage_words(), what="stage")
    except InvalidValue as error:
        raise LogProblem(error.message, ("log", index, "stage")) from None


STAGE_BY_KEY = {stage.value: stage for stage in Stage}


def _money(value: Any, where: tuple[str | int, ...]) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise LogProblem(_("'{value}' is not an amount").format(value=value), where)
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            raise LogProblem(_("'{value}' is not an amount").format(value=value), where)
        if abs(value) > MAX_AMOUNT:
            raise LogProblem(too_large(value), where)
        return Decimal(str(value))
    try:
        return parse_money(str(value))
    except InvalidValue as error:
        raise LogProblem(error.message, where) from None


def _text(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


_NOT_ABOUT_A_DEAL = (EventKind.NOTE, EventKind.LINK)  # these neither open nor change a deal


def derive_deals(events: Iterable[Event]) -> tuple[Deal, ...]:
    """Replay the log in date order (file order within a day) into the state of each deal.

    An `added` event without a stage records that the customer entered the folder (an account
    import, a site sign board), not a deal: the first deal it opens is tentative. It stays while it
    is the customer's only deal (a new prospect is still a prospect) or once any event of its own
    follows (a visit, a target, an advance without `deal:`); it is dropped when deals of their own
    (`open` events with `deal:`) are all the customer has.
    """
    states: dict[str, dict[str, Any]] = {}
    tentative = False
    for event in sorted(events, key=_date_of):
        if event.kind in _NOT_ABOUT_A_DEAL:
            continue
        if event.deal not in states:
            tentative = tentative or (_just_added(event) and event.deal == FIRST_DEAL)
        elif tentative and event.deal == FIRST_DEAL and not _just_added(event):
            tentative = False
            if event.kind is EventKind.OPEN:  # a deal of its own named "1": it starts here
                states[FIRST_DEAL].update(opened=event.date, stage_since=event.date)
        _step(states, event)
    if tentative and len(states) > 1:
        del states[FIRST_DEAL]
    return tuple(Deal(**state) for state in states.values())


def _replayed(states: dict[str, dict[str, Any]], events: Iterable[Event]) -> tuple[Deal, ...]:
    """The deals (`states`: as they stood, by name) after `events`, in date order — events of the
    deals there, opening none (`appended` replays the whole log otherwise: a first deal may be tentative)."""
    for event in events:
        if event.kind not in _NOT_ABOUT_A_DEAL:
            _step(states, event)
    return tuple(Deal(**state) for state in states.values())


def _step(states: dict[str, dict[str, Any]], event: Event) -> None:
    """Apply one event to the state of its deal (made when it is the deal's first)."""
    state = states.get(event.deal)
    if state is None:
        state = states[event.deal] = {"name": event.deal, "opened": event.date, "stage": Stage.PROSPECT,
                                      "stage_since": event.date, "furthest": Stage.PROSPECT}
    _apply(state, event)
    state["last_event"] = event.date


def _just_added(event: Event) -> bool:
    return event.kind is EventKind.ADDED and event.stage is None


def _date_of(event: Event) -> dt.date:
    return event.date


def _apply(deal: dict[str, Any], event: Event) -> None:
    """Change one deal's state (a dict, for speed: this runs for every event of every file)."""
    kind = event.kind
    if event.owner is not None:
        deal["owner"] = event.owner
    if event.product is not None:
        deal["product"] = event.product
    if kind is EventKind.VISIT:  # an agreed visit stands until a visit on or after its day (or a new agreement)
        agreed = deal.get("next_visit")
        if event.next is not None or agreed is None or event.date >= agreed:
            deal["next_visit"] = event.next
    elif kind in (EventKind.ADDED, EventKind.OPEN, EventKind.STAGE):
        if event.stage:
            _move(deal, event.stage, event.date)
    elif kind is EventKind.TARGET:
        deal["target_value"] = value = event.value or deal.get("target_value")
        deal["target_date"] = by = event.by or deal.get("target_date")
        _remember(deal, target_log=(event.date.toordinal(), by.toordinal() if by else 0),
                  target_amounts=(str(value) if value is not None else "",))
    elif kind is EventKind.WON:
        _move(deal, Stage.CLOSE, event.date)
        deal.update(status=Status.WON, won_value=event.value, won_date=event.date)
        _remember(deal, outcome_log=(event.date.toordinal(), STATUS_NUMBER[Status.WON]),
                  outcome_amounts=(str(event.value) if event.value is not None else "",))
    elif kind is EventKind.LOST:
        deal.update(status=Status.LOST, lost_reason=event.reason, lost_date=event.date)
        _remember(deal, outcome_log=(event.date.toordinal(), STATUS_NUMBER[Status.LOST]), outcome_amounts=("",))
    elif kind is EventKind.REOPEN:
        deal.update(status=Status.OPEN, won_value=None, won_date=None, lost_reason=None, lost_date=None)
        _remember(deal, outcome_log=(event.date.toordinal(), STATUS_NUMBER[Status.OPEN]), outcome_amounts=("",))
        if event.stage:
            _move(deal, event.stage, event.date)


def _move(deal: dict[str, Any], stage: Stage, when: date) -> None:
    if stage is deal["stage"]:
        return
    deal["stage"], deal["stage_since"] = stage, when
    _remember(deal, stage_log=(when.toordinal(), _NUMBER[stage]))
    if _NUMBER[stage] > _NUMBER[deal["furthest"]]:
        deal["furthest"] = stage


def _remember(deal: dict[str, Any], **entries: tuple[Any, ...]) -> None:
    """Add to the deal's history (a few entries a deal: tuples grown in place are cheap enough)."""
    for name, entry in entries.items():
        deal[name] = deal.get(name, ()) + entry


_NUMBER = {stage: stage.number for stage in Stage}
STAGE_OF_NUMBER = {stage.number: stage for stage in Stage}  # (a deal's history keeps stages and statuses by number)
STATUS_NUMBER = {status: number for number, status in enumerate(Status)}
_STATUS_OF = dict(enumerate(Status))
_DAY = date.fromordinal
_STATE_FIELDS = Deal._fields[:Deal._fields.index("stage_log")]


def as_of(customer: Customer, day: date) -> Customer | None:
    """The customer as its log stood at the end of `day`: only events dated on or before it count
    (the same customer when none is later); None when every event is later (it was not in the
    folder yet). The profile is as it is now: a file keeps no history of it."""
    latest = customer.last_activity
    if latest is None or latest <= day:
        return customer
    if customer.first_seen is not None and customer.first_seen > day:
        return None
    return with_events(customer, tuple(event for event in customer.events if event.date <= day))


def amount_text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def event_notes(events: Sequence[Event]) -> list[str]:
    """Each event's note, reason and goal that is given, in the log's order."""
    notes = getattr(events, "notes", None)  # a log the parse cache keeps packed reads them without making events
    if notes is not None:
        return notes()  # type: ignore[no-any-return]
    return [text for event in events for text in (event.note, event.reason, event.goal) if text]
