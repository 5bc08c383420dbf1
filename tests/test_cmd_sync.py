"""`salescli sync` between two reps' clones of one remote (real git repositories)."""

import subprocess
from pathlib import Path

import pytest

from tests.conftest import invoke, without_git_identity


def git(folder: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(folder), *args], check=True, capture_output=True, text=True).stdout


@pytest.fixture
def team(tmp_path: Path) -> tuple[Path, Path]:
    """Two reps' folders, `a` and `b`, sharing a remote; `a` made the folder and pushed it first."""
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    a, b = tmp_path / "a", tmp_path / "b"
    assert invoke(tmp_path, "init", str(a), "--user", "李明").exit_code == 0
    git(a, "remote", "add", "origin", str(remote))
    assert invoke(a, "sync").stdout == "Nothing to commit.\nPushed.\n"
    subprocess.run(["git", "clone", "-q", str(remote), str(b)], check=True)
    assert invoke(b, "git-setup").exit_code == 0  # a clone does not inherit the merge driver's git config
    return a, b


def test_sync_commits_pulls_and_pushes(team: tuple[Path, Path]) -> None:
    a, b = team
    invoke(a, "add", "中建三局", "--id", "zj", "--no-input")
    assert invoke(a, "sync").stdout == "Committed 1 changed file.\nAlready up to date with the team.\nPushed.\n"
    assert git(a, "log", "-1", "--format=%s") == "salescli sync: 1 customer (zj)\n"
    assert invoke(b, "sync").stdout == "Nothing to commit.\nPulled 1 changed file from the team.\nPushed.\n"
    assert (b / "customers" / "zj.yaml").read_bytes() == (a / "customers" / "zj.yaml").read_bytes()


def test_two_reps_visits_are_merged(team: tuple[Path, Path]) -> None:
    a, b = team
    invoke(a, "add", "中建三局", "--id", "zj", "--no-input")
    invoke(a, "sync")
    invoke(b, "sync")
    invoke(a, "visit", "zj", "--note", "李明去了", today="2026-11-26")
    invoke(b, "visit", "zj", "--note", "王芳去了", today="2026-11-27")
    invoke(a, "sync", "-m", "李明的拜访")
    result = invoke(b, "sync")
    assert result.exit_code == 0, result
    assert result.stdout == "Committed 1 changed file.\nPulled 1 changed file from the team.\nPushed.\n"
    log = (b / "customers" / "zj.yaml").read_text(encoding="utf-8")
    assert log.endswith("- {date: 2026-11-26, event: visit, note: 李明去了}\n"
                        "- {date: 2026-11-27, event: visit, note: 王芳去了}\n")
    assert invoke(a, "sync").stdout == "Nothing to commit.\nPulled 1 changed file from the team.\nPushed.\n"
    assert (a / "customers" / "zj.yaml").read_text(encoding="utf-8") == log


def test_a_conflict_is_named_with_the_next_step(team: tuple[Path, Path]) -> None:
    a, b = team
    invoke(a, "add", "中建三局", "--id", "zj", "--no-input")
    invoke(a, "sync")
    invoke(b, "sync")
    invoke(a, "set", "zj", "field=bank")
    invoke(b, "set", "zj", "field=房地产")
    invoke(a, "sync")
    result = invoke(b, "sync")
    assert result.exit_code == 1
    assert result.stdout == (
        "Committed 1 changed file.\n"
        "Conflict in customers/zj.yaml: both sides changed the same value. The file has <<<<<<< ours ======= theirs "
        ">>>>>>> around it (`salescli check` names it): keep one side, delete the marker lines, then "
        "`git add customers/zj.yaml`, `git commit --no-edit` and `salescli sync` again. Nothing was pushed.\n")
    assert "unresolved merge conflict about `field`" in invoke(b, "check").stdout


def test_sync_without_a_remote_or_a_repository(tmp_path: Path, folder: Path) -> None:
    assert invoke(folder, "sync").stderr == (f"Error: {folder}: the data folder is not in a git repository: run "
                                             "`salescli init` (or `git init`) first\n")
    subprocess.run(["git", "init", "-q", str(folder)], check=True)
    invoke(folder, "add", "中建三局", "--id", "zj", "--no-input")
    assert invoke(folder, "sync").stdout == ("Committed 2 changed files.\nNo remote to pull from or push to: add the "
                                             "team's with `git remote add origin URL`.\n")


def test_sync_without_a_git_identity_says_how_to_set_one(tmp_path: Path, folder: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    subprocess.run(["git", "init", "-q", str(folder)], check=True)
    without_git_identity(monkeypatch, tmp_path)
    invoke(folder, "add", "中建三局", "--id", "zj", "--no-input")
    result = invoke(folder, "sync")
    assert (result.exit_code, result.stderr) == (1, "Error: git does not know who you are yet, so nothing was "
                                                    "committed: run `git config --global user.name \"李明\"` and "
                                                    "`git config --global user.email you@example.com`\n")
