"""Charts drawn on the server as inline SVG: no JavaScript, nothing fetched, readable offline and
printable. Every text in them is escaped; colours come from the stylesheet (by class).

They are drawn about as wide as a phone's screen (MONTHS_WIDTH, BARS_WIDTH units), so that a phone
shows them near their own size and their text stays legible (at least 11 px as rendered); the
stylesheet shows them no wider than 30rem on a computer."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Sequence

from markupsafe import Markup, escape

from salescli.api import format_money

MONTHS_WIDTH = 360
BARS_WIDTH = 400


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str  # the figure written beside the bar
    href: str | None = None


def bars(rows: Sequence[Bar], *, title: str) -> Markup:
    """A horizontal bar chart: one labelled bar a row, its figure beside it."""
    if not rows:
        return Markup("")
    label_width, figure_width, height, gap = 150, 96, 20, 8
    room = BARS_WIDTH - label_width - figure_width
    largest = max((row.value for row in rows), default=0.0)
    parts = []
    for number, row in enumerate(rows):
        top = number * (height + gap)
        length = room * row.value / largest if largest > 0 and row.value > 0 else 0.0
        middle = top + height / 2
        shape = (
            f'<title>{escape(row.label)}: {escape(row.text)}</title>'
            f'<text class="label" x="{label_width - 6}" y="{middle:.1f}" text-anchor="end" '
            f'dominant-baseline="central">{escape(_shortened(row.label, 22))}</text>'
            f'<rect class="bar" x="{label_width}" y="{top}" width="{length:.1f}" height="{height}" rx="2"/>'
            f'<text class="figure" x="{label_width + length + 6:.1f}" y="{middle:.1f}" '
            f'dominant-baseline="central">{escape(row.text)}</text>'
        )
        parts.append(f'<a href="{escape(row.href)}">{shape}</a>' if row.href else f"<g>{shape}</g>")
    total = len(rows) * (height + gap) - gap
    return _svg(title, BARS_WIDTH, total, "".join(parts))


@dataclass(frozen=True)
class MonthColumn:
    label: str
    won: Decimal
    weighted: Decimal
    best_case: Decimal  # the open deals due in the month at full value
    capacity: Decimal | None  # what the output formula says the month can bring
    new: Decimal = Decimal(0)  # the history model: deals not in the pipeline yet


def months(columns: Sequence[MonthColumn], *, title: str, quota: Decimal | None, language: str,
           tip: str) -> Markup:
    """Columns per month: won with the weighted pipeline on top (and the deals not in the pipeline yet
    on top of that), the best case as an outline around them, the formula's capacity as a tick, the
    quota as a dashed line.

    `tip` formats each column's tooltip: `%(month)s`, `%(won)s`, `%(weighted)s`, `%(new)s`, `%(best_case)s`."""
    if not columns:
        return Markup("")
    left, top, bottom, height = 46, 10, 40, 230
    plot = height - bottom
    top_value = max([float(c.won + max(c.best_case, c.weighted + c.new)) for c in columns]
                    + [float(c.capacity or 0) for c in columns] + [float(quota or 0)])
    scale = _nice(top_value * 1.05)
    step = (MONTHS_WIDTH - left) / len(columns)

    def y(value: Decimal | float) -> float:
        return plot - (plot - top) * float(value) / scale

    parts = [_gridline(y(tick), left, _short(Decimal(tick), language)) for tick in (0, scale / 2, scale)]
    for number, column in enumerate(columns):
        x = left + number * step + step * 0.2
        width = step * 0.6
        outline = column.won + column.best_case
        stacked = column.won + column.weighted
        said = {"month": column.label, "won": format_money(_whole(column.won)),
                "weighted": format_money(_whole(column.weighted)), "new": format_money(_whole(column.new)),
                "best_case": format_money(_whole(outline))}
        parts.append(
            f'<g><title>{escape(tip % said)}</title>'
            f'<rect class="best" x="{x:.1f}" y="{y(outline):.1f}" width="{width:.1f}" '
            f'height="{plot - y(outline):.1f}"/>'
            + (f'<rect class="new" x="{x:.1f}" y="{y(stacked + column.new):.1f}" width="{width:.1f}" '
               f'height="{y(stacked) - y(stacked + column.new):.1f}"/>' if column.new > 0 else "") +
            f'<rect class="weighted" x="{x:.1f}" y="{y(stacked):.1f}" width="{width:.1f}" '
            f'height="{y(column.won) - y(stacked):.1f}"/>'
            f'<rect class="won" x="{x:.1f}" y="{y(column.won):.1f}" width="{width:.1f}" '
            f'height="{plot - y(column.won):.1f}"/>'
            f'<text class="axis" x="{x + width / 2:.1f}" y="{plot + 17}" text-anchor="middle">'
            f'{escape(_month_label(column.label, language))}</text>'
            + (f'<text class="year" x="{x + width / 2:.1f}" y="{plot + 33}" text-anchor="middle">'
               f'{column.label[:4]}</text>'
               if number == 0 or column.label.endswith("-01") else "")
            + '</g>'
        )
        if column.capacity is not None:
            parts.append(f'<line class="capacity" x1="{x - 4:.1f}" x2="{x + width + 4:.1f}" '
                         f'y1="{y(column.capacity):.1f}" y2="{y(column.capacity):.1f}"/>')
    if quota is not None:
        parts.append(f'<line class="quota" x1="{left}" x2="{MONTHS_WIDTH}" y1="{y(quota):.1f}" y2="{y(quota):.1f}"/>')
    return _svg(title, MONTHS_WIDTH, height, "".join(parts))


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _month_label(month: str, language: str) -> str:
    """2026-12 as an axis says it under its column: 12月, Dec (the year is written below the first)."""
    number = int(month[5:7])
    return f"{number}月" if language == "zh" else _MONTHS[number - 1]


