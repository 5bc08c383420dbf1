"""`salescli export`: the customers (or their deals) as CSV, Excel or JSON."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Optional, Sequence

import typer

from salescli import exchange, safefile
from salescli.commands import session
from salescli.customer import Customer
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
    activity) — for a spreadsheet or another tool; or, with --deals, every deal. An xlsx workbook
    keeps everything: the customers, their log (an event a row) and their key people, a sheet each;
    so does JSON (each customer's whole record): `salescli import` of either into an empty folder
    gives back the same customers, and exported again the same bytes. In Chinese the columns, sheets
    and values take the course's words (名称, 领域: 房地产企业, 阶段: 产品展示), which import reads
    back. Cells a spreadsheet would run as a formula (starting with = + - @) are neutralised; in
    xlsx, amounts are numbers and dates are dates.

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
    if fmt == "xlsx" and output is None:
        raise InvalidValue(_("--format xlsx needs --output FILE"))
    customers = s.customers()
    said: dict[str, Any] = {"count": sum(len(customer.deals) for customer in customers) if deals else len(customers)}
    if fmt == "xlsx":
        assert output is not None
        sheets = [exchange.customer_sheet(customers, language=s.language, vocabularies=s.settings.vocabularies,
                                          deals=True)] if deals else \
            exchange.workbook(customers, language=s.language, vocabularies=s.settings.vocabularies)
        safefile.write_file(output, _xlsx(sheets, _as_of(customers)))
    else:
        if fmt == "json":
            whole = exchange.deal_records(customers) if deals else [
                exchange.full_record(customer) for customer in sorted(customers, key=lambda c: c.id)]
            text = json.dumps(plain(whole), ensure_ascii=False, indent=2) + "\n"
        else:
            sheet = exchange.customer_sheet(customers, language=s.language, vocabularies=s.settings.vocabularies,
                                            deals=deals)
            text = (BOM if bom else "") + _csv(sheet)
        if output is None:
            typer.echo(text, nl=False)
        else:
            safefile.write_file(output, text.encode("utf-8"))
    if output is not None:
        said["file"] = s.shown(output)
        typer.echo((_("Exported {count} deals to {file}.") if deals else
                    _("Exported {count} customers to {file}.")).format(**said))


def _csv(sheet: exchange.Sheet) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(sheet.titles)
    for row in sheet.rows:
        writer.writerow(["" if value is None else exchange.neutralize(value) for value in map(plain, row)])
    return buffer.getvalue()


def _as_of(customers: Sequence[Customer]) -> datetime:
    """The day the data is of (its latest event): what the workbook says it was made on, so that the
    same customers give the same bytes (a timestamp of the run would differ every time)."""
    latest = max((customer.last_activity for customer in customers if customer.last_activity), default=None)
    return datetime(*(latest or date(2000, 1, 1)).timetuple()[:3])


def _xlsx(sheets: Sequence[exchange.Sheet], as_of: datetime) -> bytes:
    from zipfile import ZIP_DEFLATED

    from openpyxl import Workbook  # only export and import of spreadsheets need it
    from openpyxl.writer.excel import ExcelWriter

    book = Workbook()
    for number, table in enumerate(sheets):
        sheet = book.active if number == 0 else book.create_sheet()
        sheet.title = table.name
        sheet.append(list(table.titles))
        for row_number, row in enumerate(table.rows, start=2):
            for column, value in enumerate(row, start=1):
                _put_cell(sheet, row_number, column, value)
    book.properties.created = book.properties.modified = as_of
    buffer = io.BytesIO()
    archive = _SteadyZip(buffer, "w", ZIP_DEFLATED, allowZip64=True)
    ExcelWriter(book, archive).save()  # (openpyxl's save_workbook would stamp the time of the run)
    return buffer.getvalue()


def _put_cell(sheet: Any, row: int, column: int, value: Any) -> None:
    if isinstance(value, Decimal):  # a number a spreadsheet can sum
        value = int(value) if value == value.to_integral() else float(value)
    cell = sheet.cell(row=row, column=column, value=_xlsx_text(exchange.neutralize(value)))
    if isinstance(value, str):
        cell.data_type = "s"  # text stays text: never a formula
    elif isinstance(value, date):
        cell.number_format = "yyyy-mm-dd"


class _SteadyZip(zipfile.ZipFile):
    """A zip whose entries carry one fixed time, not the time they were written: the same workbook, the
    same bytes."""

    def writestr(self, zinfo_or_arcname: Any, data: Any, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        if isinstance(zinfo_or_arcname, str):
            zinfo_or_arcname = zipfile.ZipInfo(zinfo_or_arcname, date_time=(1980, 1, 1, 0, 0, 0))
            zinfo_or_arcname.compress_type = zipfile.ZIP_DEFLATED
        super().writestr(zinfo_or_arcname, data, *args, **kwargs)

    def write(self, filename: Any, arcname: Any = None, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        """(openpyxl writes each worksheet to a temporary file first: its time would be the run's)"""
        self.writestr(arcname if arcname is not None else str(filename), safefile.read_bytes(Path(filename)))


def _xlsx_text(value: Any) -> Any:
    """Control characters, which a worksheet cannot hold, written as Excel writes them (`_x001B_`)."""
    if isinstance(value, str):
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        return ILLEGAL_CHARACTERS_RE.sub(lambda found: f"_x{ord(found.group()):04X}_", value)
    return value
