"""Finding a customer by what a rep types: the id, the start of it, a part of the name, the name's
characters in order (华建监理 → 武汉华建工程监理有限公司) or its pinyin initials (hjjl). Pure.

`resolve` answers a CUSTOMER argument; `similar` tells which existing customers a name about to be
added may already be (保利华中 → 保利华中房地产有限公司), so that no duplicate is made unawares.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Callable, Protocol, Sequence, TypeVar

from salescli.errors import UsageError

SHOWN = 10  # candidates listed when a reference is ambiguous
_COMPANY_SUFFIXES = ("股份有限公司", "有限责任公司", "有限公司", "集团公司", "公司", "co., ltd.", "co.,ltd.", "co. ltd",
                     "ltd.", "ltd", "inc.", "inc")


class Named(Protocol):
    """A customer as far as finding one goes (a Customer, or its list row)."""

    @property
    def id(self) -> str: ...

    @property
    def name(self) -> str: ...


AnyNamed = TypeVar("AnyNamed", bound=Named)
Test = Callable[[Named], bool]


def fold(text: str) -> str:
    """A name as names are compared: full-width forms, case and spaces ignored."""
    return "".join(unicodedata.normalize("NFKC", text).casefold().split())


def core_name(name: str) -> str:
    """The folded name without a company-form suffix (…有限公司, … Co., Ltd.)."""
    folded = fold(name)
    for suffix in _COMPANY_SUFFIXES:
        bare = suffix.replace(" ", "")
        if folded.endswith(bare) and len(folded) > len(bare):
            return folded[: -len(bare)]
    return folded


def resolve(customers: Sequence[AnyNamed], reference: str) -> AnyNamed:
    """The customer `reference` names; UsageError listing the candidates when several match at the
    closest way of matching, or the closest names when none does."""
    wanted = fold(reference)
    if not wanted:
        raise UsageError("name a customer: its id, the start of its id, or part of its name")
    for test in _tests(wanted):
        matches = [customer for customer in customers if test(customer)]
        if len(matches) == 1:
            return matches[0]
        if matches:
            raise UsageError(f"'{reference}' matches {len(matches)} customers: {_listed(matches)}; be more specific")
    raise UsageError(f"no customer matches '{reference}'{_did_you_mean(customers, wanted)}; "
                     "`salescli list` shows them all")


def similar(customers: Sequence[AnyNamed], name: str) -> tuple[list[AnyNamed], list[AnyNamed]]:
    """Existing customers a new name may be: (the same name, perhaps without its company suffix;
    names near it — one holds the other, or they are much alike)."""
    core = core_name(name)
    if not core:
        return [], []
    same = [customer for customer in customers if core_name(customer.name) == core]
    if same:
        return same, []
    import difflib

    near = [customer for customer in customers
            if (len(core) >= 2 and core in fold(customer.name)) or
            (len(core_name(customer.name)) >= 2 and core_name(customer.name) in core) or
            difflib.SequenceMatcher(None, core, core_name(customer.name)).ratio() >= 0.75]
    return [], near


def _tests(wanted: str) -> list[Test]:
    """The ways a reference may name a customer, closest first."""
    core = core_name(wanted)
    tests: list[Test] = [
        lambda c: c.id == wanted,
        lambda c: fold(c.name) == wanted,
        lambda c: core_name(c.name) == core,
        lambda c: c.id.startswith(wanted),
        lambda c: wanted in fold(c.name),
        lambda c: wanted in c.id,
    ]
    tests.append(lambda c: _in_pieces(wanted, fold(c.name)))
    if len(wanted) >= 3 and re.fullmatch("[a-z0-9]+", wanted):
        tests += [lambda c: _initials(c.name).startswith(wanted), lambda c: wanted in _initials(c.name),
                  lambda c: _in_pieces(wanted, _initials(c.name))]
    return tests


def _in_pieces(wanted: str, text: str) -> bool:
    """Whether `wanted` is in `text` in order, in pieces of two characters or more (华建监理 in
    武汉华建工程监理: 华建 … 监理), taking the longest piece each time."""
    if len(wanted) < 4:
        return False
    position = pieces = 0
    start = 0
    while start < len(wanted):
        length = len(wanted) - start
        while length and wanted[start:start + length] not in text[position:]:
            length -= 1
        if length < 2:
            return False
        position = text.index(wanted[start:start + length], position) + length
        start += length
        pieces += 1
    return pieces <= len(wanted) // 2


_initials_known: dict[str, str] = {}


def _initials(name: str) -> str:
    """The name's pinyin initials, letters and digits as they are: 武汉华建监理 → whhjjl."""
    found = _initials_known.get(name)
    if found is None:
        from pypinyin import Style, lazy_pinyin  # loads its dictionaries: only when initials are asked for

        parts = lazy_pinyin(fold(name), style=Style.FIRST_LETTER, errors=lambda text: list(text))
        found = _initials_known[name] = "".join(part for part in parts if re.fullmatch("[a-z0-9]+", part))
    return found


def _listed(matches: Sequence[Named]) -> str:
    shown = "; ".join(f"{c.id} ({c.name})" for c in sorted(matches, key=lambda c: c.id)[:SHOWN])
    return shown + (f" and {len(matches) - SHOWN} more" if len(matches) > SHOWN else "")


def _did_you_mean(customers: Sequence[Named], wanted: str) -> str:
    import difflib

    by_text = {fold(c.name): c for c in customers} | {c.id: c for c in customers}
    close = difflib.get_close_matches(wanted, list(by_text), n=3, cutoff=0.5)
    found = list({by_text[text].id: by_text[text] for text in close}.values())
    if not found:
        return ""
    return " (did you mean " + " or ".join(f"{c.name} ({c.id})" for c in found) + "?)"
