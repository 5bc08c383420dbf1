"""The installed `salescli` command as a real process: exit codes, streams, Ctrl-C-free paths."""

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator

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
    """The README's first day, one argument list each (comments dropped, `\\` continuations joined, `&&`
    split)."""
    import shlex

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    block = readme.split("## A first day", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
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
    # the folder speaks Chinese (init --language zh)
    assert outputs["salescli sync"] == ("已提交 1 个改动的文件。\n"
                                        "没有可拉取或推送的远程仓库：用 `git remote add origin URL` 添加团队的仓库。\n")
    shown = salescli("show", "中建三局", cwd=cwd).stdout
    assert "2026-11-26 成交 50,000" in shown and "  · 王强 · 职务 预算科长 · 手机 13900000000" in shown


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


# ---- the reproductions of the adversarial run, as processes --------------------------------------

def _folder(tmp_path: Path) -> Path:
    assert salescli("init", "s", "--no-git", cwd=tmp_path).returncode == 0
    folder = tmp_path / "s"
    assert salescli("add", "中建三局", "--id", "zj", cwd=folder, env={"SALESCLI_TODAY": "2026-11-26"}).returncode == 0
    return folder


def _environment(**extra: str) -> dict:
    base = {key: value for key, value in os.environ.items() if not key.startswith("SALESCLI_")}
    return {**base, "SALESCLI_TODAY": "2026-11-26", **extra}


def test_parallel_advances_move_one_stage_each(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    running = [subprocess.Popen([SALESCLI, "advance", "zj"], cwd=folder, env=_environment(),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(5)]
    assert [process.wait(60) for process in running] == [0] * 5
    log = (folder / "customers" / "zj.yaml").read_text(encoding="utf-8").split("\nlog:\n")[1]
    assert log == ("- {date: 2026-11-26, event: added, stage: prospect}\n"
                   + "".join(f"- {{date: 2026-11-26, event: stage, stage: {stage}}}\n"
                             for stage in ("prepare", "approach", "needs", "demo", "objections")))


def test_a_fifo_among_the_customers_never_hangs(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    os.mkfifo(folder / "customers" / "x.yaml")
    problem = ("customers/x.yaml: cannot read: it is a named pipe (FIFO), not a regular file; salescli reads only "
               "plain files")
    listed = salescli("list", cwd=folder)  # (salescli() times out after 60 s)
    assert (listed.returncode, listed.stderr) == (1, f"warning: skipped {problem}\n")
    checked = salescli("check", cwd=folder)
    assert (checked.returncode, checked.stdout) == (1, f"{problem}\n")
    visited = salescli("visit", "x", cwd=folder)
    assert visited.returncode != 0 and "Traceback" not in visited.stderr


def _as_another_user() -> list[str]:
    """The command prefix that runs as an unprivileged user (root may write anywhere)."""
    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv: cannot switch to an unprivileged user to test permissions")
    return ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]


@pytest.fixture
def open_tmp() -> Iterator[Path]:
    """A temporary folder that any user may enter (pytest's own is its owner's alone)."""
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="salescli-test-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def test_a_read_only_folder_and_file_are_one_clear_error(open_tmp: Path) -> None:
    prefix = _as_another_user()
    folder = _folder(open_tmp)
    for path in (folder, folder / "customers"):
        path.chmod(0o755)
    data = folder / "customers" / "zj.yaml"
    before = data.read_bytes()
    environment = _environment(SALESCLI_CACHE_DIR="off")

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([*prefix, SALESCLI, *args], cwd=folder, capture_output=True, text=True, timeout=60,
                              env=environment)

    data.chmod(0o666 if prefix else 0o644)  # the file writable, its folder not
    if not prefix:
        (folder / "customers").chmod(0o555)
    try:
        visit = run("visit", "zj", "--note", "x")
        added = run("add", "新客户")
    finally:
        (folder / "customers").chmod(0o755)
    assert (visit.returncode, visit.stderr) == (1, "Error: customers/zj.yaml: cannot write: no permission to write in "
                                                   "customers/ (salescli writes a temporary file beside the file, then "
                                                   "renames it); nothing was written\n")
    assert added.returncode == 1 and added.stderr.startswith("Error: customers/xinkehu.yaml: cannot write: no "
                                                             "permission to write in customers/")
    data.chmod(0o444)
    read_only = run("visit", "zj", "--note", "x")
    assert (read_only.returncode, read_only.stderr) == (1, "Error: customers/zj.yaml: the file is read-only; salescli "
                                                           "leaves it as it is (make it writable, e.g. `chmod u+w`, "
                                                           "to change it)\n")
    assert data.read_bytes() == before and sorted(os.listdir(folder / "customers")) == [".gitkeep", "zj.yaml"]


def test_a_full_disk_is_one_clear_error(tmp_path: Path) -> None:
    disk = tmp_path / "disk"
    disk.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(disk)],
                                           capture_output=True).returncode != 0:
        pytest.skip("cannot mount a small file system here (needs root and mount rights) to fill it")
    try:
        folder = _folder(disk)
        before = (folder / "customers" / "zj.yaml").read_bytes()
        filler = os.open(disk / "filler", os.O_WRONLY | os.O_CREAT)
        try:
            while True:
                os.write(filler, b"x" * 4096)
        except OSError:
            pass
        finally:
            os.close(filler)
        environment = _environment(SALESCLI_CACHE_DIR="off")
        for args, name in ((["visit", "zj"], "zj"), (["advance", "zj"], "zj"), (["add", "B"], "b")):
            result = subprocess.run([SALESCLI, *args], cwd=folder, capture_output=True, text=True, env=environment)
            assert (result.returncode, result.stderr) == (
                1, f"Error: customers/{name}.yaml: cannot write: the disk is full; nothing was written\n")
        assert (folder / "customers" / "zj.yaml").read_bytes() == before
        assert sorted(os.listdir(folder / "customers")) == [".gitkeep", "zj.yaml"]
    finally:
        subprocess.run(["umount", str(disk)], check=True)


def test_a_hand_edit_saved_while_visits_are_written_is_never_lost(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    data = folder / "customers" / "zj.yaml"
    editor = subprocess.Popen(["sh", "-c", 'for i in $(seq 1 60); do sed -i "1i # edit $i" customers/zj.yaml; done'],
                              cwd=folder)
    results = [subprocess.run([SALESCLI, "visit", "zj", "--note", f"v{number}"], cwd=folder, capture_output=True,
                              text=True, env=_environment()) for number in range(12)]
    editor.wait(60)
    text = data.read_text(encoding="utf-8")
    # Every one of the editor's saves is in the file; or, when two came within microseconds of salescli's
    # own (a rare race), in the version kept beside it, which the error names.
    kept = [folder / "customers" / name for name in os.listdir(folder / "customers") if ".displaced-" in name]
    errors = "".join(result.stderr for result in results)
    assert all(f"is kept as customers/{path.name};" in errors for path in kept)
    edits = {line for path in [data, *kept] for line in path.read_text(encoding="utf-8").splitlines()
             if line.startswith("# edit ")}
    assert edits == {f"# edit {number}" for number in range(1, 61)}
    assert [line for line in text.splitlines() if line.startswith("# edit ")][:1] == ["# edit 60"]
    assert all(result.returncode == 0 or "nothing was written" in result.stderr or "is kept as" in result.stderr
               for result in results)
    assert "Traceback" not in errors


def test_ctrl_c_at_any_moment_leaves_no_traceback_and_reports_what_was_saved(tmp_path: Path) -> None:
    import random
    import signal

    folder = _folder(tmp_path)
    data = folder / "customers" / "zj.yaml"
    chance = random.Random(13)
    # the start (Python, then salescli's imports) every 8 ms, then any moment of the write
    delays = [0.008 * step for step in range(10)] + [chance.uniform(0.02, 0.4) for _ in range(12)]
    for number, delay in enumerate(delays):
        note = f"n{number}x"
        process = subprocess.Popen([SALESCLI, "visit", "zj", "--note", note], cwd=folder, env=_environment(),
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(delay)
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=60)
        written = f"note: {note}}}" in data.read_text(encoding="utf-8")
        if _before_salescli_ran(process.returncode, stderr):  # Python's: it stopped, or printed it and went on
            assert process.returncode == 0 if written else process.returncode != 130, stderr
            continue
        assert "Traceback" not in stderr, stderr
        saved = process.returncode == 0 or "was saved" in stderr
        assert saved == written, stderr
        assert process.returncode in (0, 130), stderr
        assert process.returncode == 0 or stderr.startswith("Interrupted"), stderr
    assert sorted(os.listdir(folder / "customers")) == [".gitkeep", "zj.yaml"]


def _before_salescli_ran(returncode: int, stderr: str) -> bool:
    """Whether Ctrl-C came before salescli took it over (salescli.main, as it loads): while Python starts
    (killed by the signal before Python takes it; or one of Python's fatal errors or tracebacks as it
    initialises its streams, checks its script, imports site — some of which Python prints and then
    carries on), while the import system looks for salescli, or in the few statements of salescli's
    package and of main.py that run before the handler is set — a KeyboardInterrupt none of whose frames
    is salescli's after that line. (On a loaded machine a process can be paused in that moment: the
    test met it once in a few hundred runs.)"""
    import re
    import signal

    if returncode == -signal.SIGINT and stderr == "":
        return True
    if "KeyboardInterrupt" not in stderr or "Interrupted" in stderr:
        return False
    frames = re.findall(r'File "[^"]*[/\\]salescli[/\\]([^"]+)", line (\d+)', stderr)
    return all(module == "__init__.py" or (module == "main.py" and int(line) <= _HANDLER_LINE)
               for module, line in frames)


def _line_of(path: Path, text: str) -> int:
    return next(number for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                if text in line)


_HANDLER_LINE = _line_of(Path(__file__).resolve().parent.parent / "salescli" / "main.py",
                         "_signal.signal(_signal.SIGINT")


def test_names_with_terminal_escapes_are_shown_escaped_on_a_terminal(tmp_path: Path) -> None:
    import pty

    folder = _folder(tmp_path)
    (folder / "customers" / "esc.yaml").write_text('name: "red\\e[31m\\a"\nlog:\n- {date: 2026-11-01, event: added}\n',
                                                    encoding="utf-8")
    pid, terminal = pty.fork()
    if pid == 0:  # the child: salescli on a terminal
        os.chdir(folder)
        os.execve(SALESCLI, [SALESCLI, "show", "esc"], _environment())
    shown = b""
    while True:
        try:
            chunk = os.read(terminal, 4096)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
    os.waitpid(pid, 0)
    assert shown.startswith(b"red\\x1b[31m\\x07  (esc)") and b"\x1b" not in shown and b"\x07" not in shown


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


def test_a_reader_that_leaves_early_gets_no_error(tmp_path: Path) -> None:
    """`salescli list | head -1`: the pipe closes under the writer, which leaves quietly (as git does)."""
    read, write = os.pipe()
    os.close(read)  # the reader is gone before a byte is written: the first write fails with EPIPE
    repository = Path(__file__).resolve().parent.parent
    done = subprocess.run([SALESCLI, "--today", SAMPLE_TODAY, "list"], cwd=repository, stdout=write,
                          stderr=subprocess.PIPE, text=True, timeout=60)
    os.close(write)
    assert (done.returncode, done.stderr) == (141, "")


def test_the_quick_exit_comes_after_every_exit_handler(tmp_path: Path, sample: Path) -> None:
    """The process ends without Python's teardown (see salescli.main), but only after the exit handlers a
    command registered (a log handler flushing its file, say) have run, and with the status it gave."""
    flushed = tmp_path / "flushed.txt"
    script = ("import atexit, sys\n"
              "import salescli.cli\n"
              "from salescli import main\n"
              "command, target = salescli.cli.main, sys.argv[1]\n"
              "def with_a_handler():\n"
              "    log = open(target, 'w', encoding='utf-8')\n"
              "    log.write('flushed at exit')\n"  # (buffered: only the handler's close writes it)
              "    atexit.register(log.close)\n"
              "    command()\n"
              "salescli.cli.main = with_a_handler\n"
              "sys.argv[1:] = ['--today', '2026-11-26', 'check', '--format', 'json']\n"
              "main.main()\n")
    environment = {key: value for key, value in os.environ.items() if not key.startswith("SALESCLI_")}
    result = subprocess.run([sys.executable, "-c", script, str(flushed)], cwd=sample, capture_output=True,
                            text=True, timeout=60, env=environment)
    assert (result.returncode, result.stdout, result.stderr) == (0, "[]\n", "")
    assert flushed.read_text(encoding="utf-8") == "flushed at exit"
