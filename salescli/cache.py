"""The parse cache: what each customer file parsed to, reused while the file is unchanged.

It lives outside the data folder (the user cache dir, one folder per data folder), is versioned and
disposable: a corrupt, foreign or old cache is ignored and rebuilt; deleting it changes only speed.
A file counts as unchanged while its size, mtime, ctime and inode are those recorded. A file
modified within RACY_NS of the cache being written is "racily clean" (git's word: its timestamp
cannot tell an edit made in the same granule from the state that was cached), so its bytes are
compared with the digest recorded instead.

Three files, each checked:
- the index (checksummed as a whole): per customer file its identity, digest and list row (all
  that `list` needs) and where its record lies in the records file — read by every command, so
  stored a column at a time (see `Cache`): loading it makes a few dozen objects, not a million;
- the changes since that index was written (checksummed, naming the index it amends), so that a
  changed file or two costs a small write, not a new index of 100,000 entries;
- the records (each with its CRC in the index): profile, deals and events, read only by commands
  that need them. New records are appended, so a changed file costs its own record and an entry
  in the changes file, not a copy of everything; the file is written afresh (a new generation)
  when more than half of it is dead. Writers take a lock; a reader whose index names another generation than the
  records file holds re-reads those customers' files instead.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import sys
import zlib
from array import array
from contextlib import contextmanager
from dataclasses import dataclass, field
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, NamedTuple, Sequence

from salescli import __version__

FORMAT = 8  # 7: dates outside 1900–2999 and amounts past 10^12 make a file unreadable; 8: deals and events
#                carry owner and product
MAGIC = b"salescli-cache\n"
RACY_NS = 2_000_000_000  # coarser than any filesystem's timestamp granule (FAT: 2 s)
CACHE_DIR_VARIABLE = "SALESCLI_CACHE_DIR"
_GENERATION_SIZE = 16
DEAD_SLACK = 1 << 20  # dead record bytes allowed beyond the live ones before the records are rewritten
MOST_CHANGES = 256  # changed files the changes file holds (or a tenth of all) before a new full index
_DIGEST_SIZE = 16

Identity = tuple[int, int, int, int]  # size, mtime_ns, ctime_ns, inode
Span = tuple[int, int, int]  # where a record lies in the records file: offset, length, CRC-32
Entry = tuple[Identity, bytes, tuple[Any, ...], Span]  # identity, digest, row, span: a file in the changes file


identity: Callable[[os.stat_result], Identity] = attrgetter("st_size", "st_mtime_ns", "st_ctime_ns", "st_ino")


def digest(data: bytes) -> bytes:
    """A file's content, for telling racily clean files apart."""
    return hashlib.blake2b(data, digest_size=_DIGEST_SIZE).digest()


class Parsed(NamedTuple):
    """A file just parsed: what the cache keeps of it."""

    identity: Identity
    digest: bytes
    row: tuple[Any, ...]  # the customer's list row, as plain values
    record: bytes  # marshalled (by the process that parsed it: parsing may run on every core)


