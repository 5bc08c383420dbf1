"""`salescli show CUSTOMER`: the profile by the five information groups, the deals and the log."""

from __future__ import annotations

import json
from typing import Any, Mapping

import typer

from salescli import exchange, i18n, profile
from salescli.commands import CUSTOMER_HELP, complete_customer, session
from salescli.customer import Customer, Deal, Event
from salescli.information import GROUPS, item_value, people
from salescli.parsing import format_money
from salescli.render import check_format, plain
from salescli.session import Session


def register(app: typer.Typer) -> None:
    app.command("show")(show)


def show(
    ctx: typer.Context,
    customer: str = typer.Argument(..., metavar="CUSTOMER", help=CUSTOMER_HELP, autocompletion=complete_customer),
    fmt: str = typer.Option("text", "--format", "-f", help="text or json."),
) -> None:
    """Show one customer: stage and target, the five information groups with what is missing, the log.

    Examples:

    \b
      salescli show 中建三局
      salescli show zhongjiansanju --format json
    """
    s = session(ctx)
    check_format(fmt, ("text", "json"))
    found = s.customer(customer)
    if fmt == "json":
        typer.echo(json.dumps(_as_json(found), ensure_ascii=False, indent=2))
    else:
        typer.echo("\n".join(_text(found, s)))


def _text(customer: Customer, s: Session) -> list[str]:
    language = s.language
    lines = [f"{customer.name}  ({customer.id})"]
    lines += [f"  {_deal_line(deal, s)}" for deal in customer.deals] or ["  no deal yet"]
    lines += ["", i18n.word("classification", language)]
    for field in profile.PROFILE:
        if field.group is not None or field.key == "name":
            continue
        if field.key == "referred_by" and customer.get("channel") != "referral" and not customer.get(field.key):
            continue
        value = _term(s, field.key, customer.get(field.key)) if field.kind is profile.Kind.TERM else customer.get(field.key)
        lines.append(_field(field.label(language), value, language))
    for number, group in enumerate(GROUPS, start=1):
        lines += ["", f"{number}. {group.label(language)} ({group.zh if language == 'en' else group.en})"]
        if group.key == "trust":
            lines += [f"  · {_person(person, language)}" for person in people(customer)]
        lines += [_field(item.label(language), item_value(customer, group, item), language) for item in group.items]
    others = _other_values(customer)
    if others:
        lines += ["", "Other fields" if language == "en" else "其他字段"]
        lines += [_field(key, value, language) for key, value in others.items()]
    lines += ["", i18n.word("log", language)]
    lines += [f"  {_event_line(event, len(customer.deals) > 1)}" for event in customer.events]
    return lines


def _person(person: Mapping[str, Any], language: str) -> str:
    """A key person on one line: the name, then each detail known, labelled."""
    labels = {field.key: field.label(language) for field in profile.PERSON}
    details = [f"{labels.get(key, key)} {plain(value)}" for key, value in person.items()
               if key != "name" and value not in (None, "")]
    return " · ".join([str(person.get("name") or "?"), *details])


def _other_values(customer: Customer) -> dict[str, Any]:
    """Values the registry does not know (a company's own fields), by dotted key."""
    known = set(profile.KEYS) | {"id", profile.PEOPLE_KEY}
    found: dict[str, Any] = {}

    def walk(value: Any, prefix: str) -> None:
        for key, item in value.items():
            path = f"{prefix}{key}"
            if isinstance(item, Mapping) and path not in known:
                walk(item, path + ".")
            elif path not in known and item not in (None, ""):
                found[path] = item

    walk(customer.profile, "")
    return found


def _term(s: Session, vocabulary: str, key: Any) -> str | None:
    """A classification value as `construction (建筑单位)` in English, `建筑单位` in Chinese."""
    if key in (None, ""):
        return None
    term = s.config.vocabulary(vocabulary).get(str(key))
    if term is None:
        return f"{key} (?)"
    return term.zh if s.language == "zh" else f"{term.key} ({term.zh})"


def _field(label: str, value: Any, language: str) -> str:
    if language == "zh":
        return f"  {label}：{'—缺' if value in (None, '') else plain(value)}"
    return f"  {label:<24} {'— missing' if value in (None, '') else plain(value)}"


def _deal_line(deal: Deal, s: Session) -> str:
    parts = [f"deal {deal.name}: {deal.stage.value} {deal.stage.zh} ({deal.status.value})"]
    if deal.target_value or deal.target_date:
        target = format_money(deal.target_value) or "?"
        parts.append(f"target {target} {s.config.currency} by {deal.target_date or '?'}")
    if deal.won_value is not None:
        parts.append(f"won {format_money(deal.won_value)} on {deal.won_date}")
    if deal.lost_reason:
        parts.append(f"lost on {deal.lost_date}: {deal.lost_reason}")
    if deal.next_visit:
        parts.append(f"next visit {deal.next_visit}")
    if deal.owner:
        parts.append(f"owner {deal.owner}")
    if deal.product:
        parts.append(f"product {deal.product}")
    return " · ".join(parts)


def _event_line(event: Event, several_deals: bool) -> str:
    details = [
        text for text in (
            event.stage.value if event.stage else None,
            format_money(event.value) if event.value is not None else None,
            f"by {event.by}" if event.by else None,
            f"goal: {event.goal}" if event.goal else None,
            f"next {event.next}" if event.next else None,
            event.reason,
            event.note,
        ) if text
    ]
    deal = f"[{event.deal}] " if several_deals else ""
    return f"{event.date}  {deal}{event.kind.value:<7} {' · '.join(details)}".rstrip()


def _as_json(customer: Customer) -> dict[str, Any]:
    document: dict[str, Any] = plain(exchange.full_record(customer))
    return document
