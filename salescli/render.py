"""Turning records into text: tables (double-width aware), CSV/TSV, JSON, Markdown."""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import Enum
from itertools import repeat
from json.encoder import encode_basestring  # type: ignore[attr-defined]
from typing import Any, Callable, Mapping, NamedTuple, Sequence

from salescli.errors import InvalidValue
from salescli.exchange import plain as plain  # (JSON-ready values: the renderer's and an export's alike)
from salescli.i18n import _, joined, ngettext

FORMATS = ("table", "csv", "tsv", "json", "markdown")


def check_format(name: str, allowed: Sequence[str] = FORMATS) -> str:
    if name not in allowed:
        raise InvalidValue(_("unknown format '{name}'; use one of: {formats}")
                           .format(name=name, formats=joined(allowed)))
    return name


def render(records: Sequence[Mapping[str, Any]], headers: Mapping[str, str], fmt: str, *,
           fit: Fit | None = None) -> str:
    """`records` (raw values by column key) as text; `headers` maps column keys to titles, in order;
    a table in a terminal meets its width when `fit` says how."""
    keys = list(headers)
    return render_rows([[record.get(key) for key in keys] for record in records], headers, fmt, fit=fit)


def render_rows(rows: Sequence[Sequence[Any]], headers: Mapping[str, str], fmt: str, *,
                fit: Fit | None = None) -> str:
    """Like `render`, for rows of raw values in the order of `headers` (quicker for long lists)."""
    columns = list(zip(*rows)) if rows else [() for _title in headers]
    return render_columns(columns, headers, fmt, fit=fit)


def render_columns(columns: Sequence[Sequence[Any]], headers: Mapping[str, str], fmt: str, *,
                   fit: Fit | None = None) -> str:
    """Like `render_rows`, for the values a column at a time (quicker still: no rows to take apart)."""
    if fit is not None and fmt == "table":
        columns, headers, hidden = fitted(columns, headers, fit)
        return render_columns(columns, headers, fmt) + _hidden_note(hidden, fit.width)
    keys = list(headers)
    rows_count = len(columns[0]) if columns else 0
    if fmt == "json":
        return _json(columns, keys, rows_count)
    cells = [_cells(column) for column in columns]
    if fmt in ("csv", "tsv"):
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        writer.writerow(keys)
        writer.writerows(zip(*cells))
        return buffer.getvalue()
    numeric = [_kind(column) in (Decimal, int) for column in columns]
    return _layout(cells, list(headers.values()), markdown=fmt == "markdown",
                   align=["right" if number else "left" for number in numeric])


@dataclass(frozen=True)
class Fit:
    """How a table meets a terminal `width` columns wide: the columns of `drop` leave first, in that
    order; then the text columns of `cut` are cut short (…), the widest first."""

    width: int
    drop: Sequence[str] = ()
    cut: Sequence[str] = ()


SHORTEST_CUT = 8  # a column is not cut narrower than this (or than its title)


def fitted(columns: Sequence[Sequence[Any]], headers: Mapping[str, str], fit: Fit
           ) -> tuple[list[Sequence[Any]], dict[str, str], list[str]]:
    """The columns and headers that fit `fit.width`, and the titles of the columns left out."""
    keys = list(headers)
    cells = {key: _cells(column) for key, column in zip(keys, columns)}
    widths = {key: max(text_width(headers[key]) + 2, max(map(text_width, set(cells[key])), default=0))
              for key in keys}
    shown = list(keys)

    def total() -> int:
        return sum(widths[key] for key in shown) + 2 * (len(shown) - 1)

    for key in fit.drop:
        if total() <= fit.width:
            break
        if key in shown:
            shown.remove(key)
    limits: dict[str, int] = {}
    floors = {key: max(SHORTEST_CUT, text_width(headers[key]) + 2) for key in fit.cut if key in shown}
    excess = total() - fit.width
    while excess > 0:  # the widest cuttable column loses a column at a time: long ones end up level
        cuttable = [key for key in floors if widths[key] > floors[key]]
        if not cuttable:
            break
        widest = max(cuttable, key=widths.__getitem__)
        widths[widest] = limits[widest] = widths[widest] - 1
        excess -= 1
    by_key = dict(zip(keys, columns))
    kept = [[clip(cell, limits[key]) for cell in cells[key]] if key in limits else by_key[key] for key in shown]
    return kept, {key: headers[key] for key in shown}, [headers[key] for key in keys if key not in shown]


