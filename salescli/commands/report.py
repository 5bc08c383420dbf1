"""`salescli report …`: funnel, win rates, stale deals, sources and missing project parties."""

from __future__ import annotations

import json
from typing import Any, Optional

import typer

from salescli import i18n
from salescli.api import ROLES, FunnelStep, MissingParties, SourceRow, StaleDeal, WinRate
from salescli.commands import session, stages_in_chinese, terminal_fit
from salescli.i18n import _, joined
from salescli.render import bar, check_format, plain, render
from salescli.session import Session

FORMATS = ("table", "json", "csv")

report_app = typer.Typer(help="Reports: funnel, winrate, stale, sources, parties.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(report_app, name="report")


FROM = typer.Option(None, "--from", metavar="DATE", help="Period start (included).")
TO = typer.Option(None, "--to", metavar="DATE", help="Period end (included).")
FORMAT = typer.Option("table", "--format", "-f", help="table, json or csv.")


@report_app.command("funnel")
def funnel(ctx: typer.Context, start: Optional[str] = FROM, end: Optional[str] = TO,
           by: Optional[str] = typer.Option(None, "--by", metavar="DIM",
                                            help="A funnel for each owner, product, manager, office or a profile "
                                                 "key (channel, field, area, needs.scope …)."),
           fmt: str = FORMAT) -> None:
    """Customers, deals and value that reached each of the eight stages, with stage-to-stage
    conversion. The period counts deals opened in it. --by gives a funnel per manager, office,
    owner, product or any profile key.

    Examples:

    \b
      salescli report funnel
      salescli report funnel --from 2026-07-01 --format csv
      salescli report funnel --by office
    """
    s = session(ctx)
    dimension = s.dimension(by) if by else None
    groups: dict[str | None, list[FunnelStep]] = s.report("funnel", since=start, until=end, by=by) if by else \
        {None: s.report("funnel", since=start, until=end)}
    records = [{**({by: _label(s, dimension.key, key)} if dimension and by else {}), "stage": step.stage.value,
                "中文": step.stage.zh, "customers": step.customers, "deals": step.deals, "value": step.value,
                "conversion": step.conversion} for key, steps in groups.items() for step in steps]
    _emit(s, fmt, records, [*([by] if by else []), "stage", "中文", "customers", "deals", "value", "conversion"],
          chart=("deals", max((step.deals for steps in groups.values() for step in steps), default=0)))


@report_app.command("winrate")
def winrate(
    ctx: typer.Context,
    by: str = typer.Option("channel", "--by", metavar="DIM",
                           help="Group by owner, product, manager, office or a profile key (channel, field, area, "
                                "needs.scope …)."),
    start: Optional[str] = FROM, end: Optional[str] = TO, fmt: str = FORMAT,
) -> None:
    """Win rate (won ÷ (won + lost)), average won value and the mean and median cycle time (the
    deal's first event to its close, in days) by channel, field, size, role, the deal's owner or
    product, the owner's manager or office (the team table), or any profile key (needs.scope).
    The period counts deals decided in it.

    Examples:

    \b
      salescli report winrate --by channel
      salescli report winrate --by owner --from 2026-01-01 --format json
      salescli report winrate --by needs.scope
      salescli report winrate --by office
    """
    s = session(ctx)
    dimension = s.dimension(by)
    rates: list[WinRate] = s.report("winrate", since=start, until=end, by=by)
    records = [{by: _label(s, dimension.key, rate.key), "won": rate.won, "lost": rate.lost, "win_rate": rate.rate,
                "avg_won_value": rate.average_value,
                "avg_cycle_days": None if rate.average_cycle is None else round(rate.average_cycle, 1),
                "median_cycle_days": rate.median_cycle}
               for rate in rates]
    _emit(s, fmt, records, [by, "won", "lost", "win_rate", "avg_won_value", "avg_cycle_days", "median_cycle_days"],
          chart=("win_rate", 1.0), counts=["won", "lost"])


@report_app.command("stale")
def stale(ctx: typer.Context, fmt: str = FORMAT) -> None:
    """Open deals whose planned next visit is overdue, or that have sat in their stage longer than
    `stale_days` (salescli.yaml) allows — Pipedrive's "rotting" deals — longest first.

    Examples:

    \b
      salescli report stale
    """
    s = session(ctx)
    found: list[StaleDeal] = s.report("stale")
    records = [{"customer_id": item.customer.id, "customer": item.customer.name, "deal": item.deal.name,
                "stage": item.deal.stage.value, "since": item.deal.stage_since, "days": item.days_in_stage,
                "limit": item.limit, "next_visit": item.deal.next_visit, "why": "; ".join(item.reasons)}
               for item in found]
    _emit(s, fmt, records, ["customer", "deal", "stage", "since", "days", "limit", "next_visit", "why"],
          chart=("days", max((item.days_in_stage for item in found), default=0)))


@report_app.command("sources")
def sources(
    ctx: typer.Context,
    by: str = typer.Option("source", "--by", metavar="DIM",
                           help="source (the default), channel, owner, manager, office or a profile key."),
    start: Optional[str] = FROM, end: Optional[str] = TO, fmt: str = FORMAT,
) -> None:
    """Which prospecting sources (directory, press, web, street, site sign, referral …) produced
    customers, wins and value. The period counts customers first seen in it. --by groups them by
    channel, the customer's owner (manager, office) or any profile key instead.

    Examples:

    \b
      salescli report sources
      salescli report sources --by channel
    """
    s = session(ctx)
    dimension = s.dimension(by)
    rows: list[SourceRow] = s.report("sources", since=start, until=end, by=by)
    records = [{by: _label(s, dimension.key, row.key), "customers": row.customers, "won": row.won,
                "won_value": row.won_value} for row in rows]
    _emit(s, fmt, records, [by, "customers", "won", "won_value"],
          chart=("won_value", float(max((row.won_value for row in rows), default=0))), counts=["won"])


@report_app.command("parties")
def parties(ctx: typer.Context, fmt: str = FORMAT) -> None:
    """The three-party rule: won customers whose project's other parties (owner, contractor,
    supervisor) are not yet in the folder — the next prospects to open.

    Examples:

    \b
      salescli report parties
    """
    s = session(ctx)
    found: list[MissingParties] = s.report("parties")
    chinese = s.language == "zh" and fmt == "table"  # the roles' Chinese names alone, as 甲方、监理
    records = [{"customer_id": item.customer.id, "customer": item.customer.name, "project": item.project,
                "missing": "、".join(ROLES.label(role, "zh") for role in item.missing) if chinese else
                joined(f"{role} {ROLES.label(role, 'zh')}" for role in item.missing)}
               for item in found]
    _emit(s, fmt, records, ["customer", "project", "missing"])
    if fmt == "table" and records:
        typer.echo(_("Record them from the site's sign board: salescli site PROJECT --client … --contractor … "
                     "--supervisor …"))


def _label(s: Session, dimension: str, key: str | None) -> str:
    if key is None:
        return _("(none)")
    if dimension in s.settings.vocabularies:
        return s.settings.vocabulary(dimension).label(key, s.language)
    return key


def _emit(s: Session, fmt: str, records: list[dict[str, Any]], keys: list[str],
          chart: tuple[str, float] | None = None, counts: list[str] | None = None) -> None:
    check_format(fmt, FORMATS)
    if fmt == "json":
        typer.echo(json.dumps(plain(records), ensure_ascii=False, indent=2))
        return
    if fmt == "csv":
        typer.echo(render(records, {key: key for key in keys}, "csv"), nl=False)
        return
    shown, keys = stages_in_chinese([_display(record) for record in records], keys, s.language)
    headers = i18n.titles(keys, s.language, counts=counts or [])
    if chart is not None:
        column, largest = chart
        for record, original in zip(shown, records):
            record["chart"] = bar(float(original[column] or 0), float(largest))
        headers["chart"] = ""
    fit = terminal_fit(drop=("chart",), cut=("customer", "why", "missing", "project"))
    typer.echo(render(shown, headers, "table", fit=fit) if records else _("nothing to report") + "\n", nl=False)


def _display(record: dict[str, Any]) -> dict[str, Any]:
    """Rates as percentages for the table (money is formatted, and right-aligned, by render)."""
    shown = dict(record)
    for key in ("conversion", "win_rate"):
        if key in shown:
            shown[key] = "—" if shown[key] is None else f"{shown[key]:.0%}"
    return shown

