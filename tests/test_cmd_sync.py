"""`salescli sync` between two reps' clones of one remote (real git repositories)."""

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

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


def _shared_customer(a: Path, b: Path) -> None:
    """中建三局 (zj), added by a and synced to both."""
    invoke(a, "add", "中建三局", "--id", "zj", "--no-input")
    invoke(a, "sync")
    invoke(b, "sync")


def test_sync_commits_pulls_and_pushes(team: tuple[Path, Path]) -> None:
    a, b = team
    invoke(a, "add", "中建三局", "--id", "zj", "--no-input")
    assert invoke(a, "sync").stdout == "Committed 1 changed file.\nAlready up to date with the team.\nPushed.\n"
    assert git(a, "log", "-1", "--format=%s") == "salescli sync: 1 customer (zj)\n"
    assert invoke(b, "sync").stdout == "Nothing to commit.\nPulled 1 changed file from the team.\nPushed.\n"
    assert (b / "customers" / "zj.yaml").read_bytes() == (a / "customers" / "zj.yaml").read_bytes()


def test_two_reps_visits_are_merged(team: tuple[Path, Path]) -> None:
    a, b = team
    _shared_customer(a, b)
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
    _shared_customer(a, b)
    invoke(a, "sync")
    invoke(a, "set", "zj", "field=bank")
    invoke(b, "set", "zj", "field=房地产")
    invoke(a, "sync")
    result = invoke(b, "sync")
    assert result.exit_code == 1
    assert result.stdout == (
        "Committed 1 changed file.\n"
        "Conflict: git could not merge 1 file with the team's version:\n"
        "  customers/zj.yaml: changed differently on both sides: `field` (line 10)\n"
        "Keep one side of each conflict (delete the <<<<<<< ======= >>>>>>> lines; `salescli check` names them; "
        "`git rm` a file to delete it), then `git add customers/zj.yaml`, `git commit --no-edit` and `salescli sync` "
        "again. Nothing was pushed.\n")
    assert "zj.yaml:10:1: unresolved merge conflict about `field`" in invoke(b, "check").stdout


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


def test_a_push_refused_because_another_rep_pushed_meanwhile_is_pulled_and_pushed_again(team: tuple[Path, Path],
                                                                                        tmp_path: Path) -> None:
    a, b = team
    _shared_customer(a, b)
    invoke(a, "visit", "zj", "--note", "李明去了", today="2026-11-26")
    invoke(b, "visit", "zj", "--note", "王芳去了", today="2026-11-27")
    assert invoke(b, "sync", "--no-push").exit_code == 0  # committed, not pushed yet
    hook = a / ".git" / "hooks" / "pre-push"  # b pushes while a is pushing, once
    hook.write_text(f"#!/bin/sh\n[ -e '{tmp_path}/raced' ] && exit 0\ntouch '{tmp_path}/raced'\n"
                    f"env -u GIT_DIR -u GIT_WORK_TREE -u GIT_INDEX_FILE git -C '{b}' push -q >/dev/null 2>&1\n")
    hook.chmod(0o755)
    result = invoke(a, "sync")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == ("Committed 1 changed file.\nAlready up to date with the team.\n"
                             "Another rep pushed meanwhile: pulling their changes and pushing again.\n"
                             "Pulled 1 changed file from the team.\nPushed.\n")
    invoke(b, "sync")
    assert (b / "customers" / "zj.yaml").read_text(encoding="utf-8").endswith(
        "- {date: 2026-11-26, event: visit, note: 李明去了}\n- {date: 2026-11-27, event: visit, note: 王芳去了}\n")


def test_a_push_refused_again_and_again_says_so(team: tuple[Path, Path]) -> None:
    a, b = team
    _shared_customer(a, b)
    invoke(a, "visit", "zj", "--note", "李明去了")
    hook = a / ".git" / "hooks" / "pre-push"  # b pushes while a is pushing, every time
    hook.write_text(f"#!/bin/sh\nunset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE\ngit -C '{b}' commit -q --allow-empty -m b "
                    f"&& git -C '{b}' push -q >/dev/null 2>&1\n")
    hook.chmod(0o755)
    result = invoke(a, "sync")
    assert result.exit_code == 1
    assert result.stderr == (f"Error: {a}: `git push` was refused 5 times: other reps kept pushing meanwhile. Your "
                             "changes are committed here; run `salescli sync` again in a minute.\n")
    assert git(a, "status", "--porcelain") == ""  # committed
    assert len(git(a, "log", "--format=%s", "--grep", "^b$").split()) == 4  # (pulled between the five pushes)


