"""`salescli export`: the customers' profiles and derived state as CSV, Excel or JSON."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any, Optional

import typer

from salescli import exchange, store
from salescli.commands import session
from salescli.errors import UsageError
from salescli.render import check_format, plain


def register(app: typer.Typer) -> None:
    app.command("export")(export)


def export(
    ctx: typer.Context,
    fmt: str = typer.Option("csv", "--format", "-f", help="csv, xlsx or json."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", metavar="FILE",
                                          help="Write to FILE (required for xlsx); default: standard output."),
) -> None:
    """Export every customer — profile and derived fields (stage, status, target, won value, last
    activity) — for a spreadsheet or another tool. Cells a spreadsheet would run as a formula
    (starting with = + - @) are neutralised.

    Examples:

    \b
      salescli export > customers.csv
      salescli export --format xlsx -o 我们的客户.xlsx
      salescli export --format json | jq '.[] | select(.stage == "demo")'
    """
    s = session(ctx)
    check_format(fmt, ("csv", "xlsx", "json"))
    records = [plain(record) for record in exchange.export_records(s.customers())]
    if fmt == "xlsx":
        if output is None:
            raise UsageError("--format xlsx needs --output FILE")
        store.write_file(output, _xlsx(records))
    else:
        text = json.dumps(records, ensure_ascii=False, indent=2) + "\n" if fmt == "json" else _csv(records)
        if output is None:
            typer.echo(text, nl=False)
        else:
            store.write_file(output, text.encode("utf-8"))
    if output is not None:
        typer.echo(f"Exported {len(records)} customers to {s.shown(output)}.")


def _csv(records: list[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(exchange.COLUMNS)
    for record in records:
        writer.writerow(["" if record[key] is None else exchange.neutralize(record[key]) for key in exchange.COLUMNS])
    return buffer.getvalue()


def _xlsx(records: list[dict[str, Any]]) -> bytes:
    from openpyxl import Workbook  # only export and import of spreadsheets need it

    book = Workbook()
    sheet = book.active
    sheet.title = "customers"
    sheet.append(list(exchange.COLUMNS))
    for number, record in enumerate(records, start=2):
        for column, key in enumerate(exchange.COLUMNS, start=1):
            value = record[key]
            cell = sheet.cell(row=number, column=column, value=_xlsx_text(exchange.neutralize(value)))
            if isinstance(value, str):
                cell.data_type = "s"  # text stays text: never a formula
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _xlsx_text(value: Any) -> Any:
    """Control characters, which a worksheet cannot hold, written as Excel writes them (`_x001B_`)."""
    if isinstance(value, str):
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        return ILLEGAL_CHARACTERS_RE.sub(lambda found: f"_x{ord(found.group()):04X}_", value)
    return value
