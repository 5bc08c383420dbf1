"""`salescli export`: the customers (or their deals) as CSV, Excel or JSON."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Optional, Sequence

import typer

from salescli import exchange, safefile
from salescli.commands import session
from salescli.errors import InvalidValue
from salescli.i18n import _
from salescli.render import check_format, plain

BOM = "\ufeff"


def register(app: typer.Typer) -> None:
    app.command("export")(export)


def export(
    ctx: typer.Context,
    fmt: str = typer.Option("csv", "--format", "-f", help="csv, xlsx or json."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", metavar="FILE",
                                          help="Write to FILE (required for xlsx); default: standard output."),
    deals: bool = typer.Option(False, "--deals", help="One row per deal instead of one per customer."),
    bom: bool = typer.Option(False, "--bom", help="Start a CSV with a UTF-8 byte-order mark, so that Excel opens "
                                                  "Chinese correctly (default: none, for scripts)."),
) -> None:
    """Export every customer — profile and derived fields (stage, status, target, won value, last
    activity) — for a spreadsheet or another tool; or, with --deals, every deal. JSON is the whole
    record of each customer (profile, key people, deals, every event): `salescli import` of it into
    an empty folder gives back the same customers. Cells a spreadsheet would run as a formula
    (starting with = + - @) are neutralised; in xlsx, amounts are numbers and dates are dates.

    Examples:

    \b
      salescli export --bom -o customers.csv      # for Excel
      salescli export --format xlsx -o 我们的客户.xlsx
      salescli export --deals --format csv > deals.csv
      salescli export --format json > all.json    # the whole folder, to import elsewhere
    """
    s = session(ctx)
    check_format(fmt, ("csv", "xlsx", "json"))
    if bom and fmt != "csv":
        raise InvalidValue(_("--bom is for CSV (xlsx and JSON need none)"))
    customers = s.customers()
    columns = exchange.DEAL_COLUMNS if deals else exchange.export_columns(customers)
    records = exchange.deal_records(customers) if deals else exchange.export_records(customers, columns)
    if fmt == "xlsx":
        if output is None:
            raise InvalidValue(_("--format xlsx needs --output FILE"))
        safefile.write_file(output, _xlsx(records, columns, "deals" if deals else "customers"))
    else:
        if fmt == "json":
            whole = records if deals else [exchange.full_record(customer)
                                           for customer in sorted(customers, key=lambda c: c.id)]
            text = json.dumps(plain(whole), ensure_ascii=False, indent=2) + "\n"
        else:
            text = (BOM if bom else "") + _csv([plain(record) for record in records], columns)
        if output is None:
            typer.echo(text, nl=False)
        else:
            safefile.write_file(output, text.encode("utf-8"))
    if output is not None:
        said = {"count": len(records), "file": s.shown(output)}
        typer.echo((_("Exported {count} deals to {file}.") if deals else
                    _("Exported {count} customers to {file}.")).format(**said))


def _csv(records: list[dict[str, Any]], columns: Sequence[str]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for record in records:
        writer.writerow(["" if record[key] is None else exchange.neutralize(record[key]) for key in columns])
    return buffer.getvalue()


def _xlsx(records: list[dict[str, Any]], columns: Sequence[str], title: str) -> bytes:
    from openpyxl import Workbook  # only export and import of spreadsheets need it

    book = Workbook()
    sheet = book.active
    sheet.title = title
    sheet.append(list(columns))
    for number, record in enumerate(records, start=2):
        for column, key in enumerate(columns, start=1):
            value = record[key]
            if isinstance(value, Decimal):  # a number a spreadsheet can sum
                value = int(value) if value == value.to_integral() else float(value)
            cell = sheet.cell(row=number, column=column, value=_xlsx_text(exchange.neutralize(value)))
            if isinstance(value, str):
                cell.data_type = "s"  # text stays text: never a formula
            elif isinstance(value, date):
                cell.number_format = "yyyy-mm-dd"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _xlsx_text(value: Any) -> Any:
    """Control characters, which a worksheet cannot hold, written as Excel writes them (`_x001B_`)."""
    if isinstance(value, str):
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        return ILLEGAL_CHARACTERS_RE.sub(lambda found: f"_x{ord(found.group()):04X}_", value)
    return value
