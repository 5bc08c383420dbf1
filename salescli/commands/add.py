"""`salescli add NAME`: a new customer file from templates/customer.yaml."""

from __future__ import annotations

import sys
from typing import Any, Optional, Sequence

import typer

from salescli import matching, profile, store, yamlfile
from salescli.commands import field_values, session, with_field_options
from salescli.customer import FIRST_DEAL, Customer, EventKind
from salescli.errors import InvalidValue
from salescli.i18n import _, beside, joined
from salescli.ids import slug, unique_id, validate_id
from salescli.parsing import parse_money
from salescli.pipeline import event_item, parse_target
from salescli.session import Session
from salescli.matching import AnyNamed, Named
from salescli.stages import Stage

# Every profile field with an option of its own (the registry's), `add`'s and `refer`'s options.
FIELDS = tuple(field for field in profile.PROFILE if field.option)
ESSENTIALS = ("field", "size", "role", "channel", "area")  # asked for in a terminal when left out

# The options `add` has beside the profile's (`refer` shares them).
CUSTOMER_ID = typer.Option(None, "--id", help="The id (file name); default: the name in pinyin.", show_default=False)
STAGE = typer.Option("prospect", "--stage", help="The stage it starts at (key or 中文).")
VALUE = typer.Option(None, "--value", help="Close target: the value (48000, 4.8万, 五万, 48k).", show_default=False)
BY = typer.Option(None, "--by", help="Close target: the date (2026-12-31, 月底, 下个月, +30d).",
                  show_default=False)
WHEN = typer.Option(None, "--date", help="The date it was added (default: today).", show_default=False)
NOTE = typer.Option(None, "--note", help="A note for the log.", show_default=False)
NO_INPUT = typer.Option(False, "--no-input", help="Never prompt, even in a terminal.")
NEW = typer.Option(False, "--new", help="Add it even though a customer of a similar name is in the folder.")
FUTURE = typer.Option(False, "--future", help="Record it even if dated after today (normally refused).")


def register(app: typer.Typer) -> None:
    app.command("add")(add)


