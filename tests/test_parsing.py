import re
from datetime import date
from decimal import Decimal

import cn2an
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salescli.errors import InvalidValue
from salescli.parsing import format_money, parse_date, parse_money

TODAY = date(2026, 11, 26)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-05", date(2026, 12, 5)),
        ("2026/12/5", date(2026, 12, 5)),
        ("20261205", date(2026, 12, 5)),
        ("2026年12月5日", date(2026, 12, 5)),
        ("12月5日", date(2026, 12, 5)),
        ("12-05", date(2026, 12, 5)),
        ("today", TODAY),
        ("今天", TODAY),
        ("yesterday", date(2026, 11, 25)),
        ("明天", date(2026, 11, 27)),
        ("+3d", date(2026, 11, 29)),
        ("-2w", date(2026, 11, 12)),
        ("+1m", date(2026, 12, 26)),
        ("+3天", date(2026, 11, 29)),
        ("5 Dec 2026", date(2026, 12, 5)),
        ("December 5, 2026", date(2026, 12, 5)),
        ("２０２６－１２－０５", date(2026, 12, 5)),  # full-width digits from a Chinese IME
    ],
)
def test_dates_parse_leniently(text: str, expected: date) -> None:
    assert parse_date(text, today=TODAY) == expected


@pytest.mark.parametrize("text", ["01/02/2026", "5.12.26"])
def test_day_month_order_is_refused_as_ambiguous(text: str) -> None:
    with pytest.raises(InvalidValue, match="ambiguous"):
        parse_date(text, today=TODAY)


@pytest.mark.parametrize("text", ["2026-02-30", "soon", "", "2026-13-01"])
def test_invalid_dates_are_refused(text: str) -> None:
    with pytest.raises(InvalidValue):
        parse_date(text, today=TODAY)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("48000", Decimal(48000)), ("48,000", Decimal(48000)), ("¥48,000", Decimal(48000)),
     ("4.8万", Decimal(48000)), ("4.8w", Decimal(48000)), ("48k", Decimal(48000)),
     ("1234.5", Decimal("1234.5")), ("48000元", Decimal(48000))],
)
def test_money(text: str, expected: Decimal) -> None:
    assert parse_money(text) == expected


@pytest.mark.parametrize("text", ["", "abc", "-5", "4.8万万"])
def test_bad_money_is_refused(text: str) -> None:
    with pytest.raises(InvalidValue, match="not an amount"):
        parse_money(text)


def test_format_money() -> None:
    assert format_money(Decimal(1234567)) == "1,234,567"
    assert format_money(Decimal("1234.5")) == "1,234.50"
    assert format_money(None) == ""


@pytest.mark.parametrize(("text", "expected"), [  # TODAY is Thursday 2026-11-26
    ("下周一", date(2026, 11, 30)), ("下星期五", date(2026, 12, 4)), ("下下周三", date(2026, 12, 9)),
    ("周五", date(2026, 11, 27)), ("星期四", date(2026, 11, 26)), ("礼拜天", date(2026, 11, 29)),
    ("周一", date(2026, 11, 30)),  # a weekday alone: the next one from today on
    ("本周一", date(2026, 11, 23)), ("上周五", date(2026, 11, 20)),
    ("下个月", date(2026, 12, 26)), ("下月初", date(2026, 12, 1)), ("下个月底", date(2026, 12, 31)),
    ("月底", date(2026, 11, 30)), ("年底", date(2026, 12, 31)),
    ("3天后", date(2026, 11, 29)), ("三天后", date(2026, 11, 29)), ("两周后", date(2026, 12, 10)),
    ("十天前", date(2026, 11, 16)), ("1个月以后", date(2026, 12, 26)), ("大后天", date(2026, 11, 29)),
])
def test_dates_as_reps_say_them(text: str, expected: date) -> None:
    assert parse_date(text, today=TODAY) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("五万", Decimal(50000)), ("十二万五", Decimal(125000)), ("一万二", Decimal(12000)), ("两千", Decimal(2000)),
    ("5万块", Decimal(50000)), ("三千元", Decimal(3000)), ("一点五万", Decimal(15000)), ("十万八千", Decimal(108000)),
])
def test_amounts_in_chinese_numerals(text: str, expected: Decimal) -> None:
    assert parse_money(text) == expected


