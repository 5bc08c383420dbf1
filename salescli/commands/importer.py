"""`salescli import FILE`: customers or deals from CSV, Excel (.xlsx) or JSON, with a dry run."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import Any, Optional

import typer

from salescli import importer as core
from salescli import store, yamlfile
from salescli.commands import add, session
from salescli.errors import DataError, InvalidValue
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
    team: bool = typer.Option(False, "--team", help="Rows are reps with their manager and office (the team table "
                                                   "in salescli.yaml, for --by manager|office)."),
    stage_map: list[str] = typer.Option([], "--stage-map", metavar="THEIRS=OURS",
                                        help="Foreign stage values, e.g. Won=close,Lost=lost,Engaging=approach."),
    stage_dates: list[str] = typer.Option([], "--stage-dates", metavar="COLUMN=STAGE",
                                          help="With --deals: the column that dates a stage, e.g. engage_date=approach."),
    sheet: Optional[str] = typer.Option(None, "--sheet", help="The worksheet of an .xlsx file (default: the first)."),
    when: Optional[str] = typer.Option(None, "--date", help="Date for events the rows do not date (default: today)."),
    future: bool = typer.Option(False, "--future", help="Accept events dated after today (normally refused)."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Show what would be created, updated and skipped; write nothing."),
) -> None:
    """Import customers (or, with --deals, their deals; with --team, the team table) from CSV,
    Excel or JSON. Existing customers are matched by id or name, never duplicated: they only get
    the values they lack. Chinese and English headers are recognised (客户名称, 联系人, 电话, 领域 …);
    --map names the others, and the report lists the columns left out. Each bad row is skipped
    with its row number and reason; the other rows are imported all the same. Our own
    `export --format json` comes back whole: every profile value and every event.

    Examples:

    \b
      salescli import 我们的客户.xlsx --dry-run
      salescli import customers.csv --map 单位=name --map 手机=contact.phone
      salescli import accounts.csv --map sector=needs.scope --map office_location=area
      salescli import sales_teams.csv --team
      salescli import sales_pipeline.csv --deals --stage-dates engage_date=approach \\
          --stage-map Prospecting=prospect,Engaging=approach,Won=close,Lost=lost
      salescli import all.json          # an `export --format json` of another folder
    """
    s = session(ctx)
    if deals and team:
        raise InvalidValue("choose --deals or --team, not both")
    if stage_dates and not deals:
        raise InvalidValue("--stage-dates dates the stages of deals: add --deals")
    headers, rows = _read(path, sheet)
    overrides = core.parse_pairs(mapping, "--map")
    if team:
        _import_team(s, path, headers, rows, overrides, dry_run=dry_run)
        return
    stages = core.parse_pairs(stage_map, "--stage-map")
    dating = core.Dating(s.today, s.date(when), future)
    dating.check([dating.default])
    customers = s.customers()
    if rows and path.suffix.lower() == ".json" and not deals and core.is_full_records(rows):
        plan, unused = core.plan_records(rows, customers, dating=dating), []
    elif deals:
        dated = core.stage_dates(core.parse_pairs(stage_dates, "--stage-dates"), headers)
        columns = {header: target for header, target in
                   core.column_map(headers, overrides, core.DEAL_HEADERS, core.DEAL_TARGETS).items()
                   if header not in dated}
        _require(columns, ("customer",), path)
        plan = core.plan_deals(rows, columns, customers, dating=dating, stage_map=stages, dated_stages=dated)
        unused = core.unused_columns(headers, [*columns, *dated])
    else:
        columns = core.column_map(headers, overrides, core.CUSTOMER_HEADERS, core.CUSTOMER_TARGETS, profile_keys=True)
        _require(columns, ("name",), path)
        plan = core.plan_customers(rows, columns, customers, config=s.config, dating=dating, stage_map=stages)
        unused = core.unused_columns(headers, columns)
    if not dry_run:
        _apply(s, plan, customers, total=len(rows))
    _report(s, plan, path, dry_run=dry_run, deals=deals, unused=unused)


def _import_team(s: Session, path: Path, headers: list[str], rows: list[dict[str, Any]], overrides: dict[str, str],
                 *, dry_run: bool) -> None:
    columns = core.column_map(headers, overrides, core.TEAM_HEADERS, core.TEAM_TARGETS)
    _require(columns, ("rep",), path)
    plan = core.plan_team(rows, columns, s.config.team)
    if plan.added and not dry_run:
        store.update_config(s.folder, lambda text: yamlfile.put_entries(text, "team", plan.added))
        s.wrote(s.folder.config_path, f"import the team table from {path.name}")
    lines = _skipped(plan.skips)
    if plan.kept:
        lines.append(f"kept the team table's entries of {', '.join(plan.kept)}, which differ from the file "
                     "(edit `team:` in salescli.yaml to change them)")
    lines += _unused(core.unused_columns(headers, columns))
    verb = "to add" if dry_run else "added"
    lines.append(f"{s.shown(path)}: {len(plan.added)} reps {verb} to the team table in salescli.yaml, "
                 f"{len(plan.same)} there already, {len(plan.kept)} kept as they were, {len(plan.skips)} rows skipped"
                 + (" — dry run, nothing written" if dry_run else ""))
    typer.echo("\n".join(lines))


def _read(path: Path, sheet: str | None) -> tuple[list[str], list[dict[str, Any]]]:
    if not path.is_file():
        raise InvalidValue(f"{path}: no such file")
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
        if core.is_full_records(records):  # our own export: kept as it is, profile and log
            return headers, records
        return headers, [{key: _cell(value) for key, value in record.items()} for record in records]
    if suffix not in (".csv", ".tsv", ".txt"):
        raise InvalidValue(f"{path}: import reads .csv, .xlsx or .json files")
    reader = csv.DictReader(text.splitlines(), delimiter="\t" if suffix == ".tsv" else ",")
    return list(reader.fieldnames or []), list(reader)


def _read_xlsx(path: Path, sheet: str | None) -> tuple[list[str], list[dict[str, Any]]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a file that is not a workbook
        raise DataError(f"not an .xlsx workbook ({error})", path=path) from None
    if sheet is not None and sheet not in book.sheetnames:
        raise InvalidValue(f"{path} has no sheet '{sheet}'; it has: {', '.join(book.sheetnames)}")
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
        raise InvalidValue(f"{path}: no column for {', '.join(missing)}; name it with --map COLUMN={missing[0]}")


def _apply(s: Session, plan: core.Plan, customers: list[Any], *, total: int) -> None:
    with store.batch():  # the parse cache is brought up to date once, not after every file
        _write_all(s, plan, customers, _Progress(total))


def _write_all(s: Session, plan: core.Plan, customers: list[Any], progress: _Progress) -> None:
    for create in list(plan.creates):
        try:
            customers.append(add.create(s, create.name, create.values, create.items, customers=customers,
                                        chosen_id=create.chosen_id))
        except (DataError, InvalidValue) as error:
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


def _report(s: Session, plan: core.Plan, path: Path, *, dry_run: bool, deals: bool, unused: list[str]) -> None:
    def say(done: str, would: str) -> str:
        return would if dry_run else done

    lines = []
    for create in plan.creates:
        lines.append(f"{say('created', 'would create')} {create.name} (row {create.row})")
    for update in plan.updates.values():
        what = ", ".join([*update.values, *([f"{len(update.items)} events"] if update.items else [])]) or "nothing new"
        kept = f"; kept the file's {', '.join(update.kept)}" if update.kept else ""
        rows = f"rows {update.rows[0]}–{update.rows[-1]}" if len(update.rows) > 1 else f"row {update.rows[0]}"
        lines.append(f"{say('updated', 'would update')} {update.customer.name} ({rows}): {what}{kept}")
    if len(lines) > 40 and not dry_run:
        lines = lines[:15] + [f"… {len(lines) - 30} more …"] + lines[-15:]
    lines += _skipped(plan.skips)
    lines += plan.notes + _unused(unused)
    for line in lines:
        typer.echo(line)
    deal_count = sum(1 for u in plan.updates.values() for i in u.items if i.get("event") == "open")
    summary = (f"{s.shown(path)}: {len(plan.creates)} customers {say('created', 'to create')}, "
               f"{len(plan.updates)} {say('updated', 'to update')}"
               + (f" ({deal_count} deals)" if deals else "") + f", {len(plan.skips)} rows skipped"
               + (" — dry run, nothing written" if dry_run else ""))
    typer.echo(summary)


def _unused(columns: list[str]) -> list[str]:
    if not columns:
        return []
    return [f"columns not imported: {', '.join(columns)} (name a place for them with --map COLUMN=FIELD)"]


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
