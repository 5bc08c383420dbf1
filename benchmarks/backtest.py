"""How good the forecast is, as `salescli forecast --backtest` itself prints it, beside the two naive
forecasts (last month; the mean of the last three months), on data this project did not write and on
synthetic folders of several seeds (benchmarks/synthetic.py):

- the public Maven CRM sample, imported as docs/guide.en.md says, with its price list, June–December 2017;
- synthetic folders: the last 12 months before 1 December 2026.

    python benchmarks/backtest.py                    # Maven (where it is) and seeds 1–5
    python benchmarks/backtest.py --seeds 1-10 --only synthetic
    python benchmarks/backtest.py --model stages     # another model, for comparison

Each line is one folder: MAE, MAPE and bias of the forecast and of each naive forecast, over the same months.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import synthetic  # noqa: E402

MAVEN = Path("/work/shared/datasets/maven-crm")
METHODS = ("forecast", "last_month", "mean_of_three")
SALESCLI = [sys.executable, "-m", "salescli"]


def salescli(root: Path, *args: str, today: str) -> str:
    result = subprocess.run([*SALESCLI, "--dir", str(root), "--today", today, *args], capture_output=True, text=True,
                            env={**os.environ, "SALESCLI_LANG": "en"})
    if result.returncode != 0:
        raise SystemExit(f"salescli {' '.join(args)} failed:\n{result.stderr}")
    return result.stdout


def maven(work: Path) -> Path:
    """The Maven sample imported as the guide says (docs/guide.en.md, Import), and its price list."""
    root = work / "maven"
    if (root / ".complete").exists():
        return root
    shutil.rmtree(root, ignore_errors=True)
    (root / "customers").mkdir(parents=True)
    for args in (["accounts.csv", "--map", "sector=needs.scope", "--map", "office_location=area",
                  "--date", "2016-10-01"],
                 ["sales_teams.csv", "--team"],
                 ["sales_pipeline.csv", "--deals", "--date", "2017-12-31", "--stage-dates", "engage_date=approach",
                  "--stage-map", "Prospecting=prospect,Engaging=approach,Won=close,Lost=lost"],
                 ["products.csv", "--products"]):
        salescli(root, "import", str(MAVEN / args[0]), *args[1:], today="2017-12-31")
    (root / ".complete").write_text("done")
    return root


def judged(root: Path, months: int, end: str, today: str, model: str | None) -> dict[str, Any]:
    extra = ["--model", model] if model else []
    return json.loads(salescli(root, "forecast", "--backtest", str(months), "--month", end, "--format", "json",
                               *extra, today=today))


def line(name: str, data: dict[str, Any]) -> str:
    accuracy = data["accuracy"]["(all)"]
    cells = []
    for method in METHODS:
        one = accuracy[method]
        cells.append(f"{one['mae'] or 0:>10,.0f} {100 * (one['mape'] or 0):>6.1f}% {one['bias'] or 0:>+10,.0f}")
    models = sorted({row["model"] for row in data["months"]})
    return f"{name:<14} {accuracy['forecast']['months']:>3}  " + "  ".join(cells) + "  " + ", ".join(models)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", default="1-5", help="synthetic seeds, e.g. 1-5 or 2,7")
    parser.add_argument("--only", choices=("maven", "synthetic"))
    parser.add_argument("--model", choices=("auto", "stages", "history"))
    parser.add_argument("--dir", default=str(Path(tempfile.gettempdir()) / "salescli-backtest"))
    parser.add_argument("--table", action="store_true", help="also print salescli's own table for each folder")
    args = parser.parse_args()
    work = Path(args.dir)
    work.mkdir(parents=True, exist_ok=True)
    header = f"{'folder':<14} {'n':>3}  " + "  ".join(f"{method:^29}" for method in METHODS) + "  model(s)"
    print(header)
    print(f"{'':<14} {'':>3}  " + "  ".join(f"{'MAE':>10} {'MAPE':>7} {'bias':>10}" for _ in METHODS))
    shares: dict[str, list[float]] = {method: [] for method in METHODS}
    folders: list[tuple[str, Path, int, str, str]] = []
    if args.only != "synthetic" and MAVEN.is_dir():
        folders.append(("maven", maven(work), 7, "2018-01", "2018-01-01"))
    if args.only != "maven":
        first, _dash, last = args.seeds.partition("-")
        seeds = range(int(first), int(last or first) + 1) if "," not in args.seeds else map(int, args.seeds.split(","))
        for seed in seeds:
            root = synthetic.generate(work / f"seed-{seed}", seed)
            folders.append((f"synthetic-{seed}", root, 12, "2026-12", "2026-12-01"))
    for name, root, months, end, today in folders:
        data = judged(root, months, end, today, args.model)
        print(line(name, data))
        if name != "maven":
            for method in METHODS:
                mape = data["accuracy"]["(all)"][method]["mape"]
                if mape is not None:
                    shares[method].append(mape)
        if args.table:
            print(salescli(root, "forecast", "--backtest", str(months), "--month", end, today=today))
    if shares["forecast"]:
        print(f"{'synthetic mean':<14} {'':>3}  " + "  ".join(
            f"{'':>10} {100 * statistics.mean(shares[method]):>6.1f}% {'':>10}" for method in METHODS))


if __name__ == "__main__":
    main()
