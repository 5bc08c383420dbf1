"""How well salescli reads business cards: generated card photos (card_photos.py) or a folder of
photos with a cards.json of what each prints, read as `salescli person … --card` reads them.

    python benchmarks/card_run.py                  # 120 generated cards, seed 1
    python benchmarks/card_run.py --count 300 --seed 7
    python benchmarks/card_run.py --dir PHOTOS     # PHOTOS/cards.json: {"file.jpg": {"name": …, …}}
    python benchmarks/card_run.py --show-misses    # each field read wrong: what was printed, what was read

Prints, per field, the share of cards on which it was read exactly (an empty field counts as exact
when the card does not print it), the cards where a field was filled that the card lacks, and the
time: the OCR's load, then per card (photo decoding, OCR and parsing). Numbers compare by their
digits, names and titles without spaces, e-mails case-free. Benchmarks are not tests: nothing here
asserts.
"""

from __future__ import annotations

import argparse
import io
import json
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from salescli import card as cards_module  # noqa: E402
from salescli import cardocr  # noqa: E402

FIELDS = ("name", "title", "mobile", "phone", "email", "company", "department", "address")
GOALS = {"mobile": 0.95, "phone": 0.95, "email": 0.95, "name": 0.90, "title": 0.90}


def same(field: str, printed: Any, read: Any) -> bool:
    if printed in (None, "") or read in (None, ""):
        return printed in (None, "") and read in (None, "")
    if field in ("mobile", "phone"):
        return re.sub(r"\D", "", str(printed)) == re.sub(r"\D", "", str(read))
    return re.sub(r"\s", "", str(printed)).casefold() == re.sub(r"\s", "", str(read)).casefold()


def photos(arguments: argparse.Namespace) -> list[tuple[str, bytes, dict[str, Any]]]:
    if arguments.dir:
        folder = Path(arguments.dir)
        expected = json.loads((folder / "cards.json").read_text(encoding="utf-8"))
        return [(name, (folder / name).read_bytes(), printed) for name, printed in sorted(expected.items())]
    from dataclasses import asdict

    from card_photos import cards

    made = []
    for number, (image, printed, quality) in enumerate(cards(arguments.count, arguments.seed)):
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=quality)
        made.append((f"card-{number:03d}.jpg", buffer.getvalue(), asdict(printed)))
    return made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=120)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--dir", help="photos with a cards.json instead of generated ones")
    parser.add_argument("--show-misses", action="store_true")
    arguments = parser.parse_args()
    taken = photos(arguments)
    started = time.perf_counter()
    cardocr._engine()
    load = time.perf_counter() - started
    exact: Counter[str] = Counter()
    filled: Counter[str] = Counter()
    flagged: Counter[str] = Counter()
    layouts: dict[str, Counter[str]] = {}
    times = []
    for name, data, printed in taken:
        started = time.perf_counter()
        read = cards_module.parse(cardocr.read_lines(data, name))
        times.append(time.perf_counter() - started)
        layout = layouts.setdefault(printed.get("layout") or "-", Counter())
        layout["cards"] += 1
        for field in FIELDS:
            value = getattr(read, field)
            if same(field, printed.get(field), value):
                exact[field] += 1
                layout[field] += 1
            else:
                flagged[field] += field in read.unsure
                if printed.get(field) in (None, ""):
                    filled[field] += 1
                if arguments.show_misses:
                    print(f"{name} [{printed.get('layout')}, {printed.get('font')}] {field}: printed "
                          f"{printed.get(field)!r}, read {value!r}{' (unsure)' if field in read.unsure else ''}")
                    print("    " + " | ".join(read.text))
    count = len(taken)
    print(f"{count} cards ({'from ' + arguments.dir if arguments.dir else f'generated, seed {arguments.seed}'})")
    print(f"{'field':<11} {'exact':>7} {'goal':>6}  {'filled, not printed':>19}  {'wrong but flagged':>17}")
    for field in FIELDS:
        goal = f"{GOALS[field]:.0%}" if field in GOALS else ""
        print(f"{field:<11} {exact[field] / count:>7.1%} {goal:>6}  {filled[field]:>19}  "
              f"{flagged[field]:>10} of {count - exact[field]:<4}")
    print()
    print("by layout: " + "; ".join(
        f"{layout} ({counter['cards']}): " + " ".join(f"{field} {counter[field] / counter['cards']:.0%}"
                                                      for field in ("name", "title", "mobile", "phone", "email"))
        for layout, counter in sorted(layouts.items())))
    print()
    print(f"time: OCR load {load:.2f} s; per card median {statistics.median(times):.2f} s, "
          f"max {max(times):.2f} s; first card with the load {load + times[0]:.2f} s")


if __name__ == "__main__":
    main()
