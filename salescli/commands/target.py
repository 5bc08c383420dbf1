"""`salescli target CUSTOMER`: set or adjust the close target (成交目标) — a value and a date."""

from __future__ import annotations

from typing import Optional

import typer

from salescli.commands import CUSTOMER, hinting, session, target_hint
from salescli.i18n import _
from salescli.api import target_summary


def register(app: typer.Typer) -> None:
    app.command("target", cls=hinting(target_hint))(target)


def target(
    ctx: typer.Context,
    customer: str = CUSTOMER,
    value: Optional[str] = typer.Option(None, "--value", help="The value to close (48000, 4.8万, 五万, 48k)."),
    by: Optional[str] = typer.Option(None, "--by", metavar="DATE",
                                    help="The date to close by (2026-12-31, 月底, 下个月, +30d)."),
    when: Optional[str] = typer.Option(None, "--date", help="When the target was set (default: today)."),
    note: Optional[str] = typer.Option(None, "--note", help="Why it was set or moved."),
    deal: Optional[str] = typer.Option(None, "--deal", help="Which deal, when the customer has several open."),
    future: bool = typer.Option(False, "--future", help="Record it even if dated after today (normally refused)."),
) -> None:
    """Set or adjust a customer's close target: a value and a date. The latest target counts;
    earlier ones stay in the log.

    Examples:

    \b
      salescli target 中建三局 --value 12万 --by 2026-12-20
      salescli target 中建三局 --by 2027-01-15 --note 甲方推迟
    """
    s = session(ctx)
    done = s.target(customer, value, by, note=note, date=when, deal=deal, future=future)
    typer.echo(_("{summary}.").format(summary=target_summary(done.customer, done.deal, s.settings.currency)))
