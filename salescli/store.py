"""The data folder on disk: finding it, reading customers and settings, writing files safely.

YAML (yamlfile, PyYAML) is imported only where a file is parsed or edited: a command that finds
everything in the parse cache never loads it.

Every change to a customer file is a transaction (`_transact`, described at "writing" below): lock,
read, work the change out, write a temp file beside the file, fsync, swap it in, read it back.
Every file is opened so that a FIFO is never waited on, and only regular files are read or written.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence, TypeVar

from salescli import cache, records
from salescli.config import Config, ConfigProblem, config_from_document
from salescli.customer import Customer, LogProblem, customer_from_document
from salescli.errors import BrokenFile, DataError, InvalidValue, NotFound, UnsafeWrite, display_path
from salescli.i18n import N_, _
from salescli.ids import validate_id
from salescli.listing import Columns, row
from salescli.profile import PEOPLE_KEY, UNSET, person_index

CUSTOMERS = "customers"
TEMPLATES = "templates"
CONFIG = "salescli.yaml"
DIR_VARIABLE = "SALESCLI_DIR"
PACKAGE_TEMPLATES = Path(__file__).parent / "templates"


@dataclass(frozen=True)
class DataFolder:
    """A folder holding `customers/` (one YAML file per customer), `templates/` and `salescli.yaml`."""

    root: Path

    @property
    def customers(self) -> Path:
        return self.root / CUSTOMERS

    @property
    def config_path(self) -> Path:
        return self.root / CONFIG

    def customer_path(self, customer_id: str) -> Path:
        return self.customers / f"{validate_id(customer_id)}.yaml"

    def template(self, name: str) -> str:
        """The folder's own template if it has one, else the built-in default."""
        own = self.root / TEMPLATES / name
        path = own if own.is_file() else PACKAGE_TEMPLATES / name
        return read_text(path)

    def customer_files(self) -> list[Path]:
        return [self.customers / name for name in customer_names(self.customers)]


def customer_names(folder: Path) -> list[str]:
    """The customer files' names in `folder`, in order (hidden ones are not customers). Temporary files
    that interrupted writes left behind are removed on the way."""
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    leftovers = [name for name in names if name.startswith(".") and _LEFTOVER.fullmatch(name)]
    if leftovers:
        _remove_leftovers(folder, leftovers)
    return sorted(name for name in names if name.endswith(".yaml") and not name.startswith("."))


def find_data_folder(explicit: str | None, *, start: Path | None = None, environment: bool = True) -> DataFolder:
    """`--dir`, else $SALESCLI_DIR (unless not `environment`: the Python API's path), else `start`
    (default: the working directory) or the nearest parent with `customers/`."""
    chosen = explicit or (os.environ.get(DIR_VARIABLE) if environment else None)
    if chosen:
        path = Path(chosen).expanduser()
        try:
            if path.name == CUSTOMERS and not (path / CUSTOMERS).is_dir() and path.is_dir():
                path = path.parent
            found = (path / CUSTOMERS).is_dir()
        except OSError as error:
            raise InvalidValue(_("cannot look into {path}: {reason}").format(path=path, reason=_reason(error))) from None
        if not found:
            raise NotFound(_("{path} has no customers/ folder; run `salescli init {path}` to make one").format(
                path=path))
        return DataFolder(path)
    try:
        here = (start or Path.cwd()).resolve()
        for folder in (here, *here.parents):
            if (folder / CUSTOMERS).is_dir():
                return DataFolder(folder)
    except OSError as error:  # the working folder was removed, or a folder above cannot be looked into
        raise InvalidValue(_("cannot look for the data folder here ({reason}); pass --dir PATH").format(
            reason=_reason(error))) from None
    raise NotFound(_(
        "not in a salescli data folder (no customers/ here or above); "
        "run `salescli init` to make one, or pass --dir PATH"
    ))


def load_config(folder: DataFolder) -> Config:
    """salescli.yaml's settings (its parse is kept in the cache: most runs need no YAML at all)."""
    path = folder.config_path
    if not path.is_file():
        return Config()
    data = _read_bytes(path)
    text = _decoded(data, path)
    try:
        return config_from_document(_config_document(folder, data, text))
    except ConfigProblem as problem:
        raise _located(problem.args[0], path, text, problem.where) from None


def _config_document(folder: DataFolder, data: bytes, text: str) -> Any:
    key = cache.digest(data)
    known = None if cache.disabled() else cache.load_document(folder.root, "config", key)
    if known is not None:
        return known
    from salescli import yamlfile

    try:
        document = yamlfile.load(text)
    except yamlfile.YamlProblem as problem:
        raise BrokenFile(problem.message, path=folder.config_path, line=problem.line, column=problem.column) from None
    if not cache.disabled():
        cache.save_document(folder.root, "config", key, document)
    return document


# ---- reading customers ----------------------------------------------------------------------

@dataclass(frozen=True)
class Folder:
    """What a read of the whole folder gives: the customers, and a problem per unreadable file."""

    customers: list[Customer]
    problems: list[DataError] = field(default_factory=list)


def read_all(folder: DataFolder, *, use_cache: bool = True) -> Folder:
    """Every customer file (by file name), parsed or (when unchanged) from the parse cache."""
    if not use_cache or cache.disabled():
        return _parse_files(folder.customer_files())
    scan = _scan(folder, cache.SUMMARIES)
    _scans.append((folder.customers, scan))
    return Folder(scan.customers, scan.problems)


