"""The parse cache: what each customer file parsed to, reused while the file is unchanged.

It lives outside the data folder (the user cache dir, one folder per data folder), is versioned and
disposable: a corrupt, foreign or old cache is ignored and rebuilt; deleting it changes only speed.
A file counts as unchanged while its size, mtime, ctime and inode are those recorded. A file
modified within RACY_NS of the cache being written is "racily clean" (git's word: its timestamp
cannot tell an edit made in the same granule from the state that was cached), so its bytes are
compared with the digest recorded instead.

Three files, each checked:
- the index (checksummed as a whole): per customer file its identity, digest and list row (all
  that `list` needs) and where its record lies in the records file — read by every command;
- the changes since that index was written (checksummed, naming the index it amends), so that a
  changed file or two costs a small write, not a new index of 100,000 entries;
- the records (each with its CRC in the index): profile, deals and events, read only by commands
  that need them. New records are appended, so a changed file costs its own record and a new
  index, not a copy of everything; the file is written afresh (a new generation) when more than
  half of it is dead. Writers take a lock; a reader whose index names another generation than the
  records file holds re-reads those customers' files instead.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import sys
import zlib
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator, NamedTuple

from salescli import __version__

FORMAT = 5
MAGIC = b"salescli-cache\n"
RACY_NS = 2_000_000_000  # coarser than any filesystem's timestamp granule (FAT: 2 s)
CACHE_DIR_VARIABLE = "SALESCLI_CACHE_DIR"
_GENERATION_SIZE = 16
DEAD_SLACK = 1 << 20  # dead record bytes allowed beyond the live ones before the records are rewritten
MOST_CHANGES = 256  # changed files the changes file holds (or a tenth of all) before a new full index

Identity = tuple[int, int, int, int]  # size, mtime_ns, ctime_ns, inode


def identity(stat: os.stat_result) -> Identity:
    return (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)


def digest(data: bytes) -> bytes:
    """A file's content, for telling racily clean files apart."""
    return hashlib.blake2b(data, digest_size=16).digest()


class Entry(NamedTuple):
    identity: Identity
    digest: bytes
    row: Any  # the customer's list row, as plain values
    span: tuple[int, int, int]  # where its record lies in the records file: offset, length, CRC-32


class Parsed(NamedTuple):
    """A file just parsed: what the cache keeps of it."""

    identity: Identity
    digest: bytes
    row: Any
    record: bytes  # marshalled (by the process that parsed it: parsing may run on every core)


@dataclass
class Cache:
    path: Path  # the index
    written_ns: int = 0  # when the index was last written (0: never)
    entries: dict[str, Entry] = field(default_factory=dict)  # file name → entry
    generation: bytes = b""  # of the records file the entries point into
    base: bytes = b""  # the checksum of the full index the entries start from (b"": none)
    changes: dict[str, Any] = field(default_factory=dict)  # what the changes file adds (None: removes)
    _records: bytes | None = None
    _records_read: bool = False

    def fresh(self, name: str, now: Identity, folder: Path) -> Entry | None:
        """The entry of `name` if the file is certainly unchanged, else None."""
        entry = self.entries.get(name)
        if entry is None or entry.identity != now:
            return None
        if now[1] >= self.written_ns - RACY_NS:  # too close to the cache write to tell by time
            try:
                same = digest((folder / name).read_bytes()) == entry.digest
            except OSError:
                return None
            if not same:
                return None
        return entry

    def record(self, entry: Entry) -> Any | None:
        """The full record of an entry; None when it cannot be trusted (the file is parsed again)."""
        chunk = self._chunk(entry)
        if chunk is None:
            return None
        try:
            return marshal.loads(chunk)
        except (EOFError, ValueError, TypeError):
            return None

    def _chunk(self, entry: Entry) -> bytes | None:
        if not self._records_read:
            self._records_read = True
            self._records = _read_records(records_location(self.path), self.generation)
        if self._records is None:
            return None
        offset, length, crc = entry.span
        chunk = self._records[offset:offset + length]
        return chunk if len(chunk) == length and zlib.crc32(chunk) == crc else None


def location(root: Path) -> Path:
    """The cache index of the data folder at `root`."""
    base = os.environ.get(CACHE_DIR_VARIABLE) or os.environ.get("XDG_CACHE_HOME") or _home_cache()
    key = hashlib.sha256(str(root.resolve()).encode("utf-8")).hexdigest()[:20]
    return Path(base) / "salescli" / key / "customers.cache"


def records_location(index: Path) -> Path:
    return index.with_name("records.cache")


def disabled() -> bool:
    return os.environ.get(CACHE_DIR_VARIABLE) == "off"


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
    """The index of `root`'s cache, or an empty cache when there is none or it cannot be trusted."""
    path = location(root)
    full = _read_checked(path)
    if full is None or not isinstance(full[0][1], dict):
        return Cache(path)
    (generation, entries), base, written_ns = full
    make = tuple.__new__  # Entry(*entry) without a Python call each: an index may hold 100,000
    cache = Cache(path, written_ns, {name: make(Entry, entry) for name, entry in entries.items()}, generation, base)
    changed = _read_checked(changes_location(path))
    if changed is not None and changed[0][0] == base and isinstance(changed[0][1], dict):  # changes made since this full index was written
        cache.changes = changed[0][1]
        cache.written_ns = max(written_ns, changed[2])
        for name, entry in cache.changes.items():
            if entry is None:
                cache.entries.pop(name, None)
            else:
                cache.entries[name] = make(Entry, entry)
    return cache


def changes_location(index: Path) -> Path:
    return index.with_name("changes.cache")


