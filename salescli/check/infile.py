"""One customer file's text checked as `salescli check` checks it: unresolved merge conflicts,
YAML, and everything `rules` finds in the document, each problem at its line and column."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from salescli.check import rules
from salescli.config import Config
from salescli.errors import BrokenFile, DataError, YamlProblem
from salescli.i18n import _


@dataclass(frozen=True)
class FileCheck:
    problems: list[DataError]  # each with `.code` (None for YAML syntax)
    document: Any | None  # the document read, when the text is YAML (None: it could not be read)


def check_text(path: Path, text: str, *, config: Config, today: date) -> FileCheck:
    from salescli import yamlfile  # only here: a check that finds every file in the cache needs no YAML

    conflicts = unresolved(text, path)
    if conflicts:
        return FileCheck(list(conflicts), None)
    duplicates: list[yamlfile.Duplicate] = []
    try:
        document = yamlfile.load(text, duplicates=duplicates)
    except YamlProblem as error:
        return FileCheck([problem(error.message, path, error.line, error.column, None)], None)
    found = [duplicate_key(path, line, column, key) for line, column, key in duplicates]
    findings = rules.validate(document, file_id=path.stem, config=config, today=today)
    return FileCheck(found + [located(finding, path, text) for finding in findings], document)


def duplicate_key(path: Path, line: int, column: int, key: str) -> DataError:
    """A key given twice in one mapping (what `check`, and every command that reads the file, say of it)."""
    return problem(_("`{key}` is given twice here; YAML keeps only the last one, so the earlier is hidden — "
                     "merge the two or delete one").format(key=key), path, line, column, "duplicate-key")


def problem(message: str, path: Path, line: int | None, column: int | None, code: str | None) -> DataError:
    return DataError(message, path=path, line=line, column=column, code=code)


def located(finding: rules.Finding, path: Path, text: str) -> DataError:
    """A finding as a problem at the line and column of the place it names."""
    from salescli import yamlfile

    place = yamlfile.locate(text, finding.where) if finding.where else None
    line, column = place if place else (None, None)
    return problem(finding.message, path, line, column, finding.code)


# ---- unresolved merge conflicts -----------------------------------------------------------------

def unresolved(text: str, path: Path) -> list[BrokenFile]:
    """A problem for each merge conflict the text still holds (conflict markers), at its first line."""
    return [BrokenFile(_("unresolved merge conflict about `{field}`: keep one side, delete the <<<<<<< ======= >>>>>>> "
                         "lines").format(field=about), path=path, line=line, column=1, code="conflict")
            for line, about in conflict_markers(text)]


def conflict_markers(text: str) -> list[tuple[int, str]]:
    """Lines (1-based) where an unresolved merge conflict starts, with what it is about: the key
    (`contact.phone`), the key person (`trust.people: 王强`) or the log event."""
    if "<<<<<<< " not in text:
        return []
    lines = text.splitlines()
    return [(number + 1, _about(lines, number)) for number, line in enumerate(lines) if line.startswith("<<<<<<< ")]


_MARKERS = ("<<<<<<< ", "=======", ">>>>>>> ", "||||||| ")


def _about(lines: list[str], start: int) -> str:
    """The key path of the first line of the conflict that holds a value (on either side)."""
    first = None
    for line in lines[start + 1:]:
        if line.startswith(">>>>>>> "):
            break
        if line.strip() and not line.startswith(_MARKERS) and not line.lstrip().startswith("#"):
            first = line
            break
    if first is None:
        return "?"
    stripped = first.lstrip(" ")
    entry = stripped.startswith("-")
    keys = _keys_above(lines[:start], len(first) - len(stripped) + entry)
    return _entry(keys, stripped.lstrip("- ")) if entry else ".".join([*keys, _key_of(stripped)])


def _keys_above(lines: list[str], column: int) -> list[str]:
    """The keys that hold a line at `column`: each less indented `key:` line above it, outermost first
    (a list's `- ` entries may stand at their key's own column: theirs is one more)."""
    keys: list[str] = []
    for line in reversed(lines):
        stripped = line.lstrip(" ")
        indent = len(line) - len(stripped)
        if indent < column and stripped and not stripped.startswith(("#", "-")) and not line.startswith(_MARKERS) \
                and ":" in stripped:
            keys.insert(0, _key_of(stripped))
            column = indent
            if not indent:
                break
    return keys


def _key_of(line: str) -> str:
    return line.split(":", 1)[0].strip().strip("'\"") or "?"


def _entry(keys: list[str], item: str) -> str:
    """A list entry in conflict: a log event by its date and kind, a key person by name."""
    from salescli import yamlfile
    from salescli.merge import event_label

    try:
        value = yamlfile.load(item)
    except YamlProblem:
        value = None
    if keys == [yamlfile.LOG_KEY]:
        return event_label(value)
    name = value.get("name") if isinstance(value, dict) else None
    return ".".join(keys) + (f": {name}" if name else "") or "?"
