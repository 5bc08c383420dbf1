"""`salescli add NAME`: a new customer file from templates/customer.yaml."""

from __future__ import annotations

from typing import Any, Optional

import typer

from salescli.commands import ADD_FIELDS, add_customer, field_values, say_added, session, with_add_options
from salescli.errors import InvalidValue
from salescli.i18n import _
from salescli.session import Session


def register(app: typer.Typer) -> None:
    app.command("add")(add)


@with_add_options(ADD_FIELDS, after="name")
def add(
    ctx: typer.Context,
    name: Optional[str] = typer.Argument(None, metavar="NAME", show_default=False,
                                         help="The customer's name, e.g. 中建三局第一建设有限公司."),
    card: Optional[str] = typer.Option(None, "--card", metavar="PHOTO", show_default=False,
                                       help="Add the company and the person on a photo of a business card (名片), "
                                            "named as the card names it unless NAME is given; a company already in "
                                            "the folder gets the person. Needs the card extra (it says how to install "
                                            "it)."),
    yes: bool = typer.Option(False, "--yes", "-y", help="With --card: write what the card says without asking."),
    dry_run: bool = typer.Option(False, "--dry-run", help="With --card: show what the card says, write nothing."),
    keep_photo: bool = typer.Option(False, "--keep-photo",
                                    help="With --card: keep the photo beside the customer file (named in its log)."),
    **options: Any,
) -> None:
    """Add a customer: a new file in customers/, from templates/customer.yaml.

    In a terminal it asks for the essentials you left out (field, size, role, channel, area);
    in a script it never asks. Values take English keys or Chinese labels. A name already in the
    folder is refused; a similar one (保利华中 beside 保利华中房地产有限公司) is asked about in a
    terminal and refused in a script unless --new.

    Examples:

    \b
      salescli add 中建三局第一建设有限公司 --field 建筑 --size 系统 --role 乙方 --channel 陌拜 --area 洪山
      salescli add 楚天造价咨询 --referred-by 中建三局 --contact 王强 --phone 13900000000
      salescli add "Hubei Road & Bridge" --id hubei-rb --value 15万 --by 2027-01-31 --no-input
    """
    s = session(ctx)
    if card is not None:
        add_from_card(s, card, name, options, yes=yes, dry_run=dry_run, keep_photo=keep_photo)
        return
    if yes or dry_run or keep_photo:
        raise InvalidValue(_("--yes, --dry-run and --keep-photo go with --card PHOTO"))
    if name is None:
        raise InvalidValue(_("name the customer: salescli add NAME (or read it from a business card: --card PHOTO)"))
    say_added(s, add_customer(s, name, options))


def add_from_card(s: Session, photo: str, name: str | None, options: dict[str, Any], *, yes: bool, dry_run: bool,
                  keep_photo: bool) -> None:
    """`add --card`: the card's company (or NAME) and its person; the profile options given go to a new
    customer (a stage, target or date are a new customer's too, so they need one)."""
    from salescli.cardcli import from_card

    fields = {field.key: text for field, text in field_values(ADD_FIELDS, options).items()}
    if options["customer_id"]:
        fields["id"] = options["customer_id"]
    if options["note"]:
        fields["note"] = options["note"]
    if options["stage"] != "prospect" or options["value"] or options["by"] or options["when"] or options["future"]:
        raise InvalidValue(_("--card takes a new customer's profile options (--field, --area, --id, --note …); set its "
                             "stage and target after it is added"))
    from_card(s, photo, company=name, yes=yes, dry_run=dry_run, keep_photo=keep_photo, new=options["new"],
              interactive=not options["no_input"], fields=fields)