def _read_checked(path: Path) -> tuple[Any, bytes, int] | None:
    """The pair (bytes, value) stored in a checksummed cache file, its checksum and its mtime; None if
    untrusted."""
    try:
        with open(path, "rb") as handle:
            written_ns = os.fstat(handle.fileno()).st_mtime_ns
            data = handle.read()
    except OSError:
        return None
    stamp = _stamp()
    checksum, payload = data[len(stamp):len(stamp) + 32], data[len(stamp) + 32:]
    if not data.startswith(stamp) or hashlib.sha256(payload).digest() != checksum:
        return None
    try:
        value = marshal.loads(payload)
    except (EOFError, ValueError, TypeError):
        return None
    if not (isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], bytes)):
        return None
    return value, checksum, written_ns


def _write_checked(path: Path, value: Any) -> bytes:
    payload = marshal.dumps(value)
    checksum = hashlib.sha256(payload).digest()
    _replace(path, _stamp() + checksum + payload)
    return checksum


def _read_records(path: Path, generation: bytes) -> bytes | None:
    """The records file, if it is the generation the index points into."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    header = _stamp() + generation
    return data if generation and data.startswith(header) else None


def save(old: Cache, kept: Iterable[tuple[str, Entry]], parsed: Iterable[tuple[str, Parsed]]) -> None:
    """Record the `kept` entries and the `parsed` files: their records appended (or, when the records
    file is mostly dead, all written afresh), the change noted in the small changes file (or, when
    there are many, a new full index written); a failure only costs speed next time."""
    kept, parsed = list(kept), list(parsed)
    records = records_location(old.path)
    try:
        old.path.parent.mkdir(parents=True, exist_ok=True)
        with _writing(old.path):
            size = _size_of(records, old.generation)
            live = sum(entry.span[1] for _, entry in kept) + sum(len(new.record) for _, new in parsed)
            if size is not None and size <= 2 * live + DEAD_SLACK:
                new = _append(records, size, parsed)
                removed = set(old.entries).difference(name for name, _ in kept).difference(new)
                changes = {**old.changes, **new, **dict.fromkeys(removed)}
                if old.base and len(changes) <= max(MOST_CHANGES, len(old.entries) // 10) \
                        and _checksum_of(old.path) == old.base:
                    _write_checked(changes_location(old.path), (old.base, changes))
                    return
                generation, index = old.generation, {**{name: tuple(entry) for name, entry in kept}, **new}
            else:
                generation, index = _rewrite(records, old, kept, parsed)
            _write_checked(old.path, (generation, index))
            changes_location(old.path).unlink(missing_ok=True)
    except OSError:
        pass


def _append(records: Path, size: int, parsed: list[tuple[str, Parsed]]) -> dict[str, tuple[Any, ...]]:
    """Add the records at the end of the records file; the new files' index entries."""
    index: dict[str, tuple[Any, ...]] = {}
    offset = size
    with open(records, "ab") as handle:
        for name, new in parsed:
            handle.write(new.record)
            index[name] = (new.identity, new.digest, new.row, (offset, len(new.record), zlib.crc32(new.record)))
            offset += len(new.record)
    return index


def _checksum_of(index: Path) -> bytes | None:
    """The checksum in the full index's header (to see that nobody has replaced it meanwhile)."""
    stamp = _stamp()
    try:
        with open(index, "rb") as handle:
            header = handle.read(len(stamp) + 32)
    except OSError:
        return None
    return header[len(stamp):] if header.startswith(stamp) else None


def _rewrite(records: Path, old: Cache, kept: list[tuple[str, Entry]],
             parsed: list[tuple[str, Parsed]]) -> tuple[bytes, dict[str, tuple[Any, ...]]]:
    generation = os.urandom(_GENERATION_SIZE)
    header = _stamp() + generation
    pieces: list[bytes] = [header]
    index: dict[str, tuple[Any, ...]] = {}
    offset = len(header)
    chosen = [(name, entry.identity, entry.digest, entry.row, old._chunk(entry)) for name, entry in kept]
    chosen += [(name, new.identity, new.digest, new.row, new.record) for name, new in parsed]
    for name, file_identity, file_digest, row, chunk in chosen:
        if chunk is None:
            continue  # its record is lost with the old file: that customer file is parsed again next time
        pieces.append(chunk)
        index[name] = (file_identity, file_digest, row, (offset, len(chunk), zlib.crc32(chunk)))
        offset += len(chunk)
    _replace(records, b"".join(pieces))
    return generation, index


def _size_of(records: Path, generation: bytes) -> int | None:
    """The records file's size, if it is of `generation` (else it is written afresh)."""
    header = _stamp() + generation
    try:
        with open(records, "rb") as handle:
            if not generation or handle.read(len(header)) != header:
                return None
            return os.fstat(handle.fileno()).st_size
    except OSError:
        return None


def _replace(path: Path, data: bytes) -> None:
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temp.write_bytes(data)
    os.replace(temp, path)


@contextmanager
def _writing(index: Path) -> Iterator[None]:
    """One writer at a time (appends must not interleave); without flock (Windows), the CRCs guard."""
    try:
        import fcntl
    except ImportError:
        yield
        return
    with open(index.with_name("lock"), "ab") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


# ---- small documents (salescli.yaml): kept by content digest ---------------------------------

def load_document(root: Path, name: str, content_digest: bytes) -> Any | None:
    """What a small file of these contents parsed to last time (as plain values), if known."""
    stored = _read_checked(_document_path(root, name))
    return stored[0][1] if stored is not None and stored[0][0] == content_digest else None


def save_document(root: Path, name: str, content_digest: bytes, value: Any) -> None:
    path = _document_path(root, name)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _write_checked(path, (content_digest, value))
    except (OSError, ValueError):  # ValueError: not plain values, so not kept
        pass


def _document_path(root: Path, name: str) -> Path:
    return location(root).with_name(f"{name}.cache")
