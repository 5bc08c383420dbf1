"""`salescli check`: validate every customer file; non-zero exit on problems (a pre-commit hook)."""

from __future__ import annotations

import json
import os
from datetime import date
from functools import lru_cache, partial
from pathlib import Path
from typing import Any, Optional

import typer

from salescli import cache, checks, datafolder, filecheck, i18n, parallel, safefile
from salescli.commands import session
from salescli.errors import EXIT_DATA, DataError, display_path
from salescli.i18n import N_, _, ngettext
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
    match their id, unresolved merge conflicts, keys given twice (YAML hides the first), dates and
    amounts out of range, and files that cannot be read (not UTF-8, a FIFO, a looping link). Exits 1
    when it finds any: use it as a git pre-commit hook or in CI.

    Examples:

    \b
      salescli check
      salescli check --format json | jq '.[].message'
    """
    s = session(ctx)
    check_format(fmt, ("text", "json"))
    problems = _problems(s.folder, s.today)
    if fmt == "json":
        typer.echo(json.dumps([_json(problem) for problem in problems], ensure_ascii=False, indent=2))
    else:
        for problem in problems:
            typer.echo(str(problem))
        files = len({problem.path for problem in problems})
        count = len(datafolder.customer_names(s.folder.customers))
        typer.echo(ngettext("{problems} problem in {files} of {count} files", "{problems} problems in {files} of "
                            "{count} files", len(problems)).format(problems=len(problems), files=files, count=count)
                   if problems else ngettext("{count} file checked: no problems", "{count} files checked: no problems",
                                             count).format(count=count), err=bool(problems))
    if problems:
        raise typer.Exit(EXIT_DATA)


def _problems(folder: datafolder.DataFolder, today: date) -> list[DataError]:
    """Every file's problems: from the cache for a file unchanged since it was last checked (with the
    same settings, and no event dated between that day and today), else read and checked."""
    settings = _settings_key(folder)
    _config(folder, settings)  # read here first: broken settings are reported before any file is checked
    memo = cache.load_memo(folder.root, "check", settings + i18n.language().encode())  # (its messages are in a language)
    problems: list[DataError] = []
    loaded: dict[str, checks.Identifying | None] = {}  # file id → what the checks between files need
    files = folder.customers
    names = datafolder.customer_names(files)  # (names, not paths: a Path is made only for a file read or reported)
    prefix = os.path.join(files, "")
    looked_up = [memo.get(prefix + name, name) for name in names]
    stale = [name for name, (_now, kept) in zip(names, looked_up) if kept is None or not _still_true(kept, today)]
    work = partial(_checked_file, folder=folder, settings=settings, today=today)
    checked = dict(zip(stale, parallel.map_files(work, [files / name for name in stale], doing=N_("checking customer files: {number}/{count}"))))
    for name, (now, kept) in zip(names, looked_up):
        if name in checked:
            result = checked[name]
            if isinstance(result, DataError):
                problems.append(result)
                continue
            file_digest, kept = result
            if now is not None:
                memo.put(name, now, file_digest, kept)
        _checked_on, _latest, found, is_loaded, identifying = kept
        if found:
            problems += [filecheck.problem(message, files / name, line, column, code)
                         for message, line, column, code in found]
        if is_loaded:
            loaded[name[:-len(".yaml")]] = None if identifying is None else checks.Identifying(*identifying)
    memo.keep_only(names)
    cache.save_memo(memo)
    for file_id, findings in checks.across(loaded).items():
        if findings:
            path = files / f"{file_id}.yaml"
            text = safefile.read_text(path)
            problems += [filecheck.located(finding, path, text) for finding in findings]
    return sorted(problems, key=lambda p: (str(p.path), p.line or 0, p.column or 0))


def _settings_key(folder: datafolder.DataFolder) -> bytes:
    """What the checks of one file depend on besides the file: the settings (their vocabulary)."""
    try:
        return cache.digest(folder.config_path.read_bytes())
    except OSError:
        return b""


Found = list[tuple[str, Optional[int], Optional[int], Optional[str]]]  # message, line, column, code
Checked = tuple[int, int, Found, bool, Optional[tuple[Optional[str], str, Optional[str]]]]


def _checked_file(path: Path, *, folder: datafolder.DataFolder, settings: bytes, today: date
                  ) -> tuple[bytes, Checked] | DataError:
    """The file's digest and what its checks found (run on every core when there are many: each
    process reads the settings itself, once)."""
    try:
        text = safefile.read_text(path)
    except DataError as error:
        return error
    return cache.digest(text.encode("utf-8")), _check_file(path, text, _config(folder, settings), today)


@lru_cache(maxsize=1)
def _config(folder: datafolder.DataFolder, settings: bytes) -> Any:
    """The folder's settings as of their digest `settings` (read once per process)."""
    return datafolder.load_config(folder)


def _check_file(path: Path, text: str, config: Any, today: date) -> Checked:
    """What one file's checks found, as the cache keeps it: the day checked, the file's latest event
    day, its problems, whether it loaded, what `across` needs."""
    result = filecheck.check_text(path, text, config=config, today=today)
    found: Found = [(problem.message, problem.line, problem.column, problem.code)
                    for problem in result.problems]
    if result.document is None:
        return today.toordinal(), 0, found, False, None
    latest = checks.latest_day(result.document)
    identifying = checks.identifying(result.document, path.stem)
    return (today.toordinal(), latest.toordinal() if latest else 0, found, True,
            None if identifying is None else (identifying.name, identifying.id, identifying.referrer))


def _still_true(kept: Checked, today: date) -> bool:
    """Whether what was found on another day holds today: it does unless an event is dated after
    one of the two days (then whether it lies in the future may differ)."""
    checked_on, latest = kept[0], kept[1]
    return checked_on == today.toordinal() or latest <= min(checked_on, today.toordinal())


def _json(problem: DataError) -> dict[str, Any]:
    return {"file": display_path(problem.path) if problem.path else None, "line": problem.line,
            "column": problem.column, "code": problem.code or "file", "message": problem.message}
