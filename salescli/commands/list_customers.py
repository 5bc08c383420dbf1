"""`salescli list`: the customers as a table, with filters, sorting and a closing summary."""

from __future__ import annotations

from typing import Any, Optional

import typer

from salescli import i18n
from salescli.api import (
    AMOUNTS,
    DEAL_COLUMNS,
    Columns,
    Filters,
    Others,
    Stage,
    Status,
    Summary,
    deal_record,
    decimals,
    format_money,
    parse_money,
    parse_target,
    summarize,
    summarize_deals,
)
from salescli.commands import session, terminal_fit
from salescli.errors import InvalidValue
from salescli.i18n import _, joined, ngettext
from salescli.render import check_format, render_columns, text_width
from salescli.session import Session

COLUMNS = ["id", "name", "stage", "field", "size", "role", "channel", "area",
           "target_value", "target_date", "last_activity"]
DATA_COLUMNS = ["id", "name", "stage", "status", "deals", "field", "size", "role", "channel", "area", "owner",
                "target_value", "target_date", "won_value", "last_activity"]
ALL_COLUMNS = list(dict.fromkeys(DATA_COLUMNS + COLUMNS))
_DROPPED_FIRST = ("size", "role", "channel", "field", "area", "last_activity", "id",
                  "target_date")  # in a narrow terminal
DEAL_DISPLAY = ["customer", "deal", "stage", "value", "target_date", "opened", "closed", "owner", "product"]


def register(app: typer.Typer) -> None:
    app.command("list")(list_customers)


def list_customers(
    ctx: typer.Context,
    search: Optional[str] = typer.Argument(None, metavar="TEXT",
                                           help="Only customers whose file or log mentions this text."),
    stage: Optional[str] = typer.Option(None, "--stage", help="Only this stage (key or 中文: demo, 产品展示)."),
    field: Optional[str] = typer.Option(None, "--field", help="Only this field (领域), e.g. 房地产."),
    size: Optional[str] = typer.Option(None, "--size", help="Only this size (规模)."),
    role: Optional[str] = typer.Option(None, "--role", help="Only this role (角色)."),
    channel: Optional[str] = typer.Option(None, "--channel", help="Only this channel (渠道)."),
    area: Optional[str] = typer.Option(None, "--area", help="Only areas containing this text."),
    owner: Optional[str] = typer.Option(None, "--owner", help="Only owners containing this text."),
    open_only: bool = typer.Option(False, "--open", help="Only customers with an open deal."),
    won: bool = typer.Option(False, "--won", help="Only customers whose current deal is won."),
    lost: bool = typer.Option(False, "--lost", help="Only customers whose current deal is lost."),
    stale: Optional[int] = typer.Option(None, "--stale", metavar="DAYS", min=0, max=36_500,
                                        help="Only open customers with no activity for DAYS days."),
    due: Optional[str] = typer.Option(None, "--due", metavar="DATE",
                                      help="Only targets to close on or before DATE (e.g. +30d, 月底, 2026-12-31)."),
    min_value: Optional[str] = typer.Option(None, "--min-value", metavar="AMOUNT",
                                            help="Only targets worth at least AMOUNT (e.g. 10万)."),
    sort: str = typer.Option("stage", "--sort", help="Order by stage, id, name, value, date, last, field, area, owner; "
                                                    "-KEY reverses (with --deals also opened, closed, product)."),
    deals: bool = typer.Option(False, "--deals",
                               help="One row per deal (every deal, not each customer's current one)."),
    fmt: str = typer.Option("table", "--format", "-f", help="table, csv, tsv, json or markdown."),
    columns_wanted: Optional[str] = typer.Option(None, "--columns", metavar="A,B,…",
                                                 help="Only these columns, in this order: id, name, stage, status, "
                                                      "deals, field, size, role, channel, area, owner, target_value, "
                                                      "target_date, won_value, last_activity."),
    wide: bool = typer.Option(False, "--wide", help="In a terminal, every column however wide the table."),
) -> None:
    """List customers: one row each, for its current deal; or, with --deals, every deal: customer,
    deal, stage, status, value, target date, opened, closed, owner and product.

    Table and markdown end with a summary that adds up to the rows: each row by the deal it shows (open
    per stage, won, lost), the open pipeline of those, and the customers' other deals apart.
    In a terminal the table fits its width: the columns that matter least are left out (it says
    which) and long names are cut; --wide shows everything, --columns picks. Piped output is whole.

    Examples:

    \b
      salescli list --stage demo
      salescli list --field 房地产 --open --sort -value
      salescli list 王工              # text anywhere in the file or log
      salescli list --stale 30        # open, untouched for 30 days
      salescli list --format json | jq '.[].id'
      salescli list --columns name,stage,owner,target_value
      salescli list --deals --won --owner Moses --sort -closed
    """
    s = session(ctx)
    check_format(fmt)
    language = s.language  # (reads the settings: a broken salescli.yaml is said before anything else)
    filters = Filters(
        stage=_stage(stage), field=s.vocabulary_key("field", field), size=s.vocabulary_key("size", size),
        role=s.vocabulary_key("role", role), channel=s.vocabulary_key("channel", channel),
        area=area, owner=owner, status=_status(open_only, won, lost), stale_days=stale,
        due=s.date(due) if due else None, min_value=parse_money(min_value) if min_value else None, search=search,
    )
    if deals:
        _list_deals(s, filters, sort, fmt, wide=wide)
        return
    every = s.rows()
    rows = s.select(filters, sort=sort, rows=every)
    display = fmt in ("table", "markdown")
    if display and not len(every) and not s.problems:
        typer.echo(_("No customers yet: add the first with `salescli add NAME` (`salescli add --help` lists the "
                     "fields), or bring a spreadsheet in with `salescli import FILE`."))
        return
    columns = _columns(columns_wanted, language) or (COLUMNS if display else DATA_COLUMNS)
    cells = _display_cells(rows, s, columns) if display else _data_cells(rows, columns)
    fit = terminal_fit(drop=_DROPPED_FIRST if not columns_wanted else (), cut=("name", "area", "id", "owner"),
                       wide=wide)
    typer.echo(render_columns(cells, i18n.headers(columns, language), fmt, fit=fit), nl=False)
    if display:
        typer.echo(_summary_line(summarize(rows), s, width=fit.width if fit else None))


