"""Lenient but unambiguous parsing of what reps type: dates and money, in English or Chinese."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta
from decimal import Decimal

from salescli.errors import InvalidValue
from salescli.i18n import _

_RELATIVE_DAYS = {
    "today": 0, "今天": 0, "今日": 0,
    "yesterday": -1, "昨天": -1, "昨日": -1,
    "tomorrow": 1, "明天": 1, "明日": 1,
    "前天": -2, "后天": 2,
}
_OFFSET = re.compile(r"^([+-])(\d+)\s*([dwmy天周月年])$", re.ASCII)
_YEAR_FIRST = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$", re.ASCII)
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$", re.ASCII)
_MONTH_DAY = re.compile(r"^(\d{1,2})[-/.](\d{1,2})$", re.ASCII)
_NUMERIC_OTHER = re.compile(r"^\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}$", re.ASCII)

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
    if not text:
        raise InvalidValue(_("a date is empty; write it as YYYY-MM-DD"))
    try:
        day = _parsed_date(text, today)
    except ValueError:
        raise InvalidValue(_("'{text}' is not a valid date; write it as YYYY-MM-DD").format(text=raw)) from None
    except OverflowError:  # (a count of days, weeks, months or years no calendar holds: 9999999999999999999天后)
        day = LAST_DAY + timedelta(days=1)
    if not in_range(day):
        raise InvalidValue(_("'{text}' is outside the years salescli works with ({years}); write a date in them")
                           .format(text=raw, years=YEARS))
    return day


def _parsed_date(text: str, today: date) -> date:
    """The date `text` (normalised) says; ValueError when it says none, OverflowError when it is out
    of any calendar's reach."""
    if text in _RELATIVE_DAYS:
        return today + timedelta(days=_RELATIVE_DAYS[text])
    spoken = _spoken_date(text.replace(" ", ""), today)
    if spoken is not None:
        return spoken
    text = re.sub(r"([0-9])\s*[年月]\s*", r"\1-", text).replace("日", "").replace("号", "").rstrip("-")
    if text in _RELATIVE_DAYS:
        return today + timedelta(days=_RELATIVE_DAYS[text])
    return _parse_date_forms(text, today=today)


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
        raise InvalidValue(_("'{text}' is ambiguous (day or month first?); write it as YYYY-MM-DD").format(text=text))
    if not re.search(r"[a-z]", text):
        raise ValueError(text)
    from dateutil import parser  # only for month names; most dates never need it

    try:
        parsed = parser.parse(text, default=_midnight(today), dayfirst=False, yearfirst=True)
    except (parser.ParserError, OverflowError) as error:
        raise ValueError(text) from error
    return parsed.date()


# ---- dates as reps say them: 下周一, 周五, 下个月, 月底, 3天后, 两周后 ----------------------------------

_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
_WEEKDAY = re.compile(r"^(上上|下下|上|下|本|这|这个|下个|上个)?(?:周|星期|礼拜)([一二三四五六日天])$")
_MONTH_EDGE = re.compile(r"^(本|这个|这|下个|下|上个|上)?月(底|末|初)$")
_SPOKEN_OFFSET = re.compile(r"^([\d一二两三四五六七八九十百]+)\s*(?:个)?(天|日|周|星期|礼拜|月|年)"
                            r"(后|以后|之后|前|以前|之前)$", re.ASCII)
_SPOKEN_MONTH = {"下个月": 1, "下月": 1, "上个月": -1, "上月": -1, "下下个月": 2}
_SPOKEN_DAYS = {"大后天": 3, "大前天": -3}
_SPOKEN_YEAR_EDGE = {"年底": (12, 31), "年末": (12, 31), "年初": (1, 1)}


