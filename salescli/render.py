"""Turning records into text: tables (tabulate, double-width aware), CSV/TSV, JSON, Markdown."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Any, Mapping, Sequence

from salescli.errors import UsageError

FORMATS = ("table", "csv", "tsv", "json", "markdown")


def check_format(name: str, allowed: Sequence[str] = FORMATS) -> str:
    if name not in allowed:
        raise UsageError(f"unknown format '{name}'; use one of: {', '.join(allowed)}")
    return name


def render(records: Sequence[Mapping[str, Any]], headers: Mapping[str, str], fmt: str) -> str:
    """`records` (raw values by column key) as text; `headers` maps column keys to titles, in order."""
    keys = list(headers)
    if fmt == "json":  # one record a line: readable, and fast (the C encoder does not indent)
        lines = (json.dumps({key: record.get(key) for key in keys}, ensure_ascii=False, default=_json_value)
                 for record in records)
        return "[\n" + ",\n".join(lines) + "\n]\n" if records else "[]\n"
    if fmt in ("csv", "tsv"):
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        writer.writerow(keys)
        writer.writerows([[_cell(record.get(key)) for key in keys] for record in records])
        return buffer.getvalue()
    numeric = {key for key in keys if any(isinstance(record.get(key), (Decimal, int)) for record in records)}
    return table([[_cell(record.get(key)) for key in keys] for record in records],
                 [headers[key] for key in keys], markdown=fmt == "markdown",
                 align=["right" if key in numeric else "left" for key in keys])


def table(rows: Sequence[Sequence[str]], headers: Sequence[str], *, markdown: bool = False,
          align: Sequence[str] | None = None) -> str:
    from tabulate import tabulate  # slow to import; only commands that print tables pay for it

    return tabulate(rows, headers=list(headers), tablefmt="github" if markdown else "simple",
                    disable_numparse=True, colalign=align) + "\n"


def _json_value(value: Any) -> Any:
    """For json.dumps: what JSON has no type for (called only for those values: fast)."""
    result = plain(value)
    if result is value:
        raise TypeError(f"{type(value).__name__} is not JSON")
    return result


def plain(value: Any) -> Any:
    """A JSON-ready value: Decimal → int or float, date → ISO text, Enum → its value."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral() else float(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    if isinstance(value, Mapping):
        return {str(key): plain(item) for key, item in value.items()}
    return value


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        from salescli.parsing import format_money

        return format_money(value)
    return str(plain(value))
