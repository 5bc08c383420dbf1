"""Time salescli as whole processes on generated folders of 1,000, 10,000 (and 100,000) customers.

    python benchmarks/run.py                     # 1,000 and 10,000 customers
    python benchmarks/run.py --sizes 100000 --runs 3 --cold-runs 1 --only "list,check"
                                                 # the large one (generating it takes a while)
    python benchmarks/run.py --sizes 1000 --only visit --runs 10
                                                 # writes: a visit on a typical customer and on one of 1 MB

Each command runs cold (no parse cache) and warm, several times; the table gives the median, min and
max wall time in seconds and the largest resident memory. The floor (`cat` of every file) and a plain
PyYAML loop over the files are timed beside them. Benchmarks are not tests: nothing here asserts.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate, generate_long  # noqa: E402

TODAY = "2026-11-26"
COMMANDS = [
    ["--version"],
    ["list"],
    ["list", "--format", "json"],
    ["list", "--stage", "demo", "--format", "json"],
    ["forecast", "--month"],
    ["schedule", "--week"],
    ["report", "funnel"],
    ["check"],
]
YAML_LOOP = ("import sys, yaml, pathlib\n"
             "for p in sorted(pathlib.Path(sys.argv[1]).glob('*.yaml')):\n"
             "    yaml.load(p.read_text(encoding='utf-8'), Loader=yaml.CSafeLoader)\n")


def timed(command: list[str], env: dict[str, str], cwd: Path) -> tuple[float, int]:
    """Wall seconds and peak resident memory (MB) of one process."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    return elapsed, usage.ru_maxrss // 1024


def series(command: list[str], env: dict[str, str], cwd: Path, runs: int, *, before=None) -> tuple[list[float], int]:
    times, memory = [], 0
    for _ in range(runs):
        if before:
            before()
        seconds, rss = timed(command, env, cwd)
        times.append(seconds)
        memory = max(memory, rss)
    return times, memory


def _write_row(salescli: str, root: Path, path: Path, env: dict[str, str], args: argparse.Namespace, size: int,
               what: str) -> tuple[int, str, str, str, str]:
    """`salescli visit` on one customer file: cold (no parse cache) and warm (the cache as a rep's last
    command left it); each run appends a visit, and the file is put back afterwards."""
    original = path.read_bytes()
    visit = [salescli, "visit", path.stem, "--note", "回访"]
    try:
        cold, cold_memory = series(visit, {**env, "SALESCLI_CACHE_DIR": "off"}, root, args.cold_runs)
        series([salescli, "list"], env, root, 1)
        time.sleep(2.1)
        warm, warm_memory = series(visit, env, root, args.runs)
    finally:
        path.write_bytes(original)
    return size, f"salescli visit, {what}", cell(cold), cell(warm), f"{max(cold_memory, warm_memory)}"


def cell(times: list[float]) -> str:
    if not times:
        return "—"
    return f"{statistics.median(times):.2f} ({min(times):.2f}–{max(times):.2f})"


def _compile_bytecode() -> None:
    """Compile salescli's modules first, as pip does on install (an editable install compiles on first use)."""
    import compileall
    import importlib.util

    spec = importlib.util.find_spec("salescli")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        compileall.compile_dir(folder, quiet=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--runs", type=int, default=5, help="warm runs per command")
    parser.add_argument("--cold-runs", type=int, default=2, help="cold runs per command")
    parser.add_argument("--dir", default=str(Path(tempfile.gettempdir()) / "salescli-bench"))
    parser.add_argument("--only", help="time only these commands, by name (e.g. 'list,forecast --month')")
    args = parser.parse_args()
    salescli = shutil.which("salescli") or str(Path(sys.executable).parent / "salescli")
    commands = [c for c in COMMANDS if not args.only or " ".join(c) in args.only.split(",")]
    _compile_bytecode()
    rows = []
    for size in (int(text) for text in args.sizes.split(",")):
        root = generate(Path(args.dir) / str(size), size)
        cache = Path(args.dir) / f"cache-{size}"
        env = {**os.environ, "SALESCLI_CACHE_DIR": str(cache), "SALESCLI_TODAY": TODAY}
        env.pop("SALESCLI_DIR", None)
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # time what users run: compiled modules
        files = root / "customers"
        floor, _ = series(["sh", "-c", f"find {files} -name '*.yaml' -exec cat {{}} + > /dev/null"], env, root, args.runs)
        rows.append((size, "floor: cat every file", "", cell(floor), ""))
        loop, memory = series([sys.executable, "-c", YAML_LOOP, str(files)], env, root, 1)
        rows.append((size, "plain PyYAML loop (C loader)", cell(loop), "", f"{memory}"))
        for command in commands:
            def forget() -> None:
                shutil.rmtree(cache, ignore_errors=True)

            cold, cold_memory = series([salescli, *command], env, root, args.cold_runs, before=forget)
            series([salescli, *command], env, root, 1)  # warm the cache
            time.sleep(2.1)  # past the racy window, as a rep's next command would be
            warm, warm_memory = series([salescli, *command], env, root, args.runs)
            rows.append((size, "salescli " + " ".join(command), cell(cold), cell(warm),
                         f"{max(cold_memory, warm_memory)}"))
        edit = files / "c000001.yaml"
        original = edit.read_text(encoding="utf-8")
        edits = iter(range(args.runs))

        def edit_one_file() -> None:  # a new note each time: every run finds exactly one file changed
            series([salescli, "list", "--format", "json"], env, root, 1)  # the cache as a rep's last command left it
            time.sleep(2.1)
            edit.write_text(original + f"- {{date: 2026-11-26, event: note, note: bench {next(edits)}}}\n",
                            encoding="utf-8")

        one, _ = series([salescli, "list", "--format", "json"], env, root, args.runs, before=edit_one_file)
        rows.append((size, "salescli list --format json, one file edited", "", cell(one), ""))
        edit.write_text(original, encoding="utf-8")
        if not args.only or "visit" in args.only:
            typical = next(path for path in sorted(files.glob("c*.yaml")) if "deal: " not in path.read_text("utf-8"))
            rows.append(_write_row(salescli, root, typical, env, args, size, f"a typical customer "
                                   f"({typical.stat().st_size / 1000:.0f} KB)"))
    if not args.only or "visit" in args.only:
        long = generate_long(Path(args.dir) / "long", 1_000_000) / "customers" / "long.yaml"
        env = {**os.environ, "SALESCLI_CACHE_DIR": str(Path(args.dir) / "cache-long"), "SALESCLI_TODAY": TODAY}
        env.pop("SALESCLI_DIR", None)
        rows.append(_write_row(salescli, long.parent.parent, long, env, args, 1, "one customer of 1 MB"))
    print(f"{'customers':>9} | {'command':<46} | {'cold s: median (min–max)':<25} | "
          f"{'warm s: median (min–max)':<25} | max MB")
    print(f"{'-' * 9}-|-{'-' * 46}-|-{'-' * 25}-|-{'-' * 25}-|-------")
    for size, name, cold_cell, warm_cell, memory in rows:
        print(f"{size:>9,} | {name:<46} | {cold_cell:<25} | {warm_cell:<25} | {memory}")


if __name__ == "__main__":
    main()
