"""`salescli schedule [CUSTOMER]`: a customer's visit plan, or a day-by-day route across customers."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Optional, Sequence

import typer

from salescli.api import PlannedVisit, Route, phase_word
from salescli.commands import complete_customer, hinting, name_hint, session, terminal_fit
from salescli.errors import InvalidValue
from salescli.i18n import C_, N_, _, ngettext, pgettext
from salescli.render import check_format, plain, render
from salescli.session import Session

FORMATS = ("table", "json", "csv")
CUSTOMER_ROUTE_HELP = N_("The customer: its id, the start of its id, or part of its name (中文 too). Omit for "
                          "the route.")
_WEEKDAYS = {"en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"), "zh": ("一", "二", "三", "四", "五", "六", "日")}


def register(app: typer.Typer) -> None:
    app.command("schedule", cls=hinting(name_hint))(schedule)


def schedule(
    ctx: typer.Context,
    customer: Optional[str] = typer.Argument(None, metavar="CUSTOMER", help=CUSTOMER_ROUTE_HELP,
                                             autocompletion=complete_customer),
    week: bool = typer.Option(False, "--week", help="The route for the 7 days from --from (the default)."),
    days: Optional[int] = typer.Option(None, "--days", metavar="N", max=3_660,
                                       help="The route for N days from --from."),
    start: Optional[str] = typer.Option(None, "--from", metavar="DATE",
                                        help="First day of the route (default: today; e.g. 下周一, 2026-12-01)."),
    deal: Optional[str] = typer.Option(None, "--deal", help="Which deal, when the customer has several open."),
    ics: Optional[Path] = typer.Option(None, "--ics", metavar="FILE",
                                       help="Also write the visits as an iCalendar file."),
    fmt: str = typer.Option("table", "--format", "-f", help="table, json or csv."),
) -> None:
    """Plan visits. With CUSTOMER: one visit per remaining stage up to its target date, then the
    after-sales visits. Without: a day-by-day route — due visits first, one area a day, at most
    visits_per_day (salescli.yaml), spare slots for firms nearby — and key contacts' birthdays.

    Examples:

    \b
      salescli schedule 天河机场
      salescli schedule --week
      salescli schedule --days 14 --from 2026-12-01 --ics visits.ics
      salescli schedule --format json
    """
    s = session(ctx)
    check_format(fmt, FORMATS)
    if customer is not None:
        visits = _customer_plan(s, customer, deal, fmt)
    else:
        if week and days is not None:
            raise InvalidValue(_("use --week or --days N, not both"))
        visits = _route(s, s.date(start), 7 if days is None else days, fmt)
    if ics is not None:
        s.calendar(visits, to=ics)
        typer.echo(ngettext("Wrote {count} visit to {file}.", "Wrote {count} visits to {file}.", len(visits)).format(
            count=len(visits), file=s.shown(ics)), err=fmt != "table")


def _customer_plan(s: Session, reference: str, deal_name: str | None, fmt: str) -> list[PlannedVisit]:
    planned = s.visit_plan(reference, deal=deal_name)
    found, deal, visits = planned.customer, planned.deal, list(planned.visits)
    if fmt == "table":
        heading = _("Visit plan for {customer} — deal {deal}, {stage}, target {date}") if deal.target_date else \
            _("Visit plan for {customer} — deal {deal}, {stage}, won {date}")
        typer.echo(heading.format(customer=found.name, deal=deal.name, date=deal.target_date or deal.won_date,
                                  stage=deal.stage.zh if s.language == "zh" else f"{deal.stage.value} {deal.stage.zh}"))
    _emit(s, visits, fmt, columns=["date", "phase", "stage", "kind", "goal"])
    return visits


def _route(s: Session, first: date, count: int, fmt: str) -> list[PlannedVisit]:
    result = s.schedule(first, count)
    last, per_day = first + timedelta(days=count - 1), max(1, int(s.settings.visits_per_day))
    if fmt == "json":
        typer.echo(json.dumps(_route_json(result, s), ensure_ascii=False, indent=2))
        return result.visits
    if fmt == "table":
        typer.echo(ngettext("Route {first} … {last} · at most {count} visit a working day",
                            "Route {first} … {last} · at most {count} visits a working day", per_day).format(
            first=first, last=last, count=per_day))
    _emit(s, result.visits, fmt, columns=["date", "area", "customer", "kind", "stage", "goal"])
    if fmt == "table":
        _print_extras(s, result)
    return result.visits


def _print_extras(s: Session, result: Route) -> None:
    if result.birthdays:
        typer.echo("\n" + _("Birthdays (生日):"))
        for birthday in result.birthdays:
            title = birthday.person.get("title") or ""
            typer.echo(f"  {_day(birthday.day, s)}  {birthday.person.get('name')} {title} · {birthday.customer.name}")
    if result.unplaced:
        shown = "; ".join(f"{visit.customer.name} ({visit.day})" for visit in result.unplaced[:10])
        more = _("; … and {count} more (--format json lists them)").format(count=len(result.unplaced) - 10) \
            if len(result.unplaced) > 10 else ""
        typer.echo("\n" + _("Over capacity, not placed ({count}): {visits}").format(count=len(result.unplaced),
                                                                                  visits=shown + more))


def _emit(s: Session, visits: Sequence[PlannedVisit], fmt: str, *, columns: list[str]) -> None:
    records = [_record(visit, s, display=fmt == "table") for visit in visits]
    if fmt == "json":
        typer.echo(json.dumps(plain([{key: record[key] for key in columns + ["customer_id", "deal"]}
                                     for record in records]), ensure_ascii=False, indent=2))
        return
    fit = terminal_fit(drop=("phase", "kind"), cut=("goal", "customer", "area"))
    headers = {key: key if fmt != "table" else pgettext("column", _COLUMNS[key]) for key in columns}
    typer.echo(render(records, headers, fmt, fit=fit), nl=False)


_COLUMNS = {"date": C_("column", "date"), "phase": C_("column", "phase"), "stage": C_("column", "towards stage"),
            "kind": C_("column", "kind"), "goal": C_("column", "goal"), "area": C_("column", "area"),
            "customer": C_("column", "customer")}
_KINDS = {"plan": C_("visit", "plan"), "next": C_("visit", "next"), "service": C_("visit", "service"),
          "referral": C_("visit", "referral"), "drop-in": C_("visit", "drop-in")}


def _kind(visit: PlannedVisit) -> str:
    """What kind of visit, as the table shows it: `next (overdue)`, 约定 (已逾期)."""
    kind = pgettext("visit", _KINDS.get(visit.kind, visit.kind))
    return _("{kind} (overdue)").format(kind=kind) if visit.overdue else kind


def _record(visit: PlannedVisit, s: Session, *, display: bool) -> dict[str, Any]:
    return {
        "date": _day(visit.day, s) if display else visit.day,
        "customer_id": visit.customer.id,
        "customer": visit.customer.name,
        "deal": visit.deal,
        "area": visit.customer.get("area"),
        "phase": phase_word(visit.phase) if display else visit.phase,
        "stage": (visit.stage.label(s.language) if display else visit.stage.value) if visit.stage else None,
        "kind": _kind(visit) if display else visit.kind,
        "overdue": visit.overdue,
        "goal": visit.goal_text(s.language, most=3 if display else None),
        "uid": visit.uid,
    }


def _day(day: date, s: Session) -> str:
    return f"{day} {_WEEKDAYS[s.language][day.weekday()]}"


def _route_json(result: Route, s: Session) -> Any:
    def visit_json(visit: PlannedVisit) -> dict[str, Any]:
        record = _record(visit, s, display=False)
        return {key: record[key] for key in ("customer_id", "customer", "deal", "area", "kind", "overdue",
                                             "stage", "goal", "uid")}

    return plain({
        "days": [{"date": day, "visits": [visit_json(v) for v in visits]} for day, visits in result.days],
        "birthdays": [{"date": b.day, "customer_id": b.customer.id, "person": b.person.get("name"),
                       "title": b.person.get("title")} for b in result.birthdays],
        "unplaced": [visit_json(visit) | {"due": visit.day} for visit in result.unplaced],
    })
