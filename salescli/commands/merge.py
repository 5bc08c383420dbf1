"""`salescli merge-file` (git's merge driver for customer files) and `salescli git-setup`."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path
from typing import Optional

import typer

from salescli import safefile, yamlfile
from salescli.commands import session
from salescli.errors import DataError
from salescli.gitops import setup_merge_driver
from salescli.i18n import N_, _
from salescli.merge import UnsafeMerge, merge_texts



def register(app: typer.Typer) -> None:
    app.command("merge-file")(merge_file)
    app.command("git-setup")(git_setup)


def merge_file(
    ctx: typer.Context,  # (unused: it marks a command, whose docstring the catalog takes)
    base: Path = typer.Argument(..., metavar="BASE", help="The common ancestor (git's %O)."),
    ours: Path = typer.Argument(..., metavar="OURS", help="Our version; the result is written here (%A)."),
    theirs: Path = typer.Argument(..., metavar="THEIRS", help="Their version (%B)."),
    pathname: Optional[str] = typer.Argument(None, metavar="PATH", help="The file's path in the repository (%P)."),
) -> None:
    """Merge two versions of a customer file, as git's merge driver, against their common ancestor:
    log events either side added are kept (once, in date order); an event one side deleted or
    changed and the other left alone is deleted or changed; the profile is merged key by key. A key
    or an event changed differently on both sides gets conflict markers around it alone, and the
    exit code is 1. A version that is not UTF-8 text or not valid YAML is merged by git's line
    merge instead, with conflict markers that name the file.

    Examples:

    \b
      salescli git-setup            # registers this command with git for customers/*.yaml
      salescli merge-file BASE OURS THEIRS customers/x.yaml
    """
    name = pathname or str(ours)
    data = [safefile.read_bytes(path) for path in (base, ours, theirs)]
    try:
        texts = [_utf8(content, side) for content, side in zip(data, _SIDES)]
        result = merge_texts(*texts, line_merge=_line_merge)
    except (yamlfile.YamlProblem, UnsafeMerge, DataError) as reason:
        problem = reason.message if isinstance(reason, (yamlfile.YamlProblem, DataError)) else str(reason)
        typer.echo(_("salescli merge: {file}: {problem}; merged line by line instead").format(
            file=name, problem=problem), err=True)
        conflicted = _git_merge_file(base, ours, theirs, name)
        if not isinstance(reason, _NotUtf8):
            raise typer.Exit(conflicted)
        typer.echo(_("salescli merge: {file}: save it as UTF-8 text, check it with `salescli check`, then `git add` "
                     "it").format(file=name), err=True)
        raise typer.Exit(1)  # mixed encodings are never a clean merge
    safefile.write_file(ours, result.text.encode("utf-8"))
    if result.conflicts:
        typer.echo(_("salescli merge: conflict in {file}: {conflicts} (changed differently on both sides); `salescli "
                     "check` lists them").format(file=name, conflicts="; ".join(result.conflicts)), err=True)
        raise typer.Exit(1)


class _NotUtf8(DataError):
    """One version of the file is not UTF-8 text (an editor saved it as GBK, say)."""


_SIDES = (N_("the common ancestor"), N_("ours"), N_("theirs"))  # the three versions, as a message names them


def _utf8(data: bytes, side: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise _NotUtf8(_("{side} is not UTF-8 text (byte {byte})").format(side=_(side), byte=error.start)) from None


def _line_merge(base: str, ours: str, theirs: str) -> str | None:
    """git's own three-way line merge, or None when it conflicts."""
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for name, text in (("ours", ours), ("base", base), ("theirs", theirs)):
            path = Path(folder) / name
            path.write_text(text, encoding="utf-8")
            paths.append(str(path))
        done = subprocess.run(["git", "merge-file", "-p", *paths], capture_output=True)
    return done.stdout.decode("utf-8") if done.returncode == 0 else None


def _git_merge_file(base: Path, ours: Path, theirs: Path, name: str) -> int:
    """git's line merge into `ours`, its conflict markers naming the file; 1 if it conflicted."""
    labels = [f"{name} ({side})" for side in ("ours", "common ancestor", "theirs")]
    done = subprocess.run(["git", "merge-file", "-L", labels[0], "-L", labels[1], "-L", labels[2],
                           str(ours), str(base), str(theirs)])
    return min(done.returncode, 1) if done.returncode >= 0 else 1


def git_setup(ctx: typer.Context) -> None:
    """Register `salescli merge-file` as git's merge driver for customers/*.yaml in this data
    folder's repository (.gitattributes and the repository's git config). `salescli init` does it too,
    and any salescli command in a fresh clone registers the driver that .gitattributes names.

    Examples:

    \b
      salescli git-setup
    """
    s = session(ctx)
    typer.echo(setup_merge_driver(s.folder.root))
