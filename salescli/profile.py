"""The customer profile, declared once: every field above `log:` in a customer file and every
detail of a key person (docs/domain.md §3–4). Pure: no files here.

Each field has its key (a dotted path in the file), its information group, its labels in English
and in the course's Chinese, and its kind (text, phone, date, integer, amount, a vocabulary term
or a customer id). `add`'s options, `set`'s keys, `person`'s options, `show`, `prep`'s missing
list, the export columns, the import's recognised headers and `check` all derive from here.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import Any, Callable, Iterable, Mapping, Sequence

from salescli import i18n
from salescli.errors import InvalidValue
from salescli.i18n import N_, _, beside, joined, language
from salescli.vocab import Vocabulary


class Kind(str, Enum):
    TEXT = "text"
    PHONE = "phone"  # kept as text, so that leading zeros and 13900000000 stay as written
    DATE = "date"
    INTEGER = "integer"  # a count: seats, estimators
    AMOUNT = "amount"  # money: 48000, 4.8万, 48k
    TERM = "term"  # a term of a vocabulary (field, size, role, channel, source)
    CUSTOMER = "customer"  # another customer's id (referred_by)
    BIRTHDAY = "birthday"  # a date, or a month and day alone (03-08: the year is often not known)


@dataclass(frozen=True)
class Field:
    key: str  # the dotted path in the customer file (for a person's detail: the key in its entry)
    en: str
    zh: str
    kind: Kind = Kind.TEXT
    group: str | None = None  # the information group it belongs to (None: classification, bookkeeping)
    vocabulary: str | None = None  # for Kind.TERM: which vocabulary
    option: str | None = None  # `add`'s (or `person`'s) option; None: no option of its own
    headers: tuple[str, ...] = ()  # further column titles an import recognises it by
    help: str = ""  # the option's help

    def label(self, language: str) -> str:
        return self.zh if language == "zh" else self.en

    @property
    def parameter(self) -> str:
        """The option's name as a Python parameter (`--decision-maker` → decision_maker)."""
        return (self.option or self.key).lstrip("-").replace("-", "_").replace(".", "_")

    def parse(self, text: str, *, vocabularies: Mapping[str, Vocabulary], today: date) -> Any:
        """The value a rep typed, as the file stores it; InvalidValue naming the field if it is not one."""
        from salescli.parsing import parse_date, parse_money

        text = text.strip()
        try:
            if self.kind is Kind.TERM:
                assert self.vocabulary is not None
                return vocabularies[self.vocabulary].resolve(text).key
            if self.kind is Kind.DATE:
                return parse_date(text, today=today)
            if self.kind is Kind.BIRTHDAY:
                return parse_birthday(text, today=today)
            if self.kind is Kind.AMOUNT:
                return parse_money(text)
            if self.kind is Kind.INTEGER:
                return _count(text)
            if self.kind is Kind.PHONE:
                return _phone(text)
        except InvalidValue as error:  # a term's message names its vocabulary already
            raise InvalidValue(error.message if self.kind is Kind.TERM else _("{key}: {problem}").format(
                key=named(self), problem=error.message)) from None
        return text

    def problem(self, value: Any, vocabularies: Mapping[str, Vocabulary]) -> str | None:
        """What is wrong with a value found in a file (for `check`); None when it is fine."""
        if value is None or value == "":
            return None
        if isinstance(value, (dict, list)):
            return (_("`{key}` should be a single value, not a list") if isinstance(value, list) else
                    _("`{key}` should be a single value, not a mapping")).format(key=named(self))
        if self.kind is Kind.TERM:
            assert self.vocabulary is not None
            return _term_problem(str(value), vocabularies[self.vocabulary], self.vocabulary)
        return self._value_problem(value)

    def _value_problem(self, value: Any) -> str | None:
        """What is wrong with a single value of a kind other than a term; None when it is fine."""
        if self.kind is Kind.DATE and not isinstance(value, date):
            return _("`{key}`: '{value}' is not a date; write YYYY-MM-DD").format(key=named(self), value=value)
        if self.kind is Kind.BIRTHDAY and month_day(value) is None:
            return _("`{key}`: '{value}' is not a birthday; write 1978-05-12, or 05-12 without the year").format(
                key=named(self), value=value)
        if self.kind is Kind.PHONE and _mobile_problem(str(value)):
            return _("`{key}`: {problem}").format(key=named(self), problem=_mobile_problem(str(value)))
        if self.kind is Kind.INTEGER and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
            return _("`{key}`: '{value}' is not a whole number").format(key=named(self), value=value)
        if self.kind is Kind.AMOUNT and (isinstance(value, bool) or not isinstance(value, (int, float, str))
                                         or _not_amount(value)):
            return _("`{key}`: '{value}' is not an amount").format(key=named(self), value=value)
        return None


