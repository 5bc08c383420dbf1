"""The parse cache: what each customer file parsed to, reused while the file is unchanged.

One SQLite database per data folder, outside it (the user cache dir), in WAL mode: readers never
wait for a writer, and every write is one transaction. It is disposable: a database made under other
record definitions (see `stamp`) is emptied and made again, a damaged one is removed, a record that
does not unpack is read again from its file, and deleting the database changes only speed.

A file counts as unchanged while its size, mtime, ctime and inode are those recorded. A file changed
(by its mtime or its ctime, whichever is later) within RACY_NS of the moment its identity was taken is
"racily clean" (git's word: its timestamps cannot tell an edit made in the same granule from the state
that was cached), so its bytes are compared with the digest recorded instead.

Tables:
- `files`: per customer file its identity, when that was taken, its digest, and what it parsed to
  (see records.Packed: its `list` row, its summary, its events), with the change that wrote it;
- `parts`: the snapshot — the `files` table turned on its side, a column a blob (each file's
  identity and digest; the `list` rows; the summaries), as of a change. A read takes a part and the
  rows changed since, so that `list` on 100,000 files loads a few dozen objects' worth of blobs
  rather than 100,000 rows, and a changed file costs one row, not a new snapshot: a part is written
  afresh by a reader that finds more than MOST_CHANGES (or a tenth of the files) changed since;
- `documents`: small files' parses by content digest (salescli.yaml);
- `memos` and `memo_keys`: what a command derived from each file (what `check` found), by the same rule.
- `meta`: the schema stamp and the change counter.
"""

from __future__ import annotations

import functools
import hashlib
import marshal
import os
import sqlite3
import struct
import sys
import zlib
from array import array
from contextlib import contextmanager
from dataclasses import dataclass, field
from operator import attrgetter, itemgetter, sub
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, NamedTuple, Sequence

from salescli import __version__, listing, records
from salescli.errors import CacheDamaged, CacheUnusable

SCHEMA = 4  # of the tables and parts (bump it when their layout changes); the stamp adds the record definitions
RACY_NS = 2_000_000_000  # coarser than any filesystem's timestamp granule (FAT: 2 s)
CACHE_DIR_VARIABLE = "SALESCLI_CACHE_DIR"
MOST_CHANGES = 256  # files changed since a part of the snapshot was written (or a tenth of all) before it is rewritten
WAIT_S = 5.0  # how long a write waits for another process's write to end (then it is skipped: speed only)
FETCH_ONE_BY_ONE = 8  # events fetched a customer at a time before the rest are fetched at once
DIGEST_SIZE = 16
MAP_BYTES = 1 << 28  # of the database read through memory mapping (the snapshot of 100,000 files: about 40 MB)

Identity = tuple[int, int, int, int]  # size, mtime_ns, ctime_ns, inode
identity: Callable[[os.stat_result], Identity] = attrgetter("st_size", "st_mtime_ns", "st_ctime_ns", "st_ino")
_mtime_of, _ctime_of = itemgetter(1), itemgetter(2)


def _changed_at(now: Identity) -> int:
    """When the file last changed, as far as its timestamps tell: the later of mtime and ctime (a tool that
    keeps a file's mtime — `cp -p`, `tar`, `unzip` — still sets its ctime)."""
    return max(now[1], now[2])


def digest(data: bytes) -> bytes:
    """A file's content, for telling racily clean files apart."""
    return hashlib.blake2b(data, digest_size=DIGEST_SIZE).digest()


def location(root: Path) -> Path:
    """The cache database of the data folder at `root`."""
    base = os.environ.get(CACHE_DIR_VARIABLE) or os.environ.get("XDG_CACHE_HOME") or _home_cache()
    key = hashlib.sha256(str(root.resolve()).encode("utf-8")).hexdigest()[:20]
    return Path(base) / "salescli" / key / "cache.sqlite3"


def disabled() -> bool:
    return os.environ.get(CACHE_DIR_VARIABLE) == "off"


def _home_cache() -> str:
    try:
        return str(Path.home() / ".cache")
    except RuntimeError:  # no home directory (some service accounts): a temporary one will do
        import tempfile

        return tempfile.gettempdir()


def stamp() -> str:
    """What the cache's contents depend on: the tables, every record type's fields and types, salescli's
    code and version, Python's version. A database of another stamp is emptied and made again."""
    text = repr((SCHEMA, records.signature(), __version__, _code(), sys.version_info[:2], marshal.version))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@functools.cache
def _code() -> tuple[tuple[str, int, int], ...]:
    """The modules that turn a file into what the cache keeps, by size and modification time: another build
    of salescli under the same version (an editable install after a `git pull`, a reinstall) may derive
    deals or rows differently, so it starts a new cache rather than trust what the old code derived."""
    package = os.path.dirname(os.path.abspath(__file__))
    try:
        return tuple(sorted((entry.name, entry.stat().st_size, entry.stat().st_mtime_ns)
                            for entry in os.scandir(package) if entry.name.endswith(".py")))
    except OSError:
        return ()


# ---- the database -------------------------------------------------------------------------------

