"""`salescli import FILE`: customers or deals from CSV, Excel (.xlsx) or JSON, with a dry run."""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from pathlib import Path
from typing import Any, NamedTuple, Optional

import typer

from salescli import importer as core
from salescli import datafolder, exchange, repository, safefile, yamlfile
from salescli.commands import session
from salescli.errors import DataError, InvalidValue
from salescli.pricelist import PriceList, Product
from salescli.i18n import _, joined, ngettext
from salescli.session import Session


def register(app: typer.Typer) -> None:
    app.command("import")(import_file)


def import_file(
    ctx: typer.Context,
    path: Path = typer.Argument(..., metavar="FILE", help="A .csv, .xlsx or .json file."),
    mapping: list[str] = typer.Option([], "--map", metavar="COLUMN=FIELD",
                                      help="Which column holds which field, e.g. 客户名称=name, 联系人=contact.person; "
                                           "for customers any profile key (company.revenue)."),
    deals: bool = typer.Option(False, "--deals", help="Rows are deals of existing customers (a CRM's opportunities)."),
    team: bool = typer.Option(False, "--team", help="Rows are reps with their manager, office and quota (the team "
                                                   "table in salescli.yaml, for --by manager|office)."),
    products: bool = typer.Option(False, "--products", help="Rows are products with their list price (the price "
                                                           "list in salescli.yaml, which values open deals)."),
    stage_map: list[str] = typer.Option([], "--stage-map", metavar="THEIRS=OURS",
                                        help="Foreign stage values, e.g. Won=close,Lost=lost,Engaging=approach."),
    stage_dates: list[str] = typer.Option([], "--stage-dates", metavar="COLUMN=STAGE",
                                          help="With --deals: the column that dates a stage, e.g. engage_date=approach."),
    sheet: Optional[str] = typer.Option(None, "--sheet", help="The worksheet of an .xlsx file (default: the first)."),
    when: Optional[str] = typer.Option(None, "--date", help="Date for events the rows do not date (default: today)."),
    future: bool = typer.Option(False, "--future", help="Accept events dated after today (normally refused)."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Show what would be created, updated and skipped; write nothing."),
) -> None:
    """Import customers (or, with --deals, their deals; with --team, the team table; with
    --products, the price list) from CSV, Excel or JSON. Existing customers are matched by id or
    name, never duplicated: they only get the values they lack. Chinese and English headers are recognised (客户名称, 联系人, 电话, 领域 …);
    --map names the others, and the report lists the columns left out. Each bad row is skipped
    with its row number (as the spreadsheet numbers it) and reason; the other rows are imported all
    the same. Our own `export --format xlsx` or `--format json` comes back whole: every profile value,
    every event, every key person.

    Examples:

    \b
      salescli import 我们的客户.xlsx --dry-run
      salescli import customers.csv --map 单位=name --map 手机=contact.phone
      salescli import accounts.csv --map sector=needs.scope --map office_location=area
      salescli import sales_teams.csv --team
      salescli import products.csv --products
      salescli import sales_pipeline.csv --deals --stage-dates engage_date=approach \\
          --stage-map Prospecting=prospect,Engaging=approach,Won=close,Lost=lost
      salescli import all.json          # an `export --format json` of another folder
      salescli import 我们的客户.xlsx     # an `export --format xlsx`: the log and key people too
    """
    s = session(ctx)
    if deals + team + products > 1:
        raise InvalidValue(_("choose one of --deals, --team and --products"))
    if stage_dates and not deals:
        raise InvalidValue(_("--stage-dates dates the stages of deals: add --deals"))
    table = _read(path, sheet, whole=not (deals or team or sheet or mapping))
    headers, rows, numbers = table.headers, table.rows, table.numbers
    overrides = core.parse_pairs(mapping, "--map")
    if team:
        _import_team(s, path, table, overrides, dry_run=dry_run)
        return
    if products:
        _import_products(s, path, table, overrides, dry_run=dry_run)
        return
    stages = core.parse_pairs(stage_map, "--stage-map")
    dating = core.Dating(s.today, s.date(when), future)
    dating.check([dating.default])
    customers = s.customers()
    unused: list[str] = []
    if table.sheets is not None:  # our own workbook: every customer whole, log and key people included
        records = exchange.workbook_records(*table.sheets, vocabularies=s.settings.vocabularies)
        plan = core.plan_records(records, customers, dating=dating, numbers=numbers)
    elif rows and path.suffix.lower() == ".json" and not deals and core.is_full_records(rows):
        plan = core.plan_records(rows, customers, dating=dating)
    elif deals:
        dated = core.stage_dates(core.parse_pairs(stage_dates, "--stage-dates"), headers)
        columns = {header: target for header, target in
                   core.column_map(headers, overrides, core.DEAL_HEADERS, core.DEAL_TARGETS).items()
                   if header not in dated}
        _require(columns, ("customer",), path)
        plan = core.plan_deals(rows, columns, customers, dating=dating, stage_map=stages, dated_stages=dated,
                               numbers=numbers)
        unused = core.unused_columns(headers, [*columns, *dated])
    else:
        columns = core.column_map(headers, overrides, core.CUSTOMER_HEADERS, core.CUSTOMER_TARGETS, profile_keys=True)
        _require(columns, ("name",), path)
        plan = core.plan_customers(rows, columns, customers, config=s.settings, dating=dating, stage_map=stages,
                                   numbers=numbers)
        unused = core.unused_columns(headers, columns)
    if not dry_run:
        _apply(s, plan, customers, total=len(rows))
    _report(s, plan, path, dry_run=dry_run, deals=deals, unused=unused)


def _import_team(s: Session, path: Path, table: _Table, overrides: dict[str, str], *, dry_run: bool) -> None:
    headers = table.headers
    columns = core.column_map(headers, overrides, core.TEAM_HEADERS, core.TEAM_TARGETS)
    _require(columns, ("rep",), path)
    plan = core.plan_team(table.rows, columns, s.settings.team, table.numbers)
    if plan.added and not dry_run:
        datafolder.update_config(s.folder, lambda text: yamlfile.put_entries(text, "team", plan.added))
        s.wrote(s.folder.config_path, _("import the team table from {file}").format(file=path.name))
    lines = _skipped(plan.skips)
    if plan.kept:
        lines.append(_("kept the team table's entries of {reps}, which differ from the file (edit `team:` in "
                       "salescli.yaml to change them)").format(reps=_(", ").join(plan.kept)))
    lines += _unused(core.unused_columns(headers, columns))
    counts = {"file": s.shown(path), "added": len(plan.added), "same": len(plan.same), "kept": len(plan.kept),
              "skipped": len(plan.skips)}
    lines.append((_("{file}: {added} reps to add to the team table in salescli.yaml, {same} there already, {kept} "
                    "kept as they were, {skipped} rows skipped — dry run, nothing written") if dry_run else
                  _("{file}: {added} reps added to the team table in salescli.yaml, {same} there already, {kept} "
                    "kept as they were, {skipped} rows skipped")).format(**counts))
    typer.echo("\n".join(lines))


def _import_products(s: Session, path: Path, table: _Table, overrides: dict[str, str], *, dry_run: bool) -> None:
    headers = table.headers
    columns = core.column_map(headers, overrides, core.PRODUCT_HEADERS, core.PRODUCT_TARGETS)
    _require(columns, ("product", "price"), path)
    plan = core.plan_products(table.rows, columns, s.prices(), table.numbers)
    if not dry_run:
        s.add_products(plan.added, source=path.name)
    lines = _skipped(plan.skips)
    if plan.kept:
        lines.append(_("kept the price list's entries of {products}, which differ from the file (`salescli price "
                       "PRODUCT AMOUNT` changes a price)").format(products=_(", ").join(plan.kept)))
    lines += _unused(core.unused_columns(headers, columns))
    unmatched = (s.prices() if not dry_run else _with(s.prices(), plan.added)).unmatched(
        deal.product for customer in s.customers() for deal in customer.open_deals)
    if unmatched:
        lines.append(_("open deals name products the price list does not have: {products} (add them with `salescli "
                       "price PRODUCT AMOUNT`, or as aliases)").format(
            products=_(", ").join(f"{name} ({count})" for name, count in sorted(unmatched.items()))))
    counts = {"file": s.shown(path), "added": len(plan.added), "same": len(plan.same), "kept": len(plan.kept),
              "skipped": len(plan.skips)}
    lines.append((_("{file}: {added} products to add to the price list in salescli.yaml, {same} there already, "
                    "{kept} kept as they were, {skipped} rows skipped — dry run, nothing written") if dry_run else
                  _("{file}: {added} products added to the price list in salescli.yaml, {same} there already, "
                    "{kept} kept as they were, {skipped} rows skipped")).format(**counts))
    typer.echo("\n".join(lines))


def _with(prices: PriceList, added: dict[str, Any]) -> PriceList:
    """The price list with the entries a dry run would add."""
    products = dict(prices.products)
    for name, entry in added.items():
        price, aliases = (entry["price"], entry["aliases"]) if isinstance(entry, dict) else (entry, [])
        products[name] = Product(name, price, tuple(aliases))
    return PriceList(products)


class _Table(NamedTuple):
    """A file's rows by column, each with its number as the spreadsheet shows it (the header is row 1);
    `sheets`: the customers, the log and the key people by key, when the file is a workbook of our own
    export (else None)."""

    headers: list[str]
    rows: list[dict[str, Any]]
    numbers: list[int] | None  # None: a JSON list's records, numbered from 1
    sheets: tuple[list[tuple[int, dict[str, Any]]], ...] | None = None


def _read(path: Path, sheet: str | None, *, whole: bool) -> _Table:
    if not path.is_file():
        raise InvalidValue(_("{file}: no such file").format(file=path))
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return _read_xlsx(path, sheet, whole=whole)
    text = safefile.read_text(path).lstrip("\ufeff")
    if suffix == ".json":
        try:
            records = json.loads(text)
        except json.JSONDecodeError as error:
            raise DataError(_("not valid JSON: {problem}").format(problem=error.msg), path=path, line=error.lineno,
                            column=error.colno) from None
        if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
            raise DataError(_("a JSON import is a list of objects, one per row"), path=path)
        headers = list(dict.fromkeys(key for record in records for key in record))
        if core.is_full_records(records):  # our own export: kept as it is, profile and log
            return _Table(headers, records, None)
        return _Table(headers, [{key: _cell(value) for key, value in record.items()} for record in records], None)
    if suffix not in (".csv", ".tsv", ".txt"):
        raise InvalidValue(_("{file}: import reads .csv, .xlsx or .json files").format(file=path))
    lines = list(csv.reader(io.StringIO(text, newline=""), delimiter="\t" if suffix == ".tsv" else ","))
    if not lines:
        return _Table([], [], [])
    headers, rows, numbers = lines[0], [], []
    for number, values in enumerate(lines[1:], start=2):  # a spreadsheet's row numbers: blank rows count
        if any(value.strip() for value in values):
            rows.append({header: exchange.unneutralized(values[index]) if index < len(values) else None
                         for index, header in enumerate(headers)})
            numbers.append(number)
    return _Table(headers, rows, numbers)


def _read_xlsx(path: Path, sheet: str | None, *, whole: bool) -> _Table:
    from io import BytesIO

    from openpyxl import load_workbook

    data = safefile.read_bytes(path)  # (read as every file is: a FIFO or a folder is refused, not waited on)
    try:
        book = load_workbook(BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a file that is not a workbook
        raise DataError(_("not an .xlsx workbook ({problem})").format(problem=error), path=path) from None
    if sheet is not None and sheet not in book.sheetnames:
        raise InvalidValue(_("{file} has no sheet '{sheet}'; it has: {sheets}").format(
            file=path, sheet=sheet, sheets=joined(book.sheetnames)))
    headers, rows, numbers = _sheet_rows(book[sheet] if sheet else book.worksheets[0])
    log, people = (_our_sheet(book, "log"), _our_sheet(book, "people")) if whole and sheet is None else (None, None)
    if log is None:
        return _Table(headers, [{key: _cell(value) for key, value in row.items()} for row in rows], numbers)
    return _Table(headers, [], numbers, (_keyed("customers", headers, rows, numbers), _keyed("log", *log),
                                         _keyed("people", *(people or ([], [], [])))))


def _our_sheet(book: Any, kind: str) -> tuple[list[str], list[dict[str, Any]], list[int]] | None:
    """The sheet of our own export's workbook (`log`, `people`, in either language), if the book has it."""
    for name in (kind, exchange.sheet_name(kind, "zh")):
        if name in book.sheetnames:
            headers, rows, numbers = _sheet_rows(book[name])
            if {"customer_id"} <= set(exchange.column_keys(kind, headers).values()):
                return headers, rows, numbers
    return None


def _sheet_rows(sheet: Any) -> tuple[list[str], list[dict[str, Any]], list[int]]:
    """A worksheet's header and its rows that hold anything, by header, each with its row number."""
    lines = list(sheet.iter_rows(values_only=True))
    if not lines:
        return [], [], []
    headers = [str(cell).strip() if cell is not None else "" for cell in lines[0]]
    rows, numbers = [], []
    for number, line in enumerate(lines[1:], start=2):
        if any(value not in (None, "") for value in line):
            rows.append({header: value for header, value in zip(headers, line) if header})
            numbers.append(number)
    return headers, rows, numbers


def _keyed(kind: str, headers: list[str], rows: list[dict[str, Any]], numbers: list[int]
           ) -> list[tuple[int, dict[str, Any]]]:
    """Rows of our own workbook by the keys of their columns, each cell as the file held the value."""
    keys = exchange.column_keys(kind, headers)
    if kind == "customers":  # (a key of the customers' own — company.revenue — is its own title)
        keys = {header: keys.get(header, header) for header in headers if header}
    return [(number, {keys[header]: _typed_cell(value) for header, value in row.items() if header in keys})
            for number, row in zip(numbers, rows)]


def _typed_cell(value: Any) -> Any:
    """A cell of our own workbook as the file held it: a date as a date, a text as written."""
    from datetime import datetime

    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, str):
        return _CONTROL.sub(lambda found: chr(int(found.group(1), 16)), exchange.unneutralized(value))
    return value


_CONTROL = re.compile(r"_x(00[01][0-9A-F])_")  # a control character, as the export wrote it (Excel's way)


def _cell(value: Any) -> str:
    from datetime import date, datetime

    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(exchange.unneutralized(value))


def _require(columns: dict[str, str], needed: tuple[str, ...], path: Path) -> None:
    missing = [field for field in needed if field not in columns.values()]
    if missing:
        raise InvalidValue(_("{file}: no column for {fields}; name it with --map COLUMN={field}").format(
            file=path, fields=joined(missing), field=missing[0]))


def _apply(s: Session, plan: core.Plan, customers: list[Any], *, total: int) -> None:
    with repository.batch():  # the parse cache is brought up to date once, not after every file
        _write_all(s, plan, customers, _Progress(total))


def _write_all(s: Session, plan: core.Plan, customers: list[Any], progress: _Progress) -> None:
    for create in list(plan.creates):
        try:
            customers.append(s.create(create.name, create.values, create.items, customers=customers,
                                      chosen_id=create.chosen_id))
        except (DataError, InvalidValue) as error:
            plan.skips.append(core.Skip(create.row, error.message))
            plan.creates.remove(create)  # reported as skipped, not as created
        progress.step()
    for key, update in list(plan.updates.items()):
        if update.values or update.items:
            path = s.path_of(update.customer)
            try:
                skipped = repository.update_customer(path, update.values, update.items)
            except DataError as error:  # e.g. changed by hand since it was read: the other rows go on
                plan.skips.extend(core.Skip(row, str(error)) for row in update.rows)
                del plan.updates[key]
                progress.step(len(update.rows))
                continue
            for key in skipped:
                update.kept.append(_("{key} (no such key in the file)").format(key=key))
                del update.values[key]
            if update.values or update.items:  # something was written
                s.wrote(path, _("import into {customer}").format(customer=update.customer.name))
        progress.step(len(update.rows))
    progress.done()


class _Progress:
    """A progress line on stderr, only in a terminal and only for large files."""

    def __init__(self, total: int) -> None:
        self.total, self.count = total, 0
        self.shown = sys.stderr.isatty() and total >= 500

    def step(self, count: int = 1) -> None:
        self.count += count
        if self.shown and (self.count % 100 == 0 or self.count >= self.total):
            print("\r" + _("importing {count}/{total} rows").format(count=self.count, total=self.total), end="",
                  file=sys.stderr, flush=True)

    def done(self) -> None:
        if self.shown:
            print(file=sys.stderr)


def _report(s: Session, plan: core.Plan, path: Path, *, dry_run: bool, deals: bool, unused: list[str]) -> None:
    lines = []
    for create in plan.creates:
        lines.append((_("would create {customer} (row {row})") if dry_run else _("created {customer} (row {row})"))
                     .format(customer=create.name, row=create.row))
    for update in plan.updates.values():
        what = joined([*update.values, *([_("{count} events").format(count=len(update.items))]
                                            if update.items else [])]) or _("nothing new")
        rows = _("rows {first}–{last}").format(first=update.rows[0], last=update.rows[-1]) if len(update.rows) > 1 \
            else _("row {row}").format(row=update.rows[0])
        said = {"customer": update.customer.name, "rows": rows, "what": what, "kept": joined(update.kept)}
        if dry_run:
            line = _("would update {customer} ({rows}): {what}; kept the file's {kept}") if update.kept else \
                _("would update {customer} ({rows}): {what}")
        else:
            line = _("updated {customer} ({rows}): {what}; kept the file's {kept}") if update.kept else \
                _("updated {customer} ({rows}): {what}")
        lines.append(line.format(**said))
    if len(lines) > 40 and not dry_run:
        lines = lines[:15] + [_("… {count} more …").format(count=len(lines) - 30)] + lines[-15:]
    lines += _skipped(plan.skips)
    lines += plan.notes + _unused(unused)
    for line in lines:
        typer.echo(line)
    counts = {"file": s.shown(path), "created": len(plan.creates), "updated": len(plan.updates),
              "skipped": len(plan.skips),
              "deals": sum(1 for u in plan.updates.values() for item in u.items if item.get("event") == "open")}
    if dry_run:
        summary = _("{file}: {created} customers to create, {updated} to update ({deals} deals), {skipped} rows "
                    "skipped — dry run, nothing written") if deals else \
            _("{file}: {created} customers to create, {updated} to update, {skipped} rows skipped — dry run, "
              "nothing written")
    else:
        summary = _("{file}: {created} customers created, {updated} updated ({deals} deals), {skipped} rows "
                    "skipped") if deals else \
            _("{file}: {created} customers created, {updated} updated, {skipped} rows skipped")
    typer.echo(summary.format(**counts))


def _unused(columns: list[str]) -> list[str]:
    if not columns:
        return []
    return [_("columns not imported: {columns} (name a place for them with --map COLUMN=FIELD)").format(
        columns=joined(columns))]


def _skipped(skips: list[core.Skip]) -> list[str]:
    """Each reason once, with how many rows and which (the first ten)."""
    by_reason: dict[str, list[int]] = {}
    for skip in sorted(skips, key=lambda skip: skip.row):
        by_reason.setdefault(skip.reason, []).append(skip.row)
    lines = []
    for reason, rows in by_reason.items():
        shown = joined(map(str, rows[:10])) + (_(" … ({count} rows)").format(count=len(rows))
                                                  if len(rows) > 10 else "")
        lines.append(ngettext("skipped row {rows}: {reason}", "skipped rows {rows}: {reason}", len(rows)).format(
            rows=shown, reason=reason))
    return lines
