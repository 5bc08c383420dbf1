"""Prospecting commands (DOMAIN.md §5–6): `site` (a construction-site sign board), `board` (a lobby
directory board), `refer` (a referred customer in one step) and `related` (a customer's network)."""

from __future__ import annotations

import inspect
from typing import Any, Optional

import typer

from salescli import network, store
from salescli.commands import CUSTOMER_HELP, add, complete_customer, session
from salescli.customer import FIRST_DEAL, Customer, EventKind
from salescli.errors import UsageError
from salescli.pipeline import event_item
from salescli.session import Session
from salescli.store import Named
from salescli.vocab import ROLES


def register(app: typer.Typer) -> None:
    app.command("site")(site)
    app.command("board")(board)
    app.command("refer")(refer)
    app.command("related")(related)


def site(
    ctx: typer.Context,
    project: str = typer.Argument(..., metavar="PROJECT", help="The project on the sign board (项目名称)."),
    parties: Optional[list[str]] = typer.Argument(None, metavar="[ROLE=NAME]...",
                                                  help="Parties as 甲方=…, 乙方=…, 设计=…, 监理=… (or English roles)."),
    owner: Optional[str] = typer.Option(None, "--owner", help="建设单位 / 甲方."),
    contractor: Optional[str] = typer.Option(None, "--contractor", help="施工单位 / 乙方."),
    designer: Optional[str] = typer.Option(None, "--designer", help="设计单位."),
    supervisor: Optional[str] = typer.Option(None, "--supervisor", help="监理单位."),
    area: Optional[str] = typer.Option(None, "--area", help="Where the site is."),
    address: Optional[str] = typer.Option(None, "--address", help="The site's address."),
    when: Optional[str] = typer.Option(None, "--date", help="When you saw it (default: today)."),
) -> None:
    """Record a construction-site sign board (施工标志牌): each party it names becomes a prospect
    linked to the project (channel cold, source site-sign); a party already in the folder gets the
    project link instead of a duplicate.

    Examples:

    \b
      salescli site 光谷国际中心 --owner 汉江置业 --contractor 江城建工 --designer 华中设计院 --supervisor 长江监理
      salescli site 四新会展二期 甲方=汉阳城投 乙方=中铁十一局 监理=汉阳监理站 --area 汉阳·四新
    """
    s = session(ctx)
    named = {"owner": owner, "contractor": contractor, "designer": designer, "supervisor": supervisor}
    for pair in parties or []:
        role, name = _role_and_name(pair)
        named[role] = name
    chosen = {role: name for role, name in named.items() if name}
    if not chosen:
        raise UsageError("name at least one party: --owner, --contractor, --designer, --supervisor or 甲方=NAME")
    customers = s.named()
    for role, name in chosen.items():
        typer.echo(_record_party(s, customers, name, role=role, project=project, area=area, address=address,
                                 when=when, source="site-sign"))


def _role_and_name(pair: str) -> tuple[str, str]:
    role, separator, name = pair.partition("=")
    if not separator or not name.strip():
        raise UsageError(f"'{pair}' is not ROLE=NAME (e.g. 甲方=汉江置业)")
    return ROLES.resolve(role).key, name.strip()


def _record_party(s: Session, customers: list[Named], name: str, *, role: str | None, project: str | None,
                  area: str | None, address: str | None, when: str | None, source: str) -> str:
    day = s.date(when)
    s.question([{"date": day, "event": EventKind.LINK.value}], future=None)
    named = add.find_by_name(customers, name)
    if named is not None:
        existing = s.customer(named.id)
        if project is None or project in existing.projects:
            return f"  {existing.name} ({existing.id}) is already in the folder{' for ' + project if project else ''}"
        store.append_events(s.path_of(existing), [event_item(EventKind.LINK, day, FIRST_DEAL,
                                                             project=project, role=role)])
        s.wrote(s.path_of(existing), f"link {existing.name} to {project} ({role})")
        return f"  {existing.name} ({existing.id}) is already in the folder: linked to {project}"
    values = {"role": role, "channel": "cold", "source": source, "project": project, "area": area,
              "contact.address": address, "owner": s.config.user}
    # no stage: a party seen on a sign is a customer, not yet a deal (see customer.derive_deals)
    created = add.create(s, name, values, [event_item(EventKind.ADDED, day, FIRST_DEAL)], customers=customers)
    customers.append(created)
    role_label = f"{ROLES.label(role, 'zh')} {role}" if role else "prospect"
    return f"  added {created.name} as {created.id} ({role_label})"


