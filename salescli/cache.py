"""The parse cache: what each customer file parsed to, reused while the file is unchanged.

It lives outside the data folder (the user cache dir, one folder per data folder), is versioned and
disposable: a corrupt, foreign or old cache is ignored and rebuilt; deleting it changes only speed.
A file counts as unchanged while its size, mtime, ctime and inode are those recorded. A file
modified within RACY_NS of the cache being written is "racily clean" (git's word: its timestamp
cannot tell an edit made in the same granule from the state that was cached), so its bytes are
compared with the digest recorded instead.

One file holds two parts, each with its own checksum:
- the index: per customer file, its identity, digest and list row (all that `list` needs), and
  where its record lies in the blob — small, read by every command;
- the blob: the full records (profile, deals, events), read only by commands that need them.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import struct
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Iterable, NamedTuple

from salescli import __version__

FORMAT = 4
MAGIC = b"salescli-cache\n"
RACY_NS = 2_000_000_000  # coarser than any filesystem's timestamp granule (FAT: 2 s)
CACHE_DIR_VARIABLE = "SALESCLI_CACHE_DIR"
_SIZES = struct.Struct("<QQ")  # index length, blob length

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
    span: tuple[int, int]  # where its record lies in the blob


class Parsed(NamedTuple):
    """A file just parsed: what the cache keeps of it."""

    identity: Identity
    digest: bytes
    row: Any
    record: bytes  # marshalled (by the process that parsed it: parsing may run on every core)


@dataclass
class Cache:
    path: Path
    written_ns: int = 0  # when the cache was last written (0: never)
    entries: dict[str, Entry] = field(default_factory=dict)  # file name → entry
    _file: BinaryIO | None = None  # the cache file as loaded: another process may replace it since
    _blob: memoryview | None = None
    _blob_checked: bool = False

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
        """The full record of an entry; None when the blob cannot be trusted."""
        blob = self._checked_blob()
        if blob is None:
            return None
        start, length = entry.span
        try:
            return marshal.loads(blob[start:start + length])
        except (EOFError, ValueError, TypeError):
            return None

    def close(self) -> None:
        if self._file is not None:
            self._file.close()

    def _checked_blob(self) -> memoryview | None:
        if self._blob_checked:
            return self._blob
        self._blob_checked = True
        if self._file is not None:
            with self._file:
                self._blob = _read_blob(self._file)
        return self._blob


def location(root: Path) -> Path:
    """The cache file of the data folder at `root`."""
    base = os.environ.get(CACHE_DIR_VARIABLE) or os.environ.get("XDG_CACHE_HOME") or _home_cache()
    key = hashlib.sha256(str(root.resolve()).encode("utf-8")).hexdigest()[:20]
    return Path(base) / "salescli" / key / "customers.cache"


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


def _header_size() -> int:
    return len(_stamp()) + 64 + _SIZES.size


def load(root: Path) -> Cache:
    """The index of `root`'s cache, or an empty cache when there is none or it cannot be trusted."""
    path = location(root)
    empty = Cache(path)
    try:
        handle = open(path, "rb")
    except OSError:
        return empty
    try:
        written_ns = os.fstat(handle.fileno()).st_mtime_ns
        header = handle.read(_header_size())
        stamp = _stamp()
        if len(header) != _header_size() or not header.startswith(stamp):
            handle.close()
            return empty
        index_digest = header[len(stamp):len(stamp) + 32]
        index_length, _ = _SIZES.unpack(header[-_SIZES.size:])
        index = handle.read(index_length)
        entries = marshal.loads(index) if hashlib.sha256(index).digest() == index_digest else None
    except (OSError, EOFError, ValueError, TypeError):
        entries = None
    if not isinstance(entries, dict):
        handle.close()
        return empty
    make = tuple.__new__  # Entry(*entry) without a Python call each: an index may hold 100,000
    return Cache(path, written_ns, {name: make(Entry, entry) for name, entry in entries.items()}, handle)


def _read_blob(handle: BinaryIO) -> memoryview | None:
    """The records part of the cache file open in `handle`, if its checksum holds."""
    try:
        handle.seek(0)
        data = handle.read()
    except OSError:
        return None
    stamp = _stamp()
    if len(data) < _header_size() or not data.startswith(stamp):
        return None
    blob_digest = data[len(stamp) + 32:len(stamp) + 64]
    index_length, blob_length = _SIZES.unpack(data[_header_size() - _SIZES.size:_header_size()])
    blob = memoryview(data)[_header_size() + index_length:]
    if len(blob) != blob_length or hashlib.sha256(blob).digest() != blob_digest:
        return None
    return blob


def save(old: Cache, kept: Iterable[tuple[str, Entry]], parsed: Iterable[tuple[str, Parsed]]) -> None:
    """Write a new cache of the `kept` entries (records copied from `old`) and the `parsed` files,
    all or nothing (temp file + rename); a failure only costs speed next time."""
    index: dict[str, tuple[Any, ...]] = {}
    pieces: list[bytes | memoryview] = []
    offset = 0
    for name, entry in kept:
        blob = old._checked_blob()
        if blob is None:
            continue  # its record is lost with the old blob: that file is parsed again next time
        start, length = entry.span
        pieces.append(blob[start:start + length])
        index[name] = (entry.identity, entry.digest, entry.row, (offset, length))
        offset += length
    for name, new in parsed:
        pieces.append(new.record)
        index[name] = (new.identity, new.digest, new.row, (offset, len(new.record)))
        offset += len(new.record)
    index_bytes = marshal.dumps(index)
    blob_bytes = b"".join(pieces)
    data = b"".join([_stamp(), hashlib.sha256(index_bytes).digest(), hashlib.sha256(blob_bytes).digest(),
                     _SIZES.pack(len(index_bytes), len(blob_bytes)), index_bytes, blob_bytes])
    try:
        old.path.parent.mkdir(parents=True, exist_ok=True)
        temp = old.path.with_name(f".{old.path.name}.{os.getpid()}.tmp")
        temp.write_bytes(data)
        os.replace(temp, old.path)
    except OSError:
        pass


# ---- small documents (salescli.yaml): kept by content digest ---------------------------------

def load_document(root: Path, name: str, content_digest: bytes) -> Any | None:
    """What a small file of these contents parsed to last time (as plain values), if known."""
    try:
        data = _document_path(root, name).read_bytes()
    except OSError:
        return None
    stamp = _stamp()
    payload = data[len(stamp) + 32:]
    if not data.startswith(stamp) or hashlib.sha256(payload).digest() != data[len(stamp):len(stamp) + 32]:
        return None
    try:
        stored_digest, value = marshal.loads(payload)
    except (EOFError, ValueError, TypeError):
        return None
    return value if stored_digest == content_digest else None


def save_document(root: Path, name: str, content_digest: bytes, value: Any) -> None:
    try:
        payload = marshal.dumps((content_digest, value))
    except ValueError:  # not plain values: not kept
        return
    path = _document_path(root, name)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        temp.write_bytes(_stamp() + hashlib.sha256(payload).digest() + payload)
        os.replace(temp, path)
    except OSError:
        pass


def _document_path(root: Path, name: str) -> Path:
    return location(root).with_name(f"{name}.cache")