@dataclass
class Cache:
    """The index: per file (a position each) its name, identity, digest, record span and row.

    Held a column at a time, as it is stored: the names, identities, digests and spans in one
    sequence each and the rows a field at a time, so that loading 100,000 entries makes a few
    lists rather than 100,000 entries (each text column is one string, split on load).
    The files lie in name order (the folder's listing is compared in that order); the rows lie
    in the order they are usually listed in (`slots` says which row is whose), so that what is
    read in that order lies in memory in that order: scattered reads cost 5 times as much.
    """

    path: Path  # the index
    written_ns: int = 0  # when the index was last written (0: never)
    generation: bytes = b""  # of the records file the entries point into
    base: bytes = b""  # the checksum of the full index the entries start from (b"": none)
    names: list[str] = field(default_factory=list)
    identities: list[Identity | None] = field(default_factory=list)  # None: removed since the full index
    digests: bytearray = field(default_factory=bytearray)  # _DIGEST_SIZE bytes each
    spans: array[int] = field(default_factory=lambda: array("Q"))  # three numbers each (Span)
    slots: array[int] = field(default_factory=lambda: array("Q"))  # where each file's row is in the rows
    packed_rows: list[Any] = field(default_factory=list)  # a packed column per row field
    changes: dict[str, Entry | None] = field(default_factory=dict)  # what the changes file adds (None: removes)
    _rows: list[list[Any]] | None = None
    _records: bytes | None = None
    _records_read: bool = False

    @property
    def live(self) -> int:
        """How many files the index holds."""
        return len(self.names) - self.identities.count(None)

    @property
    def rows(self) -> list[list[Any]]:
        """The rows, a list per field (unpacked when first asked for)."""
        if self._rows is None:
            self._rows = [_unpack(column) for column in self.packed_rows]
        return self._rows

    def sort_out(self, names: list[str], identities: list[Identity], folder: Path
                 ) -> tuple[list[int], list[tuple[str, Identity]]]:
        """Of the files in `folder` (`names` in order, with their `identities`), the positions of
        those certainly unchanged, and the others."""
        racy = self.written_ns - RACY_NS  # modified at or after this: too close to the cache write to tell by time
        if names == self.names and identities == self.identities \
                and (not names or max(map(_mtime_of, identities)) < racy):
            return list(range(len(names))), []  # the usual case, in two comparisons made in C
        where = dict(zip(self.names, range(len(self.names))))
        kept: list[int] = []
        stale: list[tuple[str, Identity]] = []
        for name, now in zip(names, identities):
            position = where.get(name)
            if position is not None and self.identities[position] == now \
                    and (now[1] < racy or _same_bytes(folder / name, self.digest_at(position))):
                kept.append(position)
            else:
                stale.append((name, now))
        kept.sort()
        return kept, stale

    def digest_at(self, position: int) -> bytes:
        return bytes(self.digests[position * _DIGEST_SIZE:(position + 1) * _DIGEST_SIZE])

    def span_at(self, position: int) -> Span:
        offset, length, crc = self.spans[position * 3:position * 3 + 3]
        return offset, length, crc

    def entry(self, position: int) -> tuple[str, Identity, bytes, tuple[Any, ...], Span]:
        file_identity = self.identities[position]
        assert file_identity is not None, "a removed file has no entry"
        return (self.names[position], file_identity, self.digest_at(position),
                tuple(column[self.slots[position]] for column in self.rows), self.span_at(position))

    def rows_at(self, positions: Sequence[int]) -> list[list[Any]]:
        """The rows of the files at `positions`, a list per field, in the rows' order (for all the
        rows, the cache's own lists)."""
        rows = self.rows
        if len(positions) == len(self.names):  # every file, so every row
            return rows
        slots = sorted(map(self.slots.__getitem__, positions))
        return [list(map(column.__getitem__, slots)) for column in rows]

    def record(self, position: int) -> Any | None:
        """The full record of a file; None when it cannot be trusted (the file is parsed again)."""
        chunk = self._chunk(self.span_at(position))
        if chunk is None:
            return None
        try:
            return marshal.loads(chunk)
        except (EOFError, ValueError, TypeError):
            return None

    def record_alone(self, position: int) -> Any | None:
        """Like `record`, reading that record alone (a command about one customer need not read them all)."""
        if self._records_read:
            return self.record(position)
        offset, length, crc = self.span_at(position)
        header = _stamp() + self.generation
        try:
            with open(records_location(self.path), "rb") as handle:
                if not self.generation or handle.read(len(header)) != header:
                    return None
                handle.seek(offset)
                chunk = handle.read(length)
        except OSError:
            return None
        if len(chunk) != length or zlib.crc32(chunk) != crc:
            return None
        try:
            return marshal.loads(chunk)
        except (EOFError, ValueError, TypeError):
            return None

    def _chunk(self, span: Span) -> bytes | None:
        if not self._records_read:
            self._records_read = True
            self._records = _read_records(records_location(self.path), self.generation)
        if self._records is None:
            return None
        offset, length, crc = span
        chunk = self._records[offset:offset + length]
        return chunk if len(chunk) == length and zlib.crc32(chunk) == crc else None

    def _amend(self, changes: dict[str, Entry | None]) -> None:
        """Apply what the changes file says to the full index's entries."""
        where = dict(zip(self.names, range(len(self.names))))
        rows = self.rows
        for name, entry in changes.items():
            if entry is not None and not rows:  # the full index held no file, so no columns either
                rows.extend([] for _ in entry[2])
            position = where.get(name)
            if entry is None:
                if position is not None:
                    self.identities[position] = None
                continue
            file_identity, file_digest, row, span = entry
            if position is None:
                where[name] = position = len(self.names)
                self.names.append(name)
                self.identities.append(file_identity)
                self.digests += file_digest
                self.spans.extend(span)
                self.slots.append(position)  # there are as many rows as files
                for column, value in zip(rows, row):
                    column.append(value)
            else:
                self.identities[position] = file_identity
                self.digests[position * _DIGEST_SIZE:(position + 1) * _DIGEST_SIZE] = file_digest
                self.spans[position * 3:position * 3 + 3] = array("Q", span)
                for column, value in zip(rows, row):
                    column[self.slots[position]] = value
        self.changes = changes