def clip(text: str, width: int) -> str:
    """`text` cut to `width` terminal columns, ending in … when it was longer."""
    if text_width(text) <= width:
        return text
    kept, used = [], 0
    for character in text:
        used += text_width(character)
        if used > width - 1:
            break
        kept.append(character)
    return "".join(kept) + "…"


def _hidden_note(hidden: Sequence[str], width: int) -> str:
    """One line that says which columns were left out (their names cut short to fit, if need be)."""
    if not hidden:
        return ""
    count = len(hidden)
    note = ngettext("({count} column hidden: {names}; --wide shows all)",
                    "({count} columns hidden: {names}; --wide shows all)", count)
    names = clip(joined(hidden), max(SHORTEST_CUT, width - text_width(note.format(count=count, names=""))))
    return note.format(count=count, names=names) + "\n"


def table(rows: Sequence[Sequence[str]], headers: Sequence[str], *, markdown: bool = False,
          align: Sequence[str] | None = None) -> str:
    """tabulate's "simple" (or, for markdown, "github") table of single-line cells.

    Laid out here rather than by tabulate, byte for byte as tabulate would (the tests compare):
    importing tabulate costs a tenth of a second and it takes 17 µs a cell, which a list of
    100,000 customers cannot afford. Cells with line breaks still go to tabulate, which wraps them.
    """
    columns = [list(column) for column in zip(*rows)] if rows else [[] for _title in headers]
    return _layout(columns, headers, markdown=markdown, align=align)


def _layout(columns: Sequence[Sequence[str]], headers: Sequence[str], *, markdown: bool,
            align: Sequence[str] | None) -> str:
    measured = [_measure(column) for column in columns]
    if any(column.multiline for column in measured):
        return _tabulate([list(row) for row in zip(*(column.cells for column in measured))], headers,
                         markdown=markdown, align=align)
    rows_count = len(columns[0]) if columns else 0
    given = list(align or ()) if rows_count else []  # tabulate aligns the titles of an empty table left
    aligns = given + ["left"] * (len(headers) - len(given))
    sizes = [max(text_width(title) + 2, column.widest) for title, column in zip(headers, measured)]
    laid = [_padded(column, size, how) for column, size, how in zip(measured, sizes, aligns)]
    cells = [column_cells for column_cells, _format in laid]
    formats = [row_format for _cells, row_format in laid]
    titles = [_pad([title], [text_width(title)], size, how)[0] for title, size, how in zip(headers, sizes, aligns)]
    if markdown:
        lines = ["| " + " | ".join(titles) + " |", "|" + "|".join("-" * (size + 2) for size in sizes) + "|"]
        row_format = "| " + " | ".join(formats) + " |"
        lines += [row_format % cells_of_row for cells_of_row in zip(*cells)]
    else:
        lines = ["  ".join(titles).rstrip(), "  ".join("-" * size for size in sizes)]
        lines += map(str.rstrip, map("  ".join(formats).__mod__, zip(*cells)))
    return "\n".join(lines) + "\n"


_EIGHTHS = " ▏▎▍▌▋▊▉"


def bar(value: float, largest: float, width: int = 30) -> str:
    """A horizontal bar of Unicode blocks, readable without colour."""
    if largest <= 0 or value <= 0:
        return ""
    eighths = round(value / largest * width * 8)
    return "█" * (eighths // 8) + (_EIGHTHS[eighths % 8] if eighths % 8 else "")


# Control characters: a terminal obeys them (ESC starts a command: colours, a new title, even keys
# typed back), so what a file or an argument holds is never printed raw: `\x1b`, `\x07`, `\t`.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # tab and line breaks aside
_CONTROL_IN_CELLS = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f]")  # in a table, a tab or CR too
_SHOWN = {"\t": "\\t", "\r": "\\r"}


def shown_controls(text: str, controls: re.Pattern[str] = CONTROL_CHARACTERS) -> str:
    """`text` with its control characters written out (`\x1b`), as a terminal may show them."""
    return controls.sub(lambda found: _SHOWN.get(found.group()) or f"\\x{ord(found.group()):02x}", text)


