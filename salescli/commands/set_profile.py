"""`salescli set CUSTOMER KEY=VALUE...`: record what a visit taught — any profile value, by key."""

from __future__ import annotations

from typing import Optional

import typer

from salescli.commands import CUSTOMER, changed_lines, session
from salescli.i18n import _


def register(app: typer.Typer) -> None:
    app.command("set")(set_values)


def set_values(
    ctx: typer.Context,
    customer: str = CUSTOMER,
    assignments: Optional[list[str]] = typer.Argument(
        None, metavar="KEY=VALUE...", help="Values to record: contact.phone=139…, 决策人=王总, field=房地产 …",
        show_default=False),
    unset: list[str] = typer.Option([], "--unset", metavar="KEY", help="Empty this value (repeatable)."),
    custom: bool = typer.Option(False, "--custom", help="Allow keys of your own (kept as text), e.g. tender.no=ZB-7."),
) -> None:
    """Set profile values of a customer — what a visit taught you — by key: the dotted key
    (contact.phone), its last part (phone) or its Chinese label (联系电话). Values are checked:
    classification terms in English or Chinese, dates, whole numbers, amounts (4.8万), phones.
    Only the lines of those keys change; a key the file lacks is added. KEY= empties a value.

    Keys: name, field, size, role, channel, source, referred_by, area, project, owner;
    contact.address, .department, .person, .phone, .postcode; funds.vendor, .software, .seats,
    .amount; decision.process, .decision_maker, .users; needs.scope, .workload, .partners, .view,
    .estimators. Key people: `salescli person`.

    Examples:

    \b
      salescli set 天河机场 contact.phone=13900000000 decision.decision_maker=王总
      salescli set 天河机场 预算人员数量=12 软件金额=4.8万 field=房地产
      salescli set 天河机场 --unset needs.view
      salescli set 天河机场 tender.no=ZB-2026-7 --custom
    """
    s = session(ctx)
    changed = s.set(customer, assignments or [], unset=unset, custom=custom)
    found = changed.before
    lines = changed_lines(s, found, changed.after, changed.keys)
    typer.echo((_("{customer} ({id}):") if lines else _("{customer} ({id}): nothing changed.")).format(
        customer=found.name, id=found.id))
    for line in lines:
        typer.echo(line)