def _same_bytes(path: Path, file_digest: bytes) -> bool:
    """Whether a racily clean file still holds what was cached (its timestamp cannot tell)."""
    try:
        return digest(path.read_bytes()) == file_digest
    except OSError:
        return False


_name_of = itemgetter(0)
_mtime_of = itemgetter(1)


# A column of texts is stored as one text (split in C when loaded): values joined by _SEPARATOR,
# None written as _NONE. A column that holds anything else, or either character, is kept as a list.
_SEPARATOR = "\x00"
_NONE = "\x01"


def _pack(column: Sequence[Any]) -> Any:
    if column and all(type(value) is str or value is None for value in column):
        texts = [_NONE if value is None else value for value in column]
        joined = _SEPARATOR.join(texts)
        if joined.count(_SEPARATOR) == len(texts) - 1 and joined.count(_NONE) == column.count(None):
            return joined
    return list(column)


def _unpack(stored: Any) -> list[Any]:
    if not isinstance(stored, str):
        return list(stored)
    values = stored.split(_SEPARATOR)
    if _NONE in stored:
        nones = {_NONE: None}
        return list(map(nones.get, values, values))
    return values


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
    if full is None:
        return Cache(path)
    (generation, index), base, written_ns = full
    try:
        names_text, identities, digests, spans, slots, packed_rows = index
        names = names_text.split("/") if names_text else []  # "/" is in no file name
        spans_array, slots_array = array("Q", spans), array("Q", slots)
        if not (len(identities) == len(names) and len(digests) == len(names) * _DIGEST_SIZE
                and len(spans_array) == len(names) * 3 and len(slots_array) == len(names)
                and isinstance(packed_rows, list)):
            return Cache(path)
    except (TypeError, ValueError):
        return Cache(path)
    cache = Cache(path, written_ns, generation, base, names, identities, bytearray(digests), spans_array,
                  slots_array, packed_rows)
    changed = _read_checked(changes_location(path))
    if changed is not None and changed[0][0] == base and isinstance(changed[0][1], dict):  # changes made since this full index was written
        cache._amend(changed[0][1])
        cache.written_ns = max(written_ns, changed[2])
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


