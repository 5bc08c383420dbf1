"""Prospecting commands (docs/domain.md §5–6): `site` (a construction-site sign board), `board` (a lobby
directory board), `refer` (a referred customer in one step) and `related` (a customer's network)."""

from __future__ import annotations

from typing import Any, Callable, Optional

import typer

from salescli import commands
from salescli.api import BY_KEY, ROLES, Named, Party, ReferralNode, Related
from salescli.commands import (ADD_FIELDS, CUSTOMER, add_customer, complete_customer, confirm, hinting, name_hint,
                               say_added, session, with_add_options)
from salescli.errors import EXIT_DATA, InvalidValue
from salescli.i18n import _, beside, joined, pgettext
from salescli.session import Session


def register(app: typer.Typer) -> None:
    app.command("site")(site)
    app.command("board")(board)
    app.command("refer")(refer)
    app.command("related", cls=hinting(name_hint))(related)


def site(
    ctx: typer.Context,
    project: str = typer.Argument(..., metavar="PROJECT", help="The project on the sign board (项目名称)."),
    parties: Optional[list[str]] = typer.Argument(None, metavar="[ROLE=NAME]...",
                                                  help="Parties as 甲方=…, 乙方=…, 设计=…, 监理=… (or English roles)."),
    client: Optional[str] = typer.Option(None, "--client", help="建设单位 / 甲方 (the project's owner)."),
    contractor: Optional[str] = typer.Option(None, "--contractor", help="施工单位 / 乙方."),
    designer: Optional[str] = typer.Option(None, "--designer", help="设计单位."),
    supervisor: Optional[str] = typer.Option(None, "--supervisor", help="监理单位."),
    area: Optional[str] = typer.Option(None, "--area", help="Where the site is."),
    address: Optional[str] = typer.Option(None, "--address", help="The site's address."),
    when: Optional[str] = typer.Option(None, "--date", help="When you saw it (default: today)."),
    no_input: bool = typer.Option(False, "--no-input", help="Never ask, even in a terminal."),
    owner: Optional[str] = typer.Option(None, "--owner", hidden=True),
) -> None:
    """Record a construction-site sign board (施工标志牌): each party it names becomes a prospect
    linked to the project (channel cold, source site-sign). A party already in the folder — by its
    name, or a name like it (保利华中 for 保利华中房地产有限公司) — gets the project link instead of
    a duplicate: a near match is asked about in a terminal, and taken (and said) in a script.

    Examples:

    \b
      salescli site 光谷国际中心 --client 汉江置业 --contractor 江城建工 --designer 华中设计院 --supervisor 长江监理
      salescli site 四新会展二期 甲方=汉阳城投 乙方=中铁十一局 监理=汉阳监理站 --area 汉阳·四新
    """
    s = session(ctx)
    if owner is not None:
        raise InvalidValue(_("in `site` the project's owner (甲方) is --client (or 甲方=NAME); --owner is the rep"))
    named = {"owner": client, "contractor": contractor, "designer": designer, "supervisor": supervisor}
    for pair in parties or []:
        role, name = _role_and_name(pair)
        named[role] = name
    said = _Said(s)
    s.site(project, {role: name for role, name in named.items() if name}, area=area, address=address, date=when,
           confirm=_asking(no_input), each=said)
    said.done()


class _Said:
    """Each party said as it is recorded; one too like several customers is left out (and the exit status
    says so)."""

    def __init__(self, s: Session) -> None:
        self.s, self.unclear = s, False

    def __call__(self, party: Party) -> None:
        if party.customer is None:
            listed = joined((beside(c.name, c.id) for c in party.unclear), "; ")
            typer.echo("  " + _("{typed} is like several customers ({listed}): nothing recorded for it — name it "
                                "exactly, or add it with `salescli add NAME --new`").format(typed=party.name,
                                                                                           listed=listed), err=True)
            self.unclear = True
            return
        typer.echo(_party_line(self.s, party))

    def done(self) -> None:
        if self.unclear:
            raise typer.Exit(EXIT_DATA)


def _asking(no_input: bool) -> Callable[[str, Named], bool] | None:
    """In a terminal (unless --no-input): whether a name like a customer's is that customer, asked."""
    if no_input or not commands.interactive():
        return None
    return lambda typed, candidate: confirm(_("Is {typed} the customer {name} ({id})?").format(
        typed=typed, name=candidate.name, id=candidate.id), default=True)


def _role_and_name(pair: str) -> tuple[str, str]:
    role, separator, name = pair.partition("=")
    if not separator or not name.strip():
        raise InvalidValue(_("'{pair}' is not ROLE=NAME (e.g. 甲方=汉江置业)").format(pair=pair))
    return ROLES.resolve(role).key, name.strip()


