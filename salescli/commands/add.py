"""`salescli add NAME`: a new customer file from templates/customer.yaml."""

from __future__ import annotations

import sys
from typing import Any, Optional, Sequence

import typer

from salescli import store, yamlfile
from salescli.commands import session
from salescli.customer import FIRST_DEAL, Customer, EventKind, fold_name
from salescli.errors import UsageError
from salescli.ids import slug, unique_id, validate_id
from salescli.parsing import parse_money
from salescli.pipeline import event_item, parse_target
from salescli.session import Session
from salescli.store import AnyNamed, Named
from salescli.stages import Stage

# option name → where the value goes in the customer file
_PROFILE = {
    "area": "area", "project": "project", "owner": "owner",  # owner defaults to the config's user
    "address": "contact.address", "department": "contact.department", "contact": "contact.person",
    "phone": "contact.phone", "postcode": "contact.postcode",
    "vendor": "funds.vendor", "software": "funds.software", "seats": "funds.seats", "amount": "funds.amount",
    "process": "decision.process", "decision_maker": "decision.decision_maker", "users": "decision.users",
    "scope": "needs.scope", "workload": "needs.workload", "partners": "needs.partners", "view": "needs.view",
    "estimators": "needs.estimators",
}
_CLASSIFICATION = ("field", "size", "role", "channel", "source")
_ESSENTIALS = ("field", "size", "role", "channel", "area")


def register(app: typer.Typer) -> None:
    app.command("add")(add)


def _opt(help_text: str, *names: str) -> Any:
    return typer.Option(None, *names, help=help_text, show_default=False)


def add(
    ctx: typer.Context,
    name: str = typer.Argument(..., metavar="NAME", help="The customer's name, e.g. 中建三局第一建设有限公司."),
    customer_id: Optional[str] = _opt("The id (file name); default: the name in pinyin.", "--id"),
    field: Optional[str] = _opt("领域: real-estate 房地产, bank 银行, construction 建筑, military, telecom, finance, "
                                "power, petrochemical, railway, pharma, metallurgy, highway, aviation, municipal, "
                                "industrial, college.", "--field"),
    size: Optional[str] = _opt("规模: system 系统, small 散户, individual 个人.", "--size"),
    role: Optional[str] = _opt("招投标角色: owner 甲方, intermediary 中介, contractor 乙方, supervisor 监理, "
                               "designer 设计.", "--role"),
    channel: Optional[str] = _opt("渠道: cold 陌拜, acquaintance 缘故, referral 转介绍.", "--channel"),
    source: Optional[str] = _opt("来源: street, statistics, directory, press, web, site-sign, board, passing, "
                                 "referral, acquaintance, other.", "--source"),
    referred_by: Optional[str] = _opt("The customer who referred this one (sets channel referral).",
                                      "--referred-by"),
    area: Optional[str] = _opt("区域: where it is; visits in one area go on one day.", "--area"),
    project: Optional[str] = _opt("项目: the construction project you met them through.", "--project"),
    owner: Optional[str] = _opt("负责人: the rep who owns it (default: user in salescli.yaml).", "--owner"),
    address: Optional[str] = _opt("通信地址.", "--address"),
    department: Optional[str] = _opt("部门名称.", "--department"),
    contact: Optional[str] = _opt("主要联系人: the main contact's name.", "--contact"),
    phone: Optional[str] = _opt("联系电话.", "--phone"),
    postcode: Optional[str] = _opt("邮编.", "--postcode"),
    vendor: Optional[str] = _opt("目前使用的软件厂家: whose software they use now.", "--vendor"),
    software: Optional[str] = _opt("软件类别: the kind of software they have.", "--software"),
    seats: Optional[int] = _opt("套数: seats they have.", "--seats"),
    amount: Optional[str] = _opt("软件金额: what they spent on it.", "--amount"),
    process: Optional[str] = _opt("采购流程: how they buy software.", "--process"),
    decision_maker: Optional[str] = _opt("主要决策人.", "--decision-maker"),
    users: Optional[str] = _opt("使用人.", "--users"),
    scope: Optional[str] = _opt("业务范围.", "--scope"),
    workload: Optional[str] = _opt("预算人员繁忙程度.", "--workload"),
    partners: Optional[str] = _opt("业务上下游.", "--partners"),
    view: Optional[str] = _opt("决策人对购买软件的看法.", "--view"),
    estimators: Optional[int] = _opt("预算人员数量.", "--estimators"),
    stage: str = typer.Option("prospect", "--stage", help="The stage it starts at (key or 中文)."),
    value: Optional[str] = _opt("Close target: the value (48000, 4.8万, 48k).", "--value"),
    by: Optional[str] = _opt("Close target: the date (YYYY-MM-DD).", "--by"),
    when: Optional[str] = _opt("The date it was added (default: today).", "--date"),
    note: Optional[str] = _opt("A note for the log.", "--note"),
    no_input: bool = typer.Option(False, "--no-input", help="Never prompt, even in a terminal."),
    future: bool = typer.Option(False, "--future", help="Record it even if dated after today (normally refused)."),
) -> None:
    """Add a customer: a new file in customers/, from templates/customer.yaml.

    In a terminal it asks for the essentials you left out (field, size, role, channel, area);
    in a script it never asks. Values take English keys or Chinese labels.

    Examples:

    \b
      salescli add 中建三局第一建设有限公司 --field 建筑 --size 系统 --role 乙方 --channel 陌拜 --area 洪山
      salescli add 楚天造价咨询 --referred-by 中建三局 --contact 王强 --phone 13900000000
      salescli add "Hubei Road & Bridge" --id hubei-rb --value 15万 --by 2027-01-31 --no-input
    """
    s = session(ctx)
    options = dict(locals())  # every profile option by name, as typed
    customers = s.named()  # ids and names from the list rows: no customer's whole file is read
    _refuse_duplicate_name(customers, name)
    classification = _classification(s, options)
    if sys.stdin.isatty() and not no_input:
        _ask_essentials(s, classification, options)
    values = {
        "owner": s.config.user,
        **classification,
        **{path: _profile_value(key, options[key]) for key, path in _PROFILE.items() if options[key] is not None},
    }
    items = _log(s, stage, value, by, when, note)
    s.question(items, future=future)
    customer = create(s, name, values, items, customers=customers, chosen_id=customer_id)
    first = customer.deals[0].stage
    typer.echo(f"Added {customer.name} as {customer.id} ({s.shown(s.path_of(customer))}), "
               f"stage {first.value} {first.zh}.")


