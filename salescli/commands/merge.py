"""`salescli merge-file` (git's merge driver for customer files) and `salescli git-setup`."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from salescli import gitops, safefile, yamlfile
from salescli.commands import session
from salescli.errors import DataError, UnsafeMerge, YamlProblem
from salescli.i18n import N_, _
from salescli.merge import merge_texts


def register(app: typer.Typer) -> None:
    app.command("merge-file")(merge_file)
    app.command("git-setup")(git_setup)


def merge_file(
    ctx: typer.Context,  # (unused: it marks a command, whose docstring the catalog takes)
    base: Path = typer.Argument(..., metavar="BASE", help="The common ancestor (git's %O)."),
    ours: Path = typer.Argument(..., metavar="OURS", help="Our version; the result is written here (%A)."),
    theirs: Path = typer.Argument(..., metavar="THEIRS", help="Their version (%B)."),
    pathname: Optional[str] = typer.Argument(None, metavar="PATH", help="The file's path in the repository (%P)."),
    conflict_status: int = typer.Option(1, "--conflict-status", metavar="N", min=1, max=125,
                                        help="The exit status when the merge has conflicts (the registered driver "
                                             "asks for 3, to tell a conflict from a salescli that cannot run)."),
) -> None:
    """Merge two versions of a customer file, as git's merge driver, against their common ancestor:
    log events either side added are kept (once, in date order, with their comments); an event one
    side deleted or changed and the other left alone is deleted or changed; the profile is merged key
    by key, and the key people person by person; comments either side changed are kept. A key, a key
    person or an event changed differently on both sides (or changed on one and deleted on the other)
    gets conflict markers around it alone, and the exit code is 1 (or --conflict-status). A version
    that is not UTF-8 text or not valid YAML, or a merge that would not read back as meant, is merged
    by git's line merge instead, with conflict markers that name the file.

    Examples:

    \b
      salescli git-setup            # registers this command with git for customers/*.yaml
      salescli merge-file BASE OURS THEIRS customers/x.yaml
    """
    name = pathname or str(ours)
    data = [safefile.read_bytes(path) for path in (base, ours, theirs)]
    try:
        texts = [_utf8(content, side) for content, side in zip(data, _SIDES)]
        result = merge_texts(*texts, line_merge=gitops.line_merge)
    except (YamlProblem, UnsafeMerge, DataError) as reason:
        problem = reason.message if isinstance(reason, (YamlProblem, DataError)) else str(reason)
        typer.echo(_("salescli merge: {file}: {problem}; merged line by line instead").format(
            file=name, problem=problem), err=True)
        conflicted = gitops.merge_file_by_lines(base, ours, theirs, name)
        if not isinstance(reason, _NotUtf8):
            raise typer.Exit(conflict_status if conflicted else 0)
        typer.echo(_("salescli merge: {file}: save it as UTF-8 text, check it with `salescli check`, then `git add` "
                     "it").format(file=name), err=True)
        raise typer.Exit(conflict_status)  # mixed encodings are never a clean merge
    safefile.write_file(ours, result.text.encode("utf-8"))
    if result.conflicts:
        typer.echo(_("salescli merge: conflict in {file}: {conflicts} (changed differently on both sides); `salescli "
                     "check` lists them").format(file=name, conflicts="; ".join(result.conflicts)), err=True)
        raise typer.Exit(conflict_status)


class _NotUtf8(DataError):
    """One version of the file is not UTF-8 text (an editor saved it as GBK, say)."""


_SIDES = (N_("the common ancestor"), N_("ours"), N_("theirs"))  # the three versions, as a message names them


def _utf8(data: bytes, side: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise _NotUtf8(_("{side} is not UTF-8 text (byte {byte})").format(side=_(side), byte=error.start)) from None


def git_setup(ctx: typer.Context) -> None:
    """Register `salescli merge-file` as git's merge driver for customers/*.yaml in this data
    folder's repository (.gitattributes and the repository's git config). `salescli init` does it too,
    and any salescli command in a fresh clone registers the driver that .gitattributes names.

    Examples:

    \b
      salescli git-setup
    """
    s = session(ctx)
    typer.echo(gitops.setup_merge_driver(s.folder.root))