def _columns(text: str | None, language: str) -> list[str]:
    """The columns --columns names (keys, or their titles in either language)."""
    if text is None:
        return []
    known = {key: key for key in ALL_COLUMNS}
    for key in ALL_COLUMNS:
        known.setdefault(i18n.word(key, "en").casefold(), key)
        known.setdefault(i18n.column(key, "zh"), key)  # the table's own title
        known.setdefault(i18n.word(key, "zh"), key)
    chosen = []
    for part in (part.strip() for part in text.replace("，", ",").split(",")):
        if part.casefold() not in known:
            names = joined(ALL_COLUMNS) if language == "en" else \
                _(", ").join(i18n.column(key, language) for key in ALL_COLUMNS)  # (either is understood)
            raise InvalidValue(_("unknown column '{column}'; use some of: {columns}").format(column=part,
                                                                                           columns=names))
        chosen.append(known[part.casefold()])
    return chosen


def _list_deals(s: Session, filters: Filters, sort: str, fmt: str, *, wide: bool) -> None:
    found = s.select_deals(filters, sort=sort)
    records = [deal_record(customer, deal) for customer, deal in found]
    display = fmt in ("table", "markdown")
    if display:
        language = s.language
        for record in records:
            record["stage"] = _stage_label(Stage(record["stage"]), Status(record["status"]), language)
    keys = DEAL_DISPLAY if display else list(DEAL_COLUMNS)
    columns = [[record[key] for record in records] for key in keys]
    headers = i18n.headers(keys, s.language)
    fit = terminal_fit(drop=("owner", "product", "opened", "closed"), cut=("customer", "deal"), wide=wide)
    typer.echo(render_columns(columns, headers, fmt, fit=fit), nl=False)
    if display:
        typer.echo(_summary_line(summarize_deals(found), s, deals=True, width=fit.width if fit else None))


