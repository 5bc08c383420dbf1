"""`salescli advance CUSTOMER [STAGE]`: move a deal to the next or the named stage, close or lose it."""

from __future__ import annotations

from typing import Optional

import typer

from salescli import store
from salescli.commands import CUSTOMER_HELP, complete_customer, session
from salescli.parsing import format_money, parse_money
from salescli.pipeline import Move, advance as plan_advance, parse_target
from salescli.stages import Stage


def register(app: typer.Typer) -> None:
    app.command("advance")(advance)


def advance(
    ctx: typer.Context,
    customer: str = typer.Argument(..., metavar="CUSTOMER", help=CUSTOMER_HELP, autocompletion=complete_customer),
    stage: Optional[str] = typer.Argument(
        None, metavar="STAGE", help="Where to: a stage (demo, 产品展示, 5 …), close/促成, or lost/丢单; default: the next stage.",
        show_default=False,
    ),
    when: Optional[str] = typer.Option(None, "--date", help="When it happened (default: today)."),
    note: Optional[str] = typer.Option(None, "--note", help="A note for the log."),
    value: Optional[str] = typer.Option(None, "--value", help="For close: the value won (default: the target)."),
    reason: Optional[str] = typer.Option(None, "--reason", help="For lost: why (required)."),
    deal: Optional[str] = typer.Option(None, "--deal", help="Which deal, when the customer has several open."),
    reopen: bool = typer.Option(False, "--reopen", help="Move a won or lost deal again."),
    new_deal: Optional[str] = typer.Option(
        None, "--new-deal", metavar="NAME", help="Start a further deal (a repeat sale); '' numbers it."
    ),
    future: bool = typer.Option(False, "--future", help="Record it even if dated after today (normally refused)."),
) -> None:
    """Move a customer's deal to the next stage, or to the stage named; close it won, or lost.

    Each move appends one event to the customer's log: `git diff` shows added lines only.

    Examples:

    \b
      salescli advance 中建三局                  # to the next stage
      salescli advance zhongjiansanju demo --note 演示了算量
      salescli advance 中建 close --value 4.8万
      salescli advance 中建 lost --reason 选了别家
      salescli advance 中建 needs --reopen
      salescli advance 中建 needs --new-deal 2027升级
    """
    s = session(ctx)
    found = s.customer(customer)
    move = plan_advance(
        found,
        parse_target(stage),
        when=s.date(when),
        deal_name=deal,
        value=parse_money(value) if value is not None else None,
        reason=reason,
        note=note,
        reopen=reopen,
        new_deal=new_deal,
    )
    s.question(move.events, customer=found, future=future)
    store.append_events(s.path_of(found), move.events)
    summary = _summary(move)
    s.wrote(s.path_of(found), f"advance {summary}")
    typer.echo(summary)
    if move.won:
        typer.echo(_referral_reminder(move))


def _summary(move: Move) -> str:
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


def _referral_reminder(move: Move) -> str:
    customer = move.customer
    return (
        f"Next ({Stage.SERVICE.zh}、索取转介绍): every closed customer should bring three.\n"
        f"  · Ask {customer.name} for referrals: salescli add NAME --referred-by {customer.id}\n"
        f"  · Record the project's other parties (甲方 owner, 乙方 contractor, 监理 supervisor):"
        f" salescli add NAME --role owner --project {customer.get('project') or 'PROJECT'}"
    )
