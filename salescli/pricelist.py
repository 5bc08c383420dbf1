"""The price list (价目表): each product's list price, which values an open deal that names its product
and has no target value. Pure: read from `products:` in salescli.yaml (see config.py).

Names are matched as reps and foreign CRMs write them: case, spaces, punctuation and full-width forms
are ignored ("GTX Pro" is "GTXPro" is "gtx-pro"), and a product may list other names (`aliases`).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType
from typing import Iterable, Mapping


def fold_product(name: str) -> str:
    """A product name as names are matched: case, spaces, punctuation and full-width forms ignored."""
    folded = unicodedata.normalize("NFKC", name).casefold()
    return "".join(character for character in folded if character.isalnum())


@dataclass(frozen=True)
class Product:
    name: str
    price: Decimal
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class PriceList:
    """`products:` in salescli.yaml, by name as written there."""

    products: Mapping[str, Product] = field(default_factory=lambda: MappingProxyType({}))

    def __bool__(self) -> bool:
        return bool(self.products)

    def find(self, name: str | None) -> Product | None:
        """The product a deal names, by its name or one of its aliases, matched loosely (fold_product)."""
        if not name:
            return None
        exact = self.products.get(name)
        return exact if exact is not None else self._folded().get(fold_product(name))

    def price_of(self, name: str | None) -> Decimal | None:
        found = self.find(name)
        return None if found is None else found.price

    def unmatched(self, names: Iterable[str | None]) -> dict[str, int]:
        """The product names (with how many times each is named) that no entry matches."""
        missing: dict[str, int] = {}
        for name in names:
            if name and self.find(name) is None:
                missing[name] = missing.get(name, 0) + 1
        return missing

    def _folded(self) -> dict[str, Product]:
        folded = self.__dict__.get("_folded_names")
        if folded is None:
            folded = {fold_product(alias): product for product in self.products.values()
                      for alias in (product.name, *product.aliases) if fold_product(alias)}
            object.__setattr__(self, "_folded_names", folded)  # (a frozen value, worked out once)
        return folded  # type: ignore[no-any-return]


TARGET, LIST_PRICE, AVERAGE = "target", "list price", "average"  # where an open deal's value comes from


@dataclass(frozen=True)
class Valuation:
    """What an open deal is worth to the forecast: its target value, else its product's list price,
    else (when `average` is given: the history model) the folder's average won deal (件均产值)."""

    prices: PriceList = field(default_factory=PriceList)
    average: Decimal | None = None

    def of(self, target: Decimal | None, product: str | None) -> tuple[Decimal | None, str | None]:
        """The value and where it comes from (TARGET, LIST_PRICE or AVERAGE); (None, None) when unknown."""
        if target:
            return target, TARGET
        price = self.prices.price_of(product) if self.prices else None
        if price:
            return price, LIST_PRICE
        if self.average:
            return self.average, AVERAGE
        return None, None
