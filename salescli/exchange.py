"""Customers to and from flat records (spreadsheets, CSV, JSON). Pure: no files here."""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from functools import lru_cache
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Mapping, NamedTuple, Sequence

from salescli.customer import (EVENT_WORDS, STATUS_WORDS, Customer, Deal, Event, EventKind, Status, deal_owner)
from salescli.errors import DataError, InvalidValue
from salescli.i18n import _, joined
from salescli.information import GROUPS, item_value
from salescli.listing import row
from salescli.profile import PEOPLE_KEY, PERSON, PROFILE
from salescli.stages import Stage, stage_words
from salescli.vocab import Vocabulary, resolve_word

PROFILE_COLUMNS = (
    "id", "name", "field", "size", "role", "channel", "source", "referred_by", "area", "project", "owner",
    *(item.key for group in GROUPS if group.key != "trust" for item in group.items),
)
DERIVED_COLUMNS = ("stage", "status", "deals", "target_value", "target_date", "won_value", "last_activity")
COLUMNS = PROFILE_COLUMNS + DERIVED_COLUMNS
# One row per deal (`list --deals`, `export --deals`); the owner is the deal's, else the customer's.
DEAL_COLUMNS = ("customer_id", "customer", "deal", "stage", "status", "value", "target_value", "target_date",
                "won_value", "opened", "closed", "owner", "product")

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NEUTRALIZED = (*_FORMULA_STARTS, "'")
_KEY_PART = re.compile(r"[^\W\d]\w*(?:-\w+)*")
_GROUP_KEYS = {group.key: [item.key for item in group.items] for group in GROUPS if group.key != "trust"}


def profile_key(text: str) -> str:
    """A profile key as an import's --map or a report's --by names it: a known one (`needs.scope`)
    or any other, dotted by level (`company.revenue`); InvalidValue for what cannot be one. Every
    command that takes a profile key asks here, so that a registry of fields can take over."""
    key = text.strip()
    if not all(_KEY_PART.fullmatch(part) for part in key.split(".")):
        raise InvalidValue(_("'{text}' is not a profile key; write words of letters, digits and _, with dots "
                             "between levels (e.g. needs.scope, company.revenue)").format(text=text))
    if key.split(".")[0] == "log":
        raise InvalidValue(_("`log` is the customer's log, not a profile key"))
    if key in _GROUP_KEYS:
        raise InvalidValue(_("`{key}` holds keys; name one of them: {keys}").format(
            key=key, keys=joined(_GROUP_KEYS[key])))
    if key in ("trust", "trust.people") or key.startswith("trust.people."):
        raise InvalidValue(_("`trust.people` is the list of key people, not one value"))
    return key


def export_columns(customers: Sequence[Customer]) -> tuple[str, ...]:
    """The columns of a flat export: the known profile keys, the other keys the customers have (one
    value each: `company.revenue`; not a list), then the derived ones."""
    known = set(PROFILE_COLUMNS) | {"log", "trust.people"}
    extra = dict.fromkeys(key for customer in customers for key in _scalar_keys(customer.profile) if key not in known)
    return (*PROFILE_COLUMNS, *extra, *DERIVED_COLUMNS)


def _scalar_keys(profile: Any, prefix: str = "") -> list[str]:
    keys = []
    for key, value in profile.items():
        if isinstance(value, dict):
            keys += _scalar_keys(value, f"{prefix}{key}.")
        elif not isinstance(value, list):
            keys.append(f"{prefix}{key}")
    return keys


def export_record(customer: Customer, columns: Sequence[str] = COLUMNS) -> dict[str, Any]:
    """One customer as a flat record: its profile by dotted key and its derived state."""
    record: dict[str, Any] = {key: customer.get(key) for key in columns if key not in DERIVED_COLUMNS}
    record["id"] = customer.id
    record["name"] = customer.name
    derived = row(customer)
    record.update({key: getattr(derived, key) for key in DERIVED_COLUMNS})
    for key in ("target_value", "won_value"):  # the row keeps them as text: typed again for spreadsheets
        record[key] = None if record[key] is None else Decimal(record[key])
    for key in ("target_date", "last_activity"):
        record[key] = None if record[key] is None else date.fromisoformat(record[key])
    return record


def deal_record(customer: Customer, deal: Deal) -> dict[str, Any]:
    """One deal as a flat record (DEAL_COLUMNS); `value` is what it is worth: won value, else target."""
    won = deal.status is Status.WON
    return {"customer_id": customer.id, "customer": customer.name, "deal": deal.name, "stage": deal.stage.value,
            "status": deal.status.value, "value": deal.won_value if won else deal.target_value,
            "target_value": deal.target_value, "target_date": deal.target_date, "won_value": deal.won_value,
            "opened": deal.opened, "closed": deal.closed, "owner": deal_owner(customer, deal),
            "product": deal.product}


