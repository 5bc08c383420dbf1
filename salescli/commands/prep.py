"""`salescli prep CUSTOMER`: the pre-visit sheet (访前准备) — goal, missing information, people."""

from __future__ import annotations

from datetime import date
from typing import Any, Mapping

import typer

from salescli import schedule as plans
from salescli.commands import CUSTOMER_HELP, complete_customer, session
from salescli.customer import Customer, Deal, EventKind
from salescli.errors import UsageError
from salescli.information import GROUPS, missing, people
from salescli.parsing import format_money
from salescli.pipeline import choose_deal
from salescli.session import Session

RECENT_VISITS = 3


def register(app: typer.Typer) -> None:
    app.command("prep")(prep)


def prep(
    ctx: typer.Context,
    customer: str = typer.Argument(..., metavar="CUSTOMER", help=CUSTOMER_HELP, autocompletion=complete_customer),
    deal: str = typer.Option(None, "--deal", help="Which deal, when the customer has several open."),
) -> None:
    """Prepare the next visit (访前准备): its goal, what is still missing in each of the five
    information groups, the last visits' notes, the target, and the people with their roles,
    phones, hobbies and birthdays.

    Examples:

    \b
      salescli prep 天河机场
      salescli prep jiangcheng --deal 2027扩容
    """
    s = session(ctx)
    found = s.customer(customer)
    chosen = choose_deal(found, deal)
    typer.echo("\n".join(_sheet(s, found, chosen)))


def _sheet(s: Session, customer: Customer, deal: Deal | None) -> list[str]:
    language = s.language
    lines = [f"访前准备 · Pre-visit sheet: {customer.name} ({customer.id})"]
    contact = " · ".join(str(v) for v in (customer.get("area"), customer.get("contact.address")) if v)
    if contact:
        lines.append(f"  {contact}")
    lines += ["", *_next_visit(s, customer, deal), ""]
    lines += _target(s, deal)
    lines += ["", "Missing information (缺少的信息):"]
    gaps = missing(customer)
    for number, group in enumerate(GROUPS, start=1):
        items = ", ".join(item.label(language) for item in gaps[group.key]) or "complete ✓"
        lines.append(f"  {number}. {group.label(language)}: {items}")
    lines += ["", "Last visits (最近拜访):", *_last_visits(customer)]
    lines += ["", "People (关键人):", *_people(customer, s.today)]
    return lines


def _next_visit(s: Session, customer: Customer, deal: Deal | None) -> list[str]:
    if deal is None:
        return ["Next visit: no deal yet"]
    try:
        plan = plans.customer_plan(customer, deal, today=s.today, calendar=s.config.calendar)
    except UsageError as problem:
        plan, hint = [], problem.message
    else:
        hint = ""
    agreed = f" — agreed for {deal.next_visit}" if deal.next_visit and deal.next_visit >= s.today else ""
    if not plan:
        stage = deal.stage.next() or deal.stage
        return [f"Next visit{agreed}: {stage.value} {stage.zh}", f"  goal: {plans.PURPOSES[stage][0]}",
                *([f"  ({hint})"] if hint else [])]
    first = plan[0]
    when = f"{deal.next_visit} (agreed)" if agreed else f"{first.day} (planned)"
    step = f"{first.stage.value} {first.stage.zh}" if first.stage else first.kind
    return [f"Next visit: {when} · {step} · {first.phase} the sale", f"  goal: {first.goal_text(s.language)}"]


def _target(s: Session, deal: Deal | None) -> list[str]:
    if deal is None or (deal.target_value is None and deal.target_date is None):
        return ["Target: none — set one after the first visit (salescli target CUSTOMER --value V --by DATE)"]
    left = f" ({(deal.target_date - s.today).days} days left)" if deal.target_date else ""
    return [f"Target: {format_money(deal.target_value) or '?'} {s.config.currency} by {deal.target_date or '?'}{left}"
            f" · deal {deal.name}, {deal.stage.value} {deal.stage.zh} ({deal.status.value})"]


def _last_visits(customer: Customer) -> list[str]:
    visits = [event for event in customer.events if event.kind is EventKind.VISIT][-RECENT_VISITS:]
    if not visits:
        return ["  none yet"]
    return [f"  {event.date}  " + " — ".join(text for text in (event.goal, event.note) if text) for event in visits]


def _people(customer: Customer, today: date) -> list[str]:
    found = [_person_line(person, today) for person in people(customer)]
    main = customer.get("contact.person")
    if main and not any(person.get("name") == main for person in people(customer)):
        found.insert(0, f"  {main} (main contact) · {customer.get('contact.phone') or 'no phone'}")
    return found or ["  none recorded — find the key people (trust: names, phones, hobbies, birthdays)"]


def _person_line(person: Mapping[str, Any], today: date) -> str:
    reach = " / ".join(str(person[key]) for key in ("mobile", "phone", "office", "home_phone", "email")
                       if person.get(key))
    parts = [str(person.get("name") or "?"), str(person.get("title") or ""), reach,
             f"hobbies: {person['hobbies']}" if person.get("hobbies") else "",
             _birthday(person.get("birthday"), today)]
    return "  " + " · ".join(part for part in parts if part)


def _birthday(born: Any, today: date) -> str:
    if not isinstance(born, date):
        return ""
    next_one = born.replace(year=today.year) if (born.month, born.day) != (2, 29) else date(today.year, 3, 1)
    if next_one < today:
        next_one = next_one.replace(year=today.year + 1)
    return f"birthday {born:%m-%d} (in {(next_one - today).days} days)"