@pytest.mark.parametrize("text", ["万", "五万万块钱呢", "一二三四"])
def test_chinese_non_amounts_are_refused(text: str) -> None:
    with pytest.raises(InvalidValue, match="not an amount"):
        parse_money(text)


@pytest.mark.parametrize("text", ["+99999999d", "9999-12-31", "1899-12-31", "+1000y", "+20000m", "-2000000w",
                                  "3000-01-01", "5 Dec 9999"])
def test_dates_outside_the_years_salescli_works_with_are_refused(text: str) -> None:
    with pytest.raises(InvalidValue, match=rf"^'{re.escape(text)}' is outside the years salescli works with "
                                         r"\(1900–2999\); write a date in them$"):
        parse_date(text, today=TODAY)


def test_the_first_and_last_days_salescli_works_with() -> None:
    assert parse_date("1900-01-01", today=TODAY) == date(1900, 1, 1)
    assert parse_date("2999-12-31", today=TODAY) == date(2999, 12, 31)


@pytest.mark.parametrize("text", ["12345678901234567890123456789", "1000000000000", "100000000万", "9" * 5000])
def test_amounts_beyond_a_trillion_are_refused(text: str) -> None:
    with pytest.raises(InvalidValue, match=r"is more than salescli takes as an amount \(at most 999,999,999,999\)$"):
        parse_money(text)


def test_the_largest_amount_is_taken() -> None:
    assert parse_money("999,999,999,999") == Decimal(999_999_999_999)


def test_months_outside_the_years_are_refused() -> None:
    from salescli.workdays import Month

    with pytest.raises(InvalidValue, match=r"^'9999-12' is outside the years salescli works with \(1900–2999\)$"):
        Month.parse("9999-12")
    assert Month(2999, 12).last == date(2999, 12, 31)
    with pytest.raises(InvalidValue, match="outside the years"):
        Month(2999, 12).next(13)


@pytest.mark.parametrize("unit", ["天后", "天前", "周后", "个月后", "年后", "日之前", "星期以后", "礼拜前", "月后"])
def test_huge_chinese_relative_dates_are_refused(unit: str) -> None:
    text = f"9999999999999999999{unit}"
    with pytest.raises(InvalidValue, match=rf"^'{text}' is outside the years salescli works with"):
        parse_date(text, today=TODAY)


_COUNTS = st.one_of(st.integers(min_value=0, max_value=10 ** 40).map(str),
                    st.text("0123456789", min_size=1, max_size=6000),
                    st.integers(min_value=1, max_value=10 ** 16 - 1).map(lambda number: cn2an.an2cn(number, "low")))


@settings(max_examples=300, deadline=None)
@given(count=_COUNTS, unit=st.sampled_from(["天", "日", "周", "星期", "礼拜", "个月", "月", "年", "个年"]),
       direction=st.sampled_from(["后", "以后", "之后", "前", "以前", "之前"]),
       space=st.sampled_from(["", " ", "\u3000"]))
def test_chinese_relative_dates_of_any_size_give_a_date_in_range_or_a_clear_refusal(
        count: str, unit: str, direction: str, space: str) -> None:
    text = f"{count}{space}{unit}{direction}"
    try:
        day = parse_date(text, today=TODAY)
    except InvalidValue as error:
        assert error.message.startswith(f"'{text}' is ")
    else:
        assert date(1900, 1, 1) <= day <= date(2999, 12, 31)


@pytest.mark.parametrize("text", ["1,2,3", "1,00", ",100", "100,", "1234,567", "12,500,50", "٣٣", "١٠٠٠", "1_000",
                                  "1__0", "4_8万", "1 000", "1.000,5", "1..5", "1.5.5"])
def test_amounts_that_are_not_plainly_written_are_refused(text: str) -> None:
    with pytest.raises(InvalidValue, match=rf"^'{re.escape(text)}' is not an amount"):
        parse_money(text)


@pytest.mark.parametrize(("text", "expected"), [
    ("1,000", Decimal(1000)), ("12,500.50", Decimal("12500.5")), ("1,234,567", Decimal(1234567)),
    ("五万五千", Decimal(55000)), ("4.8万", Decimal(48000)), ("4.8 万元", Decimal(48000)), ("¥ 48,000", Decimal(48000)),
    ("４８０００", Decimal(48000)), ("48,000 元", Decimal(48000)), ("五 万", Decimal(50000)),
])
def test_amounts_as_reps_write_them_are_taken(text: str, expected: Decimal) -> None:
    assert parse_money(text) == expected
