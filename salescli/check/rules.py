"""`salescli check`: every way a customer file can be wrong, each with the place to fix. Pure:
documents in, findings out; the command reads the files and turns places into line:col."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Mapping, NamedTuple

from salescli.config import Config
from salescli.customer import EventKind, event_from_item, fold_name
from salescli.errors import InvalidValue, LogProblem
from salescli.i18n import _, joined
from salescli.matching import similar_pairs
from salescli.profile import PEOPLE_KEY, PERSON, PROFILE, Kind
from salescli.stages import stage_words
from salescli.vocab import resolve_word

Where = tuple[str | int, ...]


@dataclass(frozen=True)
class Finding:
    code: str  # a stable name for tools: yaml, vocabulary, date, future-date, order, …
    message: str
    where: Where = ()


def validate(document: Any, *, file_id: str, config: Config, today: date) -> list[Finding]:
    """Everything wrong inside one customer document."""
    if not isinstance(document, Mapping):
        return [Finding("shape", _("a customer file must be a mapping of keys (name:, log:, …)"))]
    findings = []
    if not str(document.get("name") or "").strip():
        findings.append(Finding("name", _("the customer has no name; add `name: …`"), ("name",)))
    if document.get("id") not in (None, "") and str(document.get("id")) != file_id:
        findings.append(Finding("id", _("the file name says '{file}' but `id:` says '{id}'; rename the file or "
                                        "fix the id").format(file=file_id, id=document.get("id")), ("id",)))
    findings += _profile(document, config)
    findings += _people(_value(document, PEOPLE_KEY))
    findings += _log(document.get("log"), today)
    if history_gone(document):
        findings.append(history_finding(file_id))
    return findings


def history_gone(document: Mapping[str, Any]) -> bool:
    """Whether the customer's history is gone: salescli starts every customer's log with an `added` event,
    so a customer without any event (a file cut before `log:`, an emptied log) has lost it."""
    log = document.get("log")
    return log is None or log == "" or log == []


def history_finding(file_id: str) -> Finding:
    """What `check`, and every command that reads the file, say of a history that is gone."""
    message = _("the customer has no log: its history is gone (salescli starts every customer's log with an "
                "`added` event); restore it from git (`git log -p -- {file}`) or a backup").format(
        file=f"customers/{file_id}.yaml")
    return Finding("history", message)


def _profile(document: Mapping[str, Any], config: Config) -> list[Finding]:
    """Each registry field's value of the right kind: a term of its vocabulary, a date, a number."""
    findings = []
    for field in PROFILE:
        problem = field.problem(_value(document, field.key), config.vocabularies)
        if problem is not None:
            code = "vocabulary" if field.kind is Kind.TERM else "value"
            findings.append(Finding(code, problem, tuple(field.key.split("."))))
    return findings


def _people(people: Any) -> list[Finding]:
    if people in (None, ""):
        return []
    where: Where = tuple(PEOPLE_KEY.split("."))
    if not isinstance(people, list):
        return [Finding("person", _("key people are a list, one `- {name: …, title: …}` each"), where)]
    findings = []
    for index, person in enumerate(people):
        if not isinstance(person, Mapping) or not str(person.get("name") or "").strip():
            findings.append(Finding("person", _("a key person needs a name: `- {name: 王强, …}`"), (*where, index)))
            continue
        for field in PERSON:
            problem = field.problem(person.get(field.key), {})
            if problem is not None:
                findings.append(Finding("value", problem, (*where, index, field.key)))
    return findings


def _value(document: Any, key: str) -> Any:
    for part in key.split("."):
        document = document.get(part) if isinstance(document, Mapping) else None
    return document


def _log(log: Any, today: date) -> list[Finding]:
    if log is None:
        return []
    if not isinstance(log, list):
        return [Finding("log", _("`log:` must be a list of events (`- {date: …, event: …}`)"), ("log",))]
    findings: list[Finding] = []
    previous: date | None = None
    for index, item in enumerate(log):
        where: Where = ("log", index)
        if type(item) is not dict and not isinstance(item, Mapping):  # (typing's isinstance is slow: dicts first)
            findings.append(Finding("event", _("a log event must be a mapping like {date: 2026-11-26, event: note}"),
                                    where))
            continue
        found = _event(item, where, today)
        if not found:  # what else would stop the file from being read: an amount, a date out of range
            try:
                event_from_item(item, index)
            except LogProblem as problem:
                found = [Finding("event", problem.args[0], problem.where)]
        findings += found
        day = _as_date(item.get("date"))
        if day is not None and previous is not None and day < previous:
            findings.append(Finding("order", _("this event ({day}) is dated before the one above it ({previous}); "
                                               "keep the log oldest first").format(day=day, previous=previous),
                                    (*where, "date")))
        previous = day or previous
    return findings


_EVENT_KINDS = frozenset(kind.value for kind in EventKind)


