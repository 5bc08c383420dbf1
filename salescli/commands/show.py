"""`salescli show CUSTOMER`: the profile by the five information groups, the deals and the log."""

from __future__ import annotations

import json
from typing import Any, Mapping

import typer

from salescli import i18n
from salescli.api import (GROUPS, KEYS, PEOPLE_KEY, PERSON, PROFILE, Customer, Deal, Event, EventKind, Kind, Stage,
                          event_name, format_money, full_record, item_value)
from salescli.commands import CUSTOMER, hinting, name_hint, session
from salescli.i18n import _
from salescli.render import check_format, plain, text_width
from salescli.session import Session


def register(app: typer.Typer) -> None:
    app.command("show", cls=hinting(name_hint))(show)


def show(
    ctx: typer.Context,
    customer: str = CUSTOMER,
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
    lines = [_("{name}  ({id})").format(name=customer.name, id=customer.id)]
    lines += [f"  {_deal_line(customer, deal, s)}" for deal in customer.deals] or ["  " + _("no deal yet")]
    lines += ["", i18n.word("classification", language)]
    for field in PROFILE:
        if field.group is not None or field.key == "name":
            continue
        if field.key == "referred_by" and customer.get("channel") != "referral" and not customer.get(field.key):
            continue
        value = _term(s, field.key, customer.get(field.key)) if field.kind is Kind.TERM else \
            _referrer(s, customer.get(field.key)) if field.kind is Kind.CUSTOMER else customer.get(field.key)
        lines.append(_field(field.label(language), value, language))
    for number, group in enumerate(GROUPS, start=1):
        lines += ["", f"{number}. {group.zh}" if language == "zh" else f"{number}. {group.en} ({group.zh})"]
        if group.key == "trust":
            lines += [f"  · {_person(person, language)}" for person in s.people(customer)]
        lines += [_field(item.label(language), item_value(customer, group, item), language) for item in group.items]
    others = _other_values(customer)
    if others:
        lines += ["", _("Other fields")]
        lines += [_field(key, value, language) for key, value in others.items()]
    lines += ["", i18n.word("log", language)]
    lines += [f"  {_event_line(event, len(customer.deals) > 1, s)}" for event in customer.events]
    return lines


def _referrer(s: Session, referrer: Any) -> str | None:
    """Who referred the customer, by name (its id beside: what the file holds)."""
    if referrer in (None, ""):
        return None
    found = next((row for row in s.named() if row.id == str(referrer)), None)
    return i18n.beside(found.name, found.id) if found else _("{id} (not a customer in this folder)").format(id=referrer)


def _person(person: Mapping[str, Any], language: str) -> str:
    """A key person on one line: the name, then each detail known, labelled."""
    labels = {field.key: field.label(language) for field in PERSON}
    details = [f"{labels.get(key, key)} {plain(value)}" for key, value in person.items()
               if key != "name" and value not in (None, "")]
    return " · ".join([str(person.get("name") or "?"), *details])


def _other_values(customer: Customer) -> dict[str, Any]:
    """Values the registry does not know (a company's own fields), by dotted key."""
    known = set(KEYS) | {"id", PEOPLE_KEY}
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
    term = s.settings.vocabulary(vocabulary).get(str(key))
    if term is None:
        return f"{key} (?)"
    return term.zh if s.language == "zh" else f"{term.key} ({term.zh})"


def _field(label: str, value: Any, language: str) -> str:
    if language == "zh":
        return f"  {label}：{'（待了解）' if value in (None, '') else plain(value)}"  # what the next visit collects
    return f"  {label:<24} {'— missing' if value in (None, '') else plain(value)}"


def _deal_line(customer: Customer, deal: Deal, s: Session) -> str:
    parts = [_("deal {deal}: {stage} ({status})").format(deal=deal.name, stage=_stage(deal.stage, s.language),
                                                         status=i18n.word(deal.status.value, s.language))]
    if deal.target_value or deal.target_date:
        parts.append(_("target {value} {currency} by {date}").format(
            value=format_money(deal.target_value) or "?", currency=s.settings.currency, date=deal.target_date or "?"))
    if deal.won_value is not None:
        parts.append(_("won {value} on {date}").format(value=format_money(deal.won_value), date=deal.won_date))
    if deal.lost_reason:
        parts.append(_("lost on {date}: {reason}").format(date=deal.lost_date, reason=deal.lost_reason))
    visit = s.next_visit(customer, deal)
    if visit is not None:  # as prep and the route say it: the visit agreed before the plan's
        parts.append((_("next visit {date} (overdue)") if visit.overdue else _("next visit {date}")
                      if visit.kind == "next" else _("next visit {date} (planned)")).format(date=visit.day))
    if deal.owner:
        parts.append(_("owner {owner}").format(owner=deal.owner))
    if deal.product:
        parts.append(_("product {product}").format(product=deal.product))
    return " · ".join(parts)


def _stage(stage: Stage, language: str) -> str:
    """`demo 产品展示` in English (both names: the course's is the one reps know), `产品展示` in Chinese."""
    return stage.zh if language == "zh" else f"{stage.value} {stage.zh}"


def _event_line(event: Event, several_deals: bool, s: Session) -> str:
    language = s.language
    details = [
        text for text in (
            event.stage.label(language) if event.stage else None,
            format_money(event.value) if event.value is not None else None,
            _("by {date}").format(date=event.by) if event.by else None,
            _("goal: {goal}").format(goal=event.goal) if event.goal else None,
            _("next {date}").format(date=event.next) if event.next else None,
            _("project {project}").format(project=event.project) if event.project else None,
            s.settings.vocabulary("role").label(event.role, language) if event.role else None,
            event.reason,
            event.note,
        ) if text
    ]
    deal = f"[{event.deal}] " if several_deals and event.kind is not EventKind.LINK else ""
    kind = event_name(event.kind)
    return f"{event.date}  {deal}{kind}{' ' * max(1, 8 - text_width(kind))}{' · '.join(details)}".rstrip()


def _as_json(customer: Customer) -> dict[str, Any]:
    document: dict[str, Any] = plain(full_record(customer))
    return document
