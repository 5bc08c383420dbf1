"""`salescli target CUSTOMER`: set or adjust the close target (成交目标) — a value and a date."""

from __future__ import annotations

from typing import Optional

import typer

from salescli import store
from salescli.commands import CUSTOMER_HELP, complete_customer, session
from salescli.customer import EventKind
from salescli.errors import UsageError
from salescli.parsing import format_money, parse_money
from salescli.pipeline import deal_name, event_item


def register(app: typer.Typer) -> None:
    app.command("target")(target)


def target(
    ctx: typer.Context,
    customer: str = typer.Argument(..., metavar="CUSTOMER", help=CUSTOMER_HELP, autocompletion=complete_customer),
    value: Optional[str] = typer.Option(None, "--value", help="The value to close (48000, 4.8万, 48k)."),
    by: Optional[str] = typer.Option(None, "--by", metavar="DATE", help="The date to close by."),
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
    if value is None and by is None:
        raise UsageError("give --value, --by or both")
    s = session(ctx)
    found = s.customer(customer)
    chosen = deal_name(found, deal)
    item = event_item(EventKind.TARGET, s.date(when), chosen,
                      value=parse_money(value) if value else None, by=s.date(by) if by else None, note=note)
    s.question([item], customer=found, future=future)
    updated = store.append_events(s.path_of(found), [item])
    now = updated.deal(chosen)
    assert now is not None  # the event just written names it
    summary = f"{found.name}: target {format_money(now.target_value) or '?'} {s.config.currency} by {now.target_date or '?'}"
    s.wrote(s.path_of(found), f"target {summary}")
    typer.echo(f"{summary}.")