@dataclass(frozen=True)
class Rows:
    """What a read of the whole folder for `list` gives: each customer's row, and the problems."""

    rows: Columns
    problems: list[DataError] = field(default_factory=list)


def read_rows(folder: DataFolder) -> Rows:
    """Every customer's list row, in no particular order: from the parse cache when the file is
    unchanged (no customer is built)."""
    if cache.disabled():
        read = _parse_files(folder.customer_files())
        return Rows(Columns.of(map(row, read.customers)), read.problems)
    scan = _scan(folder, cache.ROWS)
    return Rows(scan.rows, scan.problems)


@dataclass
class _Scan:
    """A read of the whole folder through the cache: the customers or the rows, and the problems."""

    index: cache.Index
    kept: list[str]  # the files that were unchanged
    parsed: list[cache.Parsed]  # the others, parsed
    problems: list[DataError]
    customers: list[Customer] = field(default_factory=list)  # for cache.SUMMARIES
    rows: Columns = field(default_factory=lambda: Columns.of([]))  # for cache.ROWS
    _kept: set[str] | None = None

    def digest_of(self, name: str) -> bytes | None:
        """The digest of the file `name` as read (None: it was not read)."""
        for entry in self.parsed:
            if entry.name == name:
                return entry.digest
        if self._kept is None:
            self._kept = set(self.kept)
        return self.index.digest_of(name) if name in self._kept else None


def _scan(folder: DataFolder, kind: str) -> _Scan:
    """The customers (cache.SUMMARIES) or rows (cache.ROWS) of every file: from the cache where the file is
    unchanged, the others parsed; the cache is brought up to date when anything changed."""
    started = time.time_ns()  # before any file's identity is taken (the racily-clean rule)
    files = folder.customers
    names, identities = _listing(files)
    index = cache.read(folder.root, kind)
    kept, stale, confirmed = index.sort_out(names, identities, files, started)
    if kind == cache.ROWS:
        _order, columns, missing = index.rows(kept)
    else:
        order, summaries, missing = index.summaries(kept)
        customers, more = _customers(folder, index, order, summaries)
        missing += more
    if missing:  # in the cache, but not whole: read again
        now = dict(zip(names, identities))
        stale += [(name, now[name]) for name in missing]
        gone = set(missing)
        kept = [name for name in kept if name not in gone]
    results = map_files(_parse_for_cache, [files / name for name, _identity in stale],
                        doing=N_("reading customer files: {number}/{count}"))
    problems, parsed = [], []
    for (name, identity), result in zip(stale, results):
        if isinstance(result, DataError):
            problems.append(result)
        else:
            parsed.append(cache.Parsed(name, identity, *result))
    parsed.sort()
    cache.save(folder.root, index, kept, parsed, started=started, confirmed=confirmed)
    problems.sort(key=lambda problem: str(problem.path))
    scan = _Scan(index, kept, parsed, problems)
    if kind == cache.ROWS:
        fresh = [entry.packed.unpacked_row() for entry in parsed]
        scan.rows = Columns([[*values, *more] for values, more in zip(columns, zip(*fresh))] if fresh else columns)
    else:
        scan.customers = customers if not parsed and order == kept else \
            _in_name_order(order, customers, parsed, files)
    return scan


def _customers(folder: DataFolder, index: cache.Index, names: list[str], summaries: records.Summaries
               ) -> tuple[list[Customer], list[str]]:
    """The customers of the cache's summaries (their events fetched when first looked at), and the files
    whose summaries do not unpack."""
    files = folder.customers
    origin = _Origin(cache.Events(folder.root, index.digest_of), files)
    paths = [files / name for name in names]
    try:
        return records.customers(summaries, paths, origin=origin, names=names), []
    except records.UNPACK_ERRORS:  # one of them is damaged: which?
        customers, damaged = [], []
        for name, summary, path in zip(names, summaries.rows(), paths):
            try:
                customers += records.customers(records.Summaries.of([summary]), [path], origin=origin, names=[name])
            except records.UNPACK_ERRORS:
                damaged.append(name)
        return customers, damaged


class _Origin:
    """The events of a read's customers, from the cache (while a file's entry is the one read), else from
    the file; and a file read again when what the cache holds of it does not unpack."""

    def __init__(self, source: cache.Events, files: Path) -> None:
        self.source, self.files = source, files
        self._again: dict[str, records.Packed] = {}

    def events(self, name: str) -> bytes:
        found = self.source.fetch(name)
        return found if found is not None else self.again(name).events

    def again(self, name: str) -> records.Packed:
        """The customer read again from its file, and the cache's entry made whole."""
        if name not in self._again:
            path, seen = self.files / name, time.time_ns()
            try:
                identity = cache.identity(os.stat(path))
            except OSError:
                identity = _UNREADABLE
            data = _read_bytes(path)
            customer = parse_customer(_decoded(data, path), path)
            self._again[name] = records.pack(customer, row(customer))
            cache.put(self.source.root, [cache.Parsed(name, identity, cache.digest(data), self._again[name])],
                      seen=seen)
        return self._again[name]