class _Measured(NamedTuple):
    cells: Sequence[str]  # the column's cells, without surrounding white space (as tabulate shows them)
    values: Sequence[str]  # what was measured: each distinct cell once when they repeat, else the cells
    widths: Sequence[int] | None  # the width of each of `values`; None when every character takes one column
    widest: int
    multiline: bool


def _measure(cells: Sequence[str]) -> _Measured:
    """How wide a column's cells are. Whole columns at once, and each distinct value once where
    they repeat (stages, fields, days): a list of 100,000 customers has a million cells."""
    distinct = set(cells)
    values: Sequence[str] = list(distinct) if len(distinct) * 4 <= len(cells) else cells
    if re.search("\x00\\s|\\s\x00", "\x00" + "\x00".join(values) + "\x00"):  # white space at either end
        return _measure([cell.strip() for cell in cells])
    text = "".join(values)
    if not text.isprintable() and _CONTROL_IN_CELLS.search(text):  # never raw to a terminal (ESC, BEL …)
        return _measure([shown_controls(cell, _CONTROL_IN_CELLS) for cell in cells])
    if "\n" in text or "\r" in text:
        return _Measured(cells, values, None, 0, multiline=True)
    if text.isascii() and text.isprintable():
        return _Measured(cells, values, None, max(map(len, values), default=0), multiline=False)
    widths = _widths(values, text)
    return _Measured(cells, values, widths, max(widths), multiline=False)


def _padded(column: _Measured, size: int, how: str) -> tuple[Sequence[str], str]:
    """The column's cells and the row format's part for them: columns of one-column characters are
    padded by the format ("%-8s"), the others here."""
    if column.widths is None and how != "center":
        return column.cells, ("%-" if how == "left" else "%") + str(size) + "s"
    padded = _pad(column.values, column.widths, size, how)
    if column.values is column.cells:
        return padded, "%s"
    lookup = dict(zip(column.values, padded))
    return list(map(lookup.__getitem__, column.cells)), "%s"


def _pad(cells: Sequence[str], widths: Sequence[int] | None, size: int, how: str) -> list[str]:
    """Cells padded to `size` columns; `widths` None when every character takes one column."""
    if how == "center":
        return [_centre(cell, width, size) for cell, width in zip(cells, widths or list(map(len, cells)))]
    # str.ljust counts characters, not columns: ask it for as many more as the cell has wide ones
    targets = repeat(size) if widths is None else [size - width + len(cell) for cell, width in zip(cells, widths)]
    return list(map(str.rjust if how == "right" else str.ljust, cells, targets))


def _centre(cell: str, width: int, size: int) -> str:
    left = (size - width) // 2
    return " " * left + cell + " " * (size - width - left)


def _tabulate(rows: Sequence[Sequence[str]], headers: Sequence[str], *, markdown: bool,
              align: Sequence[str] | None) -> str:
    from tabulate import tabulate

    return tabulate(rows, headers=list(headers), tablefmt="github" if markdown else "simple",
                    disable_numparse=True, colalign=align) + "\n"


# Characters whose terminal width is certain (wcwidth agrees on every one of them: the tests check):
# Latin, Greek, general punctuation and block elements (report's bars) are one column; CJK ideographs,
# kana, hangul and full-width forms two.
_NARROW = "\u00a0-\u02ff\u0370-\u03ff\u2010-\u2027\u2030-\u205e\u2580-\u259f"
_WIDE = ("\u3000-\u3029\u3030-\u303e\u3041-\u3096\u309b-\u30ff\u3400-\u4dbf\u4e00-\u9fff"
         "\uac00-\ud7a3\uf900-\ufaff\uff01-\uff60\uffe0-\uffe6")
_KNOWN_WIDTHS = f"[\\x20-\\x7e{_NARROW}{_WIDE}]*"
_WIDE_CHARACTER = f"[{_WIDE}]"


def _widths(column: Sequence[str], text: str) -> list[int]:
    """Each cell's width; `text` is the column's cells joined, to learn in one pass what they hold."""
    if re.fullmatch(_ASCII_OR_WIDE, text):  # every wide character takes 3 bytes in UTF-8, ASCII one
        return [(len(cell) + len(cell.encode())) >> 1 for cell in column]
    return list(map(text_width, column))