def deal_records(customers: Sequence[Customer]) -> list[dict[str, Any]]:
    return [deal_record(customer, deal) for customer in sorted(customers, key=lambda c: c.id)
            for deal in customer.deals]


def full_record(customer: Customer) -> dict[str, Any]:
    """The whole customer (what `show --format json` prints and `export --format json` lists): the
    profile as the file has it, every deal as derived, what is missing, and every event."""
    return {
        "id": customer.id,
        "name": customer.name,
        "profile": dict(customer.profile),
        "deals": [deal.state() for deal in customer.deals],
        "missing": {group.key: [item.key for item in group.items if item_value(customer, group, item) in (None, "")]
                    for group in GROUPS},
        "log": [event_record(event) for event in customer.events],
    }


def event_record(event: Event) -> dict[str, Any]:
    """An event by its keys as the log writes them (`event:` for its kind), the empty ones left out."""
    return {("event" if key == "kind" else key): value for key, value in event.__dict__.items()
            if value is not None and key != "index"}


def neutralize(value: Any) -> Any:
    """A text a spreadsheet would run as a formula (=, +, -, @ …) gets a leading apostrophe (and so does
    one that starts with an apostrophe: `unneutralized` takes exactly one off again)."""
    if isinstance(value, str) and value.startswith(_NEUTRALIZED):
        return "'" + value
    return value


def unneutralized(value: Any) -> Any:
    """A cell as it was before `neutralize`."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(_NEUTRALIZED):
        return value[1:]
    return value


def export_records(customers: Sequence[Customer], columns: Sequence[str] = COLUMNS) -> list[dict[str, Any]]:
    return [export_record(customer, columns) for customer in sorted(customers, key=lambda c: c.id)]


# ---- spreadsheets for an office: titles and labels in its language, a whole workbook and back -------

LOG_COLUMNS = ("customer_id", "customer", "date", "event", "deal", "stage", "value", "by", "goal", "note", "next",
               "reason", "project", "role", "owner", "product")
PEOPLE_COLUMNS = ("customer_id", "customer", *(field.key for field in PERSON))
DERIVED_LABELS = {"stage", "status"}

# The course's words for the columns (and sheets) of a Chinese office's spreadsheet, by sheet; the
# profile's fields are titled by their labels (profile.py). Import reads both languages' titles back.
_SHEET_NAMES = {"customers": "客户", "log": "日志", "people": "关键人", "deals": "单"}
_TITLES = {
    "customers": {"id": "编号", "stage": "阶段", "status": "状态", "deals": "单数", "target_value": "目标金额",
                  "target_date": "目标日期", "won_value": "成交金额", "last_activity": "最近活动",
                  **{field.key: field.zh for field in PROFILE}},
    "deals": {"customer_id": "客户编号", "customer": "客户", "deal": "单", "stage": "阶段", "status": "状态",
              "value": "金额", "target_value": "目标金额", "target_date": "目标日期", "won_value": "成交金额",
              "opened": "开始日期", "closed": "结束日期", "owner": "负责人", "product": "产品"},
    "log": {"customer_id": "客户编号", "customer": "客户", "date": "日期", "event": "事件", "deal": "单",
            "stage": "阶段", "value": "金额", "by": "目标日期", "goal": "拜访目标", "note": "备注", "next": "下次拜访",
            "reason": "原因", "project": "项目", "role": "角色", "owner": "负责人", "product": "产品"},
    "people": {"customer_id": "客户编号", "customer": "客户", **{field.key: field.zh for field in PERSON}},
}


@dataclass(frozen=True)
class Sheet:
    """One worksheet (or a CSV): its name, its columns' keys and titles, and its rows of cells."""

    name: str
    keys: tuple[str, ...]
    titles: tuple[str, ...]
    rows: list[list[Any]]


def sheet_name(sheet: str, language: str) -> str:
    return _SHEET_NAMES[sheet] if language == "zh" else sheet


def titles(sheet: str, keys: Sequence[str], language: str) -> tuple[str, ...]:
    """The columns' titles: the keys in English; the course's words in Chinese (a key without one stays)."""
    return tuple(keys) if language != "zh" else tuple(_TITLES[sheet].get(key, key) for key in keys)


