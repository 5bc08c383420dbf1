"""`salescli sync`: commit what is pending, pull the team's changes (merged by salescli), push."""

from __future__ import annotations

from typing import Optional

import typer

from salescli.commands import session
from salescli.errors import EXIT_DATA


def register(app: typer.Typer) -> None:
    app.command("sync")(sync)


def sync(
    ctx: typer.Context,
    message: Optional[str] = typer.Option(None, "--message", "-m", help="The commit message (default: what changed)."),
    push: bool = typer.Option(True, "--push/--no-push", help="Push after pulling (default: push)."),
) -> None:
    """Share the folder with the team: commit every pending change to the customers, templates and
    settings; pull from the remote (salescli's merge driver combines two reps' logs); push. When
    another rep pushed meanwhile, it pulls and pushes again (5 tries). A conflict is named file by
    file, with the keys in it, and the next step; nothing is pushed until it is fixed. Its commit
    messages are in the folder's language.

    Examples:

    \b
      salescli sync
      salescli sync -m "本周拜访" --no-push
    """
    s = session(ctx)
    result = s.sync(message=message, push=push)
    for line in result.lines:
        typer.echo(line)
    if result.conflicts:
        raise typer.Exit(EXIT_DATA)