_ASCII_OR_WIDE = f"[\\x20-\\x7e{_WIDE}]*"


def text_width(text: str) -> int:
    """How many terminal columns `text` takes (Chinese characters take two)."""
    if text.isascii() and text.isprintable():
        return len(text)
    if re.fullmatch(_KNOWN_WIDTHS, text):  # re caches the compiled pattern; compiling it at import costs 10 ms
        return len(text) + len(re.findall(_WIDE_CHARACTER, text))
    from wcwidth import wcswidth  # emoji, combining marks, control characters: the full tables

    return wcswidth(text)


def _json(columns: Sequence[Sequence[Any]], keys: Sequence[str], rows_count: int) -> str:
    """One record a line: readable, and quick to make. Every piece of the output (each value's
    JSON text and the keys between them) is laid into one list by slice assignment and joined
    once: no Python step per row or per cell."""
    if not rows_count:
        return "[]\n"
    if not keys:
        return "[\n" + ",\n".join(["{}"] * rows_count) + "\n]\n"
    before = ["{" + encode_basestring(keys[0]) + ": "] + [", " + encode_basestring(key) + ": " for key in keys[1:]]
    stride = 2 * len(keys) + 1  # per record: a key's lead-in and its value for each column, then "},\n"
    pieces: list[str] = [""] * (stride * rows_count)
    for number, (lead_in, column) in enumerate(zip(before, columns)):
        pieces[2 * number::stride] = [lead_in] * rows_count
        pieces[2 * number + 1::stride] = _json_texts(column)
    pieces[stride - 1::stride] = ["},\n"] * rows_count
    pieces[-1] = "}"
    return "[\n" + "".join(pieces) + "\n]\n"


def _json_texts(column: Sequence[Any]) -> Sequence[str]:
    """A column's values as JSON text, as json.dumps writes them."""
    return _each_once(column, _json_text, "null")


def _each_once(column: Sequence[Any], convert: Callable[[Any], str], none: str) -> Sequence[str]:
    """`convert` of each value, made once for a value that repeats (a stage, a date, an amount)."""
    kinds = set(map(type, column))
    if kinds == {str} and convert is _json_text:  # ids, names: the C encoder straight over the column
        return list(map(encode_basestring, column))
    if float in kinds or len(kinds & _NUMBERS) > 1:  # 0.0 and -0.0, or True, 1 and Decimal(1): one key, not one text
        return [none if value is None else convert(value) for value in column]
    try:
        known = {value: convert(value) for value in set(column) if value is not None}
    except TypeError:  # an unhashable value (a list): one at a time
        return [none if value is None else convert(value) for value in column]
    known[None] = none
    return list(map(known.__getitem__, column))


_NUMBERS = {bool, int, complex, Decimal}


def _json_text(value: Any) -> str:
    kind = type(value)
    if kind is str:
        return encode_basestring(value)  # type: ignore[no-any-return]
    if value is None:
        return "null"
    if kind is int:
        return int.__repr__(value)
    if kind is date:
        return f'"{value.isoformat()}"'
    if isinstance(value, Enum):
        return _json_text(value.value)
    if kind is Decimal:
        return _json_text(plain(value))
    return json.dumps(value, ensure_ascii=False, default=plain)


def _kind(column: Sequence[Any]) -> type:
    """The type of a column's values: its first value's that is not None."""
    return type(next((value for value in column if value is not None), None))


def _cells(column: Sequence[Any]) -> Sequence[str]:
    """A column's values as text (whole columns at once: a list of 100,000 has a million cells)."""
    kinds = set(map(type, column))
    if kinds <= _TEXT:
        return list(map(_EMPTY.get, column, column)) if type(None) in kinds else column
    return _each_once(column, display_value, "")


_TEXT = {str, type(None)}
_EMPTY = {None: ""}


def display_value(value: Any) -> str:
    """A value as a table cell shows it: amounts as 48,000, dates as ISO text, None as nothing."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        from salescli.parsing import format_money

        return format_money(value)
    return str(plain(value))