def column_keys(sheet: str, headers: Sequence[str]) -> dict[str, str]:
    """Header → key, for the titles either language gives a column of `sheet` (others are left out)."""
    known = {key: key for key in _TITLES[sheet]} | {title: key for key, title in _TITLES[sheet].items()}
    if sheet == "log":
        known |= {key: key for key in LOG_COLUMNS}
    return {header: known[header.strip()] for header in headers if header.strip() in known}


def customer_sheet(customers: Sequence[Customer], *, language: str, vocabularies: Mapping[str, Vocabulary],
                   deals: bool = False) -> Sheet:
    """The customers (or, with `deals`, their deals) a row each, for a spreadsheet or a CSV: in
    Chinese, classification, stages and statuses by their labels (import reads them back)."""
    if deals:
        keys: tuple[str, ...] = DEAL_COLUMNS
        records = deal_records(customers)
    else:
        keys = export_columns(customers)
        records = export_records(customers, keys)
    label = _labeller(language, vocabularies)
    return Sheet(sheet_name("deals" if deals else "customers", language), keys,
                 titles("deals" if deals else "customers", keys, language),
                 [[label(key, record[key]) for key in keys] for record in records])


def workbook(customers: Sequence[Customer], *, language: str, vocabularies: Mapping[str, Vocabulary]) -> list[Sheet]:
    """Everything, for a spreadsheet: the customers a row each, their log an event a row, their key
    people a person a row — `import` of it gives the same customers back, as of a JSON export."""
    ordered = sorted(customers, key=lambda customer: customer.id)
    label = _labeller(language, vocabularies)
    log = [[label(key, value) for key, value in zip(LOG_COLUMNS, _event_cells(customer, event))]
           for customer in ordered for event in customer.events]
    people_keys = (*PEOPLE_COLUMNS, *dict.fromkeys(key for customer in ordered for person in _people(customer)
                                                  for key in person if key not in PEOPLE_COLUMNS))
    people = [[customer.id, customer.name, *(person.get(key) for key in people_keys[2:])]
              for customer in ordered for person in _people(customer)]
    return [customer_sheet(ordered, language=language, vocabularies=vocabularies),
            Sheet(sheet_name("log", language), LOG_COLUMNS, titles("log", LOG_COLUMNS, language), log),
            Sheet(sheet_name("people", language), people_keys, titles("people", people_keys, language), people)]


def _event_cells(customer: Customer, event: Event) -> list[Any]:
    record = event_record(event)
    return [customer.id, customer.name, *(record.get(key) for key in LOG_COLUMNS[2:])]


def _people(customer: Customer) -> list[Mapping[str, Any]]:
    found = customer.get(PEOPLE_KEY)
    return [person for person in found if isinstance(person, Mapping)] if isinstance(found, list) else []


