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


def test_a_day_in_a_git_tracked_folder(tmp_path: Path) -> None:
    assert salescli("init", "sales", "--user", "李明", cwd=tmp_path).returncode == 0
    folder = tmp_path / "sales"
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*git, "add", "."], cwd=folder, check=True)
    subprocess.run([*git, "commit", "-qm", "start"], cwd=folder, check=True)
    today = {"SALESCLI_TODAY": "2026-11-26"}
    added = salescli("add", "中建三局第一建设有限公司", "--field", "建筑", "--area", "洪山", cwd=folder / "customers", env=today)
    assert added.returncode == 0, added.stderr
    subprocess.run([*git, "add", "."], cwd=folder, check=True)
    subprocess.run([*git, "commit", "-qm", "add"], cwd=folder, check=True)
    closed = salescli("advance", "中建三局", "close", "--value", "50000", cwd=folder, env=today)
    assert closed.returncode == 0 and closed.stdout.startswith("中建三局第一建设有限公司: prospect → close 促成 — won 50,000")
    diff = subprocess.run(["git", "diff", "-U0"], cwd=folder, capture_output=True, text=True, check=True).stdout
    changes = [line for line in diff.splitlines() if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    assert changes == ["+- {date: 2026-11-26, event: won, value: 50000}"]
    listed = salescli("list", "--stage", "close", "--format", "csv", cwd=folder)
    assert listed.stdout.splitlines()[1].startswith("zhongjiansanjudiyijianshe,中建三局第一建设有限公司,close,won,1,")
    shown = salescli("show", "zhongjian", cwd=folder)
    assert shown.returncode == 0 and "won 50,000 on 2026-11-26" in shown.stdout


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


def test_a_crm_export_through_the_installed_command(tmp_path: Path) -> None:
    maven = Path(__file__).resolve().parent / "data" / "maven"
    (tmp_path / "customers").mkdir()
    today = {"SALESCLI_TODAY": "2017-12-31"}
    for args in (["accounts.csv", "--map", "sector=needs.scope"], ["sales_teams.csv", "--team"],
                 ["sales_pipeline.csv", "--deals", "--stage-dates", "engage_date=approach",
                  "--stage-map", "Prospecting=prospect,Engaging=approach,Won=close,Lost=lost"]):
        result = salescli("import", str(maven / args[0]), *args[1:], cwd=tmp_path, env=today)
        assert result.returncode == 0, result.stderr
    assert "Moses Frase: {manager: Dustin Brinkmann, office: Central}" in (tmp_path / "salescli.yaml").read_text()
    deals = salescli("list", "--deals", "--format", "csv", "--sort", "opened", cwd=tmp_path, env=today)
    assert deals.stdout.splitlines()[1] == \
        "cancity,Cancity,1C1I7A6R,close,won,\"1,054\",,,\"1,054\",2016-10-20,2017-03-01,Moses Frase,GTX Plus Basic"
    office = salescli("report", "winrate", "--by", "office", "--format", "csv", cwd=tmp_path, env=today)
    assert office.returncode == 0 and office.stdout.splitlines()[0] == \
        "office,won,lost,win_rate,avg_won_value,avg_cycle_days,median_cycle_days"
    future = salescli("visit", "cancity", "--deal", "WW1WV7IT", "--date", "2018-01-02", cwd=tmp_path, env=today)
    assert future.returncode == 2 and future.stderr.startswith("Error: 2018-01-02 is after today (2017-12-31)")