def _term_problem(value: str, vocabulary: Vocabulary, name: str) -> str | None:
    """Why a value is not a key of its vocabulary (the key to write, when it is one of its words); None if it is."""
    if vocabulary.get(value) is not None:
        return None
    try:
        term = vocabulary.resolve(value)
    except InvalidValue as error:
        return error.message
    return _("'{value}' is not a {vocabulary} key; write '{key}'").format(value=value, vocabulary=name, key=term.key)


def _count(text: str) -> int:
    cleaned = unicodedata.normalize("NFKC", text).strip().rstrip("人套个名位")
    if not re.fullmatch(r"\d{1,9}", cleaned):
        raise InvalidValue(_("'{text}' is not a whole number").format(text=text))
    return int(cleaned)


_PHONE = re.compile(r"[0-9０-９+()（）\-‐－ .,/转#*ext]+", re.IGNORECASE)


def _phone(text: str) -> str:
    if not _PHONE.fullmatch(text) or not re.search(r"[0-9０-９]", text):
        raise InvalidValue(_("'{text}' is not a phone number (digits, spaces, + - ( ) and 转 for an extension)").format(
            text=text))
    problem = _mobile_problem(text)
    if problem:
        raise InvalidValue(problem)
    return unicodedata.normalize("NFKC", text)


_MOBILE_DIGITS = re.compile(r"(?:\+?86[\s-]?)?(1[\d\s-]*)")


def _mobile_problem(number: str) -> str | None:
    """Why a number that reads as a mainland mobile (seven digits or more starting with 1, +86 before
    them or not) is not one; None if it is, or if it is another kind of number: a landline (027-…, a
    local 8765 4321 never starts with 1), an extension, a number abroad, a service number (10086)."""
    found = _MOBILE_DIGITS.fullmatch(unicodedata.normalize("NFKC", number).strip())
    digits = re.sub(r"\D", "", found.group(1)) if found else ""
    if len(digits) < 7:
        return None
    if len(digits) == 11 and digits[1] in "3456789":
        return None
    if len(digits) == 11:
        return _("'{text}' is not a mobile number: the second digit of a mainland mobile is 3 to 9").format(text=number)
    return _("'{text}' has {count} digits; a mainland mobile number has 11 (a landline: with its area code, "
             "027-8765 4321)").format(text=number, count=len(digits))


_MONTH_DAY = re.compile(r"(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?"
                        r"|([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})[日号]?")


def parse_birthday(text: str, *, today: date) -> date | str:
    """A birthday as typed: with its year a date (1978-05-12, 1978年5月12日); without one the month and
    day alone, as `MM-DD` (3月8日, 03-08, 三月八日) — never this year's date."""
    from salescli.parsing import parse_date

    cleaned = unicodedata.normalize("NFKC", text).strip()
    if re.search(r"\d{4}", cleaned):
        return parse_date(cleaned, today=today)
    found = _MONTH_DAY.fullmatch(cleaned)
    if found is None:
        raise InvalidValue(_("'{text}' is not a birthday; write 1978-05-12, or 3月8日 (03-08) without the year").format(
            text=text))
    month, day = (_small_number(part) for part in (found.group(1) or found.group(3), found.group(2) or found.group(4)))
    shown = f"{month:02d}-{day:02d}"
    if month_day(shown) is None:
        raise InvalidValue(_("'{text}' is not a day of the year").format(text=text))
    return shown


def _small_number(text: str) -> int:
    if text.isdigit():
        return int(text)
    import cn2an  # only for Chinese numerals

    return int(cn2an.cn2an(text, "normal"))


