from datetime import date
from decimal import Decimal

import pytest

from salescli.customer import Customer, Status, customer_from_document
from salescli.errors import InvalidValue
from salescli.pipeline import advance, choose_deal, parse_target
from salescli.stages import Stage

DAY = date(2026, 11, 26)


def customer(*log: dict) -> Customer:
    return customer_from_document({"id": "zj", "name": "中建三局", "log": list(log)}, file_id="zj")


ADDED = {"date": date(2026, 9, 1), "event": "added", "stage": "prospect"}


def test_advance_goes_to_the_next_stage() -> None:
    move = advance(customer(ADDED), None, when=DAY)
    assert move.events == ({"date": DAY, "event": "stage", "stage": "prepare"},)
    assert move.after.stage is Stage.PREPARE


def test_advance_to_a_named_stage_with_a_note() -> None:
    move = advance(customer(ADDED), parse_target("产品展示"), when=DAY, note="演示GCL")
    assert move.events == ({"date": DAY, "event": "stage", "stage": "demo", "note": "演示GCL"},)


def test_close_records_the_value_given() -> None:
    move = advance(customer(ADDED), Stage.CLOSE, when=DAY, value=Decimal(50000))
    assert move.events == ({"date": DAY, "event": "won", "value": Decimal(50000)},)
    assert move.won and move.after.won_value == Decimal(50000)


def test_close_falls_back_to_the_target_value() -> None:
    target = {"date": date(2026, 9, 2), "event": "target", "value": 120000, "by": date(2026, 12, 1)}
    move = advance(customer(ADDED, target), parse_target("促成"), when=DAY)
    assert move.events[0]["value"] == Decimal(120000)


def test_close_without_any_value_is_refused() -> None:
    with pytest.raises(InvalidValue, match="closing needs the value won: pass --value"):
        advance(customer(ADDED), Stage.CLOSE, when=DAY)


def test_lost_needs_a_reason() -> None:
    with pytest.raises(InvalidValue, match="--reason"):
        advance(customer(ADDED), "lost", when=DAY)
    move = advance(customer(ADDED), parse_target("丢单"), when=DAY, reason="选了别家")
    assert move.events == ({"date": DAY, "event": "lost", "reason": "选了别家"},)
    assert move.after.status is Status.LOST


def test_a_lost_deal_moves_only_after_reopen() -> None:
    lost = customer(ADDED, {"date": date(2026, 10, 1), "event": "lost", "reason": "price"})
    with pytest.raises(InvalidValue, match="is lost; add --reopen"):
        advance(lost, Stage.DEMO, when=DAY)
    move = advance(lost, Stage.DEMO, when=DAY, reopen=True)
    assert move.events == (
        {"date": DAY, "event": "reopen"},
        {"date": DAY, "event": "stage", "stage": "demo"},
    )
    assert move.after.is_open and move.after.stage is Stage.DEMO


def test_a_won_deal_goes_on_to_service_but_not_back() -> None:
    won = customer(ADDED, {"date": date(2026, 10, 1), "event": "won", "value": 1000})
    assert advance(won, None, when=DAY).events == ({"date": DAY, "event": "stage", "stage": "service"},)
    with pytest.raises(InvalidValue, match="is won"):
        advance(won, Stage.DEMO, when=DAY)


def test_no_stage_after_service() -> None:
    done = customer(ADDED, {"date": date(2026, 10, 1), "event": "won", "value": 1},
                    {"date": date(2026, 10, 2), "event": "stage", "stage": "service"})
    with pytest.raises(InvalidValue, match="at the last stage"):
        advance(done, None, when=DAY)


def test_same_stage_is_refused() -> None:
    with pytest.raises(InvalidValue, match="already at prospect"):
        advance(customer(ADDED), Stage.PROSPECT, when=DAY)


def test_a_new_deal_is_keyed_by_its_name() -> None:
    won = customer(ADDED, {"date": date(2026, 10, 1), "event": "won", "value": 1000})
    move = advance(won, Stage.NEEDS, when=DAY, new_deal="upgrade")
    assert move.events == ({"date": DAY, "event": "open", "deal": "upgrade", "stage": "needs"},)
    assert move.after.name == "upgrade" and move.after.stage is Stage.NEEDS
    numbered = advance(won, None, when=DAY, new_deal="")
    assert numbered.events[0]["deal"] == "2"


def test_several_open_deals_need_deal() -> None:
    two = customer(ADDED, {"date": date(2026, 10, 1), "event": "open", "deal": "b"})
    with pytest.raises(InvalidValue, match="2 open deals \\(1, b\\); choose one with --deal"):
        choose_deal(two, None)
    move = advance(two, None, when=DAY, deal_name="b")
    assert move.events == ({"date": DAY, "event": "stage", "deal": "b", "stage": "prepare"},)
    with pytest.raises(InvalidValue, match="no deal 'c'"):
        advance(two, None, when=DAY, deal_name="c")
