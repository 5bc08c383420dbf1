"""`salescli import FILE`: customers or deals from CSV, Excel (.xlsx) or JSON, with a dry run."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import Any, Optional

import typer

from salescli import importer as core
from salescli import store
from salescli.commands import add, session
from salescli.errors import DataError, UsageError
from salescli.session import Session


def register(app: typer.Typer) -> None:
    app.command("import")(import_file)


def import_file(
    ctx: typer.Context,
    path: Path = typer.Argument(..., metavar="FILE", help="A .csv, .xlsx or .json file."),
    mapping: list[str] = typer.Option([], "--map", metavar="COLUMN=FIELD",
                                      help="Which column holds which field, e.g. 客户名称=name, 联系人=contact.person."),
    deals: bool = typer.Option(False, "--deals", help="Rows are deals of existing customers (a CRM's opportunities)."),
    stage_map: list[str] = typer.Option([], "--stage-map", metavar="THEIRS=OURS",
                                        help="Foreign stage values, e.g. Won=close,Lost=lost,Engaging=approach."),
    sheet: Optional[str] = typer.Option(None, "--sheet", help="The worksheet of an .xlsx file (default: the first)."),
    when: Optional[str] = typer.Option(None, "--date", help="Date for events the rows do not date (default: today)."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Show what would be created, updated and skipped; write nothing."),
) -> None:
    """Import customers (or, with --deals, their deals) from CSV, Excel or JSON. Existing customers
    are matched by id or name, never duplicated: they only get the values they lack. Chinese and
    English headers are recognised (客户名称, 联系人, 电话, 领域 …); --map names the others. Each bad
    row is skipped with its row number and reason; the rows before it are imported all the same.

    Examples:

    \b
      salescli import 我们的客户.xlsx --dry-run
      salescli import customers.csv --map 单位=name --map 手机=contact.phone
      salescli import accounts.csv --map sector=needs.scope --map office_location=area
      salescli import sales_pipeline.csv --deals --stage-map Prospecting=prospect,Engaging=approach,Won=close,Lost=lost
    """
    s = session(ctx)
    headers, rows = _read(path, sheet)
    overrides = core.parse_pairs(mapping, "--map")
    stages = core.parse_pairs(stage_map, "--stage-map")
    customers = s.customers()
    day = s.date(when)
    if deals:
        columns = core.column_map(headers, overrides, core.DEAL_HEADERS, core.DEAL_TARGETS)
        _require(columns, ("customer",), path)
        plan = core.plan_deals(rows, columns, customers, today=s.today, stage_map=stages, default_date=day)
    else:
        columns = core.column_map(headers, overrides, core.CUSTOMER_HEADERS, core.CUSTOMER_TARGETS)
        _require(columns, ("name",), path)
        plan = core.plan_customers(rows, columns, customers, config=s.config, today=day, stage_map=stages)
    if not dry_run:
        _apply(s, plan, customers, total=len(rows))
    _report(s, plan, path, dry_run=dry_run, deals=deals)


def _read(path: Path, sheet: str | None) -> tuple[list[str], list[dict[str, Any]]]:
    if not path.is_file():
        raise UsageError(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return _read_xlsx(path, sheet)
    text = store.read_text(path).lstrip("\ufeff")
    if suffix == ".json":
        try:
            records = json.loads(text)
        except json.JSONDecodeError as error:
            raise DataError(f"not valid JSON: {error.msg}", path=path, line=error.lineno, column=error.colno) from None
        if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
            raise DataError("a JSON import is a list of objects, one per row", path=path)
        headers = list(dict.fromkeys(key for record in records for key in record))
        return headers, [{key: _cell(value) for key, value in record.items()} for record in records]
    if suffix not in (".csv", ".tsv", ".txt"):
        raise UsageError(f"{path}: import reads .csv, .xlsx or .json files")
    reader = csv.DictReader(text.splitlines(), delimiter="\t" if suffix == ".tsv" else ",")
    return list(reader.fieldnames or []), list(reader)


def _read_xlsx(path: Path, sheet: str | None) -> tuple[list[str], list[dict[str, Any]]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a file that is not a workbook
        raise DataError(f"not an .xlsx workbook ({error})", path=path) from None
    if sheet is not None and sheet not in book.sheetnames:
        raise UsageError(f"{path} has no sheet '{sheet}'; it has: {', '.join(book.sheetnames)}")
    rows = list((book[sheet] if sheet else book.worksheets[0]).iter_rows(values_only=True))
    if not rows:
        return [], []
    headers = [str(cell).strip() if cell is not None else "" for cell in rows[0]]
    return headers, [{h: _cell(v) for h, v in zip(headers, row) if h} for row in rows[1:]
                     if any(v not in (None, "") for v in row)]


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
    return str(value).lstrip("'")


def _require(columns: dict[str, str], needed: tuple[str, ...], path: Path) -> None:
    missing = [field for field in needed if field not in columns.values()]
    if missing:
        raise UsageError(f"{path}: no column for {', '.join(missing)}; name it with --map COLUMN={missing[0]}")


def _apply(s: Session, plan: core.Plan, customers: list[Any], *, total: int) -> None:
    with store.batch():  # the parse cache is brought up to date once, not after every file
        _write_all(s, plan, customers, _Progress(total))


def _write_all(s: Session, plan: core.Plan, customers: list[Any], progress: _Progress) -> None:
    for create in list(plan.creates):
        try:
            customers.append(add.create(s, create.name, create.values, create.items, customers=customers,
                                        chosen_id=create.chosen_id))
        except (DataError, UsageError) as error:
            plan.skips.append(core.Skip(create.row, error.message))
            plan.creates.remove(create)  # reported as skipped, not as created
        progress.step()
    for key, update in list(plan.updates.items()):
        if update.values or update.items:
            path = s.path_of(update.customer)
            try:
                skipped = store.update_customer(path, update.values, update.items)
            except DataError as error:  # e.g. changed by hand since it was read: the other rows go on
                plan.skips.extend(core.Skip(row, str(error)) for row in update.rows)
                del plan.updates[key]
                progress.step(len(update.rows))
                continue
            for key in skipped:
                update.kept.append(f"{key} (no such key in the file)")
                del update.values[key]
            if update.values or update.items:  # something was written
                s.wrote(path, f"import into {update.customer.name}")
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
            print(f"\rimporting {self.count}/{self.total} rows", end="", file=sys.stderr, flush=True)

    def done(self) -> None:
        if self.shown:
            print(file=sys.stderr)


def _report(s: Session, plan: core.Plan, path: Path, *, dry_run: bool, deals: bool) -> None:
    def say(done: str, would: str) -> str:
        return would if dry_run else done

    lines = []
    for create in plan.creates:
        lines.append(f"{say('created', 'would create')} {create.name} (row {create.row})")
    for update in plan.updates.values():
        what = f"{len(update.items)} events" if deals else ", ".join(update.values) or "nothing new"
        kept = f"; kept the file's {', '.join(update.kept)}" if update.kept else ""
        rows = f"rows {update.rows[0]}–{update.rows[-1]}" if len(update.rows) > 1 else f"row {update.rows[0]}"
        lines.append(f"{say('updated', 'would update')} {update.customer.name} ({rows}): {what}{kept}")
    if len(lines) > 40 and not dry_run:
        lines = lines[:15] + [f"… {len(lines) - 30} more …"] + lines[-15:]
    lines += _skipped(plan.skips)
    for line in lines:
        typer.echo(line)
    deal_count = sum(1 for u in plan.updates.values() for i in u.items if i.get("event") == "open")
    summary = (f"{s.shown(path)}: {len(plan.creates)} customers {say('created', 'to create')}, "
               f"{len(plan.updates)} {say('updated', 'to update')}"
               + (f" ({deal_count} deals)" if deals else "") + f", {len(plan.skips)} rows skipped"
               + (" — dry run, nothing written" if dry_run else ""))
    typer.echo(summary)


def _skipped(skips: list[core.Skip]) -> list[str]:
    """Each reason once, with how many rows and which (the first ten)."""
    by_reason: dict[str, list[int]] = {}
    for skip in sorted(skips, key=lambda skip: skip.row):
        by_reason.setdefault(skip.reason, []).append(skip.row)
    lines = []
    for reason, rows in by_reason.items():
        shown = ", ".join(map(str, rows[:10])) + (f" … ({len(rows)} rows)" if len(rows) > 10 else "")
        lines.append(f"skipped row{'s' if len(rows) > 1 else ''} {shown}: {reason}")
    return lines