def month_day(value: Any) -> tuple[int, int] | None:
    """A birthday's month and day: of a date, or of `MM-DD` text; None for anything else."""
    if isinstance(value, date):
        return value.month, value.day
    found = re.fullmatch(r"(\d{2})-(\d{2})", value.strip()) if isinstance(value, str) else None
    if found is None:
        return None
    month, day = int(found.group(1)), int(found.group(2))
    try:
        date(2000, month, day)  # (a leap year: 02-29 is a birthday)
    except ValueError:
        return None
    return month, day


def birthday_in(value: Any, year: int) -> date | None:
    """The day a birthday falls on in `year` (29 February: 1 March in a common year); None when it is none."""
    found = month_day(value)
    if found is None:
        return None
    try:
        return date(year, *found)
    except ValueError:
        return date(year, 3, 1)


def _not_amount(value: Any) -> bool:
    if isinstance(value, (int, float)):
        return value < 0
    from salescli.parsing import parse_money

    try:
        parse_money(str(value))
    except InvalidValue:
        return True
    return False


def _term(key: str, en: str, zh: str, help_text: str, *headers: str) -> Field:
    return Field(key, en, zh, Kind.TERM, vocabulary=key, option=f"--{key}", headers=headers, help=help_text)


# The profile in the order of the template (templates/customer.yaml).
PROFILE: tuple[Field, ...] = (
    Field("name", "name", "名称", headers=("客户名称", "客户", "单位名称", "公司名称", "名称", "account", "company")),
    _term("field", "field", "领域", N_("领域: real-estate 房地产, bank 银行, construction 建筑, military, telecom, "
                                      "finance, power, petrochemical, railway, pharma, metallurgy, highway, aviation, "
                                      "municipal, industrial, college."),
          "行业"),
    _term("size", "size", "规模", N_("规模: system 系统, small 散户, individual 个人.")),
    _term("role", "role", "角色", N_("招投标角色: owner 甲方, intermediary 中介, contractor 乙方, supervisor 监理, "
          "designer 设计."), "招投标角色"),
    _term("channel", "channel", "渠道", N_("渠道: cold 陌拜, acquaintance 缘故, referral 转介绍.")),
    _term("source", "source", "来源", N_("来源: street, statistics, directory, press, web, site-sign, board, passing, "
          "referral, acquaintance, other (default: from the channel where it implies one).")),
    Field("referred_by", "referred by", "转介绍人", Kind.CUSTOMER, option="--referred-by",
          help="The customer who referred this one (sets channel referral)."),
    Field("area", "area", "区域", option="--area", headers=("地区",),
          help="区域: where it is; visits in one area go on one day."),
    Field("project", "project", "项目", option="--project",
          help="项目: the construction project you met them through."),
    Field("owner", "owner (rep)", "负责人", option="--owner", headers=("业务员", "销售"),
          help="负责人: the rep who owns it (default: user in salescli.yaml)."),
    Field("contact.address", "address", "通信地址", group="contact", option="--address", headers=("地址", "address"),
          help="通信地址."),
    Field("contact.department", "department", "部门名称", group="contact", option="--department", headers=("部门",),
          help="部门名称."),
    Field("contact.person", "main contact", "主要联系人", group="contact", option="--contact",
          headers=("联系人", "contact"), help="主要联系人: the main contact's name."),
    Field("contact.phone", "phone", "联系电话", Kind.PHONE, group="contact", option="--phone",
          headers=("电话", "手机", "phone"), help="联系电话."),
    Field("contact.postcode", "postcode", "邮编", group="contact", option="--postcode", help="邮编."),
    Field("funds.vendor", "current vendor", "目前使用的软件厂家", group="funds", option="--vendor",
          headers=("目前使用软件", "软件厂家"), help="目前使用的软件厂家: whose software they use now."),
    Field("funds.software", "kind of software", "软件类别", group="funds", option="--software",
          help="软件类别: the kind of software they have."),
    Field("funds.seats", "seats", "套数", Kind.INTEGER, group="funds", option="--seats", help="套数: seats they have."),
    Field("funds.amount", "amount spent", "软件金额", Kind.AMOUNT, group="funds", option="--amount",
          help="软件金额: what they spent on it (48000, 4.8万)."),
    Field("decision.process", "purchasing process", "采购流程", group="decision", option="--process",
          help="采购流程: how they buy software."),
    Field("decision.decision_maker", "decision maker", "主要决策人", group="decision", option="--decision-maker",
          headers=("决策人",), help="主要决策人."),
    Field("decision.users", "users", "使用人", group="decision", option="--users", help="使用人."),
    Field("needs.scope", "business scope", "业务范围", group="needs", option="--scope", help="业务范围."),
    Field("needs.workload", "estimators' workload", "预算人员繁忙程度", group="needs", option="--workload",
          help="预算人员繁忙程度."),
    Field("needs.partners", "upstream and downstream", "业务上下游", group="needs", option="--partners",
          help="业务上下游."),
    Field("needs.view", "decision maker's view of software", "决策人对购买软件的看法", group="needs", option="--view",
          help="决策人对购买软件的看法."),
    Field("needs.estimators", "number of estimators", "预算人员数量", Kind.INTEGER, group="needs",
          option="--estimators", help="预算人员数量."),
)

