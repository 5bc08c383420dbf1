"""`salescli visit CUSTOMER`: log a customer visit (拜访), its goal, what came of it, the next one."""

from __future__ import annotations

from typing import Optional

import typer

from salescli import store
from salescli.commands import CUSTOMER_HELP, complete_customer, session
from salescli.customer import EventKind
from salescli.pipeline import deal_name, event_item


def register(app: typer.Typer) -> None:
    app.command("visit")(visit)


def visit(
    ctx: typer.Context,
    customer: str = typer.Argument(..., metavar="CUSTOMER", help=CUSTOMER_HELP, autocompletion=complete_customer),
    when: Optional[str] = typer.Option(None, "--date", help="When (default: today)."),
    goal: Optional[str] = typer.Option(None, "--goal", help="What the visit was for (拜访目标)."),
    note: Optional[str] = typer.Option(None, "--note", help="What came of it."),
    next_visit: Optional[str] = typer.Option(None, "--next", metavar="DATE", help="The next planned visit."),
    deal: Optional[str] = typer.Option(None, "--deal", help="Which deal, when the customer has several open."),
    future: bool = typer.Option(False, "--future", help="Record it even if dated after today (normally refused)."),
) -> None:
    """Log a visit to a customer. Visits per day (日客户拜访量) are counted from these.

    Examples:

    \b
      salescli visit 中建三局 --goal 演示算量 --note 科长很感兴趣 --next +7d
    """
    s = session(ctx)
    found = s.customer(customer)
    chosen = deal_name(found, deal)
    day = s.date(when)
    item = event_item(EventKind.VISIT, day, chosen, goal=goal, note=note,
                      next=s.date(next_visit) if next_visit else None)
    s.question([item], customer=found, future=future)
    store.append_events(s.path_of(found), [item])
    s.wrote(s.path_of(found), f"visit {found.name} on {day}" + (f": {goal}" if goal else ""))
    planned = f"; next visit {item['next']}" if "next" in item else ""
    typer.echo(f"Logged a visit to {found.name} on {day}{planned}.")
