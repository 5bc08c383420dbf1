"""`salescli check`: validate every customer file; non-zero exit on problems (a pre-commit hook)."""

from __future__ import annotations

import json
from typing import Any

import typer

from salescli.api import SIMILAR_NAME
from salescli.commands import session
from salescli.errors import EXIT_DATA, DataError, display_path
from salescli.i18n import _, ngettext
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
    match their id, unresolved merge conflicts (and files git has not finished merging), keys given
    twice (YAML hides the first), dates and amounts out of range, and files that cannot be read (not
    UTF-8, a FIFO, a looping link). Exits 1 when it finds any: use it as a git pre-commit hook or in CI.

    Examples:

    \b
      salescli check
      salescli check --format json | jq '.[].message'
    """
    s = session(ctx)
    check_format(fmt, ("text", "json"))
    found = s.check()
    problems = [problem for problem in found if problem.code != SIMILAR_NAME]
    alike = len(found) - len(problems)  # warnings: two firms may well have names alike
    if fmt == "json":
        typer.echo(json.dumps([_json(problem) for problem in found], ensure_ascii=False, indent=2))
    else:
        for problem in found:
            typer.echo(str(problem) if problem.code != SIMILAR_NAME else _("{place} (a warning)").format(place=problem))
        files = len({problem.path for problem in problems})
        count = len(s.files())
        typer.echo(ngettext("{problems} problem in {files} of {count} files", "{problems} problems in {files} of "
                            "{count} files", len(problems)).format(problems=len(problems), files=files, count=count)
                   if problems else ngettext("{count} file checked: no problems", "{count} files checked: no problems",
                                             count).format(count=count), err=bool(problems))
        if alike:
            typer.echo(ngettext("{count} name is like another customer's (a warning: check exits 0 for it)",
                                "{count} names are like other customers' (warnings: check exits 0 for them)",
                                alike).format(count=alike), err=True)
    if problems:
        raise typer.Exit(EXIT_DATA)


def _json(problem: DataError) -> dict[str, Any]:
    return {"file": display_path(problem.path) if problem.path else None, "line": problem.line,
            "column": problem.column, "code": problem.code or "file", "message": problem.message}
