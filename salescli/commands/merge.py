"""`salescli merge-file` (git's merge driver for customer files) and `salescli git-setup`."""

from __future__ import annotations

import shlex
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Optional

import typer

from salescli import store, yamlfile
from salescli.commands import session
from salescli.errors import DataError
from salescli.merge import UnsafeMerge, merge_texts

ATTRIBUTES_LINE = "customers/*.yaml merge=salescli"


def register(app: typer.Typer) -> None:
    app.command("merge-file")(merge_file)
    app.command("git-setup")(git_setup)


def merge_file(
    base: Path = typer.Argument(..., metavar="BASE", help="The common ancestor (git's %O)."),
    ours: Path = typer.Argument(..., metavar="OURS", help="Our version; the result is written here (%A)."),
    theirs: Path = typer.Argument(..., metavar="THEIRS", help="Their version (%B)."),
    pathname: Optional[str] = typer.Argument(None, metavar="PATH", help="The file's path in the repository (%P)."),
) -> None:
    """Merge two versions of a customer file, as git's merge driver: both sides' log events kept
    (no duplicates, in date order), the profile merged key by key against the common ancestor.
    A key changed differently on both sides gets conflict markers around it alone, and the exit
    code is 1. Files that are not valid YAML fall back to git's line merge.

    Examples:

    \b
      salescli git-setup            # registers this command with git for customers/*.yaml
      salescli merge-file BASE OURS THEIRS customers/x.yaml
    """
    texts = [store.read_text(path) for path in (base, ours, theirs)]
    try:
        result = merge_texts(*texts, line_merge=_line_merge)
    except (yamlfile.YamlProblem, UnsafeMerge, DataError) as reason:
        typer.echo(f"salescli merge: {pathname or ours}: {reason}; merging line by line", err=True)
        raise typer.Exit(_git_merge_file(base, ours, theirs))
    store.write_file(ours, result.text.encode("utf-8"))
    if result.conflicts:
        typer.echo(f"salescli merge: conflict in {pathname or ours}: {', '.join(result.conflicts)} "
                   "(changed differently on both sides); `salescli check` lists them", err=True)
        raise typer.Exit(1)


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


def _git_merge_file(base: Path, ours: Path, theirs: Path) -> int:
    done = subprocess.run(["git", "merge-file", "-L", "ours", "-L", "base", "-L", "theirs",
                           str(ours), str(base), str(theirs)])
    return min(done.returncode, 1) if done.returncode >= 0 else 1


def git_setup(ctx: typer.Context) -> None:
    """Register `salescli merge-file` as git's merge driver for customers/*.yaml in this data
    folder's repository (.gitattributes and the repository's git config). `salescli init` does it too.

    Examples:

    \b
      salescli git-setup
    """
    s = session(ctx)
    typer.echo(setup_merge_driver(s.folder.root))


def setup_merge_driver(root: Path) -> str:
    """Write .gitattributes and the git config for the merge driver; say what was done."""
    inside = subprocess.run(["git", "-C", str(root), "rev-parse", "--is-inside-work-tree"], capture_output=True)
    if inside.returncode != 0:
        raise DataError("not in a git repository: run `git init` first", path=root)
    attributes = root / ".gitattributes"
    existing = attributes.read_text(encoding="utf-8") if attributes.exists() else ""
    if ATTRIBUTES_LINE not in existing.splitlines():
        separator = "" if not existing or existing.endswith("\n") else "\n"
        store.write_file(attributes, (existing + separator + ATTRIBUTES_LINE + "\n").encode("utf-8"))
    driver = f"{shlex.quote(sys.executable)} -m salescli merge-file %O %A %B %P"
    for key, value in (("merge.salescli.name", "salescli semantic merge of customer files"),
                       ("merge.salescli.driver", driver)):
        subprocess.run(["git", "-C", str(root), "config", key, value], check=True, capture_output=True)
    return f"git merges customers/*.yaml with salescli now ({attributes.name}: {ATTRIBUTES_LINE})."