def save(old: Cache, kept: Sequence[int], parsed: Iterable[tuple[str, Parsed]], *,
         order: Callable[[tuple[Any, ...]], Any] | None = None) -> None:
    """Record the files at the `kept` positions and the `parsed` files: their records appended (or,
    when the records file is mostly dead, all written afresh), the change noted in the small changes
    file (or, when there are many, a new full index written, its files ordered by `order` of their
    rows); a failure only costs speed next time."""
    parsed = list(parsed)
    records = records_location(old.path)
    try:
        old.path.parent.mkdir(parents=True, exist_ok=True)
        with _writing(old.path):
            size = _size_of(records, old.generation)
            live = sum(old.spans[position * 3 + 1] for position in kept) + sum(len(new.record) for _, new in parsed)
            if size is not None and size <= 2 * live + DEAD_SLACK:
                new = _append(records, size, parsed)
                staying = {old.names[position] for position in kept}.union(new)
                removed = [name for name, file_identity in zip(old.names, old.identities)
                           if file_identity is not None and name not in staying]
                changes = {**old.changes, **new, **dict.fromkeys(removed)}
                if old.base and len(changes) <= max(MOST_CHANGES, len(old.names) // 10) \
                        and _checksum_of(old.path) == old.base:
                    _write_checked(changes_location(old.path), (old.base, changes))
                    return
                generation = old.generation
                entries = [old.entry(position) for position in kept] + [(name, *entry) for name, entry in new.items()]
            else:
                generation, entries = _rewrite(records, old, kept, parsed)
            _write_checked(old.path, (generation, _index(entries, order)))
            changes_location(old.path).unlink(missing_ok=True)
    except OSError:
        pass


def _index(entries: list[tuple[str, Identity, bytes, tuple[Any, ...], Span]],
           order: Callable[[tuple[Any, ...]], Any] | None) -> tuple[Any, ...]:
    """The full index as stored: a column each; the files by name, the rows by `order`."""
    entries.sort(key=_name_of)
    by_order = sorted(range(len(entries)), key=lambda position: order(entries[position][3])) if order \
        else range(len(entries))
    slots = array("Q", bytes(8 * len(entries)))
    for slot, position in enumerate(by_order):
        slots[position] = slot
    rows = list(zip(*(entries[position][3] for position in by_order)))
    return ("/".join(entry[0] for entry in entries), [entry[1] for entry in entries],
            b"".join(entry[2] for entry in entries),
            array("Q", [number for entry in entries for number in entry[4]]).tobytes(),
            slots.tobytes(), [_pack(column) for column in rows])


def _append(records: Path, size: int, parsed: list[tuple[str, Parsed]]) -> dict[str, Entry]:
    """Add the records at the end of the records file; the new files' entries."""
    entries: dict[str, Entry] = {}
    offset = size
    with open(records, "ab") as handle:
        for name, new in parsed:
            handle.write(new.record)
            span = (offset, len(new.record), zlib.crc32(new.record))
            entries[name] = (new.identity, new.digest, tuple(new.row), span)
            offset += len(new.record)
    return entries


def _checksum_of(index: Path) -> bytes | None:
    """The checksum in the full index's header (to see that nobody has replaced it meanwhile)."""
    stamp = _stamp()
    try:
        with open(index, "rb") as handle:
            header = handle.read(len(stamp) + 32)
    except OSError:
        return None
    return header[len(stamp):] if header.startswith(stamp) else None


def _rewrite(records: Path, old: Cache, kept: Sequence[int], parsed: list[tuple[str, Parsed]]
             ) -> tuple[bytes, list[tuple[str, Identity, bytes, tuple[Any, ...], Span]]]:
    generation = os.urandom(_GENERATION_SIZE)
    header = _stamp() + generation
    pieces: list[bytes] = [header]
    entries = []
    offset = len(header)
    chosen = [(*old.entry(position)[:4], old._chunk(old.span_at(position))) for position in kept]
    chosen += [(name, new.identity, new.digest, tuple(new.row), new.record) for name, new in parsed]
    for name, file_identity, file_digest, row, chunk in chosen:
        if chunk is None:
            continue  # its record is lost with the old file: that customer file is parsed again next time
        pieces.append(chunk)
        entries.append((name, file_identity, file_digest, row, (offset, len(chunk), zlib.crc32(chunk))))
        offset += len(chunk)
    _replace(records, b"".join(pieces))
    return generation, entries


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
    try:
        temp.write_bytes(data)
        os.replace(temp, path)
    except BaseException:  # a full disk, a folder where the file should be, Ctrl-C: leave no temp file
        temp.unlink(missing_ok=True)
        raise


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


# ---- per-file results of other kinds (what `check` found in each file) -------------------------

@dataclass
class Memo:
    """A value derived from each file's bytes (and from `key`, e.g. the settings it was derived
    with), kept while the file is unchanged, by the same rule as the index."""

    path: Path
    key: Any
    written_ns: int = 0
    entries: dict[str, tuple[Identity, bytes, Any]] = field(default_factory=dict)  # name → identity, digest, value
    changed: bool = False

    def get(self, path: Path) -> tuple[Identity | None, Any]:
        """The file's identity now (None: it cannot be read) and its value, if certainly unchanged
        (else None)."""
        try:
            now = identity(os.stat(path))
        except OSError:
            return None, None
        entry = self.entries.get(path.name)
        racy = now[1] >= self.written_ns - RACY_NS
        if entry is None or entry[0] != now or (racy and not _same_bytes(path, entry[1])):
            return now, None
        return now, entry[2]

    def put(self, path: Path, now: Identity, file_digest: bytes, value: Any) -> None:
        self.entries[path.name] = (now, file_digest, value)
        self.changed = True

    def keep_only(self, names: Iterable[str]) -> None:
        """Forget the files that are gone."""
        kept = {name: self.entries[name] for name in names if name in self.entries}
        self.changed = self.changed or len(kept) != len(self.entries)
        self.entries = kept


def load_memo(root: Path, name: str, key: Any) -> Memo:
    path = location(root).with_name(f"{name}.cache")
    stored = None if disabled() else _read_checked(path)
    if stored is None or not isinstance(stored[0][1], tuple) or len(stored[0][1]) != 2:
        return Memo(path, key)
    stored_key, entries = stored[0][1]
    if stored_key != key or not isinstance(entries, dict):  # derived with other settings
        return Memo(path, key)
    return Memo(path, key, stored[2], entries)


def save_memo(memo: Memo) -> None:
    """Keep the memo, if anything in it changed; a failure only costs speed next time."""
    if not memo.changed or disabled():
        return
    try:
        memo.path.parent.mkdir(parents=True, exist_ok=True)
        with _writing(memo.path):
            _write_checked(memo.path, (b"", (memo.key, memo.entries)))
    except (OSError, ValueError):  # ValueError: not plain values, so not kept
        pass
