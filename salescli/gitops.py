"""Git at the edge: committing one customer file after a salescli write (auto-commit), and the
merge driver's registration in a clone's git config."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from salescli.errors import DataError

ATTRIBUTES_LINE = "customers/*.yaml merge=salescli"
_SECTION = '[merge "salescli"]'


def commit_file(root: Path, path: Path, message: str) -> None:
    """Commit `path` alone with `message`; whatever else is staged stays staged and uncommitted."""
    import shutil

    if shutil.which("git") is None:
        raise DataError("the change is written, but git is not installed to commit it")
    if _git(root, "rev-parse", "--is-inside-work-tree").returncode != 0:
        raise DataError("the change is written, but the data folder is not in a git repository to commit "
                        "it (run `git init`, or turn auto-commit off)", path=root)
    relative = str(path.resolve().relative_to(_top(root)))
    for step in (("add", "--", relative), ("commit", "--quiet", "--message", message, "--only", "--", relative)):
        done = _git(root, *step)
        if done.returncode != 0:
            problem = (done.stderr or done.stdout).strip().splitlines()
            raise DataError(f"the change is written, but `git {step[0]}` failed: {problem[-1] if problem else '?'}",
                            path=path)


def register_merge_driver(root: Path) -> None:
    """Name `salescli merge-file` as the `salescli` merge driver in the git config of `root`'s repository
    (the config is per clone: `git clone` does not copy it)."""
    import shlex

    driver = f"{shlex.quote(sys.executable)} -m salescli merge-file %O %A %B %P"
    for key, value in (("merge.salescli.name", "salescli semantic merge of customer files"),
                       ("merge.salescli.driver", driver)):
        done = _git(root, "config", key, value)
        if done.returncode != 0:
            raise DataError(f"`git config {key}` failed: {done.stderr.strip() or done.returncode}", path=root)


def ensure_merge_driver(root: Path) -> str | None:
    """In a clone whose .gitattributes asks for the salescli merge driver but whose git config lacks
    it, register it (as `git lfs install` does); the line saying so, or None when nothing was done.
    Cheap when there is nothing to do: a stat, and a read of two small files when the attribute is there."""
    attributes = root / ".gitattributes"
    try:
        if not attributes.is_file() or "merge=salescli" not in attributes.read_text(encoding="utf-8", errors="replace"):
            return None
    except OSError:
        return None
    config = _config_file(root)
    if config is None:
        return None  # not in a git repository (or one that cannot be read): nothing to register in
    try:
        if _SECTION in config.read_text(encoding="utf-8", errors="replace"):
            return None
    except OSError:
        return None
    import shutil

    if shutil.which("git") is None or _git(root, "config", "--get", "merge.salescli.driver").returncode != 1:
        return None  # no git, or the driver is set elsewhere (the global config)
    try:
        register_merge_driver(root)
    except DataError as error:
        return f"warning: .gitattributes asks for salescli's merge driver, but it could not be registered: {error}"
    return ("salescli: registered its merge driver for customers/*.yaml in this clone's git config, as "
            ".gitattributes asks (a fresh clone lacks it; `salescli git-setup` does the same).")


def _config_file(root: Path) -> Path | None:
    """The git config file of the repository `root` is in (a worktree's is its main repository's)."""
    for folder in (root, *root.resolve().parents):
        dot = folder / ".git"
        if dot.is_dir():
            return dot / "config"
        if dot.is_file():
            try:
                pointer = dot.read_text(encoding="utf-8").strip()
            except OSError:
                return None
            if not pointer.startswith("gitdir:"):
                return None
            git_dir = (folder / pointer[len("gitdir:"):].strip()).resolve()
            common = git_dir / "commondir"
            if common.is_file():
                git_dir = (git_dir / common.read_text(encoding="utf-8").strip()).resolve()
            return git_dir / "config"
    return None


def _top(root: Path) -> Path:
    return Path(_git(root, "rev-parse", "--show-toplevel").stdout.strip()).resolve()


def _git(root: Path, *args: str) -> Any:
    import subprocess

    return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True)
