"""The price list: names matched loosely, unmatched names reported, deals valued."""

from decimal import Decimal

from salescli.pricelist import AVERAGE, LIST_PRICE, TARGET, PriceList, Product, Valuation, fold_product

PRICES = PriceList({"GTX Pro": Product("GTX Pro", Decimal(4821)),
                    "计价软件": Product("计价软件", Decimal(12000), ("GBQ", "云计价"))})


def test_names_match_as_reps_and_crms_write_them() -> None:
    assert fold_product("GTX Pro") == fold_product("GTXPro") == fold_product("gtx-pro") == fold_product("ＧＴＸ Ｐｒｏ")
    assert PRICES.price_of("GTXPro") == Decimal(4821)
    assert PRICES.price_of("gbq") == PRICES.price_of("云计价") == Decimal(12000)
    assert PRICES.price_of("GTX Plus Pro") is None and PRICES.price_of(None) is None
    assert PRICES.unmatched(["GTXPro", "MG", None, "MG", "云计价"]) == {"MG": 2}


def test_a_deal_is_valued_by_its_target_then_its_list_price_then_the_average() -> None:
    valuation = Valuation(PRICES, average=Decimal(900))
    assert valuation.of(Decimal(5000), "GTX Pro") == (Decimal(5000), TARGET)
    assert valuation.of(None, "GTXPro") == (Decimal(4821), LIST_PRICE)
    assert valuation.of(Decimal(0), "MG") == (Decimal(900), AVERAGE)
    assert Valuation(PRICES).of(None, "MG") == (None, None)
