"""`salescli init [PATH]`: make a data folder — customers/, templates/, salescli.yaml, a git repo."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from salescli.api import Folder
from salescli.commands import session
from salescli.i18n import _, choose, joined


def register(app: typer.Typer) -> None:
    app.command("init", no_args_is_help=False)(init)


def init(
    ctx: typer.Context,
    path: Path = typer.Argument(Path("."), metavar="PATH", help="Where to make the data folder (default: here)."),
    user: Optional[str] = typer.Option(None, "--user", help="Your name: the owner of new customers."),
    language: Optional[str] = typer.Option(None, "--language", help="The folder's language, en or zh (default: "
                                         "--lang, $SALESCLI_LANG or the locale's, zh in a Chinese one)."),
    currency: str = typer.Option("CNY", "--currency", help="The currency of amounts, shown beside totals."),
    git: bool = typer.Option(True, "--git/--no-git",
                             help="Make a git repository if there is none, with a first commit."),
) -> None:
    """Make a new data folder: customers/, templates/, a commented salescli.yaml, and a git repo with
    salescli's merge driver and a .gitignore for its temporary files.

    Existing files are never overwritten; running it again only adds what is missing.

    Examples:

    \b
      salescli init ~/sales --user 李明 --language zh
    """
    s = session(ctx)
    done = Folder.init(path, language=language or choose(s.language_option, None), currency=currency, user=user,
                       git=git)  # (the language: not the settings of a folder it is run in)
    if done.made:
        typer.echo(_("Made in {folder}: {made}.").format(folder=done.root, made=_(", ").join(done.made)))
    else:
        typer.echo(_("{folder} is already a salescli data folder; nothing to do.").format(folder=done.root))
    for problem in done.problems:
        typer.echo(problem, err=True)
    if done.committed:
        typer.echo(_("First commit: {files}.").format(files=joined(done.committed)))
    typer.echo(_("Next: salescli add NAME  (salescli add --help lists the fields)"))
