"""One module per command; each adds itself to the app with `register(app)`."""

from __future__ import annotations

import inspect
import os
import re
import sys
from decimal import Decimal
from typing import Any, Callable, Iterable, Optional, Sequence, TypeVar

import typer

from salescli.api import BY_KEY, PROFILE, Customer, Field, Kind, Stage
from salescli.errors import InvalidValue
from salescli.i18n import N_, _, beside, joined
from salescli.render import Fit
from salescli.session import Session

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")


def session(ctx: typer.Context) -> Session:
    obj = ctx.find_root().obj
    assert isinstance(obj, Session)
    return obj


def terminal_fit(*, drop: Sequence[str] = (), cut: Sequence[str] = (), wide: bool = False) -> Fit | None:
    """How a table should meet the terminal's width (None when the output is not a terminal: piped
    output stays whole for scripts, or with --wide)."""
    if wide or not sys.stdout.isatty():
        return None
    from shutil import get_terminal_size

    return Fit(get_terminal_size().columns, drop, cut)


def complete_customer(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """Shell completion for CUSTOMER: ids from the file names (fast: no file is parsed)."""
    from salescli.api import customer_names, find_data_folder

    try:
        root = ctx.find_root().params.get("directory") or os.environ.get("SALESCLI_DIR")
        folder = find_data_folder(root)
    except Exception:  # completion must never fail loudly
        return []
    ids = [name[:-len(".yaml")] for name in customer_names(folder.customers)]
    return [(customer_id, "") for customer_id in ids if customer_id.startswith(incomplete)]


CUSTOMER_HELP = N_("The customer: its id, the start of its id, or part of its name (中文 too).")
CUSTOMER = typer.Argument(..., metavar="CUSTOMER", help=CUSTOMER_HELP, autocompletion=complete_customer)


def interactive() -> bool:
    """Whether a person can be asked (stdin is a terminal); scripts are never asked."""
    return sys.stdin.isatty()


def confirm(question: str, *, default: bool) -> bool:
    """A yes/no question in a terminal, in the language spoken: [y/N], or [是/否] taking 是, 否, y, n."""
    from salescli import i18n

    if i18n.language() == "en":
        return typer.confirm(question, default=default)
    choices = _("[yes/NO]") if not default else _("[YES/no]")
    yes, no = {"y", "yes", "是", "是的", "对", "好"}, {"n", "no", "否", "不", "不是"}
    while True:
        answer = typer.prompt(f"{question} {choices}", default="", show_default=False, prompt_suffix=" ")
        folded = answer.strip().casefold()
        if folded == "":
            return default
        if folded in yes or folded in no:
            return folded in yes
        typer.echo(_("Answer yes or no."), err=True)


def zero_close_asked(write: Callable[[bool], T], *, force: bool) -> T:
    """`write(force)`; a close for 0 it refuses (ZeroValue) is asked about in a terminal and made when
    confirmed, and refused in a script (unless --force)."""
    from salescli.api import ZeroValue

    try:
        return write(force)
    except ZeroValue:
        if force or not interactive():
            raise
        if not confirm(_("The value won would be 0. Record the close all the same?"), default=False):
            raise InvalidValue(_("nothing recorded")) from None
        return write(True)


FORCE_HELP = N_("Record a close worth 0 (refused otherwise: the amount was most likely left out).")


def with_field_options(fields: Sequence[Field], *, after: str) -> Callable[[F], F]:
    """Give a command an option per field that has one (registry order), after its parameter `after`;
    the command takes them as keyword arguments (`**values`), each the text typed or None."""
    return _with_options(_field_options(fields), after=after)


def _field_options(fields: Sequence[Field]) -> list[inspect.Parameter]:
    return [inspect.Parameter(field.parameter, inspect.Parameter.KEYWORD_ONLY, annotation=Optional[str],
                              default=typer.Option(None, field.option, help=field.help, show_default=False))
            for field in fields if field.option]


def _with_options(options: Sequence[inspect.Parameter], *, after: str) -> Callable[[F], F]:
    def decorate(function: F) -> F:
        parameters = [p for p in inspect.signature(function).parameters.values()
                      if p.kind is not inspect.Parameter.VAR_KEYWORD]
        at = next(index for index, parameter in enumerate(parameters) if parameter.name == after) + 1
        keyword_only = [parameter.replace(kind=inspect.Parameter.KEYWORD_ONLY) for parameter in parameters[at:]]
        setattr(function, "__signature__", inspect.Signature([*parameters[:at], *options, *keyword_only]))
        return function

    return decorate


def field_values(fields: Sequence[Field], options: dict[str, Any]) -> dict[Field, str]:
    """The fields given on the command line (by `with_field_options`) and the text typed for each."""
    return {field: options[field.parameter] for field in fields
            if field.option and options.get(field.parameter) is not None}


# ---- adding a customer: `add` and `refer` ----------------------------------------------------

# Every profile field with an option of its own (the registry's): `add`'s and `refer`'s options.
ADD_FIELDS = tuple(field for field in PROFILE if field.option)
ESSENTIALS = ("field", "size", "role", "channel", "area")  # asked for in a terminal when left out

def _option(name: str, annotation: Any, default: Any) -> inspect.Parameter:
    return inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation, default=default)


