"""`salescli person CUSTOMER NAME`: a key person of the trust group (关键人) — add, update, remove."""

from __future__ import annotations

from typing import Any, Mapping, Optional

import typer

from salescli import profile, repository
from salescli.commands import CUSTOMER, field_values, session, terminal_fit, with_field_options
from salescli.errors import InvalidValue
from salescli.i18n import _
from salescli.information import people
from salescli.render import display_value, render
from salescli.session import Session

DETAILS = tuple(field for field in profile.PERSON if field.option)


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
    found = s.customer(customer)
    if name is None:
        if given or remove:
            raise InvalidValue(_("name the person: salescli person CUSTOMER NAME …"))
        _list(s, found)
        return
    if not name.strip():
        raise InvalidValue(_("the person needs a name"))
    path = s.path_of(found)
    if remove:
        if given:
            raise InvalidValue(_("--remove takes no other details"))
        repository.remove_person(path, name)
        s.wrote(path, _("remove {person} from the key people of {customer}").format(person=name, customer=found.name))
        typer.echo(_("Removed {person} from the key people of {customer}.").format(person=name, customer=found.name))
        return
    values = {field.key: profile.UNSET if text.strip() == "" else
              field.parse(text, vocabularies=s.settings.vocabularies, today=s.today) for field, text in given.items()}
    added, updated = repository.save_person(path, name.strip(), values)
    said = {"person": name.strip(), "customer": found.name}
    s.wrote(path, (_("add {person} to {customer}") if added else _("update {person} of {customer}")).format(**said))
    if added:
        typer.echo(_("Added {person} to the key people of {customer}.").format(**said))
    else:
        typer.echo(_("Updated {person} of {customer}: {changes}").format(
            **said, changes=_changes(_entry(found, name), _entry(updated, name), s.language)))


def _entry(customer: Any, name: str) -> Mapping[str, Any]:
    index = profile.person_index(customer.get(profile.PEOPLE_KEY), name)
    return {} if index is None else people(customer)[index]


def _changes(before: Mapping[str, Any], after: Mapping[str, Any], language: str) -> str:
    labels = {field.key: field.label(language) for field in profile.PERSON}
    empty = _("(empty)")
    changed = [f"{labels.get(key, key)} {display_value(before.get(key)) or empty} → "
               f"{display_value(after.get(key)) or empty}"
               for key in dict.fromkeys([*before, *after]) if before.get(key) != after.get(key)]
    return _("; ").join(changed) + _(".") if changed else _("nothing changed.")


def _list(s: Session, customer: Any) -> None:
    found = people(customer)
    if not found:
        typer.echo(_("{customer} has no key people yet: salescli person {id} NAME --title … --mobile …").format(
            customer=customer.name, id=customer.id))
        return
    keys = ["name", *dict.fromkeys(key for person in found for key in person if key != "name")]
    labels = {field.key: field.label(s.language) for field in profile.PERSON}
    fit = terminal_fit(cut=("friends", "family", "note", "hobbies", "title"))
    typer.echo(render([dict(person) for person in found], {key: labels.get(key, key) for key in keys}, "table",
                      fit=fit), nl=False)
