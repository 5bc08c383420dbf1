from datetime import date
from decimal import Decimal

import pytest

from salescli.customer import Status, customer_from_document, event_from_item
from salescli.errors import LogProblem
from salescli.stages import Stage


def doc(*log: dict) -> dict:
    return {"id": "x", "name": "鼎盛地产", "field": "real-estate", "log": list(log)}


def test_stage_target_and_won_value_are_derived_from_the_log() -> None:
    customer = customer_from_document(doc(
        {"date": date(2026, 9, 1), "event": "added", "stage": "prospect"},
        {"date": date(2026, 9, 5), "event": "stage", "stage": "approach"},
        {"date": date(2026, 9, 5), "event": "target", "value": 50000, "by": date(2026, 12, 1)},
        {"date": date(2026, 10, 1), "event": "target", "by": date(2026, 12, 20)},  # moves the date only
        {"date": date(2026, 10, 9), "event": "stage", "stage": "产品展示"},
        {"date": date(2026, 11, 2), "event": "won", "value": "4.8万"},
    ), file_id="x")
    (deal,) = customer.deals
    assert deal.stage is Stage.CLOSE
    assert deal.status is Status.WON
    assert deal.won_value == Decimal(48000)
    assert deal.won_date == date(2026, 11, 2)
    assert (deal.target_value, deal.target_date) == (Decimal(50000), date(2026, 12, 20))
    assert deal.stage_since == date(2026, 11, 2)
    assert customer.last_activity == date(2026, 11, 2)


def test_events_apply_in_date_order_even_when_appended_late() -> None:
    customer = customer_from_document(doc(
        {"date": date(2026, 9, 1), "event": "added"},
        {"date": date(2026, 9, 20), "event": "stage", "stage": "demo"},
        {"date": date(2026, 9, 10), "event": "stage", "stage": "needs"},  # back-dated entry
    ), file_id="x")
    assert customer.deals[0].stage is Stage.DEMO


def test_several_deals_are_keyed_and_the_first_needs_no_key() -> None:
    customer = customer_from_document(doc(
        {"date": date(2026, 5, 1), "event": "added"},
        {"date": date(2026, 6, 1), "event": "won", "value": 90000},
        {"date": date(2026, 10, 1), "event": "open", "deal": "upgrade", "stage": "needs"},
        {"date": date(2026, 10, 2), "event": "open", "deal": "branch", "stage": "approach"},
        {"date": date(2026, 11, 1), "event": "lost", "deal": "branch", "reason": "no budget"},
    ), file_id="x")
    deals = {deal.name: deal for deal in customer.deals}
    assert deals["1"].status is Status.WON
    assert deals["upgrade"].stage is Stage.NEEDS and deals["upgrade"].is_open
    assert deals["branch"].status is Status.LOST and deals["branch"].lost_reason == "no budget"
    assert customer.current_deal is deals["upgrade"]
    assert [deal.name for deal in customer.open_deals] == ["upgrade"]


def test_reopen_clears_the_outcome() -> None:
    customer = customer_from_document(doc(
        {"date": date(2026, 5, 1), "event": "added"},
        {"date": date(2026, 6, 1), "event": "lost", "reason": "price"},
        {"date": date(2026, 7, 1), "event": "reopen", "stage": "needs"},
    ), file_id="x")
    deal = customer.deals[0]
    assert deal.is_open and deal.stage is Stage.NEEDS and deal.lost_reason is None


def test_profile_values_by_dotted_key() -> None:
    customer = customer_from_document(
        {"name": "A", "contact": {"person": "王强", "phone": ""}, "log": None}, file_id="a")
    assert customer.id == "a"  # no id key: the file name
    assert customer.get("contact.person") == "王强"
    assert customer.get("contact.phone") is None
    assert customer.get("funds.vendor") is None
    assert customer.deals == ()


