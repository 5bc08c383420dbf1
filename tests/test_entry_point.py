"""The installed `salescli` command as a real process: exit codes, streams, Ctrl-C-free paths."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SAMPLE_TODAY

SALESCLI = shutil.which("salescli") or str(Path(sys.executable).parent / "salescli")
pytestmark = pytest.mark.skipif(not Path(SALESCLI).exists(), reason="salescli is not installed")


def salescli(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items() if not key.startswith("SALESCLI_")}
    return subprocess.run([SALESCLI, *args], cwd=cwd, capture_output=True, text=True, timeout=60,
                          env={**environment, **(env or {})})


def test_version(tmp_path: Path) -> None:
    from salescli import __version__

    result = salescli("--version", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (0, f"salescli {__version__}\n")


def readme_walk_through() -> list[list[str]]:
    """The README's "folder of your own" commands, one argument list each (comments dropped, `\\`
    continuations joined, `&&` split)."""
    import shlex

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    block = readme.split("and for a folder of your own", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    lines = block.replace("\\\n", " ").splitlines()
    return [shlex.split(part) for line in lines for part in line.split("#", 1)[0].split("&&") if part.strip()]


def test_the_readme_walk_through_runs_and_git_diff_shows_what_it_wrote(tmp_path: Path) -> None:
    commands = readme_walk_through()
    assert commands[0][:2] == ["salescli", "init"] and ["git", "diff"] in commands
    cwd, today = tmp_path, {"SALESCLI_TODAY": "2026-11-26", "HOME": str(tmp_path)}
    outputs = {}
    for command in commands:
        command = [str(tmp_path / "sales") if arg == "~/sales" else arg for arg in command]
        if command[0] == "cd":
            cwd = Path(command[1])
            continue
        if command[0] == "salescli":
            done = salescli(*command[1:], cwd=cwd, env=today)
        else:
            done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, (command, done.stderr)
        outputs[command[0] + " " + command[1]] = done.stdout
    changes = [line for line in outputs["git diff"].splitlines()
               if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    assert changes == [
        "-  person:       # 主要联系人",
        "+  person: 王强  # 主要联系人",
        "-  vendor:       # 目前用哪家公司的软件",
        "+  vendor: 广联达 # 目前用哪家公司的软件",
        "-  estimators:   # 预算人员的数量",
        "+  estimators: 12 # 预算人员的数量",
        '+  - {name: 王强, title: 预算科长, mobile: "13900000000"}',
        "+- {date: 2026-11-26, event: visit, note: 见到了预算科王科长, next: 2026-12-03}",
        "+- {date: 2026-11-26, event: target, value: 120000, by: 2026-12-20}",
        "+- {date: 2026-11-26, event: stage, stage: approach}",
        "+- {date: 2026-11-26, event: won, value: 50000}",
    ]
    assert outputs["salescli sync"] == ("Committed 1 changed file.\nNo remote to pull from or push to: add the "
                                        "team's with `git remote add origin URL`.\n")
    shown = salescli("show", "中建三局", cwd=cwd).stdout
    assert "won 50,000 on 2026-11-26" in shown and "  · 王强 · 职务 预算科长 · 手机 13900000000" in shown  # zh folder


def test_errors_are_one_line_without_traceback(tmp_path: Path) -> None:
    outside = salescli("list", cwd=tmp_path)
    assert outside.returncode == 2
    assert outside.stderr == ("Error: not in a salescli data folder (no customers/ here or above); "
                              "run `salescli init` to make one, or pass --dir PATH\n")
    (tmp_path / "customers").mkdir()
    (tmp_path / "customers" / "bad.yaml").write_text("name: [\n")
    broken = salescli("show", "bad", cwd=tmp_path)
    assert broken.returncode == 1
    assert broken.stderr.startswith("Error: customers/bad.yaml:2:1: ")
    assert "Traceback" not in broken.stderr
    usage = salescli("list", "--format", cwd=tmp_path)
    assert usage.returncode == 2 and "Traceback" not in usage.stderr


def test_the_bundled_sample_lists_from_the_repository_root() -> None:
    root = Path(__file__).resolve().parent.parent
    result = salescli("--today", SAMPLE_TODAY, "list", cwd=root)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].startswith("35 customers | ")


def test_show_completion_script(tmp_path: Path) -> None:
    result = salescli("--show-completion", "bash", cwd=tmp_path, env={"SHELL": "/bin/bash"})
    assert result.returncode == 0 and "_SALESCLI_COMPLETE" in result.stdout


def test_parallel_processes_lose_no_event(tmp_path: Path) -> None:
    assert salescli("init", "s", "--no-git", cwd=tmp_path).returncode == 0
    folder = tmp_path / "s"
    assert salescli("add", "中建三局", "--id", "zj", cwd=folder).returncode == 0
    environment = {key: value for key, value in os.environ.items() if not key.startswith("SALESCLI_")}
    running = [subprocess.Popen([SALESCLI, "visit", "zj", "--note", f"p{number}"], cwd=folder, env=environment,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) for number in range(12)]
    assert [process.wait(60) for process in running] == [0] * 12
    text = (folder / "customers" / "zj.yaml").read_text(encoding="utf-8")
    assert sorted(line.split("note: ")[1].rstrip("}") for line in text.splitlines() if "note: p" in line) == \
        sorted(f"p{number}" for number in range(12))
