"""Customers to records and back: the JSON round trip over generated customers, profile keys."""

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salescli import exchange, importer, yamlfile
from salescli.errors import InvalidValue
from salescli.render import plain
from salescli.repository import parse_customer
from tests.conftest import REPO

TEMPLATE = (REPO / "templates" / "customer.yaml").read_text(encoding="utf-8")
_text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=12).map(str.strip).filter(bool)
_days = st.dates(date(2000, 1, 1), date(2030, 12, 31))
_amounts = st.decimals(1, 10**7, places=2).map(lambda d: d.normalize() if d != d.to_integral() else d.quantize(1))
_deals = st.sampled_from(["1", "2", "O1", "2027扩容"])
_stages = st.sampled_from(["prospect", "prepare", "approach", "needs", "demo", "objections"])

PROFILE = st.fixed_dictionaries({}, optional={
    "field": st.sampled_from(["bank", "construction", "real-estate"]), "area": _text, "owner": _text,
    "contact.phone": st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True), "contact.person": _text,
    "funds.seats": st.integers(0, 500), "funds.amount": _amounts, "needs.scope": _text,
    "company.revenue": _amounts, "company.founded": st.integers(1900, 2030),  # keys the template does not have
    "trust.people": st.lists(st.fixed_dictionaries({"name": _text}, optional={
        "mobile": st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True), "birthday": _days, "hobbies": _text}),
        min_size=1, max_size=2),
})
EVENT = st.one_of(
    st.fixed_dictionaries({"date": _days, "event": st.just("added")}, optional={"stage": _stages, "note": _text}),
    st.fixed_dictionaries({"date": _days, "event": st.just("visit")},
                          optional={"deal": _deals, "goal": _text, "note": _text, "next": _days}),
    st.fixed_dictionaries({"date": _days, "event": st.just("target")},
                          optional={"deal": _deals, "value": _amounts, "by": _days}),
    st.fixed_dictionaries({"date": _days, "event": st.just("stage"), "stage": _stages}, optional={"deal": _deals}),
    st.fixed_dictionaries({"date": _days, "event": st.just("won"), "value": _amounts}, optional={"deal": _deals}),
    st.fixed_dictionaries({"date": _days, "event": st.just("lost"), "reason": _text}, optional={"deal": _deals}),
    st.fixed_dictionaries({"date": _days, "event": st.just("open"), "deal": _deals},
                          optional={"stage": _stages, "owner": _text, "product": _text}),
    st.fixed_dictionaries({"date": _days, "event": st.just("note"), "note": _text}),
)


def _log_item(event: dict) -> dict:
    """As salescli writes an event: date and kind first, the first deal without `deal:`."""
    return {key: value for key, value in event.items() if not (key == "deal" and value == "1")}


@settings(max_examples=120, deadline=None)
@given(st.from_regex(r"[a-z][a-z0-9-]{0,10}", fullmatch=True), _text, PROFILE,
       st.lists(EVENT, max_size=8).map(lambda events: sorted(events, key=lambda e: e["date"])))
def test_the_json_round_trip_gives_back_the_same_customer(customer_id: str, name: str, profile: dict,
                                                          events: list) -> None:
    original = parse_customer(yamlfile.filled_template(TEMPLATE, {"id": customer_id, "name": name, **profile},
                                                       [_log_item(event) for event in events]),
                              Path(f"{customer_id}.yaml"))
    record = json.loads(json.dumps(plain(exchange.full_record(original)), ensure_ascii=False))
    plan = importer.plan_records([record], [], dating=importer.Dating(date(2031, 1, 1), date(2031, 1, 1)))
    assert not plan.skips
    (create,) = plan.creates
    back = parse_customer(yamlfile.filled_template(TEMPLATE, {"id": create.chosen_id, "name": create.name,
                                                              **create.values}, create.items),
                          Path(f"{create.chosen_id}.yaml"))
    assert plain(exchange.full_record(back)) == record
    assert back.deals == original.deals


def test_profile_keys_are_checked_in_one_place() -> None:
    assert exchange.profile_key(" needs.scope ") == "needs.scope"
    assert exchange.profile_key("公司.营收") == "公司.营收"  # keys in Chinese are keys too
    for bad, message in [("a..b", "is not a profile key"), ("log", "is the customer's log"),
                         ("funds", "holds keys; name one of them: funds.vendor"),
                         ("trust.people", "is the list of key people"), ("2x", "is not a profile key")]:
        with pytest.raises(InvalidValue, match=message):
            exchange.profile_key(bad)


def test_a_deal_record() -> None:
    customer = parse_customer(yamlfile.filled_template(TEMPLATE, {"name": "A", "owner": "李明"}, [
        {"date": date(2017, 1, 5), "event": "open", "deal": "O1", "stage": "approach", "product": "GTX"},
        {"date": date(2017, 3, 1), "event": "won", "deal": "O1", "value": Decimal(550)}]), Path("a.yaml"))
    assert exchange.deal_records([customer]) == [{
        "customer_id": "a", "customer": "A", "deal": "O1", "stage": "close", "status": "won", "value": Decimal(550),
        "target_value": None, "target_date": None, "won_value": Decimal(550), "opened": date(2017, 1, 5),
        "closed": date(2017, 3, 1), "owner": "李明", "product": "GTX"}]
