"""`salescli init [PATH]`: make a data folder — customers/, templates/, salescli.yaml, a git repo."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Optional

import typer

from salescli import datafolder, gitops, i18n
from salescli.i18n import _, joined
from salescli.commands import session
from salescli.config import LANGUAGES
from salescli.errors import DataError, InvalidValue


def register(app: typer.Typer) -> None:
    app.command("init", no_args_is_help=False)(init)


def init(
    ctx: typer.Context,
    path: Path = typer.Argument(Path("."), metavar="PATH", help="Where to make the data folder (default: here)."),
    user: Optional[str] = typer.Option(None, "--user", help="Your name: the owner of new customers."),
    language: Optional[str] = typer.Option(None, "--language", help="The folder's language, en or zh (default: "
                                         "--lang, $SALESCLI_LANG or the locale's, zh in a Chinese one)."),
    currency: str = typer.Option("CNY", "--currency", help="The currency of amounts, shown beside totals."),
    git: bool = typer.Option(True, "--git/--no-git", help="Make a git repository if there is none, with a first commit."),
) -> None:
    """Make a new data folder: customers/, templates/, a commented salescli.yaml, and a git repo with
    salescli's merge driver and a .gitignore for its temporary files.

    Existing files are never overwritten; running it again only adds what is missing.

    Examples:

    \b
      salescli init ~/sales --user 李明 --language zh
    """
    s = session(ctx)
    language = language or i18n.choose(s.language_option, None)  # (not the settings of a folder it is run in)
    if language not in LANGUAGES:
        raise InvalidValue(_("--language must be one of {languages}").format(languages=joined(LANGUAGES)))
    settings = {"language": language, "currency": currency, **({"user": user} if user else {})}
    made = datafolder.make(path, settings=settings, gitignore=git)
    new_repository = git and _make_git_repo(path)
    if new_repository:
        made.append(_("a git repository"))
    if git and shutil.which("git") and not (path / ".gitattributes").exists():
        try:
            gitops.setup_merge_driver(path)
            made.append(_("the merge driver for customers/*.yaml"))
        except DataError:
            pass  # not a repository (git init failed or --no-git): nothing to register
    where = path.resolve()
    if made:
        typer.echo(_("Made in {folder}: {made}.").format(folder=where, made=_(", ").join(made)))
    else:
        typer.echo(_("{folder} is already a salescli data folder; nothing to do.").format(folder=where))
    if new_repository:
        _first_commit(path)
    typer.echo(_("Next: salescli add NAME  (salescli add --help lists the fields)"))


def _first_commit(path: Path) -> None:
    """The settings, the template and the git set-up as the repository's first commit, so that
    `git diff` shows every later change."""
    try:
        committed = gitops.commit_paths(path, list(gitops.DATA_PATHS), _("salescli init: settings and template"))
    except DataError as error:
        typer.echo(_("{problem}; then `git add -A && git commit -m 'salescli init'`.").format(problem=error.message),
                   err=True)
        return
    if committed:
        typer.echo(_("First commit: {files}.").format(files=joined(committed)))


def _make_git_repo(path: Path) -> bool:
    if shutil.which("git") is None:
        typer.echo(_("git is not installed: the folder is not versioned (install git, then `git init`)."), err=True)
        return False
    return gitops.init_repository(path)
