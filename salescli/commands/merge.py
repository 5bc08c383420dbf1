"""`salescli merge-file` (git's merge driver for customer files) and `salescli git-setup`."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from salescli.api import merge_versions
from salescli.commands import session
from salescli.i18n import _


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
    merged = merge_versions(base, ours, theirs, name)
    if merged.problem is not None:
        typer.echo(_("salescli merge: {file}: {problem}; merged line by line instead").format(
            file=name, problem=merged.problem), err=True)
        if merged.not_utf8:
            typer.echo(_("salescli merge: {file}: save it as UTF-8 text, check it with `salescli check`, then `git "
                         "add` it").format(file=name), err=True)
    elif merged.conflicts:
        typer.echo(_("salescli merge: conflict in {file}: {conflicts} (changed differently on both sides); `salescli "
                     "check` lists them").format(file=name, conflicts="; ".join(merged.conflicts)), err=True)
    if not merged.clean:
        raise typer.Exit(conflict_status)  # (mixed encodings are never a clean merge)


def git_setup(ctx: typer.Context) -> None:
    """Register `salescli merge-file` as git's merge driver for customers/*.yaml in this data
    folder's repository (.gitattributes and the repository's git config). `salescli init` does it too,
    and any salescli command in a fresh clone registers the driver that .gitattributes names.

    Examples:

    \b
      salescli git-setup
    """
    s = session(ctx)
    typer.echo(s.git_setup())
