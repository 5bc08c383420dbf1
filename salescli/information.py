"""The five groups of information to collect about a customer (DOMAIN.md §4).

What is still missing is what the next visit must find out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from salescli.customer import Customer


@dataclass(frozen=True)
class Item:
    key: str  # dotted path in the customer file; for trust, a key of each person
    en: str
    zh: str

    def label(self, language: str) -> str:
        return self.zh if language == "zh" else self.en


@dataclass(frozen=True)
class Group:
    key: str
    en: str
    zh: str
    items: tuple[Item, ...]

    def label(self, language: str) -> str:
        return self.zh if language == "zh" else self.en


GROUPS = (
    Group("contact", "Contact", "客户通信信息", (
        Item("contact.address", "address", "通信地址"),
        Item("contact.department", "department", "部门名称"),
        Item("contact.person", "main contact", "主要联系人"),
        Item("contact.phone", "phone", "联系电话"),
        Item("contact.postcode", "postcode", "邮编"),
    )),
    Group("funds", "Purchase funds", "购买资金信息", (
        Item("funds.vendor", "current vendor", "目前使用的软件厂家"),
        Item("funds.software", "kind of software", "软件类别"),
        Item("funds.seats", "seats", "套数"),
        Item("funds.amount", "amount spent", "软件金额"),
    )),
    Group("decision", "Purchase decision", "购买决策信息", (
        Item("decision.process", "purchasing process", "采购流程"),
        Item("decision.decision_maker", "decision maker", "主要决策人"),
        Item("decision.users", "users", "使用人"),
    )),
    Group("needs", "Purchase needs", "购买需求信息", (
        Item("needs.scope", "business scope", "业务范围"),
        Item("needs.workload", "estimators' workload", "预算人员繁忙程度"),
        Item("needs.partners", "upstream and downstream", "业务上下游"),
        Item("needs.view", "decision maker's view of software", "决策人对购买软件的看法"),
        Item("needs.estimators", "number of estimators", "预算人员数量"),
    )),
    Group("trust", "Trust", "建立信任关系信息", (
        Item("name", "key people", "主要人员"),
        Item("phone", "how to reach them", "联系方式"),
        Item("hobbies", "hobbies", "爱好"),
        Item("birthday", "birthday", "生日"),
        Item("family", "family", "家庭情况"),
        Item("friends", "circle of friends", "朋友圈子"),
    )),
)

_REACH_KEYS = ("phone", "mobile", "office", "home_phone", "email")


def people(customer: Customer) -> list[Mapping[str, Any]]:
    """The key people of the trust group (entries that are not mappings are skipped)."""
    found = customer.get("trust.people")
    return [person for person in found if isinstance(person, Mapping)] if isinstance(found, list) else []


def item_value(customer: Customer, group: Group, item: Item) -> Any:
    """The value of one item; for trust, what the key people have of it, joined."""
    if group.key != "trust":
        return customer.get(item.key)
    keys = _REACH_KEYS if item.key == "phone" else (item.key,)
    values = [str(person[key]) for person in people(customer) for key in keys if person.get(key) not in (None, "")]
    return ", ".join(values) or None


def missing(customer: Customer) -> dict[str, list[Item]]:
    """For each group key, the items not yet known."""
    return {
        group.key: [item for item in group.items if item_value(customer, group, item) in (None, "")]
        for group in GROUPS
    }
