"""Lenient but unambiguous parsing of what reps type: dates and money, in English or Chinese."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from salescli.errors import UsageError

_RELATIVE_DAYS = {
    "today": 0, "今天": 0, "今日": 0,
    "yesterday": -1, "昨天": -1, "昨日": -1,
    "tomorrow": 1, "明天": 1, "明日": 1,
    "前天": -2, "后天": 2,
}
_OFFSET = re.compile(r"^([+-])(\d+)\s*([dwmy天周月年])$")
_YEAR_FIRST = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_MONTH_DAY = re.compile(r"^(\d{1,2})[-/.](\d{1,2})$")
_NUMERIC_OTHER = re.compile(r"^\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}$")

# The years salescli computes with: schedules and forecasts reach a year or two past a date, and
# Python's dates end in 9999, so a date far out would break them; no sales record needs more.
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2999, 12, 31)
YEARS = f"{FIRST_DAY.year}–{LAST_DAY.year}"
MAX_AMOUNT = Decimal(999_999_999_999)  # no deal is worth a trillion (10^12) yuan


def parse_date(text: str, *, today: date) -> date:
    """A date from ISO (2026-11-26), 2026/11/26, 20261126, 2026年11月26日, 11-26 (this year),
    'today'/'昨天', offsets (+3d, -2w, +1m), or an English month name (26 Nov 2026).

    Day-first or month-first numeric dates (01/02/2026) are refused: they are ambiguous.
    """
    raw = text
    text = unicodedata.normalize("NFKC", text).strip().casefold()
    text = re.sub(r"(\d)\s*[年月]\s*", r"\1-", text).replace("日", "").replace("号", "").rstrip("-")
    if not text:
        raise UsageError("a date is empty; write it as YYYY-MM-DD")
    try:
        day = today + timedelta(days=_RELATIVE_DAYS[text]) if text in _RELATIVE_DAYS \
            else _parse_date_forms(text, today=today)
    except ValueError:
        raise UsageError(f"'{raw}' is not a valid date; write it as YYYY-MM-DD") from None
    except OverflowError:
        day = LAST_DAY + timedelta(days=1)
    if not in_range(day):
        raise UsageError(f"'{raw}' is outside the years salescli works with ({YEARS}); write a date in them")
    return day


def in_range(day: date) -> bool:
    """Whether a date lies in the years salescli computes with (FIRST_DAY to LAST_DAY)."""
    return FIRST_DAY <= day <= LAST_DAY


def _parse_date_forms(text: str, *, today: date) -> date:
    if match := _OFFSET.match(text):
        return _offset(today, match.group(1), int(match.group(2)), match.group(3))
    for pattern in (_YEAR_FIRST, _COMPACT):
        if match := pattern.match(text):
            year, month, day = (int(part) for part in match.groups())
            return date(year, month, day)
    if match := _MONTH_DAY.match(text):
        return date(today.year, int(match.group(1)), int(match.group(2)))
    if _NUMERIC_OTHER.match(text):
        raise UsageError(f"'{text}' is ambiguous (day or month first?); write it as YYYY-MM-DD")
    if not re.search(r"[a-z]", text):
        raise ValueError(text)
    from dateutil import parser  # only for month names; most dates never need it

    try:
        parsed = parser.parse(text, default=_midnight(today), dayfirst=False, yearfirst=True)
    except (parser.ParserError, OverflowError) as error:
        raise ValueError(text) from error
    return parsed.date()


def _offset(today: date, sign: str, count: int, unit: str) -> date:
    from dateutil.relativedelta import relativedelta

    count = -count if sign == "-" else count
    if abs(count) > 1_000_000:  # beyond any year salescli works with, in any unit
        raise OverflowError(count)
    if unit in "d天":
        return today + timedelta(days=count)
    if unit in "w周":
        return today + timedelta(weeks=count)
    try:
        return today + (relativedelta(months=count) if unit in "m月" else relativedelta(years=count))
    except ValueError:  # a year past 9999
        raise OverflowError(count) from None


def _midnight(day: date):  # type: ignore[no-untyped-def]
    from datetime import datetime

    return datetime(day.year, day.month, day.day)


_MONEY = re.compile(r"^(\d+(?:\.\d+)?)\s*(万|w|k|千|m|百万)?$")
_MULTIPLIERS = {None: 1, "万": 10_000, "w": 10_000, "k": 1_000, "千": 1_000, "m": 1_000_000, "百万": 1_000_000}


def parse_money(text: str) -> Decimal:
    """An amount from 48000, 48,000, ¥48,000, 4.8万, 4.8w or 48k."""
    cleaned = unicodedata.normalize("NFKC", text).strip().casefold()
    cleaned = re.sub(r"[,_\s¥$元]|rmb|cny", "", cleaned)
    match = _MONEY.match(cleaned)
    if not match:
        raise UsageError(f"'{text}' is not an amount; write e.g. 48000, 48,000, 4.8万 or 48k")
    if len(match.group(1)) > 30:  # more digits than a Decimal holds exactly
        raise UsageError(too_large(text))
    try:
        amount = Decimal(match.group(1)) * _MULTIPLIERS[match.group(2)]
    except InvalidOperation:
        raise UsageError(f"'{text}' is not an amount") from None
    if amount > MAX_AMOUNT:
        raise UsageError(too_large(text))
    return amount.normalize() if amount != amount.to_integral() else amount.quantize(Decimal(1))


def too_large(text: object) -> str:
    return f"'{text}' is more than salescli takes as an amount (at most {MAX_AMOUNT:,})"


def format_money(amount: Decimal | None) -> str:
    """48000 → '48,000'; cents are shown only when there are some."""
    if amount is None:
        return ""
    if amount == amount.to_integral():
        return f"{int(amount):,}"
    return f"{amount:,.2f}"