def _in_name_order(names: list[str], customers: list[Customer], parsed: list[cache.Parsed], files: Path
                   ) -> list[Customer]:
    """The customers from the cache and those just parsed, together in file-name order."""
    fresh = [records.customer(entry.packed.unpacked_summary(), entry.packed.events, files / entry.name)
             for entry in parsed]
    everything = [*names, *(entry.name for entry in parsed)]
    both = [*customers, *fresh]
    return [both[at] for at in sorted(range(len(both)), key=everything.__getitem__)]


def _listing(folder: Path) -> tuple[list[str], list[cache.Identity]]:
    """The customer files' names, in order, and their identities (a stat each: this runs for every
    file; in name order, as the cache keeps them, so that both are compared in one go)."""
    names = customer_names(folder)
    prefix = os.path.join(folder, "")
    try:
        return names, list(map(cache.identity, map(os.stat, map(prefix.__add__, names))))
    except OSError:  # one went away meanwhile, or is a broken or looping link (reading it says which)
        found = []
        for name in names:
            try:
                found.append((name, cache.identity(os.stat(prefix + name))))
            except OSError:
                if os.path.lexists(prefix + name):
                    found.append((name, _UNREADABLE))
        return [name for name, _ in found], [identity for _, identity in found]


_UNREADABLE: cache.Identity = (-1, -1, -1, -1)  # matches no file the cache holds: the file is read, and refused


def _parse_files(paths: Sequence[Path]) -> Folder:
    customers, problems = [], []
    for path in paths:
        try:
            customers.append(read_customer(path))
        except DataError as problem:
            problems.append(problem)
    return Folder(customers, problems)


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


def _parse_for_cache(path: Path) -> tuple[bytes, records.Packed] | DataError:
    try:
        data = _read_bytes(path)
        customer = parse_customer(_decoded(data, path), path)
        return cache.digest(data), records.pack(customer, row(customer))
    except DataError as problem:
        return problem


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


def read_customer(path: Path) -> Customer:
    data = _read_bytes(path)
    customer = parse_customer(_decoded(data, path), path)
    _parsed[_key(path)] = (cache.digest(data), customer)
    _seen[_key(path)] = cache.digest(data)
    return customer


# What this process read of each customer file (a digest of its bytes, and the customer they gave): a
# change worked out from it is written only while the file still holds those bytes. `_parsed` also
# keeps what writes parsed, so that a second write need not parse the file again.
_seen: dict[str, bytes] = {}
_parsed: dict[str, tuple[bytes, Customer]] = {}
_scans: list[tuple[Path, "_Scan"]] = []  # whole folders read (their digests are looked up when needed)
FROM_CACHE_AT = 256 * 1024  # a customer file this big is taken from the parse cache when unchanged there


def _key(path: Path) -> str:
    return os.path.abspath(path)


def load_customer(folder: DataFolder, path: Path) -> Customer:
    """The customer in one file (what a CUSTOMER argument names): a long one from the parse cache
    while unchanged there, else the file parsed. A write to it later checks it still holds what was read."""
    if not cache.disabled():
        try:
            status = os.stat(path)
        except OSError:
            status = None
        if status is not None and status.st_size >= FROM_CACHE_AT and stat.S_ISREG(status.st_mode):
            found = _cached_customer(folder, path, cache.identity(status))
            if found is not None:
                return found
    return read_customer(path)


def _cached_customer(folder: DataFolder, path: Path, identity: cache.Identity) -> Customer | None:
    found = cache.record(folder.root, path.name, identity, lambda: _read_bytes(path))
    if found is None:
        return None
    try:
        customer = records.customer(found.summary, found.events, path)
    except records.UNPACK_ERRORS:
        return None
    _parsed[_key(path)] = (found.digest, customer)
    _seen[_key(path)] = found.digest
    return customer


def _read_digest(path: Path) -> bytes | None:
    """The digest of the bytes this process read of `path`, if it read it."""
    known = _seen.get(_key(path))
    if known is not None:
        return known
    for folder, scan in reversed(_scans):
        if _key(folder) == _key(path.parent):
            found = scan.digest_of(path.name)
            if found is not None:
                return found
    return None


def parse_customer(text: str, path: Path) -> Customer:
    from salescli import yamlfile

    try:
        document = yamlfile.load(text)
        return customer_from_document(document, file_id=path.stem, path=path)
    except yamlfile.YamlProblem as problem:
        raise BrokenFile(problem.message, path=path, line=problem.line, column=problem.column) from None
    except LogProblem as problem:
        raise _located(problem.args[0], path, text, problem.where) from None


def _located(message: str, path: Path, text: str, where: Sequence[str | int]) -> DataError:
    from salescli import yamlfile

    place = yamlfile.locate(text, where)
    line, column = place if place else (None, None)
    return BrokenFile(message, path=path, line=line, column=column)


def read_text(path: Path) -> str:
    return _decoded(_read_bytes(path), path)


def read_bytes(path: Path) -> bytes:
    """A regular file's bytes (see `_read_bytes`)."""
    return _read_bytes(path)


def _read_bytes(path: Path) -> bytes:
    """A regular file's bytes; anything else (a FIFO, a device, a folder, a broken or looping link) is
    refused with the reason, without waiting on it."""
    descriptor, _status = _open_regular(path, path, doing="read")
    try:
        return _read_all(descriptor)
    except OSError as error:
        raise BrokenFile(_("cannot read: {reason}").format(reason=_reason(error)), path=path) from None
    finally:
        os.close(descriptor)