PEOPLE_KEY = "trust.people"  # the key people (trust group): a list of entries with PERSON's keys

# A key person's details (docs/domain.md §4.5): how to reach them, and what builds trust.
PERSON: tuple[Field, ...] = (
    Field("name", "name", "姓名", group="trust"),
    Field("title", "title", "职务", group="trust", option="--title", help="职务: e.g. 预算科长."),
    Field("mobile", "mobile", "手机", Kind.PHONE, group="trust", option="--mobile",
          help="手机: 11 digits starting with 1 (checked), or another number as it is written."),
    Field("phone", "office phone", "办公电话", Kind.PHONE, group="trust", option="--phone", help="办公电话."),
    Field("home_phone", "home phone", "家庭电话", Kind.PHONE, group="trust", option="--home-phone", help="家庭电话."),
    Field("email", "email", "邮箱", group="trust", option="--email", help="邮箱."),
    Field("hobbies", "hobbies", "爱好", group="trust", option="--hobbies", help="爱好: e.g. 钓鱼, 象棋."),
    Field("birthday", "birthday", "生日", Kind.BIRTHDAY, group="trust", option="--birthday",
          help="生日: 1978-05-12, or 3月8日 without the year (reminded every year: prep, schedule)."),
    Field("family", "family", "家庭情况", group="trust", option="--family", help="家庭情况."),
    Field("friends", "circle of friends", "朋友圈子", group="trust", option="--friends", help="朋友圈子."),
    Field("note", "note", "备注", group="trust", option="--note", help="Anything else about them."),
)
# Older files write a person's office phone as `office`; it counts as a way to reach them too.
REACH_KEYS = ("mobile", "phone", "office", "home_phone", "email")

# What the trust group asks of the key people, all of them together ("phone" stands for any way to
# reach them: REACH_KEYS).
TRUST_ITEMS: tuple[Field, ...] = (
    Field("name", "key people", "主要人员", group="trust"),
    Field("phone", "how to reach them", "联系方式", group="trust"),
    Field("hobbies", "hobbies", "爱好", group="trust"),
    Field("birthday", "birthday", "生日", Kind.BIRTHDAY, group="trust"),
    Field("family", "family", "家庭情况", group="trust"),
    Field("friends", "circle of friends", "朋友圈子", group="trust"),
)

BY_KEY: Mapping[str, Field] = {field.key: field for field in PROFILE}
i18n.name_keys({key: field.label for key, field in BY_KEY.items()})  # a report by a field titles its column so
CLASSIFICATION = tuple(field.key for field in PROFILE if field.kind is Kind.TERM)
KEYS = tuple(BY_KEY)


@dataclass(frozen=True)
class Group:
    """One of the five groups of information to collect (docs/domain.md §4)."""

    key: str
    en: str
    zh: str

    def label(self, language: str) -> str:
        return self.zh if language == "zh" else self.en

    @property
    def items(self) -> tuple[Field, ...]:
        """What it asks for; for trust, what the key people's entries should tell."""
        return TRUST_ITEMS if self.key == "trust" else tuple(field for field in PROFILE if field.group == self.key)


GROUPS = (
    Group("contact", "Contact", "客户通信信息"),
    Group("funds", "Purchase funds", "购买资金信息"),
    Group("decision", "Purchase decision", "购买决策信息"),
    Group("needs", "Purchase needs", "购买需求信息"),
    Group("trust", "Trust", "建立信任关系信息"),
)