# The options `add` and `refer` have beside the profile's: the id first, these after the fields.
_CUSTOMER_ID = _option("customer_id", Optional[str], typer.Option(
    None, "--id", help="The id (file name); default: the name in pinyin.", show_default=False))
_ADD_OPTIONS = (
    _option("stage", str, typer.Option("prospect", "--stage", help="The stage it starts at (key or 中文).")),
    _option("value", Optional[str], typer.Option(None, "--value",
                                                 help="Close target: the value (48000, 4.8万, 五万, 48k).",
                                                 show_default=False)),
    _option("by", Optional[str], typer.Option(None, "--by",
                                              help="Close target: the date (2026-12-31, 月底, 下个月, +30d).",
                                              show_default=False)),
    _option("when", Optional[str], typer.Option(None, "--date", help="The date it was added (default: today).",
                                                show_default=False)),
    _option("note", Optional[str], typer.Option(None, "--note", help="A note for the log.", show_default=False)),
    _option("no_input", bool, typer.Option(False, "--no-input", help="Never prompt, even in a terminal.")),
    _option("new", bool, typer.Option(False, "--new", help="Add it even though a customer of a similar name is in "
                                                           "the folder.")),
    _option("future", bool, typer.Option(False, "--future", help="Record it even if dated after today (normally "
                                                                 "refused).")),
)


def with_add_options(fields: Sequence[Field], *, after: str) -> Callable[[F], F]:
    """`add`'s options — --id, an option per profile field in `fields`, --stage, the close target,
    --date, --note, --no-input, --new, --future — after the command's parameter `after`."""
    return _with_options([_CUSTOMER_ID, *_field_options(fields), *_ADD_OPTIONS], after=after)


def add_customer(s: Session, name: str, options: dict[str, Any]) -> Customer:
    """What `add` and `refer` do with their options: in a terminal (unless --no-input), ask whether
    a name like one in the folder is another customer, and for the essentials left out; then
    Folder.add."""
    from salescli.api import NearName

    ask, new = interactive() and not options["no_input"], options["new"]
    try:
        s.check_name(name, new=new)
    except NearName as near:
        if not ask:
            raise
        if not confirm(_("{name} may already be in the folder as {listed}. Add it as a new customer "
                         "anyway?").format(name=name, listed=joined((beside(c.name, c.id) for c in near.matches[:5]),
                                                                    "; ")), default=False):
            raise InvalidValue(_("nothing added")) from None
        new = True
    fields = {field.key: text for field, text in field_values(ADD_FIELDS, options).items()}
    if ask:
        _ask_essentials(s, fields)
    return s.add(name, id=options["customer_id"], stage=options["stage"], value=options["value"], by=options["by"],
                 date=options["when"], note=options["note"], new=new, future=options["future"], **fields)


def say_added(s: Session, customer: Customer) -> None:
    first = customer.deals[0].stage
    typer.echo(_("Added {customer} as {id} ({file}), stage {stage}.").format(
        customer=customer.name, id=customer.id, file=s.shown(s.path_of(customer)),
        stage=first.zh if s.language == "zh" else f"{first.value} {first.zh}"))


def _ask_essentials(s: Session, fields: dict[str, Any]) -> None:
    for key in ESSENTIALS:
        if fields.get(key):
            continue
        if key == "area":
            fields["area"] = typer.prompt(_("area (区域)"), default="", show_default=False) or None
        else:
            fields[key] = _ask_term(s, key)


def _ask_term(s: Session, key: str) -> str | None:
    vocabulary = s.settings.vocabulary(key)
    choices = "、".join(term.zh for term in vocabulary.terms) if s.language == "zh" else \
        joined(f"{term.key} {term.zh}" for term in vocabulary.terms)
    while True:
        question = _("{field} ({label}) [{choices}]").format(field=key, label=vocabulary.zh, choices=choices)
        answer = typer.prompt(question, default="", show_default=False)
        try:
            return s.vocabulary_key(key, answer)
        except InvalidValue as error:
            typer.echo(error.message, err=True)