@with_field_options(FIELDS, after="customer_id")
def add(
    ctx: typer.Context,
    name: str = typer.Argument(..., metavar="NAME", help="The customer's name, e.g. 中建三局第一建设有限公司."),
    customer_id: Optional[str] = CUSTOMER_ID,
    stage: str = STAGE,
    value: Optional[str] = VALUE,
    by: Optional[str] = BY,
    when: Optional[str] = WHEN,
    note: Optional[str] = NOTE,
    no_input: bool = NO_INPUT,
    new: bool = NEW,
    future: bool = FUTURE,
    **fields: Optional[str],
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
    customer = add_customer(s, name, field_values(FIELDS, fields), customer_id=customer_id, stage=stage,
                            value=value, by=by, when=when, note=note, ask=sys.stdin.isatty() and not no_input,
                            new=new, future=future)
    first = customer.deals[0].stage
    typer.echo(_("Added {customer} as {id} ({file}), stage {stage}.").format(
        customer=customer.name, id=customer.id, file=s.shown(s.path_of(customer)),
        stage=first.zh if s.language == "zh" else f"{first.value} {first.zh}"))


def add_customer(s: Session, name: str, given: dict[profile.Field, str], *, customer_id: str | None, stage: str,
                 value: str | None, by: str | None, when: str | None, note: str | None, ask: bool,
                 new: bool, future: bool = False) -> Customer:
    """What `add` and `refer` do: check the name, take the values typed, ask for the essentials left
    out (in a terminal), write the file."""
    customers = s.named()  # ids and names from the list rows: no customer's whole file is read
    _refuse_duplicate_name(customers, name, ask=ask, new=new)
    values = {"owner": s.config.user or None, **parsed_fields(s, given)}
    if ask:
        _ask_essentials(s, values)
    implied = profile.implied_source(values.get("channel"))
    if implied and not values.get("source"):
        values["source"] = implied
    items = _log(s, stage, value, by, when, note)
    s.question(items, future=future)
    return create(s, name, values, items, customers=customers, chosen_id=customer_id)


def parsed_fields(s: Session, given: dict[profile.Field, str]) -> dict[str, Any]:
    """The values typed for each field, as the file stores them (a referrer as its id, which also
    means the referral channel)."""
    values: dict[str, Any] = {}
    for field, text in given.items():
        if not text.strip():
            continue
        if field.kind is profile.Kind.CUSTOMER:
            values[field.key] = s.customer(text).id
            continue
        try:
            values[field.key] = field.parse(text, vocabularies=s.config.vocabularies, today=s.today)
        except InvalidValue as error:
            prefix = f"{field.key}: "
            raise InvalidValue(f"{field.option}: {error.message.removeprefix(prefix)}"
                             if error.message.startswith(prefix) else error.message) from None
    if values.get("referred_by"):
        values.setdefault("channel", "referral")
    return values


def create(s: Session, name: str, values: dict[str, Any], items: list[dict[str, Any]], *,
           customers: Sequence[Named], chosen_id: str | None = None) -> Customer:
    """Write a new customer from the folder's template: profile `values` by dotted path, `items` for
    its log. The id is `chosen_id` or made from the name."""
    new_id = _new_id(s, customers, name, chosen_id)
    text = yamlfile.filled_template(s.folder.template("customer.yaml"),
                                    _present({"id": new_id, "name": name.strip(), **values}), items)
    path = s.folder.customer_path(new_id)
    customer = store.create_customer(path, text)
    s.wrote(path, _("add {customer} ({id})").format(customer=customer.name, id=customer.id))
    return customer


def find_by_name(customers: Sequence[AnyNamed], name: str) -> AnyNamed | None:
    """The customer of that name, ignoring case, spaces, full-width forms and a company suffix."""
    same = matching.similar(customers, name)[0]
    return same[0] if same else None


def _present(values: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value not in (None, "")}


def _refuse_duplicate_name(customers: Sequence[Named], name: str, *, ask: bool, new: bool) -> None:
    if not name.strip():
        raise InvalidValue(_("the customer needs a name"))
    same, near = matching.similar(customers, name)
    if same:
        raise InvalidValue(_("{customer} is already a customer ({id}); `salescli show {id}`").format(
            customer=same[0].name, id=same[0].id))
    if not near or new:
        return
    listed = joined((beside(c.name, c.id) for c in near[:5]), "; ")
    if ask:
        if typer.confirm(_("{name} may already be in the folder as {listed}. Add it as a new customer anyway?").format(
                name=name, listed=listed), default=False):
            return
        raise InvalidValue(_("nothing added"))
    raise InvalidValue(_("{name} may already be in the folder as {listed}; if it is another customer, add it with "
                         "--new").format(name=name, listed=listed))


def _new_id(s: Session, customers: Sequence[Named], name: str, chosen: str | None) -> str:
    taken = {c.id for c in customers} | {path.stem for path in s.folder.customer_files()}
    if chosen:
        validate_id(chosen)
        if chosen in taken:
            raise InvalidValue(_("the id '{id}' is taken; choose another with --id").format(id=chosen))
        return chosen
    return unique_id(slug(name), taken)


def _log(s: Session, stage: str, value: str | None, by: str | None, when: str | None,
         note: str | None) -> list[dict[str, Any]]:
    start = parse_target(stage)
    if not isinstance(start, Stage) or start in (Stage.CLOSE, Stage.SERVICE):
        raise InvalidValue(_("a new customer starts at one of the stages before close; add it, then `salescli "
                             "advance NAME close --value V`"))
    day = s.date(when)
    items = [event_item(EventKind.ADDED, day, FIRST_DEAL, stage=start.value, note=note)]
    if value or by:
        items.append(event_item(EventKind.TARGET, day, FIRST_DEAL,
                                value=parse_money(value) if value else None, by=s.date(by) if by else None))
    return items


def _ask_essentials(s: Session, values: dict[str, Any]) -> None:
    for key in ESSENTIALS:
        if values.get(key):
            continue
        if key == "area":
            values["area"] = typer.prompt(_("area (区域)"), default="", show_default=False) or None
        else:
            values[key] = _ask_term(s, key)


def _ask_term(s: Session, key: str) -> str | None:
    vocabulary = s.config.vocabulary(key)
    choices = "、".join(term.zh for term in vocabulary.terms) if s.language == "zh" else \
        joined(f"{term.key} {term.zh}" for term in vocabulary.terms)
    while True:
        question = _("{field} ({label}) [{choices}]").format(field=key, label=vocabulary.zh, choices=choices)
        answer = typer.prompt(question, default="", show_default=False)
        try:
            return s.vocabulary_key(key, answer)
        except InvalidValue as error:
            typer.echo(error.message, err=True)
