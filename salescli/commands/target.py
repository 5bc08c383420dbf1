"""`salescli target CUSTOMER`: set or adjust the close target (成交目标) — a value and a date."""

from __future__ import annotations

from typing import Any, Optional

import typer

from salescli import store
from salescli.commands import CUSTOMER_HELP, complete_customer, session
from salescli.customer import Customer, EventKind
from salescli.errors import InvalidValue
from salescli.i18n import _
from salescli.parsing import parse_money
from salescli.pipeline import deal_name, event_item, target_summary


def register(app: typer.Typer) -> None:
    app.command("target")(target)


def target(
    ctx: typer.Context,
    customer: str = typer.Argument(..., metavar="CUSTOMER", help=CUSTOMER_HELP, autocompletion=complete_customer),
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
    if value is None and by is None:
        raise InvalidValue(_("give --value, --by or both"))
    s = session(ctx)
    found = s.customer(customer)
    amount, day, until = parse_money(value) if value else None, s.date(when), s.date(by) if by else None

    def plan(current: Customer) -> tuple[str, list[dict[str, Any]]]:
        chosen = deal_name(current, deal)
        items = [event_item(EventKind.TARGET, day, chosen, value=amount, by=until, note=note)]
        s.question(items, customer=current, future=future)
        return chosen, items

    chosen, updated = store.append_planned(s.path_of(found), plan)
    summary = target_summary(updated, chosen, s.config.currency)
    s.wrote(s.path_of(found), _("target {summary}").format(summary=summary))
    typer.echo(_("{summary}.").format(summary=summary))