def board(
    ctx: typer.Context,
    building: str = typer.Argument(..., metavar="BUILDING", help="The building (its address)."),
    names: list[str] = typer.Argument(..., metavar="NAME...", help="The firms listed on the board."),
    area: Optional[str] = typer.Option(None, "--area", help="Where the building is."),
    when: Optional[str] = typer.Option(None, "--date", help="When you saw it (default: today)."),
) -> None:
    """Record a lobby directory board (水牌): each firm listed becomes a cold prospect at that
    address (source board); firms already in the folder are left as they are.

    Examples:

    \b
      salescli board 光谷软件园C座 华中设计院 楚天造价咨询 长江监理 --area 洪山·光谷
    """
    s = session(ctx)
    customers = s.named()
    for name in names:
        typer.echo(_record_party(s, customers, name, role=None, project=None, area=area, address=building,
                                 when=when, source="board"))


def related(
    ctx: typer.Context,
    customer: str = typer.Argument(..., metavar="CUSTOMER", help=CUSTOMER_HELP, autocompletion=complete_customer),
) -> None:
    """Show a customer's network: the other parties of its projects, who referred it (and who
    referred them), and whom it referred, as a small tree. A referral cycle is reported, not followed.

    Examples:

    \b
      salescli related 江城建工
    """
    s = session(ctx)
    customers = s.customers()
    found = store.resolve(customers, customer)
    typer.echo("\n".join(_network_lines(s, found, customers)))


def _network_lines(s: Session, customer: Customer, customers: list[Customer]) -> list[str]:
    lines = [f"{customer.name} ({customer.id})"]
    for project in customer.projects:
        lines.append(f"├─ project {project}")
        for party in network.parties(customers, project):
            role = party.role_in(project)
            label = f"{ROLES.label(role, 'zh')} {role}" if role else "role unknown"
            marker = " ← this customer" if party.id == customer.id else ""
            lines.append(f"│   · {label}: {party.name} ({party.id}){marker}")
    chain, loops = network.referral_chain(customer, customers)
    if chain:
        lines.append("├─ referred by " + " ← ".join(f"{c.name} ({c.id})" for c in chain)
                     + (" ← … (a referral cycle)" if loops else ""))
    tree = network.referral_tree(customer, customers)
    if tree.children:
        lines.append("└─ referred")
        lines += _tree_lines(tree, "    ")
    elif not chain and not customer.projects:
        lines.append("└─ no project, no referrals yet — ask for them after the sale")
    return lines


def _tree_lines(node: network.ReferralNode, indent: str) -> list[str]:
    lines = []
    for index, child in enumerate(node.children):
        last = index == len(node.children) - 1
        cycle = " ↺ already above: a referral cycle" if child.cycle else ""
        lines.append(f"{indent}{'└─' if last else '├─'} {child.customer.name} ({child.customer.id}){cycle}")
        lines += _tree_lines(child, indent + ("   " if last else "│  "))
    return lines


def refer(ctx: typer.Context, referrer: str, **options: Any) -> None:
    """Add a customer that REFERRER referred (转介绍), in one step: `add NAME --referred-by REFERRER`.
    Takes every option of `add`.

    Examples:

    \b
      salescli refer 江城建工 楚天造价咨询 --contact 王强 --phone 13900000000
    """
    add.add(ctx, referred_by=referrer, **options)


def _refer_signature() -> None:
    """`refer` takes REFERRER, then exactly the arguments and options of `add` but --referred-by."""
    parameters = [p for name, p in inspect.signature(add.add).parameters.items() if name != "referred_by"]
    referrer = inspect.Parameter("referrer", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=str,
                                 default=typer.Argument(..., metavar="REFERRER", help="Who referred it. " + CUSTOMER_HELP,
                                                        autocompletion=complete_customer))
    setattr(refer, "__signature__", inspect.Signature([parameters[0], referrer, *parameters[1:]]))
    annotations = {name: value for name, value in add.add.__annotations__.items() if name != "referred_by"}
    refer.__annotations__ = {**annotations, "referrer": "str"}


_refer_signature()