def _stage(text: str | None) -> Stage | None:
    if text is None:
        return None
    target = parse_target(text)
    if not isinstance(target, Stage):
        raise InvalidValue(_("--stage takes a stage; for lost deals use --lost"))
    return target


def _status(open_only: bool, won: bool, lost: bool) -> Status | None:
    chosen = [status for flag, status in ((open_only, Status.OPEN), (won, Status.WON), (lost, Status.LOST)) if flag]
    if len(chosen) > 1:
        raise InvalidValue(_("use one of --open, --won, --lost"))
    return chosen[0] if chosen else None


def _data_cells(rows: Columns, columns: list[str]) -> list[list[Any]]:
    """The columns for scripts: raw values, amounts as numbers."""
    return [decimals(rows[name]) if name in AMOUNTS else rows[name] for name in columns]


def _display_cells(rows: Columns, s: Session, columns: list[str]) -> list[list[Any]]:
    """The table's columns: classification keys and stages as labels in the output language."""
    language = s.language
    stages = {(stage.value, status.value): _stage_label(stage, status, language)
              for stage in Stage for status in Status}
    cells = {name: _labelled(rows[name], s.settings.vocabulary(name).labels(language))
             for name in ("field", "size", "role", "channel")}
    cells["stage"] = list(map(stages.get, zip(rows["stage"], rows["status"])))
    statuses = {status.value: i18n.word(status.value, language) for status in Status}
    cells["status"] = [statuses.get(status, status) for status in rows["status"]]
    return [cells[name] if name in cells else decimals(rows[name]) if name in AMOUNTS else rows[name]
            for name in columns]


def _labelled(keys: list[str | None], labels: dict[str | None, str]) -> list[str | None]:
    """Each key's label (a key without one stays as it is), looked up once per distinct key."""
    known = {key: labels.get(key, key) if key is not None else None for key in set(keys)}
    return list(map(known.__getitem__, keys))


def _stage_label(stage: Stage, status: Status, language: str) -> str:
    label = stage.label(language)
    return label if status is Status.OPEN else i18n.beside(label, i18n.word(status.value, language))


def _others(others: Others) -> str:
    """The listed customers' deals that their rows do not show: `their other deals: won 1 (180,000)`."""
    said = [*([_("open {count} ({value})").format(count=others.open, value=format_money(others.open_value) or 0)]
              if others.open else []),
            *([_("won {count} ({value})").format(count=others.won, value=format_money(others.won_value) or 0)]
              if others.won else []),
            *([_("lost {count}").format(count=others.lost)] if others.lost else [])]
    return _("their other deals: {deals}").format(deals=" · ".join(said))


def _summary_line(summary: Summary, s: Session, *, deals: bool = False, width: int | None = None) -> str:
    """`35 customers | prospect 4 · demo 6 | won 7 (679,800) | lost 4 | open pipeline 2,170,500 CNY | their
    other deals: won 1 (180,000)` — each row counted once, by the deal it shows, so that the counts add up
    to the rows; their other deals apart (the count is of deals with --deals)."""
    language = s.language
    stages = " · ".join(f"{stage.label(language)} {count}" for stage, count in summary.open_by_stage.items())
    count = summary.customers
    parts = [
        (ngettext("{count} deal", "{count} deals", count) if deals else
         ngettext("{count} customer", "{count} customers", count)).format(count=count),
        *([stages] if stages else []),
        _("won {count} ({value})").format(count=summary.won, value=format_money(summary.won_value) or 0),
        _("lost {count}").format(count=summary.lost),
        *([_("no deal {count}").format(count=summary.none)] if summary.none else []),
        _("open pipeline {value} {currency}").format(value=format_money(summary.open_value) or 0,
                                                      currency=s.settings.currency),
        *([_others(summary.others)] if summary.others.count else []),
    ]
    if width is None:
        return " | ".join(parts)
    lines = [parts[0]]  # in a terminal: a new line rather than one the terminal would break anywhere
    for part in parts[1:]:
        if text_width(lines[-1]) + 3 + text_width(part) > width:
            lines.append(part)
        else:
            lines[-1] += " | " + part
    return "\n".join(lines)
