"""`salescli check`: every way a customer file can be wrong, each with the place to fix. Pure:
documents in, findings out; the command reads the files and turns places into line:col."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Mapping

from salescli.config import Config
from salescli.customer import EventKind, fold_name
from salescli.errors import UsageError
from salescli.stages import stage_words
from salescli.vocab import resolve_word

Where = tuple[str | int, ...]
CLASSIFICATION = ("field", "size", "role", "channel", "source")


@dataclass(frozen=True)
class Finding:
    code: str  # a stable name for tools: yaml, vocabulary, date, future-date, order, …
    message: str
    where: Where = ()


def validate(document: Any, *, file_id: str, config: Config, today: date) -> list[Finding]:
    """Everything wrong inside one customer document."""
    if not isinstance(document, Mapping):
        return [Finding("shape", "a customer file must be a mapping of keys (name:, log:, …)")]
    findings = []
    if not str(document.get("name") or "").strip():
        findings.append(Finding("name", "the customer has no name; add `name: …`", ("name",)))
    if document.get("id") not in (None, "") and str(document.get("id")) != file_id:
        findings.append(Finding("id", f"the file name says '{file_id}' but `id:` says '{document.get('id')}'; "
                                      "rename the file or fix the id", ("id",)))
    for key in CLASSIFICATION:
        findings += _vocabulary(document.get(key), key, config)
    findings += _log(document.get("log"), today)
    return findings


def _vocabulary(value: Any, key: str, config: Config) -> list[Finding]:
    if value in (None, ""):
        return []
    vocabulary = config.vocabulary(key)
    if vocabulary.get(str(value)) is not None:
        return []
    try:
        term = vocabulary.resolve(str(value))
    except UsageError as error:
        return [Finding("vocabulary", error.message, (key,))]
    return [Finding("vocabulary", f"'{value}' is not a {key} key; write '{term.key}'", (key,))]


def _log(log: Any, today: date) -> list[Finding]:
    if log is None:
        return []
    if not isinstance(log, list):
        return [Finding("log", "`log:` must be a list of events (`- {date: …, event: …}`)", ("log",))]
    findings: list[Finding] = []
    previous: date | None = None
    for index, item in enumerate(log):
        where: Where = ("log", index)
        if not isinstance(item, Mapping):
            findings.append(Finding("event", "a log event must be a mapping like {date: 2026-11-26, event: note}",
                                    where))
            continue
        findings += _event(item, where, today)
        day = _as_date(item.get("date"))
        if day is not None and previous is not None and day < previous:
            findings.append(Finding("order", f"this event ({day}) is dated before the one above it ({previous}); "
                                             "keep the log oldest first", (*where, "date")))
        previous = day or previous
    return findings


def _event(item: Mapping[str, Any], where: Where, today: date) -> list[Finding]:
    findings = []
    day = _as_date(item.get("date"))
    if item.get("date") in (None, ""):
        findings.append(Finding("date", "the event has no date; write `date: YYYY-MM-DD`", where))
    elif day is None:
        findings.append(Finding("date", f"'{item.get('date')}' is not a date; write YYYY-MM-DD", (*where, "date")))
    elif day > today:
        findings.append(Finding("future-date", f"the event is dated {day}, after today ({today})", (*where, "date")))
    kind = str(item.get("event", ""))
    if kind not in {k.value for k in EventKind}:
        kinds = ", ".join(k.value for k in EventKind)
        findings.append(Finding("event", f"unknown event '{item.get('event')}'; use one of: {kinds}",
                                (*where, "event")))
    if item.get("stage") not in (None, ""):
        try:
            resolve_word(str(item["stage"]), stage_words(), what="stage")
        except UsageError as error:
            findings.append(Finding("vocabulary", error.message, (*where, "stage")))
    for key in ("by", "next"):
        if item.get(key) not in (None, "") and _as_date(item.get(key)) is None:
            findings.append(Finding("date", f"'{item.get(key)}' is not a date; write YYYY-MM-DD", (*where, key)))
    if kind == EventKind.WON.value and item.get("value") in (None, ""):
        findings.append(Finding("won-value", "a won event needs the value: add `value: …`", where))
    if kind == EventKind.LOST.value and not item.get("reason"):
        findings.append(Finding("lost-reason", "a lost event should say why: add `reason: …`", where))
    return findings


def _as_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else None


def across(documents: Mapping[str, Any]) -> dict[str, list[Finding]]:
    """Problems between files (by file id): duplicate ids or names, referrers that do not exist."""
    findings: dict[str, list[Finding]] = {file_id: [] for file_id in documents}
    mappings = {fid: doc for fid, doc in documents.items() if isinstance(doc, Mapping)}
    by_name: dict[str, list[str]] = {}
    by_id: dict[str, list[str]] = {}
    for file_id, document in mappings.items():
        if document.get("name"):
            by_name.setdefault(fold_name(str(document["name"])), []).append(file_id)
        by_id.setdefault(str(document.get("id") or file_id), []).append(file_id)
    for file_id, document in mappings.items():
        twins = [other for other in by_name.get(fold_name(str(document.get("name") or "")), []) if other != file_id]
        if twins and document.get("name"):
            findings[file_id].append(Finding("duplicate-name", f"the name '{document['name']}' is also in "
                                                                f"{', '.join(twins)}; merge them or tell them apart",
                                             ("name",)))
        same_id = [other for other in by_id.get(str(document.get("id") or file_id), []) if other != file_id]
        if same_id:
            findings[file_id].append(Finding("duplicate-id", f"the id is also used by {', '.join(same_id)}", ("id",)))
        referrer = document.get("referred_by")
        if referrer not in (None, "") and str(referrer) not in documents:
            findings[file_id].append(Finding("referrer", f"referred_by '{referrer}' is not a customer id here",
                                             ("referred_by",)))
    return findings


def conflict_markers(text: str) -> list[tuple[int, str]]:
    """Lines (1-based) where an unresolved merge conflict starts, with the field it is about."""
    found = []
    lines = text.splitlines()
    for number, line in enumerate(lines, start=1):
        if line.startswith("<<<<<<< "):
            following = lines[number] if number < len(lines) else ""
            found.append((number, following.split(":", 1)[0].strip() or "?"))
    return found