# Every row ends in its seal (see _sealed): a row whose seal does not match its values is damaged, and is
# treated as missing — its file is read again and the row written afresh. A file's events have a seal of
# their own, so that fetching them needs no other column (the row's seal covers that seal).
_TABLES = (
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value, seal INTEGER)",
    "CREATE TABLE files (name TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER, ctime_ns INTEGER, inode INTEGER,"
    " seen_ns INTEGER, digest BLOB, notices BLOB, changed INTEGER, row BLOB, summary BLOB, events BLOB,"
    " events_seal INTEGER, seal INTEGER)",
    "CREATE INDEX files_by_change ON files (changed)",
    "CREATE TABLE parts (name TEXT PRIMARY KEY, changed INTEGER, data BLOB, seal INTEGER)",
    "CREATE TABLE documents (name TEXT PRIMARY KEY, digest BLOB, value BLOB, seal INTEGER)",
    "CREATE TABLE memos (memo TEXT, name TEXT, size INTEGER, mtime_ns INTEGER, ctime_ns INTEGER, inode INTEGER,"
    " seen_ns INTEGER, digest BLOB, value BLOB, seal INTEGER, PRIMARY KEY (memo, name))",
    "CREATE TABLE memo_keys (memo TEXT PRIMARY KEY, key BLOB, seal INTEGER)",
)


def _sealed(*values: Any, blobs: Sequence[bytes] = ()) -> int:
    """The seal of a row: a CRC-32 of its values as `repr` writes them (so 5, 5.0, '5' and b'5' differ) and
    of its long `blobs` as they are, lengths included. SQLite keeps no check of its own on what it stores,
    and a flipped bit in a row is read back as another value — an id, a date, another file's row — so each
    row is verified against its seal when read. (A cache guards against accidents, not against someone who
    can write to it, so a CRC does: it catches every burst of damage up to 32 bits, and any other with a
    chance of 2^-32 of missing it, at a fraction of a cryptographic digest's cost on the megabytes of the
    snapshot and the events.)"""
    lengths = [len(blob) if type(blob) is bytes else -1 for blob in blobs]
    seal = zlib.crc32(repr((values, lengths)).encode("utf-8", "surrogateescape"))
    for blob in blobs:
        if type(blob) is not bytes:
            return -1  # (damage made it another type: no row has this seal)
        seal = zlib.crc32(blob, seal)
    return seal


_MEMO_IDENTITY = struct.Struct("<5q").pack


def _memo_sealed(memo: Any, name: Any, size: Any, mtime: Any, ctime: Any, inode: Any, seen: Any, digest: Any,
                 value: Any) -> int:
    """The seal of a row of a memo, as _sealed's but quicker (`check` reads one for every file): -1 when a
    value is not of its column's type (as damage to a row can make it)."""
    try:
        head = b"%b\0%b\0%b%d\0" % (memo.encode("utf-8", "surrogateescape"), name.encode("utf-8", "surrogateescape"),
                                     _MEMO_IDENTITY(size, mtime, ctime, inode, seen), len(value))
        return zlib.crc32(value, zlib.crc32(digest, zlib.crc32(head)))
    except (AttributeError, TypeError, struct.error):
        return -1


def _text(data: bytes) -> str:
    """A text column as read: damage may leave bytes that are not UTF-8, which must not stop a whole
    query (the row's seal then fails, as it should)."""
    return data.decode("utf-8", "surrogateescape")


@contextmanager
def _database(root: Path, *, make: bool = True) -> Iterator[sqlite3.Connection]:
    """The folder's cache database, open (made when missing if `make`; emptied and made again when of
    another stamp; removed and made again when damaged); closed on the way out. Raises CacheUnusable."""
    path = location(root)
    if not make and not path.exists():
        raise CacheUnusable("no cache yet")
    connection = _connected(path)
    try:
        yield connection
    except (sqlite3.Error, UnicodeDecodeError) as error:
        connection.close()
        if _damaged(error):
            _remove(path)
        raise CacheUnusable(str(error)) from error
    except CacheDamaged:
        connection.close()
        _remove(path)
        raise
    finally:
        connection.close()


def _connected(path: Path) -> sqlite3.Connection:
    for attempt in range(2):
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(path, timeout=WAIT_S, isolation_level=None)
        except (OSError, sqlite3.Error) as error:
            raise CacheUnusable(str(error)) from error
        connection.text_factory = _text
        try:
            # (a cache: a power cut may lose the last writes, no more)
            connection.execute("PRAGMA synchronous = NORMAL")
            connection.execute(f"PRAGMA mmap_size = {MAP_BYTES}")  # the snapshot's blobs read without a copy a page
            if not _usable(connection):
                _make(connection)
            return connection
        except (sqlite3.Error, UnicodeDecodeError) as error:
            connection.close()
            if attempt or not _damaged(error):
                raise CacheUnusable(str(error)) from error
            _remove(path)
    raise AssertionError("unreachable")


def _stamp_of(connection: sqlite3.Connection) -> str | None:
    if connection.execute("SELECT 1 FROM sqlite_master WHERE name = 'meta'").fetchone() is None:
        return None
    found = _meta(connection, "stamp")
    return found if isinstance(found, str) else None


def _meta(connection: sqlite3.Connection, key: str) -> Any:
    """A value of the meta table (None: missing, or not matching its seal)."""
    found = connection.execute("SELECT key, value, seal FROM meta WHERE key = ?", (key,)).fetchone()
    return found[1] if found is not None and found[0] == key and _sealed(*found[:2]) == found[2] else None


def _usable(connection: sqlite3.Connection) -> bool:
    """Whether the database is of this stamp, and its tables are as made (damage to SQLite's own list of
    them can rename a column, which no query could then read)."""
    if _stamp_of(connection) != stamp():
        return False
    made = [sql for sql, in connection.execute("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL")]
    return all(type(sql) is str for sql in made) and sorted(made) == sorted(_TABLES)


