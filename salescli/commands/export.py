"""`salescli export`: the customers (or their deals) as CSV, Excel or JSON."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from salescli.commands import session
from salescli.errors import InvalidValue
from salescli.i18n import _
from salescli.render import check_format


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
    done = s.export(fmt, deals=deals, bom=bom, to=output)
    if output is None:
        typer.echo(done.data.decode("utf-8"), nl=False)
    else:
        said = {"count": done.count, "file": s.shown(output)}
        typer.echo((_("Exported {count} deals to {file}.") if deals else
                    _("Exported {count} customers to {file}.")).format(**said))
