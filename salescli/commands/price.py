"""`salescli price`: the price list (价目表) — each product's list price, which values an open deal that
names the product and has no target value."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any, Optional

import typer

from salescli import i18n
from salescli.api import PriceList, format_money
from salescli.commands import session
from salescli.errors import InvalidValue
from salescli.i18n import C_, _, pgettext
from salescli.render import check_format, plain, render

FORMATS = ("table", "json", "csv")


def register(app: typer.Typer) -> None:
    app.command("price")(price)


def price(
    ctx: typer.Context,
    product: Optional[str] = typer.Argument(None, metavar="[PRODUCT]", help="The product (as deals name it)."),
    amount: Optional[str] = typer.Argument(None, metavar="[PRICE]", help="Its list price (12000, 1.2万)."),
    aliases: list[str] = typer.Option([], "--alias", metavar="NAME",
                                      help="Another name the product goes by (a new product; repeatable)."),
    fmt: str = typer.Option("table", "--format", "-f", help="table, json or csv (the list)."),
) -> None:
    """Show the price list, or set a product's list price. An open deal that names a product and
    has no target value is valued at its list price in the forecast (shown as "list price").
    Names match loosely: case, spaces and punctuation are ignored (GTX Pro = GTXPro).

    Examples:

    \b
      salescli price                                 # the list, and the products deals name without a price
      salescli price 计价软件 1.2万
      salescli price 土建算量 1.8万 --alias 算量软件
      salescli import products.csv --products        # a whole price list
    """
    s = session(ctx)
    check_format(fmt, FORMATS)
    if product is not None:
        if amount is None:
            raise InvalidValue(_("give the price too: salescli price PRODUCT PRICE"))
        found = s.set_price(product, amount, aliases=aliases)
        typer.echo(_("{product}: list price {price}").format(product=found.name, price=format_money(found.price)))
        return
    prices = s.prices()
    named = Counter(deal.product for customer in s.customers() for deal in customer.open_deals if deal.product)
    records = _records(prices, named)
    if fmt == "json":
        typer.echo(json.dumps(plain({"products": records, "unpriced": prices.unmatched(named.elements())}),
                              ensure_ascii=False, indent=2))
        return
    keys = ["product", "price", "aliases", "open_deals"]
    headers = {key: key.replace("_", " ") for key in keys} if fmt == "csv" or s.language == "en" else \
        {key: pgettext("column", _COLUMNS[key]) for key in keys}
    if fmt == "table" and not records:
        typer.echo(_("The price list is empty: set a price with `salescli price PRODUCT PRICE`, or import one with "
                     "`salescli import FILE --products`."))
    elif records:
        typer.echo(render([{**record, "aliases": _(", ").join(record["aliases"])} for record in records], headers,
                          fmt), nl=False)
    unpriced = prices.unmatched(named.elements())
    if fmt == "table" and unpriced:
        typer.echo(_("Open deals name products without a price: {products}").format(
            products=i18n.joined(f"{name} ({count})" for name, count in sorted(unpriced.items()))))


_COLUMNS = {"product": C_("column", "product"), "price": C_("column", "price"), "aliases": C_("column", "aliases"),
            "open_deals": C_("column", "open deals")}


def _records(prices: PriceList, named: Counter[str]) -> list[dict[str, Any]]:
    """Each product with how many open deals name it (by any of its names)."""
    return [{"product": product.name, "price": product.price, "aliases": list(product.aliases),
             "open_deals": sum(count for name, count in named.items() if prices.find(name) is product)}
            for product in prices.products.values()]