_CANNOT = {"read": N_("cannot read: {reason}"), "write": N_("cannot write: {reason}")}
_ONLY_REGULAR = {"read": N_("cannot read: {kind}; salescli reads only plain files"),
                 "write": N_("cannot write: {kind}; salescli writes only plain files")}
_PROBLEM = {"read": BrokenFile, "write": UnsafeWrite}


def _open_regular(path: Path, shown: Path, *, doing: str, follow: bool = True) -> tuple[int, os.stat_result]:
    """A descriptor open on the regular file at `path`, and its status; else a DataError about `shown`
    saying why it cannot be read or written (`doing`: "read" or "write"). A FIFO is never waited on."""
    try:
        descriptor = os.open(path, os.O_RDONLY | _NONBLOCK | _CLOEXEC | (0 if follow else _NOFOLLOW))
    except OSError as error:
        raise _PROBLEM[doing](_(_CANNOT[doing]).format(reason=_reason(error)), path=shown) from None
    status = os.fstat(descriptor)
    if not stat.S_ISREG(status.st_mode):
        os.close(descriptor)
        raise _PROBLEM[doing](_(_ONLY_REGULAR[doing]).format(kind=_not_regular(status)), path=shown)
    return descriptor, status


_NONBLOCK = getattr(os, "O_NONBLOCK", 0)  # opening a FIFO must not wait for a writer
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def _read_all(descriptor: int) -> bytes:
    with os.fdopen(descriptor, "rb", closefd=False) as handle:
        return handle.read()


def _not_regular(status: os.stat_result) -> str:
    kinds = ((stat.S_ISDIR, N_("it is a folder, not a regular file")),
             (stat.S_ISFIFO, N_("it is a named pipe (FIFO), not a regular file")),
             (stat.S_ISSOCK, N_("it is a socket, not a regular file")),
             (stat.S_ISCHR, N_("it is a device, not a regular file")),
             (stat.S_ISBLK, N_("it is a device, not a regular file")))
    return _(next((said for test, said in kinds if test(status.st_mode)), N_("it is not a regular file")))


def _reason(error: OSError) -> str:
    """What an OSError means for the user, in words."""
    reasons = {
        errno.ELOOP: N_("it is a symbolic link that loops back on itself"),
        errno.ENOENT: N_("it does not exist (or is a symbolic link to a file that does not)"),
        errno.EACCES: N_("permission denied"),
        errno.EPERM: N_("permission denied"),
        errno.ENOSPC: N_("the disk is full"),
        getattr(errno, "EDQUOT", -1): N_("the disk quota is used up"),
        errno.EROFS: N_("the file system is read-only"),
        errno.EISDIR: N_("it is a folder"),
        errno.ENAMETOOLONG: N_("the name is too long"),
    }
    known = reasons.get(error.errno or 0)
    return _(known) if known else (error.strerror or str(error)).lower()


def _decoded(data: bytes, path: Path) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise BrokenFile(_("not UTF-8 text (byte {byte}); save the file as UTF-8").format(byte=error.start),
                         path=path) from None


# ---- writing --------------------------------------------------------------------------------
#
# A change to a customer file is a transaction: take the file's lock, read its bytes, work the change
# out from them (or, for a change worked out earlier, refuse when they are no longer the bytes it was
# worked out from), write a temp file beside the file, fsync it and swap it in. Where the system can
# exchange two files atomically (Linux), the swap is such an exchange and the file it displaced is
# compared with what was read: an editor that saved meanwhile (editors take no lock) gets its version
# put back, and the change is worked out again from it. Ctrl-C waits from the swap to the end of the
# write, so that a write is either not made, or made and reported as made.

Items = Sequence[Mapping[str, Any]]
Result = TypeVar("Result")
_ATTEMPTS = 5  # times a change is worked out again when the file keeps changing under it


def append_events(path: Path, items: Items) -> Customer:
    """Add events to the customer's log (each in date order); the customer as the file now says.
    Refused when the file changed since this process read it: the events were worked out from that."""
    def work(text: str, current: Customer) -> tuple[None, str, Customer | None]:
        return (None, *_appended(text, current, items, path))

    return _transact(path, work, fixed=True)[1]


def append_planned(path: Path, plan: Callable[[Customer], tuple[Result, Items]]) -> tuple[Result, Customer]:
    """Add the events that `plan` works out from the customer as the file says when it is written
    (under its lock, so two commands at once act one after the other, each on the other's result);
    `plan`'s answer and the customer as the file now says."""
    def work(text: str, current: Customer) -> tuple[Result, str, Customer | None]:
        result, items = plan(current)
        return (result, *_appended(text, current, items, path))

    return _transact(path, work, fixed=False)


def update_customer(path: Path, values: Mapping[str, Any], items: Items) -> list[str]:
    """Set profile values (adding the keys the file lacks) and add log events, in one write; returns
    the keys skipped because another value is in their way (`contact: 王工` leaves no room for
    `contact.phone`). Refused when the file changed since this process read it."""
    from salescli import yamlfile

    if not values and not items:
        return []

    def work(text: str, current: Customer) -> tuple[list[str], str, Customer | None]:
        settable = {key: value for key, value in values.items() if yamlfile.can_put(text, key)}
        new_text = _edited(path, lambda: yamlfile.put_values(text, settable)) if settable else text
        new_text = _edited(path, lambda: yamlfile.append_to_log(new_text, items)) if items else new_text
        return [key for key in values if key not in settable], new_text, None

    return _transact(path, work, fixed=True)[0]


