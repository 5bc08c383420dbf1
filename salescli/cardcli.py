"""`--card PHOTO` on the command line (`person`, `add`): read the card, show it, ask in a terminal or
go by --yes/--dry-run, write it through the Folder, and say what was written."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Mapping

import typer

from salescli.errors import InvalidValue
from salescli.i18n import _, beside, joined
from salescli.session import Session


def from_card(s: Session, photo: str, *, customer: str | None = None, company: str | None = None,
              name: str | None = None, given: Mapping[Any, str] | None = None, yes: bool = False,
              dry_run: bool = False, keep_photo: bool = False, new: bool = False, interactive: bool = True,
              fields: Mapping[str, Any] | None = None) -> None:
    """The person on the card to `customer`, or (`add --card`) to the customer the card's company
    is, or to a new customer with `fields`; NAME and the details `given` win over what was read."""
    from salescli.cardview import photo_kept, preview, written

    reading = s.read_card(photo, customer=customer, company=company, person=name)
    corrections: dict[str, Any] = {field.key: text.strip() for field, text in (given or {}).items()
                                   if field.key in ("title", "mobile", "phone", "email")}
    if corrections:
        corrections["unsure"] = tuple(key for key in reading.card.unsure if key not in corrections)
        reading = replace(reading, card=replace(reading.card, **corrections))
    typer.echo("\n".join(preview(reading, s.language)))
    ask = interactive and _in_terminal() and not yes and not dry_run
    if reading.customer is None and reading.near and not new:
        if not ask:
            s.check_name(reading.card.company or "")  # NearName: the lines above say what was read
        elif not typer.confirm(_("{name} may already be in the folder as {listed}. Add it as a new customer "
                                 "anyway?").format(name=reading.card.company, listed=joined(
                                     (beside(c.name, c.id) for c in reading.near[:5]), "; ")), default=False):
            raise InvalidValue(_("nothing written"))
    if dry_run:
        typer.echo(_("Nothing written (--dry-run)."))
        return
    if not ask:
        if not yes:
            raise InvalidValue(_("nothing written: in a script, add --yes to write what the card says (or --dry-run "
                                 "to only read it)"))
    elif not typer.confirm(_("Write it?"), default=True):
        raise InvalidValue(_("nothing written"))
    saved = s.save_card(reading, keep_photo=keep_photo, new=True, **(fields or {}))
    said = {"person": saved.person, "customer": saved.after.name, "id": saved.after.id}
    if saved.added_customer:
        typer.echo(_("Added {customer} as {id} ({file}), with its key person {person}.").format(
            **said, file=s.shown(s.path_of(saved.after))))
    else:
        typer.echo(written(saved, s.language))
    if saved.photo is not None:
        typer.echo(photo_kept(s.shown(saved.photo)))


def _in_terminal() -> bool:
    import sys

    return sys.stdin.isatty()
