"""The five groups of information to collect about a customer (docs/domain.md §4), as far as a
customer's file holds them. What is still missing is what the next visit must find out.

The groups and their items are declared once, in `profile`.
"""

from __future__ import annotations

from typing import Any, Mapping

from salescli.customer import Customer
from salescli.profile import GROUPS, PEOPLE_KEY, REACH_KEYS, Group
from salescli.profile import Field as Item

__all__ = ["GROUPS", "Group", "Item", "item_value", "missing", "people"]


def people(customer: Customer) -> list[Mapping[str, Any]]:
    """The key people of the trust group (entries that are not mappings are skipped)."""
    found = customer.get(PEOPLE_KEY)
    return [person for person in found if isinstance(person, Mapping)] if isinstance(found, list) else []


def item_value(customer: Customer, group: Group, item: Item) -> Any:
    """The value of one item; for trust, what the key people have of it, joined."""
    if group.key != "trust":
        return customer.get(item.key)
    keys = REACH_KEYS if item.key == "phone" else (item.key,)
    values = [str(person[key]) for person in people(customer) for key in keys if person.get(key) not in (None, "")]
    return ", ".join(values) or None


def missing(customer: Customer) -> dict[str, list[Item]]:
    """For each group key, the items not yet known."""
    return {
        group.key: [item for item in group.items if item_value(customer, group, item) in (None, "")]
        for group in GROUPS
    }