def _appended(text: str, current: Customer, items: Items, path: Path) -> tuple[str, Customer | None]:
    """The text with `items` added to its log, and the customer it gives when that is known without
    parsing it all again (a log as salescli writes it takes the quick way: see yamlfile.append_plain)."""
    from salescli import yamlfile
    from salescli.customer import appended

    if not items:
        return text, current
    quick = _edited(path, lambda: yamlfile.append_plain(text, items))
    if quick is None:
        return _edited(path, lambda: yamlfile.append_to_log(text, items)), None
    new_text, written = quick
    try:
        return new_text, appended(current, written) if written is not None else None
    except LogProblem:
        return new_text, None  # parsing the new text says where


def _edited(path: Path, edit: Callable[[], Result]) -> Result:
    """An edit's result, its problems named with the file."""
    from salescli import yamlfile

    try:
        return edit()
    except DataError as error:
        raise type(error)(error.message, path=path) from None
    except yamlfile.YamlProblem as problem:
        raise BrokenFile(problem.message, path=path, line=problem.line, column=problem.column) from None


Work = Callable[[str, Customer], tuple[Result, str, "Customer | None"]]


def _transact(path: Path, work: Work[Result], *, fixed: bool) -> tuple[Result, Customer]:
    """Lock, read, work the change out, swap it in (see above); `fixed`: the change was worked out
    before (from what this process read of the file, if it did), so a file changed since is refused."""
    target = _customer_target(path)
    expected = _read_digest(path) if fixed else None
    for attempt in range(_ATTEMPTS):
        time.sleep(0.01 * attempt)  # (another program is writing the file: let it finish)
        with _locked(target, path) as held:
            if expected is not None and cache.digest(held.data) != expected:
                raise UnsafeWrite(_("the file changed since salescli read it (another command or an editor wrote "
                                    "it); nothing was written — run the command again"), path=path)
            text = _decoded(held.data, path)
            current = _customer_of(path, held.data, text)
            result, new_text, after = work(text, current)
            if new_text == text:
                return result, current  # nothing to write: the file keeps its bytes and its mtime
            if after is None:
                after = parse_customer(new_text, path)
            data = new_text.encode("utf-8")
            if _swap_in(path, target, held, data, after):
                return result, after
    raise UnsafeWrite(_("the file kept changing while salescli was writing it (is another program writing it?); "
                        "nothing was written — try again"), path=path)


def _customer_of(path: Path, data: bytes, text: str) -> Customer:
    """The customer in these bytes: as read before, when they are the same, else parsed."""
    known = _parsed.get(_key(path))
    if known is not None and known[0] == cache.digest(data):
        return known[1]
    customer = parse_customer(text, path)
    _parsed[_key(path)] = (cache.digest(data), customer)
    return customer


def change_profile(path: Path, changes: Mapping[str, Any],
                   plan: Callable[[Customer], tuple[Result, Items]] | None = None) -> tuple[Result | None, Customer]:
    """Set (or, for profile.UNSET, empty) profile values by dotted key — adding keys the file lacks —
    and add the log events `plan` works out from the customer as the file says (under its lock, as
    `append_planned` does), in one write; `plan`'s answer and the customer as the file now says."""
    from salescli import yamlfile

    paths: dict[yamlfile.Path, Any] = {tuple(key.split(".")): value for key, value in changes.items()}

    def work(text: str, current: Customer) -> tuple[Result | None, str, Customer | None]:
        result, items = plan(current) if plan is not None else (None, ())
        if not paths:
            return (result, *_appended(text, current, items, path))
        new_text = _edited(path, lambda: yamlfile.edit_profile(text, paths))
        return result, _edited(path, lambda: yamlfile.append_to_log(new_text, items)) if items else new_text, None

    return _transact(path, work, fixed=False)


def save_person(path: Path, name: str, details: Mapping[str, Any]) -> tuple[bool, Customer]:
    """Add a key person (trust.people) or change the details given of the one of that name (UNSET
    empties one); whether the person is new, and the customer as written."""
    from salescli import yamlfile

    def work(text: str, current: Customer) -> tuple[bool, str, Customer | None]:
        index = person_index(current.get(PEOPLE_KEY), name)
        if index is None:
            entry = {"name": name, **{key: value for key, value in details.items() if value is not UNSET}}
            return True, _edited(path, lambda: yamlfile.add_list_item(text, PEOPLE_PATH, entry)), None
        changes: dict[yamlfile.Path, Any] = {(*PEOPLE_PATH, index, key): value for key, value in details.items()}
        return False, _edited(path, lambda: yamlfile.edit_profile(text, changes)), None

    return _transact(path, work, fixed=False)


def remove_person(path: Path, name: str) -> Customer:
    """Take the key person of that name out of trust.people."""
    from salescli import yamlfile

    def work(text: str, current: Customer) -> tuple[None, str, Customer | None]:
        index = person_index(current.get(PEOPLE_KEY), name)
        if index is None:
            raise NotFound(_("no key person '{name}' to remove").format(name=name))
        return None, _edited(path, lambda: yamlfile.remove_list_item(text, PEOPLE_PATH, index)), None

    return _transact(path, work, fixed=False)[1]


