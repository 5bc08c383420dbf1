"""Customer ids: the file name of each customer, readable and safe on every filesystem and in git.

A name becomes an id by writing its Chinese characters in toneless pinyin (pypinyin, which knows
polyphonic words: 重庆 → chongqing, 银行 → yinhang), keeping ASCII letters and digits in lower case,
dropping company-form suffixes (有限公司 …), and joining the runs with '-':
中建三局第一建设有限公司 → zhongjiansanjudiyijianshe; 广联达 BIM 中心 → guanglianda-bim-zhongxin.
"""

from __future__ import annotations

import re
import unicodedata

from salescli.errors import InvalidValue
from salescli.i18n import _

MAX_LENGTH = 40
_VALID = re.compile(r"^[a-z0-9](?:[a-z0-9._-]*[a-z0-9])?$")
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{n}" for n in range(10)), *(f"lpt{n}" for n in range(10))}
_COMPANY_SUFFIXES = ("股份有限公司", "有限责任公司", "有限公司", "公司")
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")


def validate_id(customer_id: str) -> str:
    """Return `customer_id` if it is a safe file name; else explain what is allowed."""
    if (
        not customer_id
        or len(customer_id) > MAX_LENGTH * 2
        or not _VALID.match(customer_id)
        or ".." in customer_id
        or customer_id.split(".")[0] in _RESERVED
    ):
        raise InvalidValue(_(
            "'{id}' cannot be a customer id: use lower-case letters, digits, "
            "'-', '_' and '.', starting and ending with a letter or digit (e.g. zhongjiansanju)"
        ).format(id=_printable(customer_id)))
    return customer_id


def _printable(text: str) -> str:
    return "".join(char if char.isprintable() else f"\\x{ord(char):02x}" for char in text)


def slug(name: str) -> str:
    """The id a customer name suggests (see the module docstring)."""
    text = unicodedata.normalize("NFKC", name).strip()
    for suffix in _COMPANY_SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix):
            text = text[: -len(suffix)]
            break
    runs: list[str] = []
    position = 0
    for match in _HAN.finditer(text):
        runs.append(_ascii_run(text[position : match.start()]))
        runs.append(_pinyin(match.group()))
        position = match.end()
    runs.append(_ascii_run(text[position:]))
    joined = "-".join(run for run in runs if run)
    joined = re.sub(r"-{2,}", "-", joined).strip("-._")
    return _shorten(joined) or "customer"


def _ascii_run(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")


def _pinyin(han: str) -> str:
    from pypinyin import lazy_pinyin  # loads its dictionaries: only when an id is made

    return "".join(re.sub(r"[^a-z]", "", syllable.casefold()) for syllable in lazy_pinyin(han))


def _shorten(text: str) -> str:
    if len(text) <= MAX_LENGTH:
        return text
    return text[:MAX_LENGTH].rstrip("-._")


def unique_id(base: str, taken: set[str]) -> str:
    """`base`, or `base-2`, `base-3`, … whichever is free."""
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"