def _make(connection: sqlite3.Connection) -> None:
    """Empty the database and make its tables (under the write lock: another process may be doing it too)."""
    connection.execute("PRAGMA journal_mode = WAL")
    with _writing(connection, stamped=False):
        if _usable(connection):
            return
        _remove_earlier_caches(Path(connection.execute("PRAGMA database_list").fetchone()[2]).parent)
        tables = [name for name, in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'"
                                                       " AND name NOT LIKE 'sqlite%'")]
        for table in tables:
            connection.execute(f'DROP TABLE "{table}"')
        for statement in _TABLES:
            connection.execute(statement)
        connection.executemany("INSERT INTO meta VALUES (?, ?, ?)",
                               [(key, value, _sealed(key, value))
                                for key, value in (("stamp", stamp()), ("changes", 0))])


def _remove_earlier_caches(folder: Path) -> None:
    """The files of the cache as salescli kept it before it was an SQLite database (they would only take room)."""
    for name in ("customers.cache", "records.cache", "changes.cache", "config.cache", "check.cache", "lock"):
        try:
            os.unlink(folder / name)
        except OSError:
            pass


@contextmanager
def _writing(connection: sqlite3.Connection, *, stamped: bool = True) -> Iterator[None]:
    """One transaction, holding the write lock from its start (on a database of this stamp, unless not
    `stamped`: the one that makes it)."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        if stamped:
            _same_stamp(connection)
        yield
    except BaseException:
        connection.rollback()
        raise
    connection.commit()


@contextmanager
def _reading(connection: sqlite3.Connection) -> Iterator[None]:
    """One read transaction: what it reads is one moment's state."""
    connection.execute("BEGIN")
    try:
        _same_stamp(connection)
        yield
    finally:
        connection.rollback()


def _same_stamp(connection: sqlite3.Connection) -> None:
    """The database was checked when it was opened; another salescli (another version) may have made it
    again since, so a transaction checks once more that it is one this salescli can read and write."""
    if _stamp_of(connection) != stamp():
        raise CacheUnusable("made again by another salescli meanwhile")


def _damaged(error: Exception) -> bool:
    """Whether the database file itself is broken (not a database, malformed), rather than busy or unwritable.
    (SQLite's message about a damaged list of tables quotes them: bytes that may not be UTF-8.)"""
    return type(error) is sqlite3.DatabaseError or isinstance(error, UnicodeDecodeError)


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        try:
            os.unlink(f"{path}{suffix}")
        except OSError:
            pass


def _changes(connection: sqlite3.Connection) -> int:
    changes = _meta(connection, "changes")
    if type(changes) is not int:
        raise CacheDamaged("the change counter does not match its seal")
    return changes


def _next_change(connection: sqlite3.Connection) -> int:
    change = _changes(connection) + 1
    connection.execute("UPDATE meta SET value = ?, seal = ? WHERE key = 'changes'",
                       (change, _sealed("changes", change)))
    return change


# ---- what the cache holds of the customer files ---------------------------------------------------

ROWS, SUMMARIES = "row", "summary"  # the kinds of data a read takes besides the index


@dataclass
class Index:
    """What the cache held of a folder's customer files when read: per file (in name order) its identity,
    when that was taken and its digest; and one kind of data per file (ROWS or SUMMARIES)."""

    kind: str
    changes: int = -1  # the change counter when read (-1: no cache)
    names: list[str] = field(default_factory=list)
    identities: list[Identity] = field(default_factory=list)
    seen: list[int] = field(default_factory=list)
    digests: bytearray = field(default_factory=bytearray)  # DIGEST_SIZE bytes each
    notices: dict[str, Any] = field(default_factory=dict)  # file name → its notices (files that have some)
    damaged: list[int] = field(default_factory=list)  # rows of the files table that do not match their seal
    index_changed: int = -1  # the change the index part was written at (-1: none)
    index_overlay: int = 0  # files changed since
    data: _Part = field(default_factory=lambda: _Part([], None, None))  # the part of this kind, as written
    data_changed: int = -1
    overlay: dict[str, Any] = field(default_factory=dict)  # file name → its data, for files changed since the part
    _where: dict[str, int] | None = None

    def __post_init__(self) -> None:
        if self.data.content is None:
            self.data.content = _no_data(self.kind)

    def position(self, name: str) -> int | None:
        if self._where is None:
            self._where = dict(zip(self.names, range(len(self.names))))
        return self._where.get(name)

    def digest_of(self, name: str) -> bytes | None:
        position = self.position(name)
        return None if position is None else self.digest_at(position)

    def digest_at(self, position: int) -> bytes:
        return bytes(self.digests[position * DIGEST_SIZE:(position + 1) * DIGEST_SIZE])

    def sort_out(self, names: list[str], identities: list[Identity], folder: Path, started: int
                 ) -> tuple[list[str], list[tuple[str, Identity]], list[str]]:
        """Of the files in `folder` (`names` in order, with their `identities`, taken after `started`),
        those certainly unchanged, the others, and those of the first whose bytes were compared (racily
        clean) and are old enough now not to be next time."""
        if names == self.names and identities == self.identities \
                and (not names or min(min(map(sub, self.seen, map(_mtime_of, identities))),
                                      min(map(sub, self.seen, map(_ctime_of, identities)))) > RACY_NS):
            return names, [], []  # the usual case, in a few passes made in C
        kept: list[str] = []
        stale: list[tuple[str, Identity]] = []
        confirmed: list[str] = []
        for name, now in zip(names, identities):
            position = self.position(name)
            if position is None or self.identities[position] != now:
                stale.append((name, now))
            elif _changed_at(now) < self.seen[position] - RACY_NS:
                kept.append(name)
            elif _same_bytes(folder / name, self.digest_at(position)):
                kept.append(name)
                if _changed_at(now) < started - RACY_NS:
                    confirmed.append(name)
            else:
                stale.append((name, now))
        return kept, stale, confirmed

    def rows(self, kept: Sequence[str]) -> tuple[list[str], list[list[Any]], list[str]]:
        """The `list` rows of the `kept` files (a list per field), the names they are in the order of, and
        the files whose rows are missing or do not unpack (to be read again)."""
        part = self.data
        if not self.overlay and part.names == kept:
            return part.names_by_slot(), part.content, []
        positions, fresh, missing = self._sources(kept)
        taken = [list(map(column.__getitem__, positions)) for column in part.content]
        for values, more in zip(taken, zip(*(self.overlay[name] for name in fresh))):
            values.extend(more)
        by_slot = part.names_by_slot()
        return [*map(by_slot.__getitem__, positions), *fresh], taken, missing

    def summaries(self, kept: Sequence[str]) -> tuple[list[str], records.Summaries, list[str]]:
        """The summaries of the `kept` files, the names they are in the order of, and the files whose
        summaries are missing or do not unpack."""
        part = self.data
        if not self.overlay and part.names == kept:
            return part.names, part.content, []
        positions, fresh, missing = self._sources(kept)
        taken = part.content.take(positions)
        taken.extend(records.Summaries.of(self.overlay[name] for name in fresh))
        return [*map(part.names.__getitem__, positions), *fresh], taken, missing

    def _sources(self, kept: Sequence[str]) -> tuple[list[int], list[str], list[str]]:
        """Of the `kept` files, where the part holds the values of those it has and that have not changed
        since (in the order they lie there), the changed ones and those missing or not unpacking."""
        part = self.data
        where = dict(zip(part.names, part.slots if part.slots is not None else range(len(part.names))))
        positions: list[int] = []
        fresh: list[str] = []
        missing: list[str] = []
        for name in kept:
            if name in self.overlay:
                (missing if self.overlay[name] is None else fresh).append(name)
            elif name in where:
                positions.append(where[name])
            else:
                missing.append(name)
        positions.sort()  # read in the order they lie in memory: scattered reads cost several times as much
        return positions, fresh, missing


