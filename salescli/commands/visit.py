"""`salescli visit CUSTOMER`: log a customer visit (拜访) and everything it changed, in one write:
its goal and outcome, the next appointment, the stage it reached, what it taught, the target."""

from __future__ import annotations

from typing import Any, NamedTuple, Optional

import typer

from salescli import store
from salescli.commands import CUSTOMER_HELP, changed_lines, complete_customer, referral_reminder, session
from salescli.customer import FIRST_DEAL, Customer, EventKind
from salescli.i18n import _
from salescli.parsing import format_money, parse_money
from salescli.pipeline import Move, advance, choose_deal, event_item, parse_target
from salescli.session import Session
from salescli.stages import Stage


def register(app: typer.Typer) -> None:
    app.command("visit")(visit)


def visit(
    ctx: typer.Context,
    customer: str = typer.Argument(..., metavar="CUSTOMER", help=CUSTOMER_HELP, autocompletion=complete_customer),
    when: Optional[str] = typer.Option(None, "--date", help="When (default: today)."),
    goal: Optional[str] = typer.Option(None, "--goal", help="What the visit was for (拜访目标)."),
    note: Optional[str] = typer.Option(None, "--note", help="What came of it."),
    next_visit: Optional[str] = typer.Option(None, "--next", metavar="DATE",
                                             help="The next visit agreed (下周一, 周五, +7d, 2026-12-03)."),
    stage: Optional[str] = typer.Option(None, "--stage", metavar="STAGE",
                                        help="The stage the deal reached (as `advance`: close takes --value, "
                                             "lost takes --reason)."),
    learned: list[str] = typer.Option([], "--learned", metavar="KEY=VALUE",
                                      help="What the visit taught, as `set` takes it (repeatable)."),
    custom: bool = typer.Option(False, "--custom", help="Allow --learned keys of your own (kept as text)."),
    target: Optional[str] = typer.Option(None, "--target", metavar="AMOUNT",
                                         help="Set the close target's value (12万, 五万, 120000)."),
    by: Optional[str] = typer.Option(None, "--by", metavar="DATE",
                                     help="Set the close target's date (月底, 下个月, 2026-12-20)."),
    value: Optional[str] = typer.Option(None, "--value",
                                        help="With --stage close: the value won (4.8万, 五万; default: the target)."),
    reason: Optional[str] = typer.Option(None, "--reason", help="With --stage lost: why."),
    deal: Optional[str] = typer.Option(None, "--deal", help="Which deal, when the customer has several open."),
    future: bool = typer.Option(False, "--future", help="Record it even if dated after today (normally refused)."),
) -> None:
    """Log a visit to a customer, and in the same write what it changed: the stage reached, what you
    learned (the five groups of information), the close target and the next appointment.
    Visits per day (日客户拜访量) are counted from these.

    Examples:

    \b
      salescli visit 中建三局 --goal 演示算量 --note 科长很感兴趣 --next +7d
      salescli visit 中建三局 --stage demo --learned funds.vendor=广联达 --learned 预算人员数量=12 --next 下周一
      salescli visit 中建三局 --stage approach --target 12万 --by 2026-12-20
      salescli visit 中建三局 --stage close --value 4.8万 --note 签了合同
    """
    s = session(ctx)
    found = s.customer(customer)
    day = s.date(when)
    next_day = s.date(next_visit) if next_visit else None
    target_value, target_day = parse_money(target) if target else None, s.date(by) if by else None
    changes = s.profile_changes(learned, [], custom=custom)

    def plan(current: Customer) -> tuple[_Visit, list[dict[str, Any]]]:
        """The visit's events, worked out under the file's lock from the customer as it is then."""
        chosen = choose_deal(current, deal)
        name = chosen.name if chosen else FIRST_DEAL
        items = [event_item(EventKind.VISIT, day, name, goal=goal, note=note, next=next_day)]
        if target_value is not None or target_day is not None:
            items.append(event_item(EventKind.TARGET, day, name, value=target_value, by=target_day))
        move = _move(current, stage, name, day=day, value=value, target_value=target_value, reason=reason)
        items += list(move.events if move else ())
        s.question(items, customer=current, future=future)
        return _Visit(current, name, items[0], move), items

    planned, updated = store.change_profile(s.path_of(found), changes, plan)
    assert planned is not None
    said = {"customer": found.name, "date": day, "goal": goal}
    s.wrote(s.path_of(found), (_("visit {customer} on {date}: {goal}") if goal else
                               _("visit {customer} on {date}")).format(**said))
    _report(s, planned.before, updated, planned.item, planned.move, changes, planned.deal)


class _Visit(NamedTuple):
    before: Customer  # as the file said when the visit was written
    deal: str
    item: dict[str, Any]  # the visit event
    move: Move | None


def _move(customer: Customer, stage: str | None, deal_name: str, *, day: Any, value: str | None,
          target_value: Any, reason: str | None) -> Move | None:
    """The stage move the visit reached, as `advance` would append it (None: no move)."""
    wanted = parse_target(stage) if stage else None
    if wanted is None:
        return None
    current = customer.deal(deal_name)
    if isinstance(wanted, Stage) and current is not None and current.is_open and current.stage is wanted:
        return None  # a further visit at the same stage
    won = parse_money(value) if value else target_value
    return advance(customer, wanted, when=day, deal_name=deal_name if current else None, value=won, reason=reason)


def _report(s: Session, before: Customer, after: Customer, item: dict[str, Any], move: Move | None,
            changes: dict[str, Any], deal_name: str) -> None:
    said = {"customer": before.name, "date": item["date"], "next": item.get("next")}
    typer.echo((_("Logged a visit to {customer} on {date}; next visit {next}.") if "next" in item else
                _("Logged a visit to {customer} on {date}.")).format(**said))
    if move is not None:
        chinese = s.language == "zh"
        was, now = move.before, move.after
        stage = {"before": (was.stage.zh if chinese else was.stage.value) if was else _("new deal"),
                 "value": format_money(now.won_value), "reason": now.lost_reason,
                 "stage": now.stage.zh if chinese else f"{now.stage.value} {now.stage.zh}"}
        typer.echo((_("  stage: {before} → won {value}") if move.won else
                    _("  stage: {before} → lost ({reason})") if now.status.value == "lost" else
                    _("  stage: {before} → {stage}")).format(**stage))
    old, new = before.deal(deal_name), after.deal(deal_name)
    if new is not None and (old is None or (old.target_value, old.target_date) != (new.target_value, new.target_date)):
        typer.echo(_("  target: {value} {currency} by {date}").format(
            value=format_money(new.target_value) or "?", currency=s.config.currency, date=new.target_date or "?"))
    for line in changed_lines(s, before, after, changes):
        typer.echo(line)
    if move is not None and move.won:
        typer.echo(referral_reminder(before))
