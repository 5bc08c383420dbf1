"""Git at the edge: committing one customer file after a salescli write (auto-commit)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from salescli.errors import DataError


def commit_file(root: Path, path: Path, message: str) -> None:
    """Commit `path` alone with `message`; whatever else is staged stays staged and uncommitted."""
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


def _top(root: Path) -> Path:
    return Path(_git(root, "rev-parse", "--show-toplevel").stdout.strip()).resolve()


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True)