@dataclass
class _Part:
    """A part of the snapshot as read: the files it holds (in name order) and their values (`content`: a
    list per field, or records.Summaries); `slots` says where each file's values lie (None: in name order)."""

    names: list[str]
    slots: Sequence[int] | None
    content: Any

    def names_by_slot(self) -> list[str]:
        if self.slots is None:
            return self.names
        by_slot = [""] * len(self.names)
        for name, slot in zip(self.names, self.slots):
            by_slot[slot] = name
        return by_slot


def _same_bytes(path: Path | str, file_digest: bytes) -> bool:
    """Whether a racily clean file still holds what was cached (its timestamp cannot tell)."""
    try:
        with open(path, "rb") as handle:
            return digest(handle.read()) == file_digest
    except OSError:
        return False


def read(root: Path, kind: str) -> Index:
    """What the cache holds of the folder's files, with the data of `kind` (an empty Index when there is
    no cache or it cannot be used)."""
    try:
        with _database(root) as connection, _reading(connection):
            index = Index(kind, _changes(connection))
            _read_index(index, *_part(connection, "index"))
            _read_data(index, *_part(connection, kind))
            _read_overlay(connection, index)
            return index
    except (CacheUnusable, OSError, MemoryError, ValueError, TypeError, EOFError):  # (values of the wrong kind: damage)
        return Index(kind)


def _part(connection: sqlite3.Connection, name: str) -> tuple[int, Any]:
    """A part of the snapshot: the change it was written at and its data (-1 and None: none usable)."""
    found = connection.execute("SELECT name, changed, data, seal FROM parts WHERE name = ?", (name,)).fetchone()
    if found is None or found[0] != name or _sealed(*found[:2], blobs=found[2:3]) != found[3]:
        return -1, None
    try:
        return int(found[1]), marshal.loads(found[2])
    except (EOFError, ValueError, TypeError):
        return -1, None


def _read_index(index: Index, changed: int, data: Any) -> None:
    try:
        names_text, identities, seen, digests, notices = data
        names = _names(names_text)
        if not len(names) == len(identities) == len(seen) == len(digests) // DIGEST_SIZE \
                or not isinstance(notices, dict):
            raise ValueError("columns of different lengths")
        digests = bytearray(digests)
    except (TypeError, ValueError):
        changed, names, identities, seen, digests, notices = -1, [], [], [], bytearray(), {}
    index.index_changed = changed
    index.names, index.identities, index.seen, index.digests, index.notices = names, identities, seen, digests, notices


def _read_data(index: Index, changed: int, data: Any) -> None:
    try:
        if index.kind == ROWS:
            names_text, slots, packed = data
            content: Any = [_unpack(column) for column in packed]
            slots = array("L", slots)
            if len(content) != len(listing.Row._fields) or any(len(column) != len(slots) for column in content):
                raise ValueError("columns of different lengths")
        else:
            names_text, profiles, profile_keys, deal_counts, deal_fields, event_counts, fields = data
            if not isinstance(profiles, bytes):
                raise TypeError("the profiles are one blob")
            slots = None
            content = records.Summaries(records.PackedList(profiles), profile_keys, deal_counts,
                                        [_unpack(column) for column in deal_fields], event_counts,
                                        [_unpack(column) for column in fields])
        names = _names(names_text)
        if len(content if slots is None else slots) != len(names):
            raise ValueError("columns of different lengths")
    except (TypeError, ValueError):
        changed, names, slots, content = -1, [], None, _no_data(index.kind)
    index.data, index.data_changed = _Part(names, slots, content), changed