def test_four_reps_syncing_at_once_all_arrive(team: tuple[Path, Path], tmp_path: Path) -> None:
    """Four clones log a visit to one customer and run `salescli sync` at the same moment (processes)."""
    a, b = team
    invoke(a, "add", "中建三局", "--id", "zj", "--no-input", today="2026-11-01")
    invoke(a, "sync")
    reps = [a, b, tmp_path / "c", tmp_path / "d"]
    for clone in reps[2:]:
        subprocess.run(["git", "clone", "-q", str(tmp_path / "remote.git"), str(clone)], check=True)
    invoke(b, "sync")
    for day, rep in enumerate(reps, start=20):
        assert invoke(rep, "visit", "zj", "--note", f"{rep.name} 去了", today=f"2026-11-{day}").exit_code == 0
    program = str(Path(sys.executable).parent / "salescli")
    runs = [subprocess.Popen([program, "--dir", str(rep), "sync"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True) for rep in reps]
    for run in runs:
        stdout, stderr = run.communicate(timeout=60)
        assert (run.returncode, stderr) == (0, ""), stdout
        assert stdout.endswith("Pushed.\n")
    invoke(a, "sync")
    notes = [event.get("note") for event in yaml.safe_load((a / "customers" / "zj.yaml").read_text("utf-8"))["log"]]
    assert notes == [None, "a 去了", "b 去了", "c 去了", "d 去了"]


def test_a_customer_deleted_by_one_rep_and_visited_by_the_other_is_named(team: tuple[Path, Path]) -> None:
    a, b = team
    _shared_customer(a, b)
    git(a, "rm", "-q", "customers/zj.yaml")
    invoke(a, "sync")
    invoke(b, "visit", "zj", "--note", "王芳去了")
    result = invoke(b, "sync")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[1:3] == ["Conflict: git could not merge 1 file with the team's version:",
                                               "  customers/zj.yaml: changed here and deleted by the other side"]
    unmerged = ("git has not finished merging this file (changed here and deleted by the other side): make it right, "
                "then `git add` it (or `git rm` it to delete it) and `git commit`")
    check = invoke(b, "check")
    assert (check.exit_code, check.stdout) == (1, f"{b / 'customers' / 'zj.yaml'}: {unmerged}\n")
    assert invoke(b, "list").stderr == f"warning: {b / 'customers' / 'zj.yaml'}: {unmerged}\n"


def test_sync_writes_its_commit_messages_in_the_folders_language(tmp_path: Path) -> None:
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    a, b = tmp_path / "a", tmp_path / "b"
    assert invoke(tmp_path, "init", str(a), "--language", "zh").exit_code == 0
    git(a, "remote", "add", "origin", str(remote))
    invoke(a, "sync")
    subprocess.run(["git", "clone", "-q", str(remote), str(b)], check=True)
    for number in range(7):
        invoke(a, "add", f"客户{number}", "--id", f"c{number}", "--no-input")
    assert invoke(a, "sync").exit_code == 0
    assert git(a, "log", "-1", "--format=%s") == "salescli sync：7 个客户（c0、c1、c2、c3、c4 及另外 2 个）\n"
    invoke(b, "add", "中建三局", "--id", "zj", "--no-input")
    assert invoke(b, "sync").stdout == "已提交 1 个改动的文件。\n从团队拉取了 7 个有改动的文件。\n已推送。\n"
    assert git(b, "log", "-2", "--format=%s").splitlines() == ["salescli sync：合并团队的改动",
                                                               "salescli sync：1 个客户（zj）"]
    invoke(a, "sync")
    invoke(a, "set", "zj", "field=bank")
    invoke(b, "set", "zj", "field=房地产")
    invoke(a, "sync")
    # (the Chinese template)
    assert invoke(b, "sync").stdout.splitlines()[1:3] == ["冲突：有 1 个文件 git 无法与团队的版本自动合并：",
                                                         "  customers/zj.yaml：双方改得不一样：`field`（第 9 行）"]
