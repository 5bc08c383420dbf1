"""`salescli advance CUSTOMER [STAGE]`: move a deal to the next or the named stage, close or lose it."""

from __future__ import annotations

from typing import Optional

import typer

from salescli.api import describe
from salescli.commands import CUSTOMER, FORCE_HELP, advance_hint, hinting, referral_reminder, session, zero_close_asked


def register(app: typer.Typer) -> None:
    app.command("advance", cls=hinting(advance_hint))(advance)


def advance(
    ctx: typer.Context,
    customer: str = CUSTOMER,
    stage: Optional[str] = typer.Argument(
        None, metavar="STAGE",
        help="Where to: a stage (demo, 产品展示, 5 …), close/促成, or lost/丢单; default: the next stage.",
        show_default=False,
    ),
    when: Optional[str] = typer.Option(None, "--date", help="When it happened (default: today)."),
    note: Optional[str] = typer.Option(None, "--note", help="A note for the log."),
    value: Optional[str] = typer.Option(None, "--value",
                                        help="For close: the value won (4.8万, 五万; default: the target)."),
    reason: Optional[str] = typer.Option(None, "--reason", help="For lost: why (required)."),
    deal: Optional[str] = typer.Option(None, "--deal", help="Which deal, when the customer has several open."),
    reopen: bool = typer.Option(False, "--reopen", help="Move a won or lost deal again."),
    new_deal: Optional[str] = typer.Option(
        None, "--new-deal", metavar="NAME", help="Start a further deal (a repeat sale); '' numbers it."
    ),
    future: bool = typer.Option(False, "--future", help="Record it even if dated after today (normally refused)."),
    force: bool = typer.Option(False, "--force", help=FORCE_HELP),
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
    move = zero_close_asked(lambda forced: s.advance(
        customer, stage, value=value, reason=reason, note=note, date=when, deal=deal, reopen=reopen,
        new_deal=new_deal, future=future, force=forced), force=force)
    typer.echo(describe(move))
    if move.won:
        typer.echo(referral_reminder(move.customer))