# A files row as a read of the folder takes it: all but its events, which a customer fetches when first
# looked at (the row's seal covers the events' seal). The columns up to the events' seal are those sealed.
_ROW = ("rowid, name, size, mtime_ns, ctime_ns, inode, seen_ns, digest, notices, changed, row, summary, "
        "events_seal, seal")


def _read_overlay(connection: sqlite3.Connection, index: Index) -> None:
    """The files changed since the parts were written, over them. When one of those rows does not match
    its seal, which file it was cannot be told (its name is one of its values), so neither part is used:
    the index and the data are made of the files table alone, row by row, each verified."""
    since = min(index.index_changed, index.data_changed)
    overlay = connection.execute(f"SELECT {_ROW} FROM files WHERE changed > ?", (since,)).fetchall()
    index.damaged = [found[0] for found in overlay if _row_sealed(found[1:-1]) != found[-1]]
    if index.damaged and since >= 0:
        _read_index(index, -1, None)
        _read_data(index, -1, None)
        _read_overlay(connection, index)
        return
    damaged = set(index.damaged)
    rows = [found[1:] for found in overlay if found[0] not in damaged]
    _overlay_index(index, [found for found in rows if found[8] > index.index_changed])
    check = _row_of if index.kind == ROWS else _summary_of
    at = 9 if index.kind == ROWS else 10
    for found in rows:
        if found[8] > index.data_changed:
            index.overlay[found[0]] = check(found[at])


def _overlay_index(index: Index, rows: list[tuple[Any, ...]]) -> None:
    """The files changed since the index part was written, into it (in name order)."""
    index.index_overlay = len(rows)
    if not rows:
        return
    names, identities, seen, digests = index.names, index.identities, index.seen, index.digests
    where = dict(zip(names, range(len(names))))
    for name, size, mtime, ctime, inode, seen_ns, file_digest, notices, *_rest in rows:
        if not isinstance(file_digest, bytes) or len(file_digest) != DIGEST_SIZE:
            continue
        index.notices.pop(name, None)
        if notices is not None:
            index.notices[name] = marshal.loads(notices)
        position = where.get(name)
        if position is None:
            names.append(name)
            identities.append((size, mtime, ctime, inode))
            seen.append(seen_ns)
            digests += file_digest
        else:
            identities[position] = (size, mtime, ctime, inode)
            seen[position] = seen_ns
            digests[position * DIGEST_SIZE:(position + 1) * DIGEST_SIZE] = file_digest
    if len(names) != len(where):  # files added: back into name order
        order = sorted(range(len(names)), key=names.__getitem__)
        names, identities, seen = ([names[at] for at in order], [identities[at] for at in order],
                                   [seen[at] for at in order])
        digests = bytearray(b"".join(digests[at * DIGEST_SIZE:(at + 1) * DIGEST_SIZE] for at in order))
    index.names, index.identities, index.seen, index.digests = names, identities, seen, digests


def _names(text: str) -> list[str]:
    return text.split("/") if text else []  # "/" is in no file name


def _no_data(kind: str) -> Any:
    return [[] for _ in listing.Row._fields] if kind == ROWS else records.Summaries.of([])


def _row_of(packed: bytes) -> tuple[Any, ...] | None:
    """A file's `list` row, unpacked; None when it does not unpack."""
    try:
        row = marshal.loads(packed)
    except (EOFError, ValueError, TypeError):
        return None
    return row if isinstance(row, tuple) and len(row) == len(listing.Row._fields) else None


def _summary_of(packed: bytes) -> tuple[Any, ...] | None:
    """A file's summary, unpacked (see records.Summaries); None when it does not unpack."""
    try:
        summary = marshal.loads(packed)
        records.Summaries.of([summary])
    except (EOFError, ValueError, TypeError):
        return None
    return summary  # type: ignore[no-any-return]


class Parsed(NamedTuple):
    """A file just parsed: what the cache keeps of it."""

    name: str
    identity: Identity
    digest: bytes
    packed: records.Packed
    notices: tuple[Any, ...] = ()  # what a read of the file warns of (see repository.Notices)


def save(root: Path, index: Index, kept: Sequence[str], parsed: Sequence[Parsed], *, started: int,
         confirmed: Sequence[str] = ()) -> None:
    """Bring the cache up to date with a read of the folder: the `parsed` files recorded (as seen at
    `started`), the `confirmed` ones marked seen then, the files gone forgotten — one transaction; and,
    when many files changed since the parts of the snapshot were written, those parts written afresh
    from what the read found. A failure only costs speed next time."""
    staying = set(kept).union(parsed_entry.name for parsed_entry in parsed)
    gone = [name for name in index.names if name not in staying]
    parsed = [entry for entry in parsed if storable_name(entry.name)]
    if not parsed and not confirmed and not gone and not index.damaged and not _stale_parts(index, kept, parsed):
        return
    try:
        with _database(root) as connection, _writing(connection):
            untouched = _changes(connection) == index.changes  # nobody wrote since the read
            change = _next_change(connection)
            _insert(connection, parsed, seen=started, change=change)
            _confirm(connection, confirmed, seen=started, change=change)
            connection.executemany("DELETE FROM files WHERE name = ?", [(name,) for name in gone])
            connection.executemany("DELETE FROM files WHERE rowid = ?", [(rowid,) for rowid in index.damaged])
            if untouched and _stale_parts(index, kept, parsed, more=len(confirmed) + len(gone)):
                _write_parts(connection, index, kept, parsed, started, set(confirmed), change)
    except (CacheUnusable, OSError, ValueError, MemoryError):  # ValueError: a value marshal cannot store
        pass