def create(s: Session, name: str, values: dict[str, Any], items: list[dict[str, Any]], *,
           customers: Sequence[Named], chosen_id: str | None = None) -> Customer:
    """Write a new customer from the folder's template: profile `values` by dotted path, `items` for
    its log. The id is `chosen_id` or made from the name."""
    new_id = _new_id(s, customers, name, chosen_id)
    text = yamlfile.filled_template(s.folder.template("customer.yaml"),
                                    _present({"id": new_id, "name": name.strip(), **values}), items)
    path = s.folder.customer_path(new_id)
    customer = store.create_customer(path, text)
    s.wrote(path, f"add {customer.name} ({customer.id})")
    return customer


def find_by_name(customers: Sequence[AnyNamed], name: str) -> AnyNamed | None:
    """The customer of that name, ignoring case, spaces and full-width forms."""
    return next((c for c in customers if fold_name(c.name) == fold_name(name)), None)


def _classification(s: Session, options: dict[str, Any]) -> dict[str, Any]:
    """Field, size, role, channel, source as stored keys; a referrer implies the referral channel."""
    keys: dict[str, Any] = {key: s.vocabulary_key(key, options[key]) for key in _CLASSIFICATION}
    if options["referred_by"]:
        keys["referred_by"] = s.customer(options["referred_by"]).id
        keys["channel"] = keys["channel"] or "referral"
        keys["source"] = keys["source"] or "referral"
    return keys


def _present(values: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value not in (None, "")}


def _profile_value(key: str, value: Any) -> Any:
    if key == "amount" and value is not None:
        return parse_money(str(value))
    return value


def _refuse_duplicate_name(customers: Sequence[Named], name: str) -> None:
    if not name.strip():
        raise UsageError("the customer needs a name")
    same = find_by_name(customers, name)
    if same:
        raise UsageError(f"{same.name} is already a customer ({same.id}); `salescli show {same.id}`")


def _new_id(s: Session, customers: Sequence[Named], name: str, chosen: str | None) -> str:
    taken = {c.id for c in customers} | {path.stem for path in s.folder.customer_files()}
    if chosen:
        validate_id(chosen)
        if chosen in taken:
            raise UsageError(f"the id '{chosen}' is taken; choose another with --id")
        return chosen
    return unique_id(slug(name), taken)


def _log(s: Session, stage: str, value: str | None, by: str | None, when: str | None,
         note: str | None) -> list[dict[str, Any]]:
    start = parse_target(stage)
    if not isinstance(start, Stage) or start in (Stage.CLOSE, Stage.SERVICE):
        raise UsageError("a new customer starts at one of the stages before close; "
                         "add it, then `salescli advance NAME close --value V`")
    day = s.date(when)
    items = [event_item(EventKind.ADDED, day, FIRST_DEAL, stage=start.value, note=note)]
    if value or by:
        items.append(event_item(EventKind.TARGET, day, FIRST_DEAL,
                                value=parse_money(value) if value else None, by=s.date(by) if by else None))
    return items


def _ask_essentials(s: Session, classification: dict[str, Any], options: dict[str, Any]) -> None:
    for key in _ESSENTIALS:
        if key == "area":
            if not options["area"]:
                options["area"] = typer.prompt("area (区域)", default="", show_default=False) or None
        elif not classification[key]:
            classification[key] = _ask_term(s, key)


def _ask_term(s: Session, key: str) -> str | None:
    vocabulary = s.config.vocabulary(key)
    choices = ", ".join(f"{term.key} {term.zh}" for term in vocabulary.terms)
    while True:
        answer = typer.prompt(f"{key} ({vocabulary.zh}) [{choices}]", default="", show_default=False)
        try:
            return s.vocabulary_key(key, answer)
        except UsageError as error:
            typer.echo(error.message, err=True)
