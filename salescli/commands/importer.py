"""`salescli import FILE`: customers or deals from CSV, Excel (.xlsx) or JSON, with a dry run."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer

from salescli.api import Plan, ProductPlan, SettingsImported, Skip, TeamPlan
from salescli.commands import session
from salescli.errors import InvalidValue
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
                                          help="With --deals: the column that dates a stage, e.g. "
                                               "engage_date=approach."),
    sheet: Optional[str] = typer.Option(None, "--sheet", help="The worksheet of an .xlsx file (default: the first)."),
    when: Optional[str] = typer.Option(None, "--date", help="Date for events the rows do not date (default: today)."),
    future: bool = typer.Option(False, "--future", help="Accept events dated after today (normally refused)."),
    dry_run: bool = typer.Option(False, "--dry-run",
                                 help="Show what would be created, updated and skipped; write nothing."),
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
    """  # noqa: E501 (this help text is its msgid: rewrapped, it would need translating again)
    s = session(ctx)
    if deals + team + products > 1:
        raise InvalidValue(_("choose one of --deals, --team and --products"))
    if stage_dates and not deals:
        raise InvalidValue(_("--stage-dates dates the stages of deals: add --deals"))
    if team:
        _report_team(s, path, s.import_team(path, mapping=mapping, sheet=sheet, dry_run=dry_run), dry_run=dry_run)
        return
    if products:
        _report_products(s, path, s.import_products(path, mapping=mapping, sheet=sheet, dry_run=dry_run),
                         dry_run=dry_run)
        return
    progress = _Progress()
    if deals:
        done = s.import_deals(path, mapping=mapping, stage_map=stage_map, stage_dates=stage_dates, sheet=sheet,
                              date=when, future=future, dry_run=dry_run, progress=progress)
    else:
        done = s.import_customers(path, mapping=mapping, stage_map=stage_map, sheet=sheet, date=when, future=future,
                                  dry_run=dry_run, progress=progress)
    progress.done()
    _report(s, done.plan, path, dry_run=dry_run, deals=deals, unused=list(done.unused))


def _report_team(s: Session, path: Path, done: SettingsImported[TeamPlan], *, dry_run: bool) -> None:
    plan = done.plan
    lines = _skipped(plan.skips)
    if plan.kept:
        lines.append(_("kept the team table's entries of {reps}, which differ from the file (edit `team:` in "
                       "salescli.yaml to change them)").format(reps=_(", ").join(plan.kept)))
    lines += _unused(list(done.unused))
    counts = {"file": s.shown(path), "added": len(plan.added), "same": len(plan.same), "kept": len(plan.kept),
              "skipped": len(plan.skips)}
    lines.append((_("{file}: {added} reps to add to the team table in salescli.yaml, {same} there already, {kept} "
                    "kept as they were, {skipped} rows skipped — dry run, nothing written") if dry_run else
                  _("{file}: {added} reps added to the team table in salescli.yaml, {same} there already, {kept} "
                    "kept as they were, {skipped} rows skipped")).format(**counts))
    typer.echo("\n".join(lines))


def _report_products(s: Session, path: Path, done: SettingsImported[ProductPlan], *, dry_run: bool) -> None:
    plan = done.plan
    lines = _skipped(plan.skips)
    if plan.kept:
        lines.append(_("kept the price list's entries of {products}, which differ from the file (`salescli price "
                       "PRODUCT AMOUNT` changes a price)").format(products=_(", ").join(plan.kept)))
    lines += _unused(list(done.unused))
    if done.unmatched:
        lines.append(_("open deals name products the price list does not have: {products} (add them with `salescli "
                       "price PRODUCT AMOUNT`, or as aliases)").format(
            products=_(", ").join(f"{name} ({count})" for name, count in sorted(done.unmatched.items()))))
    counts = {"file": s.shown(path), "added": len(plan.added), "same": len(plan.same), "kept": len(plan.kept),
              "skipped": len(plan.skips)}
    lines.append((_("{file}: {added} products to add to the price list in salescli.yaml, {same} there already, "
                    "{kept} kept as they were, {skipped} rows skipped — dry run, nothing written") if dry_run else
                  _("{file}: {added} products added to the price list in salescli.yaml, {same} there already, "
                    "{kept} kept as they were, {skipped} rows skipped")).format(**counts))
    typer.echo("\n".join(lines))


class _Progress:
    """A progress line on stderr, only in a terminal and only for large files (the rows of its plan)."""

    def __init__(self) -> None:
        self.total, self.count, self.shown = 0, 0, False

    def __call__(self, done: int, total: int) -> None:
        if not self.total:
            self.shown = sys.stderr.isatty() and total >= 500
        self.count, self.total = done, total
        if self.shown and (self.count % 100 == 0 or self.count >= self.total):
            print("\r" + _("importing {count}/{total} rows").format(count=self.count, total=self.total), end="",
                  file=sys.stderr, flush=True)

    def done(self) -> None:
        if self.shown:
            print(file=sys.stderr)


def _report(s: Session, plan: Plan, path: Path, *, dry_run: bool, deals: bool, unused: list[str]) -> None:
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


def _skipped(skips: list[Skip]) -> list[str]:
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
