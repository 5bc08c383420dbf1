"""`salescli check`: validate every customer file; non-zero exit on problems (a pre-commit hook)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer

from salescli import checks, store, yamlfile
from salescli.commands import session
from salescli.errors import EXIT_DATA, DataError, display_path
from salescli.render import check_format


def register(app: typer.Typer) -> None:
    app.command("check")(check)


def check(
    ctx: typer.Context,
    fmt: str = typer.Option("text", "--format", "-f", help="text or json."),
) -> None:
    """Check every customer file: YAML syntax, unknown stage/field/size/role/channel/source values
    (with the closest valid one), invalid or future dates, log events out of order, won events
    without a value, referrers that do not exist, duplicate ids or names, file names that do not
    match their id, and unresolved merge conflicts. Exits 1 when it finds any: use it as a git
    pre-commit hook or in CI.

    Examples:

    \b
      salescli check
      salescli check --format json | jq '.[].message'
    """
    s = session(ctx)
    check_format(fmt, ("text", "json"))
    problems = _problems(s.folder, s.config, s.today)
    if fmt == "json":
        typer.echo(json.dumps([_json(problem) for problem in problems], ensure_ascii=False, indent=2))
    else:
        for problem in problems:
            typer.echo(str(problem))
        files = len({problem.path for problem in problems})
        count = len(store.DataFolder(s.folder.root).customer_files())
        typer.echo(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} in {files} of {count} files"
                   if problems else f"{count} files checked: no problems", err=bool(problems))
    if problems:
        raise typer.Exit(EXIT_DATA)


def _problems(folder: store.DataFolder, config: Any, today: Any) -> list[DataError]:
    texts: dict[str, tuple[Path, str]] = {}
    problems: list[DataError] = []
    documents: dict[str, Any] = {}
    for path in folder.customer_files():
        try:
            text = store.read_text(path)
        except DataError as error:
            problems.append(error)
            continue
        texts[path.stem] = (path, text)
        markers = checks.conflict_markers(text)
        if markers:
            problems += [DataError(f"unresolved merge conflict about `{field}`: keep one side, delete the "
                                   "<<<<<<< ======= >>>>>>> lines", path=path, line=line, column=1)
                         for line, field in markers]
            documents[path.stem] = None
            continue
        try:
            documents[path.stem] = yamlfile.load(text)
        except yamlfile.YamlProblem as error:
            problems.append(DataError(error.message, path=path, line=error.line, column=error.column))
            documents[path.stem] = None
            continue
        for finding in checks.validate(documents[path.stem], file_id=path.stem, config=config, today=today):
            problems.append(_located(finding, path, text))
    loaded = {file_id: document for file_id, document in documents.items() if document is not None}
    for file_id, findings in checks.across(loaded).items():
        path, text = texts[file_id]
        problems += [_located(finding, path, text) for finding in findings]
    return sorted(problems, key=lambda p: (str(p.path), p.line or 0, p.column or 0))


def _located(finding: checks.Finding, path: Path, text: str) -> DataError:
    place = yamlfile.locate(text, finding.where) if finding.where else None
    line, column = place if place else (None, None)
    problem = DataError(finding.message, path=path, line=line, column=column)
    problem.code = finding.code  # type: ignore[attr-defined]
    return problem


def _json(problem: DataError) -> dict[str, Any]:
    return {"file": display_path(problem.path) if problem.path else None, "line": problem.line,
            "column": problem.column, "code": getattr(problem, "code", "file"), "message": problem.message}
