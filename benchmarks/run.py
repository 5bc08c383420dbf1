"""Time salescli as whole processes on generated folders of 1,000, 10,000 (and 100,000) customers, a
dense folder of 10,000 (every customer with an open deal, a target and about a dozen visits), and the
guide's import of a CRM export (docs/guide.en.md) (the Maven sample: 85 accounts, 8,800 opportunities).

    python benchmarks/run.py                     # 1,000 and 10,000 customers, the dense 10,000, the import
    python benchmarks/run.py --sizes "" --dense 10000 --only "schedule --week,report funnel"
                                                 # the dense folder alone
    python benchmarks/run.py --sizes "" --dense "" --only big --big 60000000 --runs 3 --cold-runs 1
                                                 # one customer file of 60 MB (400,000 events): list, check, a visit
    python benchmarks/run.py --sizes 100000 --runs 3 --cold-runs 1 --only "list,check"
                                                 # the large one (generating it takes a while)
    python benchmarks/run.py --sizes 1000 --only visit --runs 10
                                                 # writes: a visit on a typical customer and on one of 1 MB
    python benchmarks/run.py --sizes "" --only import   # the import alone

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
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import LONG_NOTES, crm_export, generate, generate_dense, generate_long  # noqa: E402

MAVEN = Path("/work/shared/datasets/maven-crm")  # the real sample, where the machine has it
STAGE_MAP = "Prospecting=prospect,Engaging=approach,Won=close,Lost=lost"

TODAY = "2026-11-26"
COMMANDS = [
    ["--version"],
    ["list"],
    ["list", "--format", "json"],
    ["list", "--stage", "demo", "--format", "json"],
    ["forecast", "--month"],
    ["forecast", "--backtest", "12"],  # twelve past months, each forecast on its eve, beside the baselines
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
    parser.add_argument("--dense", default="10000", help="sizes of the dense folder ('' for none)")
    parser.add_argument("--big", type=int, default=0, help="bytes of one long customer file to time list, check "
                                                            "and a visit on (e.g. 60000000; 0: none)")
    parser.add_argument("--runs", type=int, default=5, help="warm runs per command")
    parser.add_argument("--cold-runs", type=int, default=2, help="cold runs per command")
    parser.add_argument("--dir", default=str(Path(tempfile.gettempdir()) / "salescli-bench"))
    parser.add_argument("--only", help="time only these commands, by name (e.g. 'list,forecast --month', 'import')")
    parser.add_argument("--crm", default=str(MAVEN),
                        help="a folder with accounts.csv, sales_teams.csv and sales_pipeline.csv (default: the Maven "
                             "sample, else a lookalike)")
    args = parser.parse_args()
    salescli = shutil.which("salescli") or str(Path(sys.executable).parent / "salescli")
    commands = [c for c in COMMANDS if not args.only or " ".join(c) in args.only.split(",")]
    _compile_bytecode()
    rows = []
    if not args.only or "import" in args.only.split(","):
        rows += time_import(salescli, Path(args.crm), Path(args.dir), args.runs)
    for size in (int(text) for text in args.dense.split(",") if text):
        root = generate_dense(Path(args.dir) / f"dense-{size}", size)
        rows += time_commands(salescli, commands, root, Path(args.dir) / f"cache-dense-{size}", args,
                              f"{size // 1000}k dense" if size >= 1000 else f"{size} dense")
    for size in (int(text) for text in args.sizes.split(",") if text):
        root = generate(Path(args.dir) / str(size), size)
        cache = Path(args.dir) / f"cache-{size}"
        env = environment(cache)
        files = root / "customers"
        floor, _ = series(["sh", "-c", f"find {files} -name '*.yaml' -exec cat {{}} + > /dev/null"], env, root,
                          args.runs)
        rows.append((size, "floor: cat every file", "", cell(floor), ""))
        loop, memory = series([sys.executable, "-c", YAML_LOOP, str(files)], env, root, 1)
        rows.append((size, "plain PyYAML loop (C loader)", cell(loop), "", f"{memory}"))
        rows += time_commands(salescli, commands, root, cache, args, size)
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
    if args.big:
        rows += time_big(salescli, args)
    _print(rows)


def time_big(salescli: str, args: argparse.Namespace) -> list[tuple[Any, str, str, str, str]]:
    """`list`, `check` and a visit on a folder of one customer whose file has `args.big` bytes of long notes."""
    root = generate_long(Path(args.dir) / f"big-{args.big}", args.big, notes=LONG_NOTES)
    path = root / "customers" / "long.yaml"
    events = path.read_bytes().count(b"\n- {")
    label = f"{path.stat().st_size / 1e6:.0f} MB"
    rows = time_commands(salescli, [["list"], ["check"]], root, Path(args.dir) / "cache-big", args, label)
    rows.append(_write_row(salescli, root, path, environment(Path(args.dir) / "cache-big"), args, 1,
                           f"one customer, {events:,} events"))
    return [(label, *row[1:]) for row in rows]


def environment(cache: Path) -> dict[str, str]:
    env = {**os.environ, "SALESCLI_CACHE_DIR": str(cache), "SALESCLI_TODAY": TODAY}
    env.pop("SALESCLI_DIR", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # time what users run: compiled modules
    return env


def time_commands(salescli: str, commands: list[list[str]], root: Path, cache: Path, args: argparse.Namespace,
                  label: Any) -> list[tuple[Any, str, str, str, str]]:
    """Each command cold (no parse cache) and warm, on the folder at `root`."""
    env = environment(cache)
    rows = []
    for command in commands:
        def forget() -> None:
            shutil.rmtree(cache, ignore_errors=True)

        cold, cold_memory = series([salescli, *command], env, root, args.cold_runs, before=forget)
        series([salescli, *command], env, root, 1)  # warm the cache
        time.sleep(2.1)  # past the racy window, as a rep's next command would be
        warm, warm_memory = series([salescli, *command], env, root, args.runs)
        rows.append((label, "salescli " + " ".join(command), cell(cold), cell(warm),
                     f"{max(cold_memory, warm_memory)}"))
    return rows


def time_import(salescli: str, crm: Path, work: Path, runs: int) -> list[tuple[Any, str, str, str, str]]:
    """The guide's deals import, each run into a fresh copy of a folder with the accounts and team in it."""
    source = crm if (crm / "sales_pipeline.csv").is_file() else crm_export(work / "crm-lookalike")
    base, folder, cache = work / "import-base", work / "import-run", work / "import-cache"
    env = {**os.environ, "SALESCLI_CACHE_DIR": str(cache), "SALESCLI_TODAY": "2017-12-31"}
    env.pop("SALESCLI_DIR", None)
    shutil.rmtree(base, ignore_errors=True)
    (base / "customers").mkdir(parents=True)
    for args in (["accounts.csv", "--map", "sector=needs.scope", "--map", "office_location=area", "--date",
                  "2016-10-01"], ["sales_teams.csv", "--team"]):
        subprocess.run([salescli, "import", str(source / args[0]), *args[1:]], cwd=base, env=env, check=True,
                       stdout=subprocess.DEVNULL)
    rows_count = sum(1 for _ in (source / "sales_pipeline.csv").open(encoding="utf-8")) - 1

    def fresh() -> None:
        shutil.rmtree(folder, ignore_errors=True)
        shutil.rmtree(cache, ignore_errors=True)
        shutil.copytree(base, folder)

    command = [salescli, "import", str(source / "sales_pipeline.csv"), "--deals", "--date", "2017-12-31",
               "--stage-dates", "engage_date=approach", "--stage-map", STAGE_MAP]
    times, memory = series(command, env, folder, runs, before=fresh)
    customers = sum(1 for _ in (base / "customers").glob("*.yaml"))
    return [(customers, f"salescli import --deals: {rows_count:,} rows", cell(times), "", f"{memory}")]


def _print(rows: list[tuple[Any, str, str, str, str]]) -> None:
    print(f"{'customers':>9} | {'command':<46} | {'cold s: median (min–max)':<25} | "
          f"{'warm s: median (min–max)':<25} | max MB")
    print(f"{'-' * 9}-|-{'-' * 46}-|-{'-' * 25}-|-{'-' * 25}-|-------")
    for size, name, cold_cell, warm_cell, memory in rows:
        size_cell = f"{size:>9,}" if isinstance(size, int) else f"{size:>9}"
        print(f"{size_cell} | {name:<46} | {cold_cell:<25} | {warm_cell:<25} | {memory}")


if __name__ == "__main__":
    main()