PEOPLE_PATH = tuple(PEOPLE_KEY.split("."))


def replace_customer(path: Path, expected: str, text: str) -> Customer:
    """Write `text` over the customer file if it still holds `expected` (what the change was made
    from, e.g. before an editor session); else refuse and change nothing."""
    def work(current_text: str, current: Customer) -> tuple[None, str, Customer | None]:
        if current_text != expected:
            raise UnsafeWrite(_("the file changed on disk meanwhile (another command or a `git pull`); "
                                "nothing was written"), path=path)
        return None, text, None

    return _transact(path, work, fixed=False)[1]


def update_config(folder: DataFolder, edit: Callable[[str], str]) -> Config:
    """Change salescli.yaml (made when missing) by `edit` of its text: locked, checked to be unchanged
    since read, parsed as settings, written atomically; the settings it then holds."""
    path = folder.config_path
    if not path.exists():
        new_text = edit("")
        config = _settings(new_text, path)
        write_new_file(path, new_text)
        return config
    target = _customer_target(path)  # (the same rules as a customer file's: a regular file, writable)
    with _locked(target, path) as held:
        new_text = edit(_decoded(held.data, path))
        config = _settings(new_text, path)
        if _read_bytes(path) != held.data:  # an editor saved meanwhile (editors take no lock)
            raise UnsafeWrite(_("the file changed while salescli was writing it; nothing was written, try again"),
                              path=path)
        with _interrupts_deferred():
            _write_whole(path, new_text.encode("utf-8"), exclusive=False)
    return config


def _settings(text: str, path: Path) -> Config:
    from salescli import yamlfile

    try:
        return config_from_document(yamlfile.load(text))
    except (ConfigProblem, yamlfile.YamlProblem) as problem:
        raise UnsafeWrite(_("the change would break the settings ({problem}); nothing was written").format(
            problem=problem.args[0]),
                        path=path) from None


def create_customer(path: Path, text: str) -> Customer:
    """Write a new customer file; refuses to replace one that exists."""
    customer = parse_customer(text, path)
    data = text.encode("utf-8")
    with _interrupts_deferred():
        identity = _write_whole(path, data, exclusive=True)
        _parsed[_key(path)] = (cache.digest(data), customer)
        _remember(path, data, customer, identity)
    return customer


def write_file(path: Path, data: bytes) -> None:
    """Write or replace a whole file (an export), all or nothing; through a symbolic link, the file it
    points to is written."""
    with _interrupts_deferred():
        _write_whole(path, data, exclusive=False)


def write_new_file(path: Path, text: str) -> None:
    """Write a file that must not exist yet, all or nothing."""
    with _interrupts_deferred():
        _write_whole(path, text.encode("utf-8"), exclusive=True)


_landed: list[Path] = []


def landed() -> list[Path]:
    """The files this process has written (so that an interrupted command can say what it saved)."""
    return list(_landed)


def forget() -> None:
    """Forget what was read and written so far (a new command starts)."""
    for kept in (_seen, _parsed, _scans, _landed):
        kept.clear()


# ---- the mechanics of a safe write ----------------------------------------------------------

@dataclass(frozen=True)
class _Held:
    """A locked file: its status and its bytes as read under the lock."""

    status: os.stat_result
    data: bytes


def _customer_target(path: Path) -> Path:
    """The file a write to customer file `path` changes: the file itself, or the one its symbolic
    link points to inside the data folder. Anything else is refused with the reason."""
    try:
        status = os.lstat(path)
    except OSError as error:
        raise UnsafeWrite(_("cannot write: {reason}").format(reason=_reason(error)), path=path) from None
    target = path
    if stat.S_ISLNK(status.st_mode):
        try:
            target = Path(os.path.realpath(path, strict=True))
        except (OSError, RuntimeError) as error:
            reason = _reason(error) if isinstance(error, OSError) else _("it is a symbolic link that loops")
            raise UnsafeWrite(_("cannot write: {reason}").format(reason=reason), path=path) from None
        folder = Path(os.path.realpath(path.parent)).parent
        if not target.is_relative_to(folder):
            raise UnsafeWrite(_("it is a symbolic link to {target}, outside the data folder; salescli does not "
                                "write through it (copy the file into the folder to change it here)").format(
                target=target), path=path)
    _check_writable(target, path)
    return target


def _check_writable(target: Path, path: Path) -> None:
    try:
        status = os.stat(target)
    except OSError as error:
        raise UnsafeWrite(_("cannot write: {reason}").format(reason=_reason(error)), path=path) from None
    if not stat.S_ISREG(status.st_mode):
        raise UnsafeWrite(_(_ONLY_REGULAR["write"]).format(kind=_not_regular(status)), path=path)
    if not status.st_mode & 0o222:
        raise UnsafeWrite(_("the file is read-only; salescli leaves it as it is (make it writable, e.g. "
                            "`chmod u+w`, to change it)"), path=path)
    if not os.access(target, os.W_OK):
        raise UnsafeWrite(_("cannot write: you have no permission to change the file; nothing was written"),
                          path=path)