def import_headers() -> dict[str, str]:
    """Column titles an import recognises, folded, → the profile key: each field's key, Chinese and
    English labels and further titles (客户名称, 联系人, 电话, 预算人员数量 …)."""
    headers: dict[str, str] = {}
    for field in PROFILE:
        for title in (field.key, field.zh, field.en, *field.headers):
            headers.setdefault(title.strip().casefold(), field.key)
    return headers


def field_for(text: str, *, fields: Sequence[Field] = PROFILE, what: str = "field") -> Field:
    """The field a rep names: its dotted key, its option's name, its Chinese or English label, or
    the last part of its key when that is unique (`phone`, `decision_maker`, `决策人`, `预算人员数量`)."""
    wanted = _folded(text)
    names: dict[str, list[Field]] = {}
    for field in fields:
        for name in set(_names(field)):
            names.setdefault(name, []).append(field)
    found = names.get(wanted, [])
    if len(found) == 1:
        return found[0]
    if len(found) > 1:
        raise InvalidValue(_("'{text}' could be {keys}; write the whole key").format(
            text=text, keys=joined(field.key for field in found)))
    found_close = _closest(wanted, names)
    close = named(found_close) if found_close else ""
    if what == "detail":
        message = _("unknown detail '{text}' (did you mean '{close}'?)") if close else _("unknown detail '{text}'")
    else:
        message = _("unknown field '{text}' (did you mean '{close}'?)") if close else _("unknown field '{text}'")
    raise InvalidValue(message.format(text=text, close=close))


def _names(field: Field) -> Iterable[str]:
    yield _folded(field.key)
    yield _folded(field.key.rsplit(".", 1)[-1])
    yield _folded(field.en)
    yield _folded(field.zh)
    if field.option:
        yield _folded(field.option.lstrip("-"))
    yield from (_folded(header) for header in field.headers)


