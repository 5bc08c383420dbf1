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
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ") and "is not in a git repository" in result.stderr
    assert (folder / "customers" / "ds.yaml").exists()  # written all the same
