"""Moving deals through the eight stages: which events an `advance` appends. Pure: no files."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Mapping, Sequence

from salescli.customer import FIRST_DEAL, Customer, Deal, EventKind, Status, appended
from salescli.errors import InvalidValue
from salescli.parsing import format_money
from salescli.stages import Stage, stage_words
from salescli.vocab import resolve_word

LOST_WORDS = ("lost", "lose", "输单", "丢单", "失败", "流失")


@dataclass(frozen=True)
class Move:
    """What an advance does: the events to append and how the deal looks afterwards."""

    customer: Customer
    deal: str
    before: Deal | None
    after: Deal
    events: tuple[dict[str, Any], ...]

    @property
    def won(self) -> bool:
        return self.after.status is Status.WON and (self.before is None or self.before.status is not Status.WON)


def event_item(kind: EventKind, when: date, deal: str, **fields: Any) -> dict[str, Any]:
    """A log entry as the file stores it: date and kind first, the deal only when not the first."""
    item: dict[str, Any] = {"date": when, "event": kind.value}
    if deal != FIRST_DEAL:
        item["deal"] = deal
    item.update((key, value) for key, value in fields.items() if value not in (None, ""))
    return item


def choose_deal(customer: Customer, name: str | None) -> Deal | None:
    """The deal a command acts on: the named one, else the single open one, else the latest."""
    if name:
        deal = customer.deal(name)
        if deal is None:
            known = ", ".join(d.name for d in customer.deals) or "none yet"
            raise InvalidValue(f"{customer.name} has no deal '{name}' (its deals: {known})")
        return deal
    open_deals = customer.open_deals
    if len(open_deals) > 1:
        names = ", ".join(deal.name for deal in open_deals)
        raise InvalidValue(f"{customer.name} has {len(open_deals)} open deals ({names}); choose one with --deal")
    return open_deals[0] if open_deals else customer.current_deal


def deal_name(customer: Customer, name: str | None) -> str:
    """The name of the deal a logging command (visit, target) writes to."""
    deal = choose_deal(customer, name)
    return deal.name if deal else FIRST_DEAL


def parse_target(word: str | None) -> Stage | str | None:
    """A stage, the word 'lost', or None for 'the next stage'."""
    if word is None or word.strip() == "":
        return None
    if word.strip().casefold() in LOST_WORDS:
        return "lost"
    return resolve_word(word, stage_words(), what="stage")


def advance(
    customer: Customer,
    target: Stage | str | None,
    *,
    when: date,
    deal_name: str | None = None,
    value: Decimal | None = None,
    reason: str | None = None,
    note: str | None = None,
    reopen: bool = False,
    new_deal: str | None = None,
) -> Move:
    """The events that move a deal to `target` (a Stage, 'lost', or None for the next stage)."""
    events: list[dict[str, Any]] = []
    if new_deal is not None:
        name = new_deal or _next_deal_name(customer)
        if customer.deal(name):
            raise InvalidValue(f"{customer.name} already has a deal '{name}'; choose another name")
        opening = target if isinstance(target, Stage) and target is not Stage.CLOSE else None
        if target == "lost":
            raise InvalidValue("a new deal cannot start lost")
        events.append(event_item(EventKind.OPEN, when, name, stage=(opening or Stage.PROSPECT).value,
                                 note=None if target is Stage.CLOSE else note))
        before = None
        deal = Deal(name, opened=when, stage=opening or Stage.PROSPECT)
        if target is not Stage.CLOSE:
            return _move(customer, name, before, events)
    else:
        before = choose_deal(customer, deal_name)
        deal = before or Deal(FIRST_DEAL, opened=when)
        if reopen:
            if deal.is_open:
                raise InvalidValue(f"deal {deal.name} of {customer.name} is open; --reopen is for won or lost deals")
            events.append(event_item(EventKind.REOPEN, when, deal.name, note=note if target is None else None))
            deal = deal._replace(status=Status.OPEN, won_value=None, lost_reason=None)
            if target is None:
                return _move(customer, deal.name, before, events)
        else:
            _check_may_move(customer, deal, target)
    events += _step(customer, deal, target, when=when, value=value, reason=reason, note=note)
    return _move(customer, deal.name, before, events)


def _next_deal_name(customer: Customer) -> str:
    number = len(customer.deals) + 1
    while customer.deal(str(number)):
        number += 1
    return str(number)


def _check_may_move(customer: Customer, deal: Deal, target: Stage | str | None) -> None:
    if deal.is_open:
        return
    after_sale = deal.status is Status.WON and (target is Stage.SERVICE or (target is None and deal.stage is Stage.CLOSE))
    if after_sale:
        return
    if deal.status is Status.WON and deal.stage is Stage.SERVICE and target is None:
        raise InvalidValue(f"{customer.name} is at the last stage (service) of a won deal; "
                         "for a further sale use --new-deal NAME")
    state = "won" if deal.status is Status.WON else "lost"
    raise InvalidValue(
        f"deal {deal.name} of {customer.name} is {state}; add --reopen to move it again, "
        "or --new-deal NAME for a further sale"
    )


def _step(customer: Customer, deal: Deal, target: Stage | str | None, *, when: date,
          value: Decimal | None, reason: str | None, note: str | None) -> list[dict[str, Any]]:
    if target is None:
        target = deal.stage.next()
        if target is None:
            raise InvalidValue(f"{customer.name} is at the last stage ({deal.stage.value}); name a stage to move to")
    if target == "lost":
        if not reason:
            raise InvalidValue("say why the deal was lost: --reason TEXT")
        return [event_item(EventKind.LOST, when, deal.name, reason=reason, note=note)]
    assert isinstance(target, Stage)
    if target is deal.stage and deal.is_open and target is not Stage.CLOSE:
        raise InvalidValue(f"{customer.name} is already at {target.value} ({target.zh})")
    if target is Stage.CLOSE or (target is Stage.SERVICE and deal.is_open):
        # a stage after the close needs the close: the won event, with its value, comes first
        won = event_item(EventKind.WON, when, deal.name, value=_won_value(customer, deal, target, value),
                         note=note if target is Stage.CLOSE else None)
        if target is Stage.CLOSE:
            return [won]
        return [won, event_item(EventKind.STAGE, when, deal.name, stage=target.value, note=note)]
    return [event_item(EventKind.STAGE, when, deal.name, stage=target.value, note=note)]


def _won_value(customer: Customer, deal: Deal, target: Stage, value: Decimal | None) -> Decimal:
    won_value = value if value is not None else deal.target_value
    if won_value is not None:
        return won_value
    if target is Stage.SERVICE:
        raise InvalidValue(f"deal {deal.name} of {customer.name} is open: moving it to service closes it first, and "
                         "the close needs the value won: pass --value AMOUNT (or set a target with `salescli target`)")
    raise InvalidValue("closing needs the value won: pass --value AMOUNT (or set a target with `salescli target`)")


def question(items: Sequence[Mapping[str, Any]], *, today: date, customer: Customer | None = None,
             future: bool | None = False) -> list[str]:
    """What is odd about the events about to be written. One dated after today is refused (the log
    records what happened) unless `future` (None: the command has no --future); a next visit or a target date in the past, a target on a
    won or lost deal and a value of 0 each give a one-line warning, returned."""
    warnings = []
    for item in items:
        if item["date"] > today and not future:
            anyway = "" if future is None else "; to record it anyway, add --future"
            raise InvalidValue(f"{item['date']} is after today ({today}): the log records what has happened. "
                             f"Plan what comes with --next or a target's --by{anyway}")
        if item.get("next") is not None and item["next"] < today:
            warnings.append(f"the next visit ({item['next']}) is in the past")
        if item.get("by") is not None and item["by"] < today:
            warnings.append(f"the target date ({item['by']}) is in the past")
        if item.get("value") is not None and item["value"] == 0:
            warnings.append(f"the {item['event']} event records a value of 0; was the amount left out?")
        deal = customer.deal(str(item.get("deal", FIRST_DEAL))) if customer and item["event"] == "target" else None
        if customer and deal and not deal.is_open:
            warnings.append(f"deal {deal.name} of {customer.name} is {deal.status.value}: its target counts in no "
                            "forecast; reopen it (advance --reopen) or start a new deal (advance --new-deal NAME)")
    return warnings


def _move(customer: Customer, name: str, before: Deal | None, events: list[dict[str, Any]]) -> Move:
    after = next(deal for deal in appended(customer, events).deals if deal.name == name)  # (a long log: not replayed)
    return Move(customer, name, before, after, tuple(events))


def describe(move: Move) -> str:
    """A move in one line, as `advance` prints it and its commit message says it."""
    after = move.after
    before = f"{move.before.stage.value}" if move.before else "new deal"
    if move.before and not move.before.is_open:
        before += f" ({move.before.status.value})"
    deal = f" [deal {move.deal}]" if len(move.customer.deals) > 1 or move.deal != "1" else ""
    outcome = f"{after.stage.value} {after.stage.zh}"
    if after.status.value == "won":
        outcome += f" — won {format_money(after.won_value)}"
    elif after.status.value == "lost":
        outcome = f"lost at {after.stage.value} ({after.lost_reason})"
    return f"{move.customer.name}{deal}: {before} → {outcome}"


def target_summary(customer: Customer, deal: str, currency: str) -> str:
    """A deal's close target in one line, as `target` prints it and its commit message says it."""
    now = customer.deal(deal)
    value, by = (now.target_value, now.target_date) if now else (None, None)
    return f"{customer.name}: target {format_money(value) or '?'} {currency} by {by or '?'}"