@pytest.mark.parametrize(
    ("document", "where", "message"),
    [
        ([], (), "must be a mapping"),
        ({"log": []}, ("name",), "has no name"),
        ({"name": "A", "log": "x"}, ("log",), "must be a list"),
        ({"name": "A", "log": ["x"]}, ("log", 0), "must be a mapping"),
        ({"name": "A", "log": [{"event": "added"}]}, ("log", 0), "has no date"),
        ({"name": "A", "log": [{"date": "soon", "event": "added"}]}, ("log", 0, "date"), "not a date"),
        ({"name": "A", "log": [{"date": date(2026, 1, 1), "event": "wonn"}]}, ("log", 0, "event"), "unknown event"),
        ({"name": "A", "log": [{"date": date(2026, 1, 1), "event": "stage", "stage": "demoo"}]},
         ("log", 0, "stage"), "did you mean 'demo'"),
        ({"name": "A", "log": [{"date": date(2026, 1, 1), "event": "won", "value": "lots"}]},
         ("log", 0, "value"), "not an amount"),
        ({"name": "A", "log": [{"date": date(9999, 12, 31), "event": "added"}]},
         ("log", 0, "date"), "9999-12-31 is outside the years salescli works with (1900–2999)"),
        ({"name": "A", "log": [{"date": date(2026, 1, 1), "event": "target", "by": date(9999, 12, 31)}]},
         ("log", 0, "by"), "outside the years"),
        ({"name": "A", "log": [{"date": date(2026, 1, 1), "event": "won", "value": 10**29}]},
         ("log", 0, "value"), "is more than salescli takes as an amount"),
        ({"name": "A", "log": [{"date": date(2026, 1, 1), "event": "won", "value": float("nan")}]},
         ("log", 0, "value"), "'nan' is not an amount"),
        ({"name": "A", "log": [{"date": date(2026, 1, 1), "event": "won", "value": float("inf")}]},
         ("log", 0, "value"), "'inf' is not an amount"),
    ],
)
def test_problems_name_the_place(document: object, where: tuple, message: str) -> None:
    with pytest.raises(LogProblem) as problem:
        customer_from_document(document, file_id="a")
    assert problem.value.where == where
    assert message in str(problem.value)


@pytest.mark.parametrize("item, key", [({"date": date(2026, 1, 1), "event": ["x"]}, "event"),
                                       ({"date": date(2026, 1, 1), "event": "stage", "stage": ["x"]}, "stage"),
                                       ({"date": "soon", "event": "note"}, "date")])
def test_a_malformed_event_names_its_key(item: dict, key: str) -> None:
    with pytest.raises(LogProblem) as problem:
        event_from_item(item, 3)
    assert problem.value.where == ("log", 3, key)


def test_an_added_event_without_a_stage_opens_no_deal_once_real_deals_arrive() -> None:
    added = {"date": date(2016, 10, 1), "event": "added"}  # an account import, a site sign board
    alone = customer_from_document(doc(added), file_id="x")
    assert [(deal.name, deal.stage) for deal in alone.deals] == [("1", Stage.PROSPECT)]  # a prospect all the same
    imported = customer_from_document(doc(
        added,
        {"date": date(2017, 1, 5), "event": "open", "deal": "O1", "stage": "approach", "owner": "Moses Frase",
         "product": "GTX Basic"},
        {"date": date(2017, 3, 1), "event": "won", "deal": "O1", "value": 550},
        {"date": date(2017, 2, 1), "event": "open", "deal": "O2"},
    ), file_id="x")
    assert [(d.name, d.stage, d.status, d.owner, d.product) for d in imported.deals] == [
        ("O1", Stage.CLOSE, Status.WON, "Moses Frase", "GTX Basic"), ("O2", Stage.PROSPECT, Status.OPEN, None, None)]
    assert imported.first_seen == date(2016, 10, 1)
    # a visit (or a target, an advance) without `deal:` makes the first deal the customer's own
    visited = customer_from_document(doc(
        added, {"date": date(2017, 1, 2), "event": "visit"},
        {"date": date(2017, 1, 5), "event": "open", "deal": "O1", "stage": "approach"}), file_id="x")
    assert [deal.name for deal in visited.deals] == ["1", "O1"]
    # `salescli add` writes its stage: a deal from the start, whatever follows
    added_by_hand = customer_from_document(doc(
        {"date": date(2026, 9, 1), "event": "added", "stage": "prospect"},
        {"date": date(2026, 10, 1), "event": "open", "deal": "2", "stage": "needs"}), file_id="x")
    assert [deal.name for deal in added_by_hand.deals] == ["1", "2"]
