"""The table layout: the same bytes tabulate gives, for the text customers hold."""

from hypothesis import example, given, settings, strategies as st
from tabulate import tabulate
from wcwidth import wcswidth

from salescli.render import bar, table, text_width
from salescli.stages import Stage

# ASCII, Latin-1, CJK, kana, hangul, full-width forms, and some the width tables must decide (emoji, ZWJ).
ALPHABET = st.sampled_from(list("ab Z09-.,:/()") + list("éüñ¥·—…█▌▎")
                           + list("中建三局华科武汉（）：，。")
                           + list("カナ한국ＡＢ１") + ["👍", "\u0301", "\u200d"])
CELL = st.text(ALPHABET, max_size=8)


def tables(most_columns, rows_of):
    """(headers, rows, alignments) of 1 to `most_columns` columns; `rows_of(n)` draws rows of n cells."""
    return st.integers(min_value=1, max_value=most_columns).flatmap(lambda n: st.tuples(
        st.lists(CELL.filter(str.strip), min_size=n, max_size=n),
        rows_of(n),
        st.lists(st.sampled_from(["left", "right", "center"]), min_size=n, max_size=n),
    ))


def assert_laid_out_as_tabulate(columns, markdown):
    headers, rows, align = columns
    expected = tabulate(rows, headers=headers, tablefmt="github" if markdown else "simple",
                        disable_numparse=True, colalign=align) + "\n"
    assert table(rows, headers, markdown=markdown, align=align) == expected


@settings(max_examples=300, deadline=None)
@given(tables(4, lambda n: st.lists(st.lists(CELL, min_size=n, max_size=n), max_size=5)), st.booleans())
def test_a_table_is_laid_out_as_tabulate_lays_it_out(columns, markdown):
    assert_laid_out_as_tabulate(columns, markdown)


@settings(max_examples=200, deadline=None)
@given(tables(3, lambda n: st.lists(CELL, min_size=1, max_size=3).flatmap(  # a few values, repeated: measured once each
    lambda pool: st.lists(st.lists(st.sampled_from(pool), min_size=n, max_size=n), min_size=4, max_size=20))),
    st.booleans())
def test_a_table_of_repeated_values_is_laid_out_as_tabulate_lays_it_out(columns, markdown):
    assert_laid_out_as_tabulate(columns, markdown)


def test_cells_with_line_breaks_are_wrapped_by_tabulate():
    rows = [["中建三局", "line one\nline two"]]
    assert table(rows, ["name", "note"]) == tabulate(rows, headers=["name", "note"], disable_numparse=True) + "\n"
    assert "line two" in table(rows, ["name", "note"]).splitlines()[3]


def test_chinese_characters_take_two_columns():
    assert text_width("中建三局 A") == 10
    assert table([["中建", "1"], ["ab", "22"]], ["name", "n"], align=["left", "right"]) == (
        "name      n\n"
        "------  ---\n"
        "中建      1\n"
        "ab       22\n"
    )


@given(st.text(ALPHABET, max_size=12))
def test_text_width_is_wcwidths(text):
    assert text_width(text) == wcswidth(text)


def test_json_is_one_record_a_line_as_json_dumps_writes_it():
    import json
    from datetime import date
    from decimal import Decimal

    from salescli.render import render_rows

    rows = [("中建", Decimal("48000"), date(2026, 11, 26), None, 'say "hi"\n'), ("b", Decimal("2.5"), None, 3, "")]
    text = render_rows(rows, {"name": "n", "value": "v", "by": "b", "deals": "d", "note": "x"}, "json")
    lines = text.splitlines()
    assert lines[0] == "[" and lines[-1] == "]"
    assert lines[1] == json.dumps({"name": "中建", "value": 48000, "by": "2026-11-26", "deals": None,
                                   "note": 'say "hi"\n'}, ensure_ascii=False) + ","
    assert json.loads(text)[1] == {"name": "b", "value": 2.5, "by": None, "deals": 3, "note": ""}


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(
    st.one_of(st.none(), st.text(max_size=6), st.integers(), st.booleans(), st.floats(allow_nan=False)),
    st.one_of(st.none(), st.dates(), st.decimals(allow_nan=False, allow_infinity=False, places=2)),
    st.sampled_from(list(Stage)) | st.none()), max_size=4))
@example([(0.0, None, None), (-0.0, None, None)])  # equal keys, different texts
@example([(1, None, Stage.DEMO), (True, None, "demo"), (1.0, None, None)])
def test_json_lines_are_what_json_dumps_writes(rows):
    import json

    from salescli.render import plain, render_rows

    keys = {"a": "A", "b%s": "B", '"c"': "C"}
    lines = render_rows(rows, keys, "json").split("\n")[:-1]  # (splitlines would split at U+0085 too)
    expected = [json.dumps(dict(zip(keys, row)), ensure_ascii=False, default=plain) for row in rows]
    assert lines == (["[", *[line + "," for line in expected[:-1]], *expected[-1:], "]"] if rows else ["[]"])


def test_bar() -> None:
    assert bar(10, 10, width=4) == "████"
    assert bar(5, 10, width=4) == "██"
    assert bar(1, 8, width=1) == "▏"
    assert bar(0, 10) == ""