def _spoken_date(text: str, today: date) -> date | None:
    """A date as a Chinese rep says it, relative to `today`; None for anything else. A weekday
    alone (周五) is the next such day from today on; 下周五 is Friday of next week (weeks start on
    Monday); 下个月 the same day next month; 月底 the month's last day; 3天后 three days on."""
    from dateutil.relativedelta import relativedelta

    if text in _SPOKEN_DAYS:
        return today + timedelta(days=_SPOKEN_DAYS[text])
    if text in _SPOKEN_MONTH:
        return today + relativedelta(months=_SPOKEN_MONTH[text])
    if text in _SPOKEN_YEAR_EDGE:
        month, day = _SPOKEN_YEAR_EDGE[text]
        return date(today.year, month, day)
    if match := _WEEKDAY.match(text):
        which, weekday = match.group(1) or "", _WEEKDAYS[match.group(2)]
        if not which:
            return today + timedelta(days=(weekday - today.weekday()) % 7)
        weeks = {"上上": -2, "上": -1, "上个": -1, "下": 1, "下个": 1, "下下": 2}.get(which, 0)
        return today + timedelta(days=weekday - today.weekday(), weeks=weeks)
    if match := _MONTH_EDGE.match(text):
        months = {"下个": 1, "下": 1, "上个": -1, "上": -1}.get(match.group(1) or "", 0)
        first = (today + relativedelta(months=months)).replace(day=1)
        return first if match.group(2) == "初" else first + relativedelta(months=1) - timedelta(days=1)
    if match := _SPOKEN_OFFSET.match(text):
        count = _count(match.group(1))
        sign = "-" if match.group(3).endswith("前") else "+"
        unit = {"日": "天", "星期": "周", "礼拜": "周"}.get(match.group(2), match.group(2))
        return _offset(today, sign, count, unit)
    return None


def _count(text: str) -> int:
    """A small count in digits or Chinese numerals (三, 十五, 两)."""
    if text.isdigit():
        return int(text)
    import cn2an  # only for Chinese numerals

    return int(cn2an.cn2an(text.replace("两", "二"), "normal"))


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


# A number as reps write it: digits (ASCII: 48000), or grouped by threes with commas (48,000, 1,234,567.50);
# a comma elsewhere (1,2,3), an underscore (Python's 1_000) or another script's digits (٣٣) is refused.
_MONEY = re.compile(r"^([0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(\.[0-9]+)?\s*(万|w|k|千|m|百万)?$", re.ASCII)
_MULTIPLIERS = {None: 1, "万": 10_000, "w": 10_000, "k": 1_000, "千": 1_000, "m": 1_000_000, "百万": 1_000_000}
_CURRENCY = re.compile(r"[¥$元]|rmb|cny|人民币|块钱|块")


def parse_money(text: str) -> Decimal:
    """An amount from 48000, 48,000, ¥48,000, 4.8万, 4.8w, 48k, or in Chinese numerals as reps say
    amounts: 五万, 十二万五 (125,000), 一万二 (12,000), 两千, 5万块."""
    cleaned = _CURRENCY.sub("", unicodedata.normalize("NFKC", text).strip().casefold()).strip()
    match = _MONEY.match(cleaned)
    if match:
        digits = match.group(1).replace(",", "") + (match.group(2) or "")
        if len(digits) > 30:  # more digits than a Decimal holds exactly
            raise InvalidValue(too_large(text))
        amount = Decimal(digits) * _MULTIPLIERS[match.group(3)]
    elif re.fullmatch(r"[零〇一二两三四五六七八九十百千万亿点]*[十百千万亿][零〇一二两三四五六七八九十百千万亿点]*",
                      cleaned := re.sub(r"\s", "", cleaned)):
        amount = _chinese_amount(cleaned, text)  # said with units, as amounts are (一二三四 is no amount)
    else:
        raise InvalidValue(_("'{text}' is not an amount; write e.g. 48000, 48,000, 4.8万, 48k or 五万")
                           .format(text=text))
    if amount > MAX_AMOUNT:
        raise InvalidValue(too_large(text))
    return amount.normalize() if amount != amount.to_integral() else amount.quantize(Decimal(1))


def too_large(text: object) -> str:
    return _("'{text}' is more than salescli takes as an amount (at most {most})").format(
        text=text, most=f"{MAX_AMOUNT:,}")


def _chinese_amount(cleaned: str, text: str) -> Decimal:
    """An amount in Chinese numerals, read by cn2an (a well-kept converter: 十二万五 is 125,000, not
    120,005, as a rep means it); `一点五万` too."""
    import cn2an  # only for amounts in Chinese numerals

    numerals = cleaned.replace("两", "二")
    try:
        return Decimal(str(cn2an.cn2an(numerals, "normal")))
    except (ValueError, KeyError, TypeError):
        pass
    if numerals.endswith("万") and len(numerals) > 1:  # 一点五万: cn2an reads 一点五, the 万 is ours
        try:
            return Decimal(str(cn2an.cn2an(numerals[:-1], "normal"))) * 10_000
        except (ValueError, KeyError, TypeError):
            pass
    raise InvalidValue(_("'{text}' is not an amount; write e.g. 48000, 4.8万 or 五万").format(text=text))


def format_money(amount: Decimal | None) -> str:
    """48000 → '48,000'; cents are shown only when there are some."""
    if amount is None:
        return ""
    if amount == amount.to_integral():
        return f"{int(amount):,}"
    return f"{amount:,.2f}"
