"""Auto-commit in real git repositories."""

import subprocess
from pathlib import Path

import pytest

from tests.conftest import invoke


def git(folder: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(folder), *args], check=True, capture_output=True, text=True).stdout


@pytest.fixture
def repo(folder: Path) -> Path:
    git(folder, "init", "-q")
    git(folder, "config", "user.name", "李明")
    git(folder, "config", "user.email", "liming@example.com")
    git(folder, "add", ".")
    git(folder, "commit", "-qm", "start")
    return folder


def test_each_write_is_one_commit_of_that_file_alone(repo: Path) -> None:
    (repo / "notes.txt").write_text("staged, not mine\n")
    git(repo, "add", "notes.txt")
    assert invoke(repo, "--commit", "add", "中建三局", "--id", "zj", "--value", "48000").exit_code == 0
    assert invoke(repo, "--commit", "advance", "zj", "demo").exit_code == 0
    assert invoke(repo, "--commit", "advance", "zj", "close").exit_code == 0
    log = git(repo, "log", "--format=%s", "-3").splitlines()
    assert log == ["advance 中建三局: demo → close 促成 — won 48,000",
                   "advance 中建三局: prospect → demo 产品展示",
                   "add 中建三局 (zj)"]
    assert git(repo, "show", "--name-only", "--format=", "HEAD").split() == ["customers/zj.yaml"]
    assert git(repo, "diff", "--cached", "--name-only").split() == ["notes.txt"]  # still staged
    assert git(repo, "status", "--porcelain", "customers").strip() == ""


def test_autocommit_from_the_config(repo: Path) -> None:
    (repo / "salescli.yaml").write_text("git:\n  autocommit: true\n", encoding="utf-8")
    git(repo, "add", "salescli.yaml")
    git(repo, "commit", "-qm", "config")
    invoke(repo, "add", "鼎盛地产", "--id", "ds")
    invoke(repo, "visit", "ds", "--goal", "初访")
    invoke(repo, "--no-commit", "target", "ds", "--value", "5万")
    assert git(repo, "log", "--format=%s", "-2").splitlines() == ["visit 鼎盛地产 on 2026-11-26: 初访",
                                                                  "add 鼎盛地产 (ds)"]
    assert git(repo, "status", "--porcelain").strip() == "M customers/ds.yaml"


def test_a_folder_without_git_says_so(folder: Path) -> None:
    result = invoke(folder, "--commit", "add", "鼎盛地产", "--id", "ds")
    assert result.exit_code == 0  # (the customer is added: an error would have it added twice by a retry)
    assert result.stderr.startswith("warning: ") and "is not in a git repository" in result.stderr
    assert result.stderr.endswith("stays uncommitted until `salescli sync` (or `git commit`)\n")
    assert (folder / "customers" / "ds.yaml").exists()  # written all the same


def test_a_commit_that_fails_is_a_warning_and_the_write_stands(folder: Path, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Without a git identity the write is made, said, and not committed: exit 0 (a script that ran it
    again on an error would log the visit twice); `salescli sync` commits it once git knows who you are."""
    from tests.conftest import without_git_identity

    git(folder, "init", "-q")
    without_git_identity(monkeypatch, tmp_path)
    assert invoke(folder, "add", "中建三局", "--id", "zj", "--no-input").exit_code == 0
    result = invoke(folder, "--commit", "visit", "zj", "--note", "见王工")
    assert result.exit_code == 0
    assert result.stderr == ("warning: git does not know who you are yet, so nothing was committed: run `git config "
                             "--global user.name \"李明\"` and `git config --global user.email you@example.com`; the "
                             "change is written and stays uncommitted until `salescli sync` (or `git commit`)\n")
    assert (folder / "customers" / "zj.yaml").read_text(encoding="utf-8").count("见王工") == 1
    assert subprocess.run(["git", "-C", str(folder), "rev-parse", "HEAD"], capture_output=True).returncode != 0
