"""`salescli visit CUSTOMER`: log a customer visit (拜访) and everything it changed, in one write:
its goal and outcome, the next appointment, the stage it reached, what it taught, the target."""

from __future__ import annotations

from typing import Any, Optional

import typer

from salescli.commands import (CUSTOMER, FORCE_HELP, changed_lines, hinting, referral_reminder, session, visit_hint,
                               zero_close_asked)
from salescli.api import Customer, Move, format_money
from salescli.i18n import _
from salescli.session import Session


def register(app: typer.Typer) -> None:
    app.command("visit", cls=hinting(visit_hint))(visit)


def visit(
    ctx: typer.Context,
    customer: str = CUSTOMER,
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
    force: bool = typer.Option(False, "--force", help=FORCE_HELP),
) -> None:
    """Log a visit to a customer, and in the same write what it changed: the stage reached, what you
    learned (the five groups of information), the close target and the next appointment.
    Visits per day (日客户拜访量) are counted from these, a customer once a day.

    Examples:

    \b
      salescli visit 中建三局 --goal 演示算量 --note 科长很感兴趣 --next +7d
      salescli visit 中建三局 --stage demo --learned funds.vendor=广联达 --learned 预算人员数量=12 --next 下周一
      salescli visit 中建三局 --stage approach --target 12万 --by 2026-12-20
      salescli visit 中建三局 --stage close --value 4.8万 --note 签了合同
    """
    s = session(ctx)
    logged = zero_close_asked(lambda forced: s.visit(
        customer, goal=goal, note=note, next=next_visit, date=when, stage=stage, learned=learned, custom=custom,
        target=target, by=by, value=value, reason=reason, deal=deal, future=future, force=forced), force=force)
    _report(s, logged.before, logged.after, logged.event, logged.move, logged.changes, logged.deal)


def _report(s: Session, before: Customer, after: Customer, item: dict[str, Any], move: Move | None,
            changes: dict[str, Any], deal_name: str) -> None:
    said = {"customer": before.name, "date": item["date"], "next": item.get("next")}
    typer.echo((_("Logged a visit to {customer} on {date}; next visit {next}.") if "next" in item else
                _("Logged a visit to {customer} on {date}.")).format(**said))
    if item["date"] in before.visit_days:  # the rule the visits per day follow, said where it applies
        typer.echo("  " + _("({customer} was visited on {date} already: the visits per day (日客户拜访量) count a "
                            "customer once a day)").format(**said))
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
            value=format_money(new.target_value) or "?", currency=s.settings.currency, date=new.target_date or "?"))
    for line in changed_lines(s, before, after, changes):
        typer.echo(line)
    if move is not None and move.won:
        typer.echo(referral_reminder(before))
