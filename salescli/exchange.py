"""Customers to and from flat records (spreadsheets, CSV, JSON). Pure: no files here."""

from __future__ import annotations

from typing import Any, Sequence

from salescli.customer import Customer
from salescli.information import GROUPS
from salescli.listing import row

PROFILE_COLUMNS = (
    "id", "name", "field", "size", "role", "channel", "source", "referred_by", "area", "project", "owner",
    *(item.key for group in GROUPS if group.key != "trust" for item in group.items),
)
DERIVED_COLUMNS = ("stage", "status", "deals", "target_value", "target_date", "won_value", "last_activity")
COLUMNS = PROFILE_COLUMNS + DERIVED_COLUMNS

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def export_record(customer: Customer) -> dict[str, Any]:
    """One customer as a flat record: its profile by dotted key and its derived state."""
    record: dict[str, Any] = {key: customer.get(key) for key in PROFILE_COLUMNS}
    record["id"] = customer.id
    record["name"] = customer.name
    derived = row(customer)
    record.update({key: getattr(derived, key) for key in DERIVED_COLUMNS})
    return record


def neutralize(value: Any) -> Any:
    """A text a spreadsheet would run as a formula (=, +, -, @ …) gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def export_records(customers: Sequence[Customer]) -> list[dict[str, Any]]:
    return [export_record(customer) for customer in sorted(customers, key=lambda c: c.id)]


