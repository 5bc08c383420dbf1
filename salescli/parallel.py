"""Work on many files at once: on every core when there are enough of them, with a progress line."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence

from salescli.i18n import _

PARALLEL_FROM = 400  # files to parse before a second process pays for itself


def map_files(work: Callable[[Path], Any], paths: Sequence[Path], *, doing: str) -> list[Any]:
    """`work` of each file, in order: on every core when there are many (`work` must then be a
    module's function, or a partial of one), with a progress line in a terminal ("reading customer
    files: 200/10000")."""
    workers = min(os.cpu_count() or 1, 8)
    if len(paths) < PARALLEL_FROM or workers < 2:
        return [work(path) for path in _progress(paths, doing)]
    from concurrent.futures import ProcessPoolExecutor

    chunk = max(50, len(paths) // (workers * 4))
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(_progress(pool.map(work, paths, chunksize=chunk), doing, total=len(paths)))


def _progress(items: Iterable[Any], doing: str, total: int | None = None) -> Iterator[Any]:
    """Pass items through; in a terminal, after a second, show how far the parsing has got."""
    count = total if total is not None else len(items)  # type: ignore[arg-type]
    started = time.monotonic()
    shown = False
    for number, item in enumerate(items, start=1):
        if sys.stderr.isatty() and (number % 200 == 0 or number == count) and time.monotonic() - started > 1:
            print("\r" + _(doing).format(number=number, count=count), end="", file=sys.stderr, flush=True)
            shown = True
        yield item
    if shown:
        print(file=sys.stderr)
