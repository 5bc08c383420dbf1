"""Moving deals through the eight stages: which events an `advance` appends. Pure: no files."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Mapping, Sequence

from salescli.customer import FIRST_DEAL, Customer, Deal, EventKind, Status, appended, status_name
from salescli.errors import Ambiguous, InvalidValue, NotFound
from salescli.i18n import _, beside, joined, language
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
            known = joined(d.name for d in customer.deals) or _("none yet")
            raise NotFound(_("{customer} has no deal '{deal}' (its deals: {deals})").format(
                customer=customer.name, deal=name, deals=known))
        return deal
    open_deals = customer.open_deals
    if len(open_deals) > 1:
        names = joined(deal.name for deal in open_deals)
        raise Ambiguous(_("{customer} has {count} open deals ({deals}); choose one with --deal").format(
            customer=customer.name, count=len(open_deals), deals=names))
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
            raise InvalidValue(_("{customer} already has a deal '{deal}'; choose another name").format(
                customer=customer.name, deal=name))
        opening = target if isinstance(target, Stage) and target is not Stage.CLOSE else None
        if target == "lost":
            raise InvalidValue(_("a new deal cannot start lost"))
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
                raise InvalidValue(_("deal {deal} of {customer} is open; --reopen is for won or lost deals").format(
                    deal=deal.name, customer=customer.name))
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
    after_sale = deal.status is Status.WON and (target is Stage.SERVICE
                                                or (target is None and deal.stage is Stage.CLOSE))
    if after_sale:
        return
    if deal.status is Status.WON and deal.stage is Stage.SERVICE and target is None:
        raise InvalidValue(_("{customer} is at the last stage (service) of a won deal; for a further sale use "
                             "--new-deal NAME").format(customer=customer.name))
    message = _("deal {deal} of {customer} is won; add --reopen to move it again, or --new-deal NAME for a further "
                "sale") if deal.status is Status.WON else \
        _("deal {deal} of {customer} is lost; add --reopen to move it again, or --new-deal NAME for a further sale")
    raise InvalidValue(message.format(deal=deal.name, customer=customer.name))


def _step(customer: Customer, deal: Deal, target: Stage | str | None, *, when: date,
          value: Decimal | None, reason: str | None, note: str | None) -> list[dict[str, Any]]:
    if target is None:
        target = deal.stage.next()
        if target is None:
            raise InvalidValue(_("{customer} is at the last stage ({stage}); name a stage to move to").format(
                customer=customer.name, stage=deal.stage.label(language())))
    if target == "lost":
        if not reason:
            raise InvalidValue(_("say why the deal was lost: --reason TEXT"))
        return [event_item(EventKind.LOST, when, deal.name, reason=reason, note=note)]
    assert isinstance(target, Stage)
    if target is deal.stage and deal.is_open and target is not Stage.CLOSE:
        raise InvalidValue(_("{customer} is already at {stage}").format(
            customer=customer.name, stage=target.zh if language() == "zh" else f"{target.value} ({target.zh})"))
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
        raise InvalidValue(_("deal {deal} of {customer} is open: moving it to service closes it first, and the close "
                             "needs the value won: pass --value AMOUNT (or set a target with "
                             "`salescli target`)").format(
            deal=deal.name, customer=customer.name))
    raise InvalidValue(_("closing needs the value won: pass --value AMOUNT (or set a target with `salescli target`)"))


def question(items: Sequence[Mapping[str, Any]], *, today: date, customer: Customer | None = None,
             future: bool | None = False) -> list[str]:
    """What is odd about the events about to be written. One dated after today is refused (the log
    records what happened) unless `future` (None: the command has no --future); a next visit or a
    target date in the past, a target on a won or lost deal and a value of 0 each give a one-line
    warning, returned."""
    warnings = []
    for item in items:
        if item["date"] > today and not future:
            message = _("{date} is after today ({today}): the log records what has happened. Plan what comes with "
                        "--next or a target's --by") if future is None else \
                _("{date} is after today ({today}): the log records what has happened. Plan what comes with --next "
                  "or a target's --by; to record it anyway, add --future")
            raise InvalidValue(message.format(date=item["date"], today=today))
        if item.get("next") is not None and item["next"] < today:
            warnings.append(_("the next visit ({date}) is in the past").format(date=item["next"]))
        if item.get("by") is not None and item["by"] < today:
            warnings.append(_("the target date ({date}) is in the past").format(date=item["by"]))
        if item.get("value") is not None and item["value"] == 0:
            warnings.append(_("the value won is 0") if item["event"] == EventKind.WON.value else
                            _("the target value is 0; was the amount left out?"))
        deal = customer.deal(str(item.get("deal", FIRST_DEAL))) if customer and item["event"] == "target" else None
        if customer and deal and not deal.is_open:
            warnings.append((_("deal {deal} of {customer} is won: its target counts in no forecast; reopen it "
                               "(advance --reopen) or start a new deal (advance --new-deal NAME)")
                             if deal.status is Status.WON else
                             _("deal {deal} of {customer} is lost: its target counts in no forecast; reopen it "
                               "(advance --reopen) or start a new deal (advance --new-deal NAME)")).format(
                deal=deal.name, customer=customer.name))
    return warnings


def _move(customer: Customer, name: str, before: Deal | None, events: list[dict[str, Any]]) -> Move:
    after = next(deal for deal in appended(customer, events).deals if deal.name == name)  # (a long log: not replayed)
    return Move(customer, name, before, after, tuple(events))


def describe(move: Move) -> str:
    """A move in one line, as `advance` prints it and its commit message says it."""
    after, chinese = move.after, language() == "zh"
    before = (move.before.stage.label(language()) if chinese else move.before.stage.value) if move.before \
        else _("new deal")
    if move.before and not move.before.is_open:
        before = beside(before, status_name(move.before.status))
    deal = _(" [deal {deal}]").format(deal=move.deal) if len(move.customer.deals) > 1 or move.deal != "1" else ""
    stage = after.stage.zh if chinese else f"{after.stage.value} {after.stage.zh}"
    if after.status.value == "won":
        outcome = _("{stage} — won {value}").format(stage=stage, value=format_money(after.won_value))
    elif after.status.value == "lost":
        # (at the stage it was in: said before the arrow)
        outcome = _("lost ({reason})").format(reason=after.lost_reason)
    else:
        outcome = stage
    return _("{customer}{deal}: {before} → {outcome}").format(customer=move.customer.name, deal=deal, before=before,
                                                              outcome=outcome)


def target_summary(customer: Customer, deal: str, currency: str) -> str:
    """A deal's close target in one line, as `target` prints it and its commit message says it."""
    now = customer.deal(deal)
    value, by = (now.target_value, now.target_date) if now else (None, None)
    return _("{customer}: target {value} {currency} by {date}").format(
        customer=customer.name, value=format_money(value) or "?", currency=currency, date=by or "?")
