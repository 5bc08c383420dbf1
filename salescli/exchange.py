"""Customers to and from flat records (spreadsheets, CSV, JSON). Pure: no files here."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any, Sequence

from salescli.customer import Customer, Deal, Event, Status, deal_owner
from salescli.errors import InvalidValue
from salescli.i18n import _, joined
from salescli.information import GROUPS, item_value
from salescli.listing import row

PROFILE_COLUMNS = (
    "id", "name", "field", "size", "role", "channel", "source", "referred_by", "area", "project", "owner",
    *(item.key for group in GROUPS if group.key != "trust" for item in group.items),
)
DERIVED_COLUMNS = ("stage", "status", "deals", "target_value", "target_date", "won_value", "last_activity")
COLUMNS = PROFILE_COLUMNS + DERIVED_COLUMNS
# One row per deal (`list --deals`, `export --deals`); the owner is the deal's, else the customer's.
DEAL_COLUMNS = ("customer_id", "customer", "deal", "stage", "status", "value", "target_value", "target_date",
                "won_value", "opened", "closed", "owner", "product")

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_KEY_PART = re.compile(r"[^\W\d]\w*(?:-\w+)*")
_GROUP_KEYS = {group.key: [item.key for item in group.items] for group in GROUPS if group.key != "trust"}


def profile_key(text: str) -> str:
    """A profile key as an import's --map or a report's --by names it: a known one (`needs.scope`)
    or any other, dotted by level (`company.revenue`); InvalidValue for what cannot be one. Every
    command that takes a profile key asks here, so that a registry of fields can take over."""
    key = text.strip()
    if not all(_KEY_PART.fullmatch(part) for part in key.split(".")):
        raise InvalidValue(_("'{text}' is not a profile key; write words of letters, digits and _, with dots "
                             "between levels (e.g. needs.scope, company.revenue)").format(text=text))
    if key.split(".")[0] == "log":
        raise InvalidValue(_("`log` is the customer's log, not a profile key"))
    if key in _GROUP_KEYS:
        raise InvalidValue(_("`{key}` holds keys; name one of them: {keys}").format(
            key=key, keys=joined(_GROUP_KEYS[key])))
    if key in ("trust", "trust.people") or key.startswith("trust.people."):
        raise InvalidValue(_("`trust.people` is the list of key people, not one value"))
    return key


def export_columns(customers: Sequence[Customer]) -> tuple[str, ...]:
    """The columns of a flat export: the known profile keys, the other keys the customers have (one
    value each: `company.revenue`; not a list), then the derived ones."""
    known = set(PROFILE_COLUMNS) | {"log", "trust.people"}
    extra = dict.fromkeys(key for customer in customers for key in _scalar_keys(customer.profile) if key not in known)
    return (*PROFILE_COLUMNS, *extra, *DERIVED_COLUMNS)


def _scalar_keys(profile: Any, prefix: str = "") -> list[str]:
    keys = []
    for key, value in profile.items():
        if isinstance(value, dict):
            keys += _scalar_keys(value, f"{prefix}{key}.")
        elif not isinstance(value, list):
            keys.append(f"{prefix}{key}")
    return keys


def export_record(customer: Customer, columns: Sequence[str] = COLUMNS) -> dict[str, Any]:
    """One customer as a flat record: its profile by dotted key and its derived state."""
    record: dict[str, Any] = {key: customer.get(key) for key in columns if key not in DERIVED_COLUMNS}
    record["id"] = customer.id
    record["name"] = customer.name
    derived = row(customer)
    record.update({key: getattr(derived, key) for key in DERIVED_COLUMNS})
    for key in ("target_value", "won_value"):  # the row keeps them as text: typed again for spreadsheets
        record[key] = None if record[key] is None else Decimal(record[key])
    for key in ("target_date", "last_activity"):
        record[key] = None if record[key] is None else date.fromisoformat(record[key])
    return record


def deal_record(customer: Customer, deal: Deal) -> dict[str, Any]:
    """One deal as a flat record (DEAL_COLUMNS); `value` is what it is worth: won value, else target."""
    won = deal.status is Status.WON
    return {"customer_id": customer.id, "customer": customer.name, "deal": deal.name, "stage": deal.stage.value,
            "status": deal.status.value, "value": deal.won_value if won else deal.target_value,
            "target_value": deal.target_value, "target_date": deal.target_date, "won_value": deal.won_value,
            "opened": deal.opened, "closed": deal.closed, "owner": deal_owner(customer, deal),
            "product": deal.product}


def deal_records(customers: Sequence[Customer]) -> list[dict[str, Any]]:
    return [deal_record(customer, deal) for customer in sorted(customers, key=lambda c: c.id)
            for deal in customer.deals]


def full_record(customer: Customer) -> dict[str, Any]:
    """The whole customer (what `show --format json` prints and `export --format json` lists): the
    profile as the file has it, every deal as derived, what is missing, and every event."""
    return {
        "id": customer.id,
        "name": customer.name,
        "profile": dict(customer.profile),
        "deals": [deal._asdict() for deal in customer.deals],
        "missing": {group.key: [item.key for item in group.items if item_value(customer, group, item) in (None, "")]
                    for group in GROUPS},
        "log": [event_record(event) for event in customer.events],
    }


def event_record(event: Event) -> dict[str, Any]:
    """An event by its keys as the log writes them (`event:` for its kind), the empty ones left out."""
    return {("event" if key == "kind" else key): value for key, value in event.__dict__.items()
            if value is not None and key != "index"}


def neutralize(value: Any) -> Any:
    """A text a spreadsheet would run as a formula (=, +, -, @ …) gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def export_records(customers: Sequence[Customer], columns: Sequence[str] = COLUMNS) -> list[dict[str, Any]]:
    return [export_record(customer, columns) for customer in sorted(customers, key=lambda c: c.id)]
