"""Finding a customer by what a rep types: the id, the start of it, a part of the name, the name's
characters in order (华建监理 → 武汉华建工程监理有限公司) or its pinyin initials (hjjl). Pure.

`resolve` answers a CUSTOMER argument; `similar` tells which existing customers a name about to be
added may already be (保利华中 → 保利华中房地产有限公司), so that no duplicate is made unawares.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Callable, Protocol, Sequence, TypeVar

from salescli.errors import Ambiguous, InvalidValue, NotFound
from salescli.i18n import _, beside, joined

SHOWN = 10  # candidates listed when a reference is ambiguous
_COMPANY_SUFFIXES = ("股份有限公司", "有限责任公司", "有限公司", "集团公司", "公司", "co., ltd.", "co.,ltd.", "co. ltd",
                     "ltd.", "ltd", "inc.", "inc")

_SUFFIX_ENDINGS = tuple({suffix[-1] for suffix in _COMPANY_SUFFIXES})


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
    if not folded.endswith(_SUFFIX_ENDINGS):
        return folded
    for suffix in _COMPANY_SUFFIXES:
        bare = suffix.replace(" ", "")
        if folded.endswith(bare) and len(folded) > len(bare):
            return folded[: -len(bare)]
    return folded


def resolve(customers: Sequence[AnyNamed], reference: str) -> AnyNamed:
    """The customer `reference` names; InvalidValue listing the candidates when several match at the
    closest way of matching, or the closest names when none does."""
    wanted = fold(reference)
    if not wanted:
        raise InvalidValue(_("name a customer: its id, the start of its id, or part of its name"))
    for test in _tests(wanted):
        matches = [customer for customer in customers if test(customer)]
        if len(matches) == 1:
            return matches[0]
        if matches:
            raise Ambiguous(_("'{reference}' matches {count} customers: {listed}; be more specific").format(
                reference=reference, count=len(matches), listed=_listed(matches)))
    close = _did_you_mean(customers, wanted)
    raise NotFound((_("no customer matches '{reference}' (did you mean {close}?); `salescli list` shows them all")
                      if close else _("no customer matches '{reference}'; `salescli list` shows them all")).format(
        reference=reference, close=close))


def names(customer: Named, reference: str) -> bool:
    """Whether `reference` names `customer` in one of the ways `resolve` takes (its id or the start
    of it, part of its name, the name's characters in order, its pinyin initials): a search box's test."""
    wanted = fold(reference)
    return bool(wanted) and any(test(customer) for test in _tests(wanted))


def similar(customers: Sequence[AnyNamed], name: str) -> tuple[list[AnyNamed], list[AnyNamed]]:
    """Existing customers a new name may be: (the same name, perhaps without its company suffix;
    names near it — one holds the other, or holds it in pieces: 华建监理 and 武汉华建工程监理有限公司).
    Names that differ in a character (中建三局, 中建八局) are different firms, not near."""
    core = core_name(name)
    if not core:
        return [], []
    same = [customer for customer in customers if core_name(customer.name) == core]
    if same:
        return same, []
    near = [customer for customer in customers if _near(core, core_name(customer.name))]
    return [], near


def _near(one: str, other: str) -> bool:
    shorter, longer = sorted((one, other), key=len)
    return len(shorter) >= 2 and _numbers_kept(shorter, longer) and (
        shorter in longer or _in_pieces(shorter, longer) or _abridged(shorter, longer))


_NUMBER = re.compile(r"\d+")


def _numbers_kept(shorter: str, longer: str) -> bool:
    """Whether each number in `shorter` is a whole number of `longer`: 集团6 is not 集团6351's."""
    return not _NUMBER.search(shorter) or set(_NUMBER.findall(shorter)) <= set(_NUMBER.findall(longer))


LONG_PIECE = 4  # characters a short form shares in one piece with a name it abridges


def _abridged(shorter: str, longer: str) -> bool:
    """Whether `shorter` is `longer` with characters left out, keeping a piece of LONG_PIECE or more
    whole: 中铁大桥局五 of 中铁大桥局集团第五工程 (a rep's short form of a long firm's name)."""
    if len(shorter) < LONG_PIECE + 1 or not _subsequence(shorter, longer):
        return False
    if not _numbers_kept(shorter, longer):
        return False  # 85 is no short form of 8325
    return any(shorter[start:start + LONG_PIECE] in longer for start in range(len(shorter) - LONG_PIECE + 1))


def _subsequence(wanted: str, text: str) -> bool:
    position = 0
    for character in wanted:
        position = text.find(character, position) + 1
        if not position:
            return False
    return True


def similar_pairs(customers: Sequence[AnyNamed]) -> list[tuple[AnyNamed, AnyNamed]]:
    """Pairs of customers that may be one: the same name but for the company suffix, one name inside
    the other, or one a short form of the other that keeps its first LONG_PIECE characters (中铁大桥局五公司,
    中铁大桥局集团第五工程有限公司) — as `similar` finds them, but for names written in pieces, which
    would take comparing every two names. Pairs whose names fold to the same text are left to `check`'s
    duplicate names. Quick on a big folder: each name is looked up by its pieces, never compared with
    every other."""
    cores = [core_name(customer.name) for customer in customers]
    starting: dict[str, list[int]] = {}  # a core's first LONG_PIECE characters (or the whole of a shorter one)
    for index, core in enumerate(cores):
        if len(core) >= 2:
            starting.setdefault(core[:LONG_PIECE], []).append(index)
    sizes = sorted({len(key) for key in starting})  # (most cores are long: one size to look up)
    found: set[tuple[int, int]] = set()
    get = starting.get
    for index, longer in enumerate(cores):
        for size in sizes:
            for at in range(len(longer) - size + 1):
                others = get(longer[at:at + size])
                if others is None:
                    continue
                for other in others:
                    core = cores[other]
                    if other != index and len(core) <= len(longer) and (len(core) < len(longer) or other < index) \
                            and (longer.startswith(core, at) and _numbers_kept(core, longer)
                                 or at == 0 and _abridged(core, longer)):
                        found.add((min(index, other), max(index, other)))
    same_text = {pair for pair in found if fold(customers[pair[0]].name) == fold(customers[pair[1]].name)}
    return [(customers[one], customers[other]) for one, other in sorted(found - same_text)]


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
    tests.append(lambda c: _abridged(core, core_name(c.name)))  # a short form, as `site` takes it: 中铁大桥局五公司
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

        kept = re.sub(r"[^a-z0-9\u3400-\u9fff\uf900-\ufaff]", "", fold(name))
        found = _initials_known[name] = "".join(lazy_pinyin(kept, style=Style.FIRST_LETTER))
    return found


def _listed(matches: Sequence[Named]) -> str:
    shown = joined((beside(c.id, c.name) for c in sorted(matches, key=lambda c: c.id)[:SHOWN]), "; ")
    return shown + (_(" and {count} more").format(count=len(matches) - SHOWN) if len(matches) > SHOWN else "")


def _did_you_mean(customers: Sequence[Named], wanted: str) -> str:
    """The closest names and ids: the best, and any others nearly as close. A name is compared whole,
    without its company suffix, and in windows as long as what was typed (保丽华中 → 保利华中房地产有限公司:
    one character wrong)."""
    scored: dict[str, tuple[float, Named]] = {}
    letters = set(wanted)
    for customer in customers:
        score = max(_closeness(wanted, text, letters) for text in (fold(customer.name), customer.id))
        if score >= 0.6 and score > scored.get(customer.id, (0.0, customer))[0]:
            scored[customer.id] = (score, customer)
    if not scored:
        return ""
    best = max(score for score, _ in scored.values())
    found = [customer for score, customer in sorted(scored.values(), key=lambda pair: -pair[0]) if score >= best - 0.05]
    return _(" or ").join(beside(c.name, c.id) for c in found[:3])


def _closeness(wanted: str, text: str, letters: set[str]) -> float:
    import difflib

    score = difflib.SequenceMatcher(None, wanted, text).ratio()
    if len(text) > len(wanted) >= 3 and len(letters & set(text)) >= 0.6 * len(letters):
        score = max(score, *(difflib.SequenceMatcher(None, wanted, text[at:at + len(wanted)]).ratio()
                             for at in range(len(text) - len(wanted) + 1)))
    return score