@contextmanager
def _locked(target: Path, path: Path) -> Iterator[_Held]:
    """Hold an exclusive lock on the file now at `target` (writers replace the inode, so the lock is
    taken again until it is on the file that is there), with its bytes as read under the lock."""
    try:
        import fcntl
    except ImportError:  # no flock (Windows): the check of what the swap displaced still guards
        fcntl = None  # type: ignore[assignment]
    while True:
        descriptor, status = _open_regular(target, path, doing="write", follow=False)
        try:
            if fcntl is None:  # (and a file open there cannot be replaced: read it, and let it go)
                held = _Held(status, _read_all(descriptor))
                os.close(descriptor)
                descriptor = -1
                yield held
                return
            fcntl.flock(descriptor, fcntl.LOCK_EX)
            if _inode(target) == status.st_ino:
                yield _Held(status, _read_all(descriptor))
                return
        finally:
            if descriptor >= 0:
                os.close(descriptor)


def _inode(path: Path) -> int | None:
    try:
        return os.lstat(path).st_ino
    except OSError:
        return None


def _swap_in(path: Path, target: Path, held: _Held, data: bytes, customer: Customer) -> bool:
    """Write `data` over the locked file; False (nothing written) when another program changed the
    file since it was read under the lock."""
    with _TempFile(target, data, held.status.st_mode & 0o7777) as temp, _interrupts_deferred():
        try:
            if not _unchanged(target, held):  # an editor saved meanwhile (the usual case of it): work it out again
                return False
            if _exchange(temp.path, target):
                if not _unchanged(temp.path, held):  # one saved just now: its file goes back
                    _put_back(temp, target, path)
                    return False
                temp.remove()
            else:  # no atomic exchange here: compare, then rename (a window of microseconds remains)
                if not _unchanged(target, held):
                    return False
                os.replace(temp.path, target)
                temp.renamed = True
        except OSError as error:
            raise _write_problem(error, path) from None
        identity = temp.landed(path)
        written = (cache.digest(data), customer)
        _parsed[_key(path)] = written
        if _read_digest(path) is not None:  # what this process knows of the file includes its own change now
            _seen[_key(path)] = written[0]
        _remember(path, data, customer, identity)
    return True


def _unchanged(path: Path, held: _Held) -> bool:
    """Whether the file at `path` is the one read under the lock, with the same bytes."""
    try:
        descriptor, status = _open_regular(path, path, doing="read", follow=False)
    except DataError:
        return False
    try:
        return (status.st_ino, status.st_dev, status.st_size) == (held.status.st_ino, held.status.st_dev,
                                                                   len(held.data)) \
            and _read_all(descriptor) == held.data
    finally:
        os.close(descriptor)


def _put_back(temp: _TempFile, target: Path, path: Path) -> None:
    """Exchange again, so that the other program's file is where it was and ours is the temp file."""
    if _exchange(temp.path, target) and _inode(temp.path) == temp.inode:
        return
    # Yet another save came in between: two versions, neither of which may be lost. The one now at the
    # temp name is kept under a name the clean-up of leftovers leaves alone, and the user is told.
    kept = temp.keep_as(f"{target.name}.displaced-{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}")
    raise UnsafeWrite(_("another program saved the file twice while salescli was writing it: the file holds one of "
                        "its versions, and the other (perhaps with salescli's change) is kept as {kept}; compare the "
                        "two and merge them by hand").format(kept=display_path(kept)), path=path)


class _TempFile:
    """A temp file beside `target` holding `data` (written, fsynced, locked while it lives, so that
    the clean-up of leftovers never takes it); removed on the way out unless it was renamed."""

    def __init__(self, target: Path, data: bytes, mode: int | None) -> None:
        self.target, self.data, self.mode = target, data, mode
        self.renamed = self.kept = False

    def __enter__(self) -> _TempFile:
        import tempfile  # only writes need it

        try:
            self.descriptor, name = tempfile.mkstemp(prefix=f".{self.target.name}.", suffix=".tmp",
                                                     dir=self.target.parent)
        except OSError as error:
            raise _write_problem(error, self.target) from None
        self.path = Path(name)
        try:
            _lock_quietly(self.descriptor)
            self.inode = os.fstat(self.descriptor).st_ino
            view = memoryview(self.data)
            while view:
                view = view[os.write(self.descriptor, view):]
            os.fsync(self.descriptor)
            os.chmod(self.path, _default_mode() if self.mode is None else self.mode)
        except OSError as error:
            self.__exit__(None, None, None)
            raise _write_problem(error, self.target) from None
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def remove(self) -> None:
        """Remove what the exchange left at the temp name (the file that was replaced)."""
        os.unlink(self.path)
        self.renamed = True

    def keep_as(self, name: str) -> Path:
        """Keep what is at the temp name, under `name` beside it."""
        kept = self.path.with_name(name)
        os.rename(self.path, kept)
        self.kept = True
        return kept

    def landed(self, path: Path) -> cache.Identity:
        """The write is in place: sync the folder, check the bytes, note it; the file's identity."""
        _fsync_folder(self.target.parent)
        _landed.append(path)
        if self.read_back() != self.data:
            raise UnsafeWrite(_("the change was written, but the file does not read back the same from the disk; "
                                "check the disk, and the file"), path=path)
        return cache.identity(os.fstat(self.descriptor))

    def read_back(self) -> bytes:
        """What the disk gives back of the written file (the one written, wherever it now is)."""
        os.lseek(self.descriptor, 0, os.SEEK_SET)
        return _read_all(self.descriptor)

    def __exit__(self, *exc: object) -> None:
        os.close(self.descriptor)
        if not self.renamed and not self.kept:
            try:
                os.unlink(self.path)
            except OSError:
                pass