def _folded(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().casefold().replace("-", "_").replace(" ", "_")


def _closest(wanted: str, names: Mapping[str, list[Field]]) -> Field | None:
    import difflib

    close = difflib.get_close_matches(wanted, list(names), n=1, cutoff=0.7)
    return names[close[0]][0] if close else None


def named(field: Field) -> str:
    """A field as a message names it: its key in English; its Chinese label first in Chinese, the key
    (which `set` and the file take) beside it: 主要联系人（contact.person）."""
    return beside(field.zh, field.key) if language() == "zh" and field.zh != field.key else field.key


UNSET: Any = object()  # a change that empties a value


def changes(assignments: Sequence[str], unset: Sequence[str] = (), *, custom: bool = False,
            vocabularies: Mapping[str, Vocabulary], today: date,
            customer_id: Callable[[str], str] | None = None, customer: str = "CUSTOMER") -> dict[str, Any]:
    """What `KEY=VALUE` assignments (and keys to empty) ask of a profile: dotted key → the value as
    the file stores it, or UNSET. A key the registry does not know is refused with the closest
    known one, unless `custom` (a company's own fields, kept as text); `customer_id` turns a
    CUSTOMER reference (referred_by) into the id it names."""
    found: dict[str, Any] = {}
    for text in assignments:
        key, value = parse_assignment(text)
        field = _settable(key, custom, value, customer)
        if value == "":
            found[field.key] = UNSET
        elif field.kind is Kind.CUSTOMER:
            found[field.key] = customer_id(value) if customer_id else value
        else:
            found[field.key] = field.parse(value, vocabularies=vocabularies, today=today)
    for key in unset:
        found[_settable(key, custom, customer=customer).key] = UNSET
    return found


# What a profile key is not: the deal's state, which the log gives. Each is set by a command; the key a
# rep may try (in English or Chinese) → the hint naming it.
_DERIVED = {
    ("stage", "阶段", "status", "状态"): N_("the stage is not a profile value: the log gives it. Move the deal with "
                                          "`salescli advance {customer} {value}` (a lost deal: `advance {customer} "
                                          "lost --reason …`)"),
    ("target", "target_value", "目标", "目标金额", "成交目标"): N_(
        "the close target is not a profile value: the log gives it. Set it with `salescli target {customer} --value "
        "{value}`"),
    ("target_date", "by", "目标日期"): N_(
        "the close target is not a profile value: the log gives it. Set its date with `salescli target {customer} "
        "--by {value}`"),
    ("won", "won_value", "value", "成交金额", "成交"): N_(
        "the value won is not a profile value: the log gives it. Record the close with `salescli advance {customer} "
        "close --value {value}`"),
    ("next", "next_visit", "下次拜访"): N_(
        "the next visit is not a profile value: the log gives it. Agree it with `salescli visit {customer} --next "
        "{value}`"),
    ("last_activity", "最近活动", "deals", "交易数"): N_(
        "this is worked out from the log, not set: record what happened with `salescli visit`, `advance` or "
        "`target`"),
}


def _settable(key: str, custom: bool, value: str = "", customer: str = "CUSTOMER") -> Field:
    folded = _folded(key)
    if folded == "id":
        raise InvalidValue(_("the id cannot be set: it is the name of the customer's file (customers/ID.yaml); to "
                             "change the customer's name, set name=…"))
    if folded == "log" or folded.startswith("log."):
        raise InvalidValue(_("the log cannot be set: it is the customer's history, which the commands add to "
                             "(`salescli visit`, `advance`, `target`); to correct an entry, `salescli edit "
                             "CUSTOMER`"))
    derived = next((hint for words, hint in _DERIVED.items() if folded in words), None)
    if derived is not None:
        raise InvalidValue(_(derived).format(value=value or "…", customer=customer))
    if _folded(key) in ("trust.people", "people", "trust", "主要人员", "关键人"):
        raise InvalidValue(_("key people are kept with `salescli person CUSTOMER NAME --title … --mobile …`"))
    detail = next((field for field in PERSON if _folded(key) in set(_names(field)) and field.key != "name"), None)
    if detail is not None and _folded(key) not in {name for field in PROFILE for name in _names(field)}:
        raise InvalidValue(_("a key person's {detail} is kept with `salescli person CUSTOMER NAME {option} …`").format(
            detail=detail.label(language()), option=detail.option))
    try:
        return field_for(key)
    except InvalidValue as error:
        if not custom:
            raise InvalidValue(_("{problem}; `salescli set --help` lists the fields, and --custom keeps a field of "
                                 "your own").format(problem=error.message)) from None
    return Field(custom_key(key), key, key)


_SOURCE_OF_CHANNEL = {"acquaintance": "acquaintance", "referral": "referral"}


def implied_source(channel: str | None) -> str | None:
    """The prospecting source a channel implies (缘故 → acquaintance, 转介绍 → referral); a cold
    customer's source (street, press, web …) only the rep can tell."""
    return _SOURCE_OF_CHANNEL.get(channel or "")


def person_index(people: Any, name: str) -> int | None:
    """Where the key person called `name` is among a file's `trust.people` (case, spaces and
    full-width forms ignored); None when not there."""
    if not isinstance(people, list):
        return None
    wanted = _name(name)
    return next((index for index, person in enumerate(people)
                 if isinstance(person, Mapping) and _name(str(person.get("name") or "")) == wanted), None)


def _name(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).casefold().split())


def parse_assignment(text: str) -> tuple[str, str]:
    """`KEY=VALUE` (also `KEY＝VALUE` and `KEY：VALUE` as a Chinese keyboard types them)."""
    for separator in ("=", "＝", "：", ":"):
        key, found, value = text.partition(separator)
        if found and key.strip():
            return key.strip(), value.strip()
    raise InvalidValue(_("'{text}' is not KEY=VALUE (e.g. contact.phone=13900000000)").format(text=text))


CUSTOM_KEY = re.compile(r"[^\W\d][\w-]*(\.[^\W\d][\w-]*)*")  # letters (中文 too), digits, _ and -, dotted


def custom_key(text: str) -> str:
    """A key of the company's own (`set --custom`): a dotted path of plain words, never `log`."""
    key = unicodedata.normalize("NFKC", text).strip()
    if not CUSTOM_KEY.fullmatch(key) or key.split(".")[0] in ("log", "id"):
        raise InvalidValue(_("'{text}' cannot be a key: use words joined by '.', e.g. custom.tender_no").format(
            text=text))
    return key