def changed_lines(s: Session, before: Customer, after: Customer, keys: Iterable[str]) -> list[str]:
    """A line per profile value that changed: `  contact.phone (联系电话): 13985822416 → 13900000000`."""
    lines = []
    for key in keys:
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        field = BY_KEY.get(key)
        shown = [_shown(s, field, value) for value in (old, new)]
        change = f"{shown[0]} → {_('(empty)')}" if new is None else shown[1] if old is None else " → ".join(shown)
        if field is None:
            lines.append("  " + _("{key}: {change}").format(key=key, change=change))
        else:  # the course's word beside the key
            lines.append("  " + _("{key} ({label}): {change}").format(key=key, label=field.label("zh"), change=change))
    return lines


def _shown(s: Session, field: Field | None, value: Any) -> str:
    from salescli.api import format_money
    from salescli.render import display_value

    if field is not None and field.kind is Kind.TERM and field.vocabulary:
        return s.settings.vocabulary(field.vocabulary).label(str(value), s.language)
    if field is not None and field.kind is Kind.AMOUNT and isinstance(value, (int, float)):
        return format_money(Decimal(str(value)))
    return display_value(value)


def stages_in_chinese(records: list[dict[str, Any]], keys: list[str], language: str
                      ) -> tuple[list[dict[str, Any]], list[str]]:
    """A Chinese table names a stage once, in Chinese: not its English key beside a 中文 column."""
    if language != "zh" or "stage" not in keys:
        return records, keys
    return ([{**record, "stage": Stage(record["stage"]).zh} for record in records],
            [key for key in keys if key != "中文"])


def referral_reminder(customer: Customer) -> str:
    """After a close: every closed customer should bring three (docs/domain.md §6)."""
    return _(
        "Next (售后服务、索取转介绍): every closed customer should bring three.\n"
        "  · Ask {customer} for referrals: salescli add NAME --referred-by {id}\n"
        "  · Record the project's other parties (甲方 owner, 乙方 contractor, 监理 supervisor): "
        "salescli site {project} --client … --contractor … --supervisor …"
    ).format(customer=customer.name, id=customer.id, project=customer.get("project") or "PROJECT")


# ---- refusals that name what the rep meant ---------------------------------------------------

_EXTRA = re.compile(r"Got unexpected extra arguments? ?(?:\(s\))? \((?P<arguments>.*)\)$")


def hinting(hint: Callable[[list[str]], str | None]) -> type:
    """A command class whose refusal of arguments it does not take ends with `hint(those arguments)`,
    naming the option the rep meant (`target 城建集团 25万` → --value 25万)."""
    from typer._click.exceptions import UsageError
    from typer.core import TyperCommand

    class Hinting(TyperCommand):
        def parse_args(self, ctx: Any, args: list[str]) -> Any:
            try:
                return super().parse_args(ctx, args)
            except UsageError as error:
                found = _EXTRA.match(error.message)
                said = hint(found.group("arguments").split(" ")) if found else None
                if said:  # (no ASCII brackets in a hint: the message's own are matched to translate it)
                    error.message += _("; ") + said
                raise

    return Hinting


def _kind(word: str) -> str | None:
    """'amount' or 'date' when `word` reads as one (as `--value` or `--by` would take it), else None."""
    from datetime import date

    from salescli.api import parse_date, parse_money

    try:
        parse_money(word)
        return "amount"
    except InvalidValue:
        pass
    try:
        parse_date(word, today=date.today())
        return "date"
    except InvalidValue:
        return None


def target_hint(extra: list[str]) -> str | None:
    """`target 城建集团 25万 月底`: the value and the date are options."""
    said = {"amount": _("an amount is given with --value {word}"), "date": _("a date is given with --by {word}")}
    hints = [said[kind].format(word=word) for word in extra if (kind := _kind(word))]
    return _("; ").join(hints) or None


def advance_hint(extra: list[str]) -> str | None:
    """`advance 中建 close 5万`, `advance 中建 lost 选了别家`."""
    word = extra[0]
    if _kind(word) == "amount":
        return _("the value won is given with --value {word}").format(word=word)
    return _("a note is given with --note '{text}', the reason a deal was lost with --reason '{text}'").format(
        text=" ".join(extra))


def visit_hint(extra: list[str]) -> str | None:
    """`visit 中建 见了王工`: what came of it is --note; a date --date or --next."""
    kind = _kind(extra[0])
    if kind == "amount":
        return _("an amount is given with --target {word} for the close target, or --value {word} with --stage "
                 "close").format(word=extra[0])
    if kind == "date":
        return _("the visit's day is given with --date {word}, the next visit's with --next {word}").format(
            word=extra[0])
    return _("what came of the visit is given with --note '{text}', its goal with --goal").format(text=" ".join(extra))


def name_hint(extra: list[str]) -> str | None:
    """`show 中建 三局`: a name with a space is one argument in quotes."""
    return _("a name with spaces is one argument: put it in quotes, '… {rest}'").format(rest=" ".join(extra))