def _write_whole(path: Path, data: bytes, *, exclusive: bool) -> cache.Identity:
    """Write a whole file through a temp file: a new one (refused if the name is taken) or in place of
    the file there (or the file a symbolic link there points to)."""
    target = path
    mode = None
    if not exclusive and os.path.lexists(path):
        target = Path(os.path.realpath(path))
        _check_writable(target, path)
        mode = os.stat(target).st_mode & 0o7777
    with _TempFile(target, data, mode) as temp:
        try:
            if exclusive:
                os.link(temp.path, target)
                temp.remove()
            else:
                os.replace(temp.path, target)
                temp.renamed = True
        except FileExistsError:
            raise UnsafeWrite(_("a file of that name exists already; nothing was written"), path=path) from None
        except OSError as error:
            raise _write_problem(error, path) from None
        return temp.landed(path)


def _write_problem(error: OSError, path: Path) -> UnsafeWrite:
    if error.errno == errno.ENOENT and not path.parent.is_dir():
        return UnsafeWrite(_("cannot write: the folder {folder} does not exist; nothing was written").format(
            folder=display_path(path.parent)), path=path)
    if error.errno in (errno.EACCES, errno.EPERM):
        return UnsafeWrite(_("cannot write: no permission to write in {folder}/ (salescli writes a temporary file "
                             "beside the file, then renames it); nothing was written").format(
            folder=display_path(path.parent)), path=path)
    return UnsafeWrite(_("cannot write: {reason}; nothing was written").format(reason=_reason(error)), path=path)


def _default_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _lock_quietly(descriptor: int) -> None:
    try:
        import fcntl
    except ImportError:
        return
    fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)


_RENAME_EXCHANGE = 2
_AT_HERE = -100  # AT_FDCWD
_renameat2: list[Any] = []  # the C function once looked up; [None] where there is none


def _exchange(first: Path, second: Path) -> bool:
    """Swap two files atomically (Linux's renameat2); False where that cannot be done (another
    system, an old kernel, a file system that cannot: some network and overlay ones)."""
    if not _renameat2:
        _renameat2.append(_find_renameat2())
    rename = _renameat2[0]
    if rename is None:
        return False
    if rename(_AT_HERE, os.fsencode(first), _AT_HERE, os.fsencode(second), _RENAME_EXCHANGE) == 0:
        return True
    import ctypes

    code = ctypes.get_errno()
    if code == errno.ENOSYS:
        _renameat2[0] = None
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(second))


def _find_renameat2() -> Any:
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    try:
        return ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return None


@contextmanager
def _interrupts_deferred() -> Iterator[None]:
    """Ctrl-C waits until the block ends: a write in it is then either not made or made and noted."""
    import signal

    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    before = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


GITIGNORE = "# salescli: temporary files of writes in progress (or killed), never data\n.*.tmp\n"

# Temp files are named `.NAME.XXXXXXXX.tmp`; one a killed write left (no writer holds its lock, and
# it is older than a write takes) is removed when the folder is next read.
_LEFTOVER = re.compile(r"\..+\.[A-Za-z0-9_]{8}\.tmp")
_LEFTOVER_AGE = 10  # seconds


def _remove_leftovers(folder: Path, names: Iterable[str]) -> None:
    try:
        import fcntl
    except ImportError:
        return
    now = time.time()
    for name in names:
        try:
            descriptor = os.open(os.path.join(folder, name), os.O_RDONLY | _NONBLOCK | _NOFOLLOW | _CLOEXEC)
        except OSError:
            continue
        try:
            status = os.fstat(descriptor)
            if not stat.S_ISREG(status.st_mode) or now - status.st_mtime < _LEFTOVER_AGE:
                continue
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            if _inode(Path(folder, name)) == status.st_ino:
                os.unlink(os.path.join(folder, name))
        except OSError:  # locked by a live writer, or gone already
            continue
        finally:
            os.close(descriptor)


# ---- keeping the parse cache up to date with salescli's own writes --------------------------

_batches: list[dict[Path, cache.Parsed]] = []


@contextmanager
def batch() -> Iterator[None]:
    """Within this, written customers reach the parse cache once, at the end (for bulk imports)."""
    _batches.append({})
    try:
        yield
    finally:
        _flush(_batches.pop())


def _remember(path: Path, data: bytes, customer: Customer, identity: cache.Identity) -> None:
    """Put a file salescli has just written into the parse cache: the next command need not parse it."""
    if cache.disabled():
        return
    written = {path: cache.Parsed(path.name, identity, cache.digest(data), records.pack(customer, row(customer)))}
    if _batches:
        _batches[-1].update(written)
    else:
        _flush(written)


def _flush(written: Mapping[Path, cache.Parsed]) -> None:
    seen = time.time_ns()  # after the files were written: they are racily clean until two seconds later
    for files in {path.parent for path in written}:
        cache.put(files.parent, [entry for path, entry in written.items() if path.parent == files], seen=seen)


def _fsync_folder(folder: Path) -> None:
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
