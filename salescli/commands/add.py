"""`salescli add NAME`: a new customer file from templates/customer.yaml."""

from __future__ import annotations

from typing import Any

import typer

from salescli.commands import ADD_FIELDS, add_customer, say_added, session, with_add_options


def register(app: typer.Typer) -> None:
    app.command("add")(add)


@with_add_options(ADD_FIELDS, after="name")
def add(
    ctx: typer.Context,
    name: str = typer.Argument(..., metavar="NAME", help="The customer's name, e.g. 中建三局第一建设有限公司."),
    **options: Any,
) -> None:
    """Add a customer: a new file in customers/, from templates/customer.yaml.

    In a terminal it asks for the essentials you left out (field, size, role, channel, area);
    in a script it never asks. Values take English keys or Chinese labels. A name already in the
    folder is refused; a similar one (保利华中 beside 保利华中房地产有限公司) is asked about in a
    terminal and refused in a script unless --new.

    Examples:

    \b
      salescli add 中建三局第一建设有限公司 --field 建筑 --size 系统 --role 乙方 --channel 陌拜 --area 洪山
      salescli add 楚天造价咨询 --referred-by 中建三局 --contact 王强 --phone 13900000000
      salescli add "Hubei Road & Bridge" --id hubei-rb --value 15万 --by 2027-01-31 --no-input
    """
    s = session(ctx)
    say_added(s, add_customer(s, name, options))