def _labeller(language: str, vocabularies: Mapping[str, Vocabulary]) -> Callable[[str, Any], Any]:
    """What a cell shows for a stored value: the value; in Chinese, a vocabulary's, a stage's, a
    status's or an event's key as its label."""
    if language != "zh":
        return lambda key, value: value
    from salescli.i18n import pgettext_in

    events = {kind.value: pgettext_in("event", english, "zh") for kind, english in EVENT_WORDS.items()}
    statuses = {status.value: pgettext_in("status", english, "zh") for status, english in STATUS_WORDS.items()}
    stages = {stage.value: stage.zh for stage in Stage}

    def label(key: str, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        if key in vocabularies:
            return vocabularies[key].label(value, "zh")
        if key == "stage":
            return stages.get(value, value)
        if key == "status":
            return statuses.get(value, value)
        if key == "event":
            return events.get(value, value)
        return value

    return label


def workbook_records(customers: Sequence[tuple[int, Mapping[str, Any]]], log: Sequence[tuple[int, Mapping[str, Any]]],
                     people: Sequence[tuple[int, Mapping[str, Any]]], *,
                     vocabularies: Mapping[str, Vocabulary]) -> list[dict[str, Any]]:
    """Whole records (as `export --format json` gives them, for importer.plan_records) from a workbook's
    three sheets, each row by its keys (column_keys) with its typed cells: the customers' profile values
    (the derived columns left out: the log gives them), the log's events, the key people."""
    events: dict[str, list[dict[str, Any]]] = {}
    for _row, cells in log:
        events.setdefault(str(cells.get("customer_id")), []).append(_event_entry(cells, vocabularies))
    persons: dict[str, list[dict[str, Any]]] = {}
    for _row, cells in people:
        person = {key: value for key, value in cells.items() if key not in ("customer_id", "customer")
                  and value not in (None, "")}
        persons.setdefault(str(cells.get("customer_id")), []).append(person)
    records = []
    for _row, cells in customers:
        profile: dict[str, Any] = {}
        for key, value in cells.items():
            if key in DERIVED_COLUMNS or value in (None, ""):
                continue
            _put(profile, key, _term(vocabularies[key], value) if key in vocabularies and key in PROFILE_COLUMNS
                 else value)
        customer_id = str(cells.get("id") or "")
        if persons.get(customer_id):
            _put(profile, PEOPLE_KEY, persons[customer_id])
        records.append({"id": customer_id or None, "name": cells.get("name"), "profile": profile,
                        "log": events.get(customer_id, [])})
    return records


def _put(profile: dict[str, Any], key: str, value: Any) -> None:
    *parents, last = key.split(".")
    for part in parents:
        profile = profile.setdefault(part, {})
    profile[last] = value


def _term(vocabulary: Vocabulary, value: Any) -> Any:
    """A classification cell as the file stores it: its key (a label read back); what no term is, as it is."""
    try:
        return vocabulary.resolve(str(value)).key
    except InvalidValue:
        return value


def _event_entry(cells: Mapping[str, Any], vocabularies: Mapping[str, Vocabulary]) -> dict[str, Any]:
    """A log row as the JSON export has an event: its keys, the labels of a Chinese workbook read back."""
    entry = {key: value for key, value in cells.items() if key not in ("customer_id", "customer")
             and value not in (None, "")}
    if "event" in entry:
        entry["event"] = _event_keys().get(str(entry["event"]).strip(), entry["event"])
    if "stage" in entry:
        entry["stage"] = _stage_key(entry["stage"])
    if "role" in entry and "role" in vocabularies:
        entry["role"] = _term(vocabularies["role"], entry["role"])
    if isinstance(entry.get("value"), (int, float)) and not isinstance(entry.get("value"), bool):
        entry["value"] = Decimal(str(entry["value"]))
    if isinstance(entry.get("deal"), (int, float)):
        entry["deal"] = str(entry["deal"])
    return entry


def _stage_key(value: Any) -> Any:
    try:
        return resolve_word(str(value), stage_words(), what="stage").value
    except InvalidValue:
        return value


@lru_cache(maxsize=1)
def _event_keys() -> dict[str, str]:
    """An event's name in either language → its key (the catalog read when first wanted)."""
    from salescli.i18n import pgettext_in

    return {**{kind.value: kind.value for kind in EventKind},
            **{pgettext_in("event", english, "zh"): kind.value for kind, english in EVENT_WORDS.items()}}


# ---- files for a spreadsheet -------------------------------------------------------------------

_AS_IS = frozenset((str, int, float, bool, type(None)))


def plain(value: Any) -> Any:
    """A JSON-ready value: Decimal → int or float, date → ISO text, Enum → its value."""
    kind = type(value)
    if kind in _AS_IS:  # (most values of an export of thousands: no isinstance chain for them)
        return value
    if kind is dict:
        return {str(key): plain(item) for key, item in value.items()}
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


def csv_text(sheet: Sheet) -> str:
    """A sheet as CSV: its titles, then its rows, cells a spreadsheet would run as a formula neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(sheet.titles)
    for row in sheet.rows:
        writer.writerow(["" if value is None else neutralize(value) for value in map(plain, row)])
    return buffer.getvalue()


def as_of(customers: Sequence[Customer]) -> datetime:
    """The day the data is of (its latest event): what the workbook says it was made on, so that the
    same customers give the same bytes (a timestamp of the run would differ every time)."""
    latest = max((customer.last_activity for customer in customers if customer.last_activity), default=None)
    return datetime(*(latest or date(2000, 1, 1)).timetuple()[:3])


def _steady_zip() -> Any:
    """The zip file class of a workbook (zipfile imported only when a workbook is written)."""
    import zipfile

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
            from salescli import safefile

            self.writestr(arcname if arcname is not None else str(filename), safefile.read_bytes(Path(filename)))

    return _SteadyZip


def xlsx_bytes(sheets: Sequence[Sheet], as_of: datetime) -> bytes:
    """The sheets as an Excel workbook, the same bytes for the same sheets (made on `as_of`)."""
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
    archive = _steady_zip()(buffer, "w", ZIP_DEFLATED, allowZip64=True)
    ExcelWriter(book, archive).save()  # (openpyxl's save_workbook would stamp the time of the run)
    return buffer.getvalue()


def _put_cell(sheet: Any, row: int, column: int, value: Any) -> None:
    if isinstance(value, Decimal):  # a number a spreadsheet can sum
        value = int(value) if value == value.to_integral() else float(value)
    cell = sheet.cell(row=row, column=column, value=_xlsx_text(neutralize(value)))
    if isinstance(value, str):
        cell.data_type = "s"  # text stays text: never a formula
    elif isinstance(value, date):
        cell.number_format = "yyyy-mm-dd"


def _xlsx_text(value: Any) -> Any:
    """Control characters, which a worksheet cannot hold, written as Excel writes them (`_x001B_`)."""
    if isinstance(value, str):
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        return ILLEGAL_CHARACTERS_RE.sub(lambda found: f"_x{ord(found.group()):04X}_", value)
    return value


# ---- files to import ----------------------------------------------------------------------------

class Table(NamedTuple):
    """A file's rows by column, each with its number as the spreadsheet shows it (the header is row 1);
    `sheets`: the customers, the log and the key people by key, when the file is a workbook of our own
    export (else None)."""

    headers: list[str]
    rows: list[dict[str, Any]]
    numbers: list[int] | None  # None: a JSON list's records, numbered from 1
    sheets: tuple[list[tuple[int, dict[str, Any]]], ...] | None = None


def read_table(path: Path, content: str | bytes, sheet: str | None, *, whole: bool,
               is_full_records: Callable[[list[dict[str, Any]]], bool]) -> Table:
    """The rows of a file to import: `content` is an .xlsx file's bytes (its first sheet, or `sheet`;
    `whole`: our own export's workbook, its log and key people too), or a CSV, TSV or JSON file's text (a
    JSON list that `is_full_records` — our own export — kept as it is)."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        assert isinstance(content, bytes)
        return _read_xlsx(path, content, sheet, whole=whole)
    assert isinstance(content, str)
    text = content.lstrip("\ufeff")
    if suffix == ".json":
        try:
            records = json.loads(text)
        except json.JSONDecodeError as error:
            raise DataError(_("not valid JSON: {problem}").format(problem=error.msg), path=path, line=error.lineno,
                            column=error.colno) from None
        if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
            raise DataError(_("a JSON import is a list of objects, one per row"), path=path)
        headers = list(dict.fromkeys(key for record in records for key in record))
        if is_full_records(records):  # our own export: kept as it is, profile and log
            return Table(headers, records, None)
        return Table(headers, [{key: _cell(value) for key, value in record.items()} for record in records], None)
    if suffix not in (".csv", ".tsv", ".txt"):
        raise InvalidValue(_("{file}: import reads .csv, .xlsx or .json files").format(file=path))
    lines = list(csv.reader(io.StringIO(text, newline=""), delimiter="\t" if suffix == ".tsv" else ","))
    if not lines:
        return Table([], [], [])
    headers, rows, numbers = lines[0], [], []
    for number, values in enumerate(lines[1:], start=2):  # a spreadsheet's row numbers: blank rows count
        if any(value.strip() for value in values):
            rows.append({header: unneutralized(values[index]) if index < len(values) else None
                         for index, header in enumerate(headers)})
            numbers.append(number)
    return Table(headers, rows, numbers)


def _read_xlsx(path: Path, data: bytes, sheet: str | None, *, whole: bool) -> Table:
    from io import BytesIO

    from openpyxl import load_workbook

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
        return Table(headers, [{key: _cell(value) for key, value in row.items()} for row in rows], numbers)
    return Table(headers, [], numbers, (_keyed("customers", headers, rows, numbers), _keyed("log", *log),
                                         _keyed("people", *(people or ([], [], [])))))


def _our_sheet(book: Any, kind: str) -> tuple[list[str], list[dict[str, Any]], list[int]] | None:
    """The sheet of our own export's workbook (`log`, `people`, in either language), if the book has it."""
    for name in (kind, sheet_name(kind, "zh")):
        if name in book.sheetnames:
            headers, rows, numbers = _sheet_rows(book[name])
            if {"customer_id"} <= set(column_keys(kind, headers).values()):
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
    keys = column_keys(kind, headers)
    if kind == "customers":  # (a key of the customers' own — company.revenue — is its own title)
        keys = {header: keys.get(header, header) for header in headers if header}
    return [(number, {keys[header]: _typed_cell(value) for header, value in row.items() if header in keys})
            for number, row in zip(numbers, rows)]


def _typed_cell(value: Any) -> Any:
    """A cell of our own workbook as the file held it: a date as a date, a text as written."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, str):
        return _CONTROL.sub(lambda found: chr(int(found.group(1), 16)), unneutralized(value))
    return value


_CONTROL = re.compile(r"_x(00[01][0-9A-F])_")  # a control character, as the export wrote it (Excel's way)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(unneutralized(value))
