"""One customer file's text checked as `salescli check` checks it: unresolved merge conflicts,
YAML, and everything `checks` finds in the document, each problem at its line and column."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from salescli import checks
from salescli.config import Config
from salescli.errors import DataError
from salescli.i18n import _


@dataclass(frozen=True)
class FileCheck:
    problems: list[DataError]  # each with `.code` (None for conflict markers and YAML syntax)
    document: Any | None  # the document read, when the text is YAML (None: it could not be read)


def check_text(path: Path, text: str, *, config: Config, today: date) -> FileCheck:
    from salescli import yamlfile  # only here: a check that finds every file in the cache needs no YAML

    markers = checks.conflict_markers(text)
    if markers:
        return FileCheck([problem(_("unresolved merge conflict about `{field}`: keep one side, delete the "
                                    "<<<<<<< ======= >>>>>>> lines").format(field=field), path, line, 1, None)
                          for line, field in markers], None)
    duplicates: list[yamlfile.Duplicate] = []
    try:
        document = yamlfile.load(text, duplicates=duplicates)
    except yamlfile.YamlProblem as error:
        return FileCheck([problem(error.message, path, error.line, error.column, None)], None)
    found = [duplicate_key(path, line, column, key) for line, column, key in duplicates]
    findings = checks.validate(document, file_id=path.stem, config=config, today=today)
    return FileCheck(found + [located(finding, path, text) for finding in findings], document)


def duplicate_key(path: Path, line: int, column: int, key: str) -> DataError:
    """A key given twice in one mapping (what `check`, and every command that reads the file, say of it)."""
    return problem(_("`{key}` is given twice here; YAML keeps only the last one, so the earlier is hidden — "
                     "merge the two or delete one").format(key=key), path, line, column, "duplicate-key")


def problem(message: str, path: Path, line: int | None, column: int | None, code: str | None) -> DataError:
    return DataError(message, path=path, line=line, column=column, code=code)


def located(finding: checks.Finding, path: Path, text: str) -> DataError:
    """A finding as a problem at the line and column of the place it names."""
    from salescli import yamlfile

    place = yamlfile.locate(text, finding.where) if finding.where else None
    line, column = place if place else (None, None)
    return problem(finding.message, path, line, column, finding.code)