def _gridline(at: float, left: int, label: str) -> str:
    return (f'<line class="grid" x1="{left}" x2="{MONTHS_WIDTH}" y1="{at:.1f}" y2="{at:.1f}"/>'
            f'<text class="axis" x="{left - 6}" y="{at:.1f}" text-anchor="end" dominant-baseline="central">'
            f'{escape(label)}</text>')


def _svg(title: str, width: int, height: float, body: str) -> Markup:
    return Markup(f'<svg class="chart" viewBox="0 0 {width} {height:.0f}" role="img" aria-label="{escape(title)}" '
                  f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>{body}</svg>')


def _nice(value: float) -> float:
    """A round number at or above `value` for the top of an axis (1, 2 or 5 times a power of ten)."""
    if value <= 0:
        return 1.0
    power = 10 ** (len(str(int(value))) - 1)
    for factor in (1, 2, 5, 10):
        if value <= factor * power:
            return float(factor * power)
    return float(10 * power)


def _short(amount: Decimal, language: str) -> str:
    """An axis figure: 120万 in Chinese, 1.2m or 120k in English."""
    if amount == 0:
        return "0"
    if language == "zh" and amount >= 10_000:
        return f"{_trimmed(amount / 10_000)}万"
    if amount >= 1_000_000:
        return f"{_trimmed(amount / 1_000_000)}m"
    if amount >= 1_000:
        return f"{_trimmed(amount / 1_000)}k"
    return _trimmed(amount)


def _trimmed(amount: Decimal) -> str:
    text = f"{amount:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _whole(amount: Decimal) -> Decimal:
    return amount.quantize(Decimal(1))


def _shortened(label: str, room: int = 26) -> str:
    """At most `room` columns wide (a Chinese character takes two), with … when cut."""
    widths = [2 if ord(character) > 0x2E80 else 1 for character in label]
    if sum(widths) <= room:
        return label
    used = 0
    for position, width in enumerate(widths):
        used += width
        if used > room - 1:
            return label[:position] + "…"
    return label