def _insert(connection: sqlite3.Connection, entries: Iterable[Parsed], *, seen: int, change: int) -> None:
    """Record files read or written (each row made as it is inserted: a new cache of 100,000 files never
    holds them all twice)."""
    connection.executemany("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                           (_file_row(entry, seen, change) for entry in entries))


def _file_row(entry: Parsed, seen: int, change: int) -> tuple[Any, ...]:
    events_seal = _sealed(entry.name, entry.digest, blobs=(entry.packed.events,))
    notices = marshal.dumps(entry.notices) if entry.notices else None
    values = (entry.name, *entry.identity, seen, entry.digest, notices, change, entry.packed.row, entry.packed.summary)
    return (*values, entry.packed.events, events_seal, _row_sealed((*values, events_seal)))


def _row_sealed(values: Sequence[Any]) -> int:
    """The seal of a files row (of its columns `name` to `events_seal`: see _ROW)."""
    return _sealed(*values[:9], values[11], blobs=values[9:11])


def _confirm(connection: sqlite3.Connection, names: Sequence[str], *, seen: int, change: int) -> None:
    """Mark files seen at `seen` (racily clean until now, old enough from now on), their rows sealed again."""
    for name in names:
        found = connection.execute(f"SELECT {_ROW} FROM files WHERE name = ?", (name,)).fetchone()
        if found is None or found[1] != name or _row_sealed(found[1:-1]) != found[-1]:
            continue  # (damaged: left for the next read to find)
        values = (*found[1:6], seen, *found[7:9], change, *found[10:-1])
        connection.execute("UPDATE files SET seen_ns = ?, changed = ?, seal = ? WHERE rowid = ?",
                           (seen, change, _row_sealed(values), found[0]))


def _stale_parts(index: Index, kept: Sequence[str], parsed: Sequence[Parsed], more: int = 0) -> bool:
    """Whether the parts of the snapshot this read used are missing or far behind the files table."""
    most = max(MOST_CHANGES, (len(kept) + len(parsed)) // 10)
    return (index.index_changed < 0 or index.data_changed < 0
            or max(index.index_overlay, len(index.overlay)) + len(parsed) + more > most)


def _write_parts(connection: sqlite3.Connection, index: Index, kept: Sequence[str], parsed: Sequence[Parsed],
                 started: int, confirmed: set[str], change: int) -> None:
    """The index part and this read's data part, as the files now are (kept and parsed); when every file
    was read afresh (a new cache), the other data part too."""
    by_name = {entry.name: entry for entry in parsed}
    connection.execute("DELETE FROM parts WHERE name NOT IN (?, ?, ?)", ("index", ROWS, SUMMARIES))  # (damaged names)
    _write_part(connection, "index", change, _index_part(index, kept, by_name, started, confirmed))
    fresh = sorted(by_name)
    if index.kind == ROWS or not kept:
        order, columns, missing = index.rows(kept) if index.kind == ROWS else ([], _no_data(ROWS), [])
        if not missing:
            _write_part(connection, ROWS, change, _rows_part(order, columns, fresh, by_name))
    if index.kind == SUMMARIES or not kept:
        named, summaries, missing = index.summaries(kept) if index.kind == SUMMARIES \
            else ([], _no_data(SUMMARIES), [])
        if not missing:
            _write_part(connection, SUMMARIES, change, _summaries_part(named, summaries, fresh, by_name))


def _write_part(connection: sqlite3.Connection, name: str, change: int, value: Any) -> None:
    data = marshal.dumps(value)
    connection.execute("INSERT OR REPLACE INTO parts VALUES (?, ?, ?, ?)",
                       (name, change, data, _sealed(name, change, blobs=(data,))))


def _index_part(index: Index, kept: Sequence[str], by_name: dict[str, Parsed], started: int, confirmed: set[str]
                ) -> tuple[Any, ...]:
    """Each file's name, identity, when that was taken and its digest, in name order, and the notices of
    those that have some."""
    names = sorted([*kept, *by_name])
    identities, seen, digests, notices = [], [], [], {}
    for name in names:
        entry = by_name.get(name)
        if entry is not None:
            identities.append(entry.identity)
            seen.append(started)
            digests.append(entry.digest)
            if entry.notices:
                notices[name] = entry.notices
        else:
            position = index.position(name)
            assert position is not None, "a file kept is in the index"
            identities.append(index.identities[position])
            seen.append(started if name in confirmed else index.seen[position])
            digests.append(index.digest_at(position))
            if name in index.notices:
                notices[name] = index.notices[name]
    return "/".join(names), identities, seen, b"".join(digests), notices


def _rows_part(order: list[str], columns: list[list[Any]], fresh: list[str], by_name: dict[str, Parsed]
               ) -> tuple[Any, ...]:
    """The `list` rows (of the files in `order`, then the `fresh` ones), lying in the order `list` shows
    them by default (reading in memory order is several times quicker), with where each file's lies."""
    rows = [*zip(*columns), *(by_name[name].packed.unpacked_row() for name in fresh)]
    everything = [*order, *fresh]
    by_funnel = sorted(range(len(rows)), key=lambda at: listing.funnel_order(rows[at]))
    slots = array("L", bytes(array("L").itemsize * len(rows)))
    for slot, at in enumerate(by_funnel):
        slots[at] = slot
    by_name_order = sorted(range(len(everything)), key=everything.__getitem__)
    laid_out = [list(column) for column in zip(*map(rows.__getitem__, by_funnel))] if rows else _no_data(ROWS)
    return ("/".join(map(everything.__getitem__, by_name_order)),
            array("L", map(slots.__getitem__, by_name_order)).tobytes(), [_pack(column) for column in laid_out])


def _summaries_part(order: list[str], summaries: records.Summaries, fresh: list[str], by_name: dict[str, Parsed]
                    ) -> tuple[Any, ...]:
    """The summaries (of the files in `order`, then the `fresh` ones), in name order; the profiles one blob,
    unpacked only by a command that looks at a profile."""
    everything = [*order, *fresh]
    taken = records.Summaries.of(by_name[name].packed.unpacked_summary() for name in fresh)
    if order:
        taken, more = summaries.take(range(len(summaries))), taken
        taken.extend(more)
        taken = taken.take(sorted(range(len(everything)), key=everything.__getitem__))
    return ("/".join(sorted(everything)), marshal.dumps(list(taken.profiles)), _shared(taken.profile_keys),
            taken.deal_counts, [_pack(column) for column in taken.deal_fields], taken.event_counts,
            [_pack(column) for column in taken.fields])


def _shared(column: list[Any]) -> list[Any]:
    """Equal values made one object: marshal then stores each once, and reading makes each once."""
    one: dict[Any, Any] = {}
    return [one.setdefault(value, value) for value in column]


# A column of texts is stored as one text (split in C when read): values joined by _SEPARATOR, None
# written as _NONE. A column that holds anything else, or either character, is kept as a list.
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


def storable_name(name: str) -> bool:
    """Whether a file name can be kept (one that is not UTF-8 on disk cannot: that file is parsed each time)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def put(root: Path, written: Iterable[Parsed], *, seen: int) -> None:
    """Record files salescli has just written (their identity taken at `seen`), one transaction; only
    where a cache exists already (the next read makes one of the whole folder)."""
    written = [entry for entry in written if storable_name(entry.name)]
    if not written:
        return
    try:
        with _database(root, make=False) as connection, _writing(connection):
            change = _next_change(connection)
            _insert(connection, written, seen=seen, change=change)
    except (CacheUnusable, OSError, ValueError, MemoryError):
        pass


class Record(NamedTuple):
    """One file's entry: its digest, summary, packed events and notices."""

    digest: bytes
    summary: tuple[Any, ...]
    events: bytes
    notices: tuple[Any, ...]


def record(root: Path, name: str, now: Identity, read_bytes: Callable[[], bytes]) -> Record | None:
    """The entry of the file `name` if its identity is `now` (and, when racily clean, its bytes as
    `read_bytes` gives them are those cached); None otherwise (or when it does not match its seal).
    Reads that entry alone."""
    try:
        with _database(root, make=False) as connection:
            found = connection.execute(f"SELECT {_ROW}, events FROM files WHERE name = ?", (name,)).fetchone()
    except (CacheUnusable, OSError, MemoryError):
        return None
    if found is None or found[1] != name or _row_sealed(found[1:-2]) != found[-2] \
            or _sealed(name, found[7], blobs=found[-1:]) != found[-3]:
        return None
    size, mtime, ctime, inode, seen, file_digest, notices, _changed, _row, summary, _seals, _seal, events = found[2:]
    if (size, mtime, ctime, inode) != now:
        return None
    if _changed_at(now) >= seen - RACY_NS and digest(read_bytes()) != file_digest:
        return None
    unpacked = _summary_of(summary)
    return None if unpacked is None else Record(file_digest, unpacked, events,
                                                () if notices is None else marshal.loads(notices))


class Events:
    """Where the events of the customers of one read come from: fetched from the cache when first
    looked at — a few customers one at a time, then all the others at once — and only while a file's
    entry still has the digest the read saw and its events match their seal (None otherwise: the caller
    reads the file). A customer's events are verified when it asks for them: a command may look at few."""

    def __init__(self, root: Path, digest_of: Callable[[str], bytes | None]) -> None:
        self.root, self.digest_of = root, digest_of
        self.fetched: dict[str, tuple[bytes, bytes, int]] = {}  # name → digest, events, their seal
        self.one_by_one = 0

    def fetch(self, name: str) -> bytes | None:
        if name not in self.fetched and self.one_by_one <= FETCH_ONE_BY_ONE:
            self.one_by_one += 1
            try:
                with _database(self.root, make=False) as connection:
                    if self.one_by_one <= FETCH_ONE_BY_ONE:
                        rows = connection.execute("SELECT name, digest, events, events_seal FROM files WHERE name = ?",
                                                  (name,))
                    else:
                        rows = connection.execute("SELECT name, digest, events, events_seal FROM files")
                    self.fetched.update((each, (file_digest, events, seal)) for each, file_digest, events, seal in rows)
            except (CacheUnusable, OSError, MemoryError):
                pass
        found = self.fetched.pop(name, None)
        if found is None:
            return None
        file_digest, events, seal = found
        if self.digest_of(name) != file_digest or _sealed(name, file_digest, blobs=(events,)) != seal:
            return None
        return bytes(events)


# ---- small documents (salescli.yaml): kept by content digest ---------------------------------

def load_document(root: Path, name: str, content_digest: bytes) -> Any | None:
    """What a small file of these contents parsed to last time, if known."""
    try:
        with _database(root) as connection:
            found = connection.execute("SELECT name, digest, value, seal FROM documents WHERE name = ? AND digest = ?",
                                       (name, content_digest)).fetchone()
        if found is None or tuple(found[:2]) != (name, content_digest) \
                or _sealed(*found[:2], blobs=found[2:3]) != found[3]:
            return None
        return records.restored(marshal.loads(found[2]))
    except (CacheUnusable, OSError, EOFError, ValueError, TypeError, MemoryError):
        return None


def save_document(root: Path, name: str, content_digest: bytes, value: Any) -> None:
    try:
        data = marshal.dumps(records.storable(value))
        with _database(root) as connection, _writing(connection):
            connection.execute("INSERT OR REPLACE INTO documents VALUES (?, ?, ?, ?)",
                               (name, content_digest, data, _sealed(name, content_digest, blobs=(data,))))
    except (CacheUnusable, OSError, ValueError, MemoryError):  # ValueError: not plain values, so not kept
        pass


# ---- per-file results of other kinds (what `check` found in each file) -------------------------

@dataclass
class Memo:
    """A value derived from each file's bytes (and from `key`, e.g. the settings it was derived with),
    kept while the file is unchanged, by the same rule as the customer files."""

    root: Path
    name: str
    key: bytes
    started: int  # when this memo was read, before any file's identity was taken
    # identity, seen, digest, value
    entries: dict[str, tuple[Identity, int, bytes, bytes]] = field(default_factory=dict)
    written: dict[str, tuple[Identity, int, bytes, bytes]] = field(default_factory=dict)
    removed: list[str] = field(default_factory=list)
    damaged: list[int] = field(default_factory=list)  # rows that do not match their seal

    def get(self, path: str, name: str) -> tuple[Identity | None, Any]:
        """The identity now of the file `name` at `path` (None: it cannot be read) and its value, if
        certainly unchanged (else None)."""
        try:
            now = identity(os.stat(path))
        except OSError:
            return None, None
        entry = self.entries.get(name)
        if entry is None or entry[0] != now:
            return now, None
        if _changed_at(now) >= entry[1] - RACY_NS:
            if not _same_bytes(path, entry[2]):
                return now, None
            if _changed_at(now) < self.started - RACY_NS:  # old enough now: next time its identity alone tells
                self.written[name] = (now, self.started, *entry[2:])
        try:
            return now, marshal.loads(entry[3])
        except (EOFError, ValueError, TypeError):
            return now, None

    def put(self, name: str, now: Identity, file_digest: bytes, value: Any) -> None:
        if storable_name(name):
            self.written[name] = (now, self.started, file_digest, marshal.dumps(value))

    def keep_only(self, names: Iterable[str]) -> None:
        """Forget the files that are gone."""
        self.removed = list(set(self.entries).difference(names))


def load_memo(root: Path, name: str, key: bytes) -> Memo:
    import time

    memo = Memo(root, name, key, time.time_ns())
    if disabled():
        return memo
    try:
        with _database(root) as connection, _reading(connection):
            if _memo_key(connection, name) != key:  # derived with other settings
                return memo
            for rowid, *values, seal in connection.execute(
                    "SELECT rowid, memo, name, size, mtime_ns, ctime_ns, inode, seen_ns, digest, value, seal FROM memos"
                    " WHERE memo = ?", (name,)):
                if values[0] != name or _memo_sealed(*values) != seal:
                    memo.damaged.append(rowid)
                else:
                    memo.entries[values[1]] = (tuple(values[2:6]), *values[6:])  # type: ignore[assignment]
    except (CacheUnusable, OSError, MemoryError, ValueError, TypeError):
        memo.entries, memo.damaged = {}, []
    return memo


def _memo_key(connection: sqlite3.Connection, name: str) -> bytes | None:
    found = connection.execute("SELECT memo, key, seal FROM memo_keys WHERE memo = ?", (name,)).fetchone()
    if found is None or found[0] != name or _sealed(*found[:2]) != found[2]:
        return None
    return found[1]  # type: ignore[no-any-return]


def save_memo(memo: Memo) -> None:
    """Keep what changed in the memo, one transaction; a failure only costs speed next time."""
    if disabled() or (not memo.written and not memo.removed and not memo.damaged and memo.entries):
        return
    try:
        with _database(memo.root) as connection, _writing(connection):
            if not memo.entries:  # made afresh: it replaces whatever is kept
                connection.execute("DELETE FROM memos WHERE memo = ?", (memo.name,))
                connection.execute("INSERT OR REPLACE INTO memo_keys VALUES (?, ?, ?)",
                                   (memo.name, memo.key, _sealed(memo.name, memo.key)))
            elif _memo_key(connection, memo.name) != memo.key:  # another run made it afresh since (other settings)
                return
            rows = [(memo.name, name, *now, seen, file_digest, value)
                    for name, (now, seen, file_digest, value) in memo.written.items()]
            connection.executemany("INSERT OR REPLACE INTO memos VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                   [(*row, _memo_sealed(*row)) for row in rows])
            connection.executemany("DELETE FROM memos WHERE memo = ? AND name = ?",
                                   [(memo.name, name) for name in memo.removed])
            connection.executemany("DELETE FROM memos WHERE rowid = ?", [(rowid,) for rowid in memo.damaged])
    except (CacheUnusable, OSError, MemoryError, ValueError, TypeError):
        pass
