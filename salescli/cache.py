"""The parse cache: what each customer file parsed to, reused while the file is unchanged.

It lives outside the data folder (the user cache dir, one folder per data folder), is versioned and
disposable: a corrupt, foreign or old cache is ignored and rebuilt; deleting it changes only speed.
A file counts as unchanged while its size, mtime, ctime and inode are those recorded — except a file
modified within RACY_NS of the cache being written, which is re-read (git's "racily clean" rule:
the timestamp cannot tell an edit made in the same granule from the state that was cached).
"""

from __future__ import annotations

import hashlib
import marshal
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from salescli import __version__

FORMAT = 2
MAGIC = b"salescli-cache\n"
RACY_NS = 2_000_000_000  # coarser than any filesystem's timestamp granule (FAT: 2 s)
CACHE_DIR_VARIABLE = "SALESCLI_CACHE_DIR"

Identity = tuple[int, int, int, int]  # size, mtime_ns, ctime_ns, inode


def identity(stat: os.stat_result) -> Identity:
    return (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)


@dataclass
class Cache:
    path: Path
    written_ns: int  # when the cache was last written (0: never)
    entries: dict[str, tuple[Identity, Any]]  # file name → (identity, record)

    def fresh(self, name: str, now: Identity) -> Any | None:
        """The cached record of `name` if the file is certainly unchanged, else None."""
        entry = self.entries.get(name)
        if entry is None or entry[0] != now:
            return None
        if now[1] >= self.written_ns - RACY_NS:  # modified too close to the cache write to tell
            return None
        return entry[1]


def location(root: Path) -> Path:
    """The cache file of the data folder at `root`."""
    base = os.environ.get(CACHE_DIR_VARIABLE) or os.environ.get("XDG_CACHE_HOME") or _home_cache()
    key = hashlib.sha256(str(root.resolve()).encode("utf-8")).hexdigest()[:20]
    return Path(base) / "salescli" / key / "customers.cache"


def _home_cache() -> str:
    try:
        return str(Path.home() / ".cache")
    except RuntimeError:  # no home directory (some service accounts): a temporary one will do
        import tempfile

        return tempfile.gettempdir()


def _stamp() -> bytes:
    version = f"{FORMAT} {__version__} {sys.version_info[0]}.{sys.version_info[1]} {marshal.version}\n"
    return MAGIC + version.encode("ascii")


def load(root: Path) -> Cache:
    """The cache of `root`, or an empty one when there is none or it cannot be trusted."""
    path = location(root)
    empty = Cache(path, 0, {})
    try:
        data = path.read_bytes()
        written_ns = path.stat().st_mtime_ns
    except OSError:
        return empty
    stamp = _stamp()
    if not data.startswith(stamp) or len(data) < len(stamp) + 32:
        return empty
    digest, payload = data[len(stamp):len(stamp) + 32], data[len(stamp) + 32:]
    if hashlib.sha256(payload).digest() != digest:
        return empty
    try:
        entries = marshal.loads(payload)
    except (EOFError, ValueError, TypeError):
        return empty
    if not isinstance(entries, dict):
        return empty
    return Cache(path, written_ns, entries)


def save(cache: Cache) -> None:
    """Write the cache all or nothing (temp file + rename); a failure only costs speed next time."""
    payload = marshal.dumps(cache.entries)
    data = _stamp() + hashlib.sha256(payload).digest() + payload
    try:
        cache.path.parent.mkdir(parents=True, exist_ok=True)
        temp = cache.path.with_name(f".{cache.path.name}.{os.getpid()}.tmp")
        temp.write_bytes(data)
        os.replace(temp, cache.path)
    except OSError:
        pass
