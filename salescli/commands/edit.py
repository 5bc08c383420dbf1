"""`salescli edit CUSTOMER`: the customer's file in your editor, checked before it is saved."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import tempfile
from pathlib import Path

import typer

from salescli.commands import CUSTOMER, hinting, name_hint, session
from salescli.errors import EXIT_DATA, DataError, InvalidValue
from salescli.i18n import _

MARK = "# salescli edit: "  # starts the lines of the note put above a draft that was not saved
MOST_ROUNDS = 20


def register(app: typer.Typer) -> None:
    app.command("edit", cls=hinting(name_hint))(edit)


def edit(
    ctx: typer.Context,
    customer: str = CUSTOMER,
) -> None:
    """Edit a customer's file in $VISUAL or $EDITOR (as `git commit` and `crontab -e` do). On save
    the file is checked as `salescli check` checks it; a broken file is never saved: the editor
    opens again with the problems on top, and quitting without a change leaves the file exactly as
    it was. An unchanged save changes nothing.

    Examples:

    \b
      salescli edit 天河机场
      EDITOR=nano salescli edit tianhejichang
    """
    s = session(ctx)
    found = s.customer(customer)
    path = s.path_of(found)
    original = s.source(found)
    known = set(map(_key, s.check_text(found.id, original)))  # what was wrong already: an edit need not mend it
    draft = original
    shown: list[tuple[int | None, str]] = []  # the problems put above the draft in the editor
    for _round in range(MOST_ROUNDS):
        edited = _run_editor(_note(shown) + draft, found.id)
        if edited is None:  # saved in another encoding: the draft as it was, with the problem on top
            shown = [(None, _("the editor saved the file in another encoding; save it as UTF-8"))]
            continue
        if edited == original:
            typer.echo(_("No changes."))
            return
        if shown and edited == draft:  # handed back as it was: the rep gives up
            _give_up(draft, path, shown)
        problems = [problem for problem in s.check_text(found.id, edited) if _key(problem) not in known]
        if not problems:
            s.save_text(found.id, original, edited)
            typer.echo(_("Saved {file}.").format(file=s.shown(path)))
            return
        draft, shown = edited, [(problem.line, problem.message) for problem in problems]
    _give_up(draft, path, shown)


def _key(problem: DataError) -> tuple[str, str]:
    return problem.code or "", problem.message


def _note(problems: list[tuple[int | None, str]]) -> str:
    """The lines put above a draft that was not saved: what is wrong, at which line of the editor."""
    if not problems:
        return ""
    lines = [MARK + _("NOT SAVED: fix this and save; quit without changing anything to give up.")]
    offset = len(lines) + len(problems)
    lines += [MARK + (message if line is None else _("line {line}: {problem}").format(line=line + offset,
                                                                                    problem=message))
              for line, message in problems]
    return "".join(line + "\n" for line in lines)


def _run_editor(text: str, customer_id: str) -> str | None:
    """`text` as the rep left it in the editor (the note above it taken off again); None when it was
    not saved as UTF-8."""
    command = _editor()
    handle, name = tempfile.mkstemp(prefix=f"salescli-{customer_id}-", suffix=".yaml")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as file:
            file.write(text)
        try:
            done = subprocess.run([*command, name])
        except OSError as error:
            raise InvalidValue(_("cannot start the editor '{editor}': {problem}; set $EDITOR (e.g. export "
                               "EDITOR=nano)").format(editor=shlex.join(command), problem=error.strerror)) from None
        if done.returncode != 0:
            raise DataError(_("the editor exited with status {status}; nothing was saved").format(
                status=done.returncode))
        try:
            edited = Path(name).read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            return None
    finally:
        Path(name).unlink(missing_ok=True)
    return "".join(line for line in edited.splitlines(keepends=True) if not line.startswith(MARK))


def _editor() -> list[str]:
    chosen = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    if chosen and chosen.strip():
        return shlex.split(chosen)
    for fallback in ("editor", "nano", "vi", "notepad"):
        if shutil.which(fallback):
            return [fallback]
    raise InvalidValue(_("no editor found: set $EDITOR (e.g. export EDITOR=nano)"))


def _give_up(draft: str, path: Path, problems: list[tuple[int | None, str]]) -> None:
    """Keep the draft, and say why it was not saved: the problems the editor was last shown, at their
    lines in the draft (in a script the editor is a program: nobody read them there)."""
    handle, name = tempfile.mkstemp(prefix=f"salescli-{path.stem}-unsaved-", suffix=".yaml")
    with os.fdopen(handle, "w", encoding="utf-8", newline="") as file:
        file.write(draft)
    typer.echo(_("Not saved: {file} is as it was. Your draft is kept in {draft}.").format(file=path.name, draft=name),
               err=True)
    for line, message in problems:
        typer.echo("  " + (message if line is None else _("line {line}: {problem}").format(line=line, problem=message)),
                   err=True)
    raise typer.Exit(EXIT_DATA)