def _party_line(s: Session, party: Party) -> str:
    existing = party.customer
    assert existing is not None
    if party.added:
        return _("  added {name} as {id} ({role})").format(name=existing.name, id=existing.id,
                                                           role=_role(party.role, s.language))
    said = {"typed": party.name, "name": existing.name, "id": existing.id, "project": party.project}
    if party.linked:
        line = _("  {typed} is taken as {name} ({id}), already in the folder: linked to {project}") if party.taken_as \
            else _("  {name} ({id}) is already in the folder: linked to {project}")
    elif party.project is None:
        line = _("  {typed} is taken as {name} ({id}), already in the folder") if party.taken_as else \
            _("  {name} ({id}) is already in the folder")
    else:
        line = _("  {typed} is taken as {name} ({id}), already in the folder for {project}") if party.taken_as else \
            _("  {name} ({id}) is already in the folder for {project}")
    return line.format(**said)


def _role(role: str | None, language: str) -> str:
    """`甲方 owner` in English (the course's word first), `甲方` in Chinese."""
    if not role:
        return pgettext("role", "prospect")
    return ROLES.label(role, "zh") if language == "zh" else f"{ROLES.label(role, 'zh')} {role}"


def board(
    ctx: typer.Context,
    building: str = typer.Argument(..., metavar="BUILDING", help="The building (its address)."),
    names: list[str] = typer.Argument(..., metavar="NAME...", help="The firms listed on the board."),
    area: Optional[str] = typer.Option(None, "--area", help="Where the building is."),
    when: Optional[str] = typer.Option(None, "--date", help="When you saw it (default: today)."),
    no_input: bool = typer.Option(False, "--no-input", help="Never ask, even in a terminal."),
) -> None:
    """Record a lobby directory board (水牌): each firm listed becomes a cold prospect at that
    address (source board); firms already in the folder (or like one: asked in a terminal) are left
    as they are.

    Examples:

    \b
      salescli board 光谷软件园C座 华中设计院 楚天造价咨询 长江监理 --area 洪山·光谷
    """
    s = session(ctx)
    said = _Said(s)
    s.board(building, names, area=area, date=when, confirm=_asking(no_input), each=said)
    said.done()


def related(
    ctx: typer.Context,
    customer: str = CUSTOMER,
) -> None:
    """Show a customer's network: the other parties of its projects, who referred it (and who
    referred them), and whom it referred, as a small tree. A referral cycle is reported, not followed.

    Examples:

    \b
      salescli related 江城建工
    """
    s = session(ctx)
    typer.echo("\n".join(_network_lines(s, s.related(customer))))


def _network_lines(s: Session, related: Related) -> list[str]:
    customer = related.customer
    lines = [beside(customer.name, customer.id)]
    for project, parties in related.projects:
        lines.append(_("├─ project {project}").format(project=project))
        for party in parties:
            role = party.role_in(project)
            label = _role(role, s.language) if role else _("role unknown")
            marker = _(" ← this customer") if party.id == customer.id else ""
            lines.append("│   · " + _("{role}: {name}").format(role=label, name=beside(party.name, party.id)) + marker)
    chain, loops = related.referrers, related.referral_loop
    if chain:
        lines.append(_("├─ referred by {chain}").format(chain=" ← ".join(beside(c.name, c.id) for c in chain))
                     + (_(" ← … (a referral cycle)") if loops else ""))
    tree = related.referred
    if tree.children:
        lines.append(_("└─ referred"))
        lines += _tree_lines(tree, "    ")
    elif not chain and not customer.projects:
        lines.append(_("└─ no project, no referrals yet — ask for them after the sale"))
    return lines


def _tree_lines(node: ReferralNode, indent: str) -> list[str]:
    lines = []
    for index, child in enumerate(node.children):
        last = index == len(node.children) - 1
        cycle = _(" ↺ already above: a referral cycle") if child.cycle else ""
        lines.append(f"{indent}{'└─' if last else '├─'} {beside(child.customer.name, child.customer.id)}{cycle}")
        lines += _tree_lines(child, indent + ("   " if last else "│  "))
    return lines


@with_add_options(tuple(field for field in ADD_FIELDS if field.key != "referred_by"), after="name")
def refer(
    ctx: typer.Context,
    referrer: str = typer.Argument(..., metavar="REFERRER", help="Who referred it: its id, the start of its id, or "
                                                                 "part of its name (中文 too).",
                                   autocompletion=complete_customer),
    name: str = typer.Argument(..., metavar="NAME", help="The referred customer's name."),
    **options: Any,
) -> None:
    """Add a customer that REFERRER referred (转介绍), in one step: `add NAME --referred-by REFERRER`.
    Takes every option of `add`.

    Examples:

    \b
      salescli refer 江城建工 楚天造价咨询 --contact 王强 --phone 13900000000
    """
    s = session(ctx)
    say_added(s, add_customer(s, name, {**options, BY_KEY["referred_by"].parameter: referrer}))