def _event(item: Mapping[str, Any], where: Where, today: date) -> list[Finding]:
    findings = []
    day = _as_date(item.get("date"))
    if item.get("date") in (None, ""):
        findings.append(Finding("date", _("the event has no date; write `date: YYYY-MM-DD`"), where))
    elif day is None:
        findings.append(Finding("date", _("'{value}' is not a date; write YYYY-MM-DD").format(value=item.get("date")),
                                (*where, "date")))
    elif day > today:
        findings.append(Finding("future-date", _("the event is dated {day}, after today ({today})").format(
            day=day, today=today), (*where, "date")))
    kind = str(item.get("event", ""))
    if kind not in _EVENT_KINDS:
        kinds = joined(k.value for k in EventKind)
        findings.append(Finding("event", _("unknown event '{event}'; use one of: {kinds}").format(
            event=item.get("event"), kinds=kinds), (*where, "event")))
    if item.get("stage") not in (None, ""):
        try:
            resolve_word(str(item["stage"]), stage_words(), what="stage")
        except InvalidValue as error:
            findings.append(Finding("vocabulary", error.message, (*where, "stage")))
    for key in ("by", "next"):
        if item.get(key) not in (None, "") and _as_date(item.get(key)) is None:
            findings.append(Finding("date", _("'{value}' is not a date; write YYYY-MM-DD").format(value=item.get(key)),
                                    (*where, key)))
    if kind == EventKind.WON.value and item.get("value") in (None, ""):
        findings.append(Finding("won-value", _("a won event needs the value: add `value: …`"), where))
    if kind == EventKind.LOST.value and not item.get("reason"):
        findings.append(Finding("lost-reason", _("a lost event should say why: add `reason: …`"), where))
    return findings


def latest_day(document: Any) -> date | None:
    """The latest day an event in the document is dated (whether any is in the future depends on it)."""
    log = document.get("log") if isinstance(document, Mapping) else None
    days = [_as_date(item.get("date")) for item in log if type(item) is dict or isinstance(item, Mapping)] \
        if isinstance(log, list) else []
    return max((day for day in days if day is not None), default=None)


def _as_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else None


class Identifying(NamedTuple):
    """What the checks between files need of one document (small enough to keep in a cache)."""

    name: str | None  # the name, when it has one
    id: str  # the id it claims (its file id unless it says otherwise)
    referrer: str | None  # referred_by, when given


def identifying(document: Any, file_id: str) -> Identifying | None:
    """None for a document that is not a mapping (it still counts as a customer id that exists)."""
    if not isinstance(document, Mapping):
        return None
    referrer = document.get("referred_by")
    return Identifying(str(document["name"]) if document.get("name") else None, str(document.get("id") or file_id),
                       None if referrer in (None, "") else str(referrer))


def across(documents: Mapping[str, Identifying | None]) -> dict[str, list[Finding]]:
    """Problems between files (by file id): duplicate ids or names, referrers that do not exist."""
    mappings = {file_id: document for file_id, document in documents.items() if document is not None}
    by_name: dict[str, list[str]] = {}
    by_id: dict[str, list[str]] = {}
    for file_id, document in mappings.items():
        if document.name:
            by_name.setdefault(fold_name(document.name), []).append(file_id)
        by_id.setdefault(document.id, []).append(file_id)
    findings: dict[str, list[Finding]] = {file_id: [] for file_id in documents}
    for file_id, document in mappings.items():
        twins = [other for other in by_name.get(fold_name(document.name or ""), []) if other != file_id]
        same_id = [other for other in by_id.get(document.id, []) if other != file_id]
        findings[file_id] += _clashes(document, twins, same_id, referrer_known=document.referrer in documents)
    for one, other in similar_pairs([_Named(file_id, document.name) for file_id, document in mappings.items()
                                     if document.name]):
        findings[one.id].append(Finding(SIMILAR_NAME, _(
            "the name '{name}' is like {other}'s ({file}): if they are one customer, keep one file (move what the "
            "other holds into it, then delete it); if two, nothing to do").format(
            name=one.name, other=other.name, file=other.id), ("name",)))
    return findings


def _clashes(document: Identifying, twins: list[str], same_id: list[str], *, referrer_known: bool) -> list[Finding]:
    """What one file's name, id and referrer clash with: the files of the same name (`twins`) or id, and a
    referrer that is no customer."""
    findings = []
    if twins and document.name:
        findings.append(Finding("duplicate-name", _("the name '{name}' is also in {files}; merge them or "
                                                    "tell them apart").format(name=document.name, files=joined(twins)),
                                ("name",)))
    if same_id:
        findings.append(Finding("duplicate-id", _("the id is also used by {files}").format(files=joined(same_id)),
                                ("id",)))
    if document.referrer is not None and not referrer_known:
        findings.append(Finding("referrer", _("referred_by '{id}' is not a customer id here").format(
            id=document.referrer), ("referred_by",)))
    return findings


SIMILAR_NAME = "similar-name"  # a finding that is a warning: `check` says it and exits 0 for it alone


class _Named(NamedTuple):
    id: str
    name: str
