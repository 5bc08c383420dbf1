"""`salescli prep CUSTOMER`: the pre-visit sheet (访前准备) — goal, missing information, people."""

from __future__ import annotations

from datetime import date
from typing import Any, Mapping

import typer

from salescli import i18n
from salescli.api import (GROUPS, Customer, Deal, EventKind, Stage, Status, birthday_in, choose_deal, format_money, goal,
                          missing, month_day, phase_name)
from salescli.commands import CUSTOMER, hinting, name_hint, session
from salescli.errors import InvalidValue
from salescli.i18n import _, ngettext
from salescli.session import Session

RECENT_VISITS = 3


def register(app: typer.Typer) -> None:
    app.command("prep", cls=hinting(name_hint))(prep)


def prep(
    ctx: typer.Context,
    customer: str = CUSTOMER,
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
    lines = [_("访前准备 · Pre-visit sheet: {name} ({id})").format(name=customer.name, id=customer.id)]
    contact = " · ".join(str(v) for v in (customer.get("area"), customer.get("contact.address")) if v)
    if contact:
        lines.append(f"  {contact}")
    lines += ["", *_next_visit(s, customer, deal), ""]
    lines += _target(s, deal)
    lines += ["", _("Missing information (缺少的信息):")]
    gaps = missing(customer)
    for number, group in enumerate(GROUPS, start=1):
        items = _(", ").join(item.label(language) for item in gaps[group.key]) or _("complete ✓")
        lines.append(_("  {number}. {group}: {items}").format(number=number, group=group.label(language), items=items))
    lines += ["", _("Last visits (最近拜访):"), *_last_visits(customer)]
    lines += ["", _("People (关键人):"), *_people(s, customer)]
    return lines


def _next_visit(s: Session, customer: Customer, deal: Deal | None) -> list[str]:
    """The next visit as `schedule` and `show` say it (schedule.next_visit): the one agreed, overdue or
    not, before the plan's."""
    if deal is None:
        return [_("Next visit: no deal yet")]
    visit = s.next_visit(customer, deal)
    hint = _why_no_plan(s, customer, deal)
    if visit is None and deal.status is Status.LOST:
        return [_("Next visit: none — deal {deal} is lost (reopen it with `salescli advance {id} --reopen`)").format(
            deal=deal.name, id=customer.id)]
    if visit is None:
        stage = deal.stage.next() or deal.stage
        return [_("Next visit: {stage}").format(stage=_stage(stage, s.language)),
                _("  goal: {goal}").format(goal=goal(stage, s.language)),
                *(["  " + _("({hint})").format(hint=hint)] if hint else [])]
    when = (_("{date} (agreed, overdue)") if visit.overdue else _("{date} (agreed)") if visit.kind == "next" else
            _("{date} (planned)")).format(date=visit.day)
    step = _stage(visit.stage, s.language) if visit.stage else visit.kind
    return [_("Next visit: {when} · towards {step} · {phase}").format(when=when, step=step,
                                                                      phase=phase_name(visit.phase)),
            _("  goal: {goal}").format(goal=visit.goal_text(s.language)),
            *(["  " + _("({hint})").format(hint=hint)] if hint else [])]


def _why_no_plan(s: Session, customer: Customer, deal: Deal) -> str:
    """Why the deal's visits cannot be planned to its close (no target date, or one passed); '' if they can."""
    if not deal.is_open or (deal.target_date is not None and deal.target_date > s.today):
        return ""
    try:
        s.visit_plan(customer.id, deal=deal.name)
    except InvalidValue as problem:
        return problem.message
    return ""


def _stage(stage: Stage, language: str) -> str:
    return stage.zh if language == "zh" else f"{stage.value} {stage.zh}"


def _target(s: Session, deal: Deal | None) -> list[str]:
    if deal is None or (deal.target_value is None and deal.target_date is None):
        return [_("Target: none — set one after the first visit (salescli target CUSTOMER --value V --by DATE)")]
    target = _("Target: {value} {currency} by {date}").format(
        value=format_money(deal.target_value) or "?", currency=s.settings.currency, date=deal.target_date or "?")
    if deal.target_date and deal.is_open:  # (a won or lost deal has no days left to count)
        days = (deal.target_date - s.today).days
        target += (ngettext(" ({days} day left)", " ({days} days left)", days).format(days=days) if days >= 0 else
                   ngettext(" (passed {days} day ago)", " (passed {days} days ago)", -days).format(days=-days))
    return [target + _(" · deal {deal}, {stage} ({status})").format(
        deal=deal.name, stage=_stage(deal.stage, s.language), status=i18n.word(deal.status.value, s.language))]


def _last_visits(customer: Customer) -> list[str]:
    visits = [event for event in customer.events if event.kind is EventKind.VISIT][-RECENT_VISITS:]
    if not visits:
        return ["  " + _("none yet")]
    return [f"  {event.date}  " + " — ".join(text for text in (event.goal, event.note) if text) for event in visits]


def _people(s: Session, customer: Customer) -> list[str]:
    people = s.people(customer)
    found = [_person_line(person, s.today) for person in people]
    main = customer.get("contact.person")
    if main and not any(person.get("name") == main for person in people):
        phone = customer.get("contact.phone")
        found.insert(0, (_("  {name} (main contact) · {phone}") if phone else _("  {name} (main contact) · no phone"))
                     .format(name=main, phone=phone))
    return found or [_("  none recorded — find the key people (trust: names, phones, hobbies, birthdays)")]


def _person_line(person: Mapping[str, Any], today: date) -> str:
    reach = " / ".join(str(person[key]) for key in ("mobile", "phone", "office", "home_phone", "email")
                       if person.get(key))
    parts = [str(person.get("name") or "?"), str(person.get("title") or ""), reach,
             _("hobbies: {hobbies}").format(hobbies=person["hobbies"]) if person.get("hobbies") else "",
             _birthday(person.get("birthday"), today)]
    return "  " + " · ".join(part for part in parts if part)


def _birthday(born: Any, today: date) -> str:
    next_one = birthday_in(born, today.year)  # (a date or a month and day alone)
    if next_one is None:
        return ""
    if next_one < today:
        next_one = birthday_in(born, today.year + 1) or next_one
    days = (next_one - today).days
    month, day = month_day(born) or (next_one.month, next_one.day)
    return ngettext("birthday {day} (in {days} day)", "birthday {day} (in {days} days)", days).format(
        day=f"{month:02d}-{day:02d}", days=days)
