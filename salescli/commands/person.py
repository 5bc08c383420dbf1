"""`salescli person CUSTOMER NAME`: a key person of the trust group (关键人) — add, update, remove."""

from __future__ import annotations

from typing import Any, Mapping, Optional

import typer

from salescli.api import PERSON, Customer
from salescli.commands import CUSTOMER, field_values, session, terminal_fit, with_field_options
from salescli.errors import InvalidValue
from salescli.i18n import _
from salescli.render import display_value, render
from salescli.session import Session

DETAILS = tuple(field for field in PERSON if field.option)


def register(app: typer.Typer) -> None:
    app.command("person")(person)


@with_field_options(DETAILS, after="name")
def person(
    ctx: typer.Context,
    customer: str = CUSTOMER,
    name: Optional[str] = typer.Argument(None, metavar="NAME", help="The person's name; omit to list them.",
                                         show_default=False),
    remove: bool = typer.Option(False, "--remove", help="Take the person out of the key people."),
    card: Optional[str] = typer.Option(None, "--card", metavar="PHOTO", show_default=False,
                                       help="Read the person from a photo of their business card (名片); needs "
                                            "the card extra (it says how to install it)."),
    yes: bool = typer.Option(False, "--yes", "-y", help="With --card: write what the card says without asking."),
    dry_run: bool = typer.Option(False, "--dry-run", help="With --card: show what the card says, write nothing."),
    keep_photo: bool = typer.Option(False, "--keep-photo",
                                    help="With --card: keep the photo beside the customer file (named in its log)."),
    **details: Optional[str],
) -> None:
    """Add a key person of a customer (建立信任关系信息: who takes part in the purchase, how to
    reach them, hobbies, birthday, family), or update the details given of one already there.
    An empty value (--hobbies "") empties that detail. Without NAME, list the key people.
    `prep`, `show` and `schedule`'s birthdays use them.

    Examples:

    \b
      salescli person 天河机场 王强 --title 预算科长 --mobile 13900000000 --birthday 1978-05-12
      salescli person 天河机场 王强 --hobbies 钓鱼 --family 一儿一女
      salescli person 天河机场 王强 --remove
      salescli person 天河机场
    """
    s = session(ctx)
    given = field_values(DETAILS, details)
    if card is not None:
        if remove:
            raise InvalidValue(_("--remove takes no other details"))
        from salescli.cardcli import from_card

        from_card(s, card, customer=customer, name=name, given=given, yes=yes, dry_run=dry_run, keep_photo=keep_photo)
        return
    if yes or dry_run or keep_photo:
        raise InvalidValue(_("--yes, --dry-run and --keep-photo go with --card PHOTO"))
    if name is None:
        if given or remove:
            raise InvalidValue(_("name the person: salescli person CUSTOMER NAME …"))
        _list(s, s.customer(customer))
        return
    if not name.strip():
        raise InvalidValue(_("the person needs a name"))
    if remove:
        if given:
            raise InvalidValue(_("--remove takes no other details"))
        found = s.remove_person(customer, name)
        typer.echo(_("Removed {person} from the key people of {customer}.").format(person=name, customer=found.name))
        return
    done = s.person(customer, name, {field.key: text for field, text in given.items()})
    said = {"person": done.person, "customer": done.after.name}
    if done.added:
        typer.echo(_("Added {person} to the key people of {customer}.").format(**said))
    else:
        typer.echo(_("Updated {person} of {customer}: {changes}").format(
            **said, changes=_changes(done.entry(done.before), done.entry(done.after), s.language)))


def _changes(before: Mapping[str, Any], after: Mapping[str, Any], language: str) -> str:
    labels = {field.key: field.label(language) for field in PERSON}
    empty = _("(empty)")
    changed = [f"{labels.get(key, key)} {display_value(before.get(key)) or empty} → "
               f"{display_value(after.get(key)) or empty}"
               for key in dict.fromkeys([*before, *after]) if before.get(key) != after.get(key)]
    return _("; ").join(changed) + _(".") if changed else _("nothing changed.")


def _list(s: Session, customer: Customer) -> None:
    found = s.people(customer)
    if not found:
        typer.echo(_("{customer} has no key people yet: salescli person {id} NAME --title … --mobile …").format(
            customer=customer.name, id=customer.id))
        return
    keys = ["name", *dict.fromkeys(key for person in found for key in person if key != "name")]
    labels = {field.key: field.label(s.language) for field in PERSON}
    fit = terminal_fit(cut=("friends", "family", "note", "hobbies", "title"))
    typer.echo(render([dict(person) for person in found], {key: labels.get(key, key) for key in keys}, "table",
                      fit=fit), nl=False)
