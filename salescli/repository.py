"""The customer repository: every customer of a data folder read (through the parse cache where a
file is unchanged), and one customer's file changed.

YAML (yamlfile, PyYAML) is imported only where a file is parsed or edited: a command that finds
everything in the parse cache never loads it.

Every change to a customer file is a transaction (`_transact`, described at "writing" below): lock,
read, work the change out, write a temp file beside the file, fsync, swap it in, read it back
(the mechanics are safefile's).
"""

from __future__ import annotations

import hashlib
import os
import stat
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping, Sequence, TypeVar

from salescli import cache, datafolder, parallel, records, safefile
from salescli.customer import Customer, customer_from_document
from salescli.datafolder import FolderPaths
from salescli.errors import BrokenFile, DataError, LogProblem, NotFound, UnsafeWrite, YamlProblem
from salescli.i18n import N_, _, joined
from salescli.listing import Columns, row
from salescli.profile import PEOPLE_KEY, UNSET, person_index

# ---- reading customers ----------------------------------------------------------------------

@dataclass(frozen=True)
class Folder:
    """What a read of the whole folder gives: the customers, a problem per unreadable file, and what
    readable files hold that a read warns of (see Notices)."""

    customers: list[Customer]
    problems: list[DataError] = field(default_factory=list)
    notices: list[DataError] = field(default_factory=list)
    digest: bytes | None = None  # of every file read (name and content): what a figure derived from them
    # all may be kept under in the cache (None: read without the cache)


def read_all(folder: FolderPaths, *, use_cache: bool = True) -> Folder:
    """Every customer file (by file name), parsed or (when unchanged) from the parse cache."""
    if not use_cache or cache.disabled():
        return _parse_files(folder.customer_files())
    scan = _scan(folder, cache.SUMMARIES)
    _scans[_key(folder.customers)] = scan  # the latest read of a folder replaces the one before (a long-lived
    # process that reads again and again, such as `salescli web`, must not keep every read it made)
    return Folder(scan.customers, scan.problems, scan.notices, scan.content_digest())


@dataclass(frozen=True)
class Rows:
    """What a read of the whole folder for `list` gives: each customer's row, the problems and notices."""

    rows: Columns
    problems: list[DataError] = field(default_factory=list)
    notices: list[DataError] = field(default_factory=list)


def load_figure(folder: FolderPaths, name: str, key: bytes) -> Any | None:
    """A figure derived from the whole folder (the forecast's learned model), kept under `key` (see
    Folder.digest); None when not kept."""
    return cache.load_document(folder.root, name, key)


def save_figure(folder: FolderPaths, name: str, key: bytes, value: Any) -> None:
    """Keep one figure of this name (the one kept before is replaced)."""
    cache.save_document(folder.root, name, key, value)


def read_rows(folder: FolderPaths) -> Rows:
    """Every customer's list row, in no particular order: from the parse cache when the file is
    unchanged (no customer is built)."""
    if cache.disabled():
        read = _parse_files(folder.customer_files())
        return Rows(Columns.of(map(row, read.customers)), read.problems, read.notices)
    scan = _scan(folder, cache.ROWS)
    return Rows(scan.rows, scan.problems, scan.notices)


@dataclass
class _Scan:
    """A read of the whole folder through the cache: the customers or the rows, and the problems."""

    index: cache.Index
    kept: list[str]  # the files that were unchanged
    parsed: list[cache.Parsed]  # the others, parsed
    problems: list[DataError]
    notices: list[DataError] = field(default_factory=list)
    customers: list[Customer] = field(default_factory=list)  # for cache.SUMMARIES
    rows: Columns = field(default_factory=lambda: Columns.of([]))  # for cache.ROWS
    _kept: set[str] | None = None

    def content_digest(self) -> bytes:
        """A digest of every file read, by name and content (what the folder held, in one value)."""
        fresh = {entry.name: entry.digest for entry in self.parsed}
        names = sorted((*self.kept, *fresh))
        if not fresh and names == self.index.names:  # the usual warm read: the index's digests, in its order
            digests = bytes(self.index.digests)
        else:
            digests = b"".join(fresh.get(name) or self.index.digest_of(name) or bytes(cache.DIGEST_SIZE)
                               for name in names)
        listed = "\0".join(names).encode("utf-8", "surrogateescape")
        return hashlib.blake2b(listed + b"\1" + digests, digest_size=16).digest()

    def digest_of(self, name: str) -> bytes | None:
        """The digest of the file `name` as read (None: it was not read)."""
        for entry in self.parsed:
            if entry.name == name:
                return entry.digest
        if self._kept is None:
            self._kept = set(self.kept)
        return self.index.digest_of(name) if name in self._kept else None


def _scan(folder: FolderPaths, kind: str) -> _Scan:
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
        if more:  # (their customers are not among those made: neither are their names)
            damaged = set(more)
            order = [name for name in order if name not in damaged]
        missing += more
    if missing:  # in the cache, but not whole: read again
        now = dict(zip(names, identities))
        stale += [(name, now[name]) for name in missing]
        gone = set(missing)
        kept = [name for name in kept if name not in gone]
    results = parallel.map_files(_parse_for_cache, [files / name for name, _identity in stale],
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
    scan = _Scan(index, kept, parsed, problems, _noticed_in(files, index, kept, parsed))
    if kind == cache.ROWS:
        fresh = [entry.packed.unpacked_row() for entry in parsed]
        scan.rows = Columns([[*values, *more] for values, more in zip(columns, zip(*fresh))] if fresh else columns)
    else:
        scan.customers = customers if not parsed and order == kept else \
            _in_name_order(order, customers, parsed, files)
    return scan


def _noticed_in(files: Path, index: cache.Index, kept: list[str], parsed: list[cache.Parsed]) -> list[DataError]:
    """The notices of the files read: those the cache holds of the unchanged ones, those just found."""
    found = {name: notices for name, notices in index.notices.items() if notices}
    if found:
        staying = set(kept)
        found = {name: notices for name, notices in found.items() if name in staying}
    found.update((entry.name, entry.notices) for entry in parsed if entry.notices)
    return [notice for name in sorted(found) for notice in noticed(files / name, found[name])]


def _customers(folder: FolderPaths, index: cache.Index, names: list[str], summaries: records.Summaries
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
        """The customer read again from its file, and the cache's entry made whole. The file must still be
        the one the read saw (what was made of it already, its deals say, must agree with the rest)."""
        if name not in self._again:
            path, seen = self.files / name, time.time_ns()
            try:
                identity = cache.identity(os.stat(path))
            except OSError:
                identity = _UNREADABLE
            data = safefile.read_bytes(path, most=MOST_BYTES)
            if _digest(data) != self.source.digest_of(name):
                raise DataError(_("the file changed while salescli was reading it; run the command again"),
                                path=path)
            customer, notices = parse_file(safefile.decoded(data, path), path)
            self._again[name] = records.pack(customer, row(customer))
            cache.put(self.source.root, [cache.Parsed(name, identity, _digest(data), self._again[name], notices)],
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
    names = datafolder.customer_names(folder)
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
    customers, problems, notices = [], [], []
    for path in paths:
        try:
            customer, found = read_file(path)
        except DataError as problem:
            problems.append(problem)
        else:
            customers.append(customer)
            notices += noticed(path, found)
    return Folder(customers, problems, notices)


def _parse_for_cache(path: Path) -> tuple[bytes, records.Packed, Notices] | DataError:
    try:
        data = safefile.read_bytes(path, most=MOST_BYTES)
        customer, notices = parse_file(safefile.decoded(data, path), path)
        return _digest(data), records.pack(customer, row(customer)), notices
    except DataError as problem:
        return problem


def read_customer(path: Path) -> Customer:
    return read_file(path)[0]


def read_file(path: Path) -> tuple[Customer, Notices]:
    """The customer in a file, parsed, and its notices."""
    data = safefile.read_bytes(path, most=MOST_BYTES)
    customer, notices = parse_file(safefile.decoded(data, path), path)
    _parsed[_key(path)] = (_digest(data), customer, notices)
    _seen[_key(path)] = _digest(data)
    return customer, notices


# What this process read of each customer file (a digest of its bytes, and the customer they gave): a
# change worked out from it is written only while the file still holds those bytes. `_parsed` also
# keeps what writes parsed, so that a second write need not parse the file again.
_seen: dict[str, bytes] = {}
_parsed: dict[str, tuple[bytes, Customer, Notices | None]] = {}  # (None: notices not known)
_scans: dict[str, "_Scan"] = {}  # per folder, the last whole read of it (its digests are looked up when needed)
FROM_CACHE_AT = 256 * 1024  # a customer file this big is taken from the parse cache when unchanged there
MOST_BYTES = 100_000_000  # a customer file larger is refused (safefile.refuse_larger says why)


def _key(path: Path) -> str:
    return os.path.abspath(path)


def _digest(data: bytes) -> bytes:
    """cache.digest(data), worked out once for the bytes a command holds (a write takes the digest of what
    it read and of what it wrote several times over: 50 ms each for a file of 60 MB)."""
    if _digested and _digested[0][0] is data:
        return _digested[0][1]
    _digested[:] = [(data, cache.digest(data))]
    return _digested[0][1]


_digested: list[tuple[bytes, bytes]] = []  # the last bytes digested and their digest (kept: `is` says they are those)


def load_customer(folder: FolderPaths, path: Path) -> tuple[Customer, list[DataError]]:
    """The customer in one file (what a CUSTOMER argument names), and what the file holds that a read
    warns of: a long one from the parse cache while unchanged there, else the file parsed. A write to
    it later checks it still holds what was read."""
    if not cache.disabled():
        try:
            status = os.stat(path)
        except OSError:
            status = None
        if status is not None and status.st_size >= FROM_CACHE_AT and stat.S_ISREG(status.st_mode):
            found = _cached_customer(folder, path, cache.identity(status))
            if found is not None:
                return found[0], noticed(path, found[1])
            return _read_into_cache(folder, path)
    customer, notices = read_file(path)
    return customer, noticed(path, notices)


def _read_into_cache(folder: FolderPaths, path: Path) -> tuple[Customer, list[DataError]]:
    """A long customer's file read, and put in the parse cache (where there is one): its entry there was
    missing, of another version of the file, or damaged, and the next command would read it all again."""
    seen = time.time_ns()  # (before its identity is taken: the racily-clean rule)
    identity = cache.identity(os.stat(path))
    customer, notices = read_file(path)
    known = _parsed[_key(path)][0]
    try:
        packed = records.pack(customer, row(customer))
    except (ValueError, TypeError):  # a value marshal cannot keep
        return customer, noticed(path, notices)
    cache.put(folder.root, [cache.Parsed(path.name, identity, known, packed, notices)], seen=seen)
    return customer, noticed(path, notices)


def _cached_customer(folder: FolderPaths, path: Path, identity: cache.Identity) -> tuple[Customer, Notices] | None:
    found = cache.record(folder.root, path.name, identity, lambda: safefile.read_bytes(path))
    if found is None:
        return None
    origin = _Origin(cache.Events(folder.root, lambda name: found.digest), folder.customers)  # (if a part is damaged)
    try:
        customer = records.customers(records.Summaries.of([found.summary]), [path], events=[found.events],
                                     origin=origin, names=[path.name])[0]
    except records.UNPACK_ERRORS:
        return None
    _parsed[_key(path)] = (found.digest, customer, found.notices)
    _seen[_key(path)] = found.digest
    return customer, found.notices


def _read_digest(path: Path) -> bytes | None:
    """The digest of the bytes this process read of `path`, if it read it."""
    known = _seen.get(_key(path))
    if known is not None:
        return known
    scan = _scans.get(_key(path.parent))
    return scan.digest_of(path.name) if scan is not None else None


# What a readable customer file holds that every command reading it warns of, as `check` names it (the
# cache keeps it with the file, in this language-free form): a key given twice, ("duplicate-key", line,
# column, key); a history that is gone (no event at all), ("history",).
Notices = tuple[tuple[Any, ...], ...]


def parse_customer(text: str, path: Path) -> Customer:
    return parse_file(text, path)[0]


def parse_file(text: str, path: Path) -> tuple[Customer, Notices]:
    """The customer in a file's text, and its notices; BrokenFile where it cannot be read."""
    from salescli import yamlfile
    from salescli.check import rules

    duplicates: list[yamlfile.Duplicate] = []
    try:
        document = yamlfile.load(text, duplicates=duplicates)
        customer = customer_from_document(document, file_id=path.stem, path=path)
    except YamlProblem as problem:
        from salescli.check.infile import unresolved

        conflicts = unresolved(text, path)  # (a merge left markers: say so, as check does)
        raise conflicts[0] if conflicts else \
            BrokenFile(problem.message, path=path, line=problem.line, column=problem.column) from None
    except LogProblem as problem:
        raise safefile.located(problem.args[0], path, text, problem.where) from None
    gone = (("history",),) if rules.history_gone(document) else ()
    return customer, (*(("duplicate-key", *duplicate) for duplicate in duplicates), *gone)


def noticed(path: Path, notices: Notices) -> list[DataError]:
    """A file's notices as warnings, worded as `check` words them."""
    if not notices:
        return []  # (the usual case: a command need not load check's modules)
    from salescli.check import infile, rules

    said = []
    for notice in notices:
        if notice[0] == "duplicate-key":
            said.append(infile.duplicate_key(path, *notice[1:]))
        elif notice[0] == "history":
            finding = rules.history_finding(path.stem)
            said.append(DataError(finding.message, path=path, code=finding.code))
    return said


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
    shaped = any(known is text for known in _shaped)
    quick = _edited(path, lambda: yamlfile.append_plain(text, items, shaped=shaped))
    if quick is None:
        return _edited(path, lambda: yamlfile.append_to_log(text, items)), None
    new_text, written = quick
    _shaped.append(new_text)
    try:
        return new_text, appended(current, written) if written is not None else None
    except LogProblem:
        return new_text, None  # parsing the new text says where


def _edited(path: Path, edit: Callable[[], Result]) -> Result:
    """An edit's result, its problems named with the file."""

    try:
        return edit()
    except DataError as error:
        raise type(error)(error.message, path=path) from None
    except YamlProblem as problem:
        raise BrokenFile(problem.message, path=path, line=problem.line, column=problem.column) from None


Work = Callable[[str, Customer], tuple[Result, str, "Customer | None"]]


def _transact(path: Path, work: Work[Result], *, fixed: bool) -> tuple[Result, Customer]:
    """Lock, read, work the change out, swap it in (see above); `fixed`: the change was worked out
    before (from what this process read of the file, if it did), so a file changed since is refused."""
    target = safefile.writable_target(path)
    expected = _read_digest(path) if fixed else None
    for attempt in range(_ATTEMPTS):
        time.sleep(0.01 * attempt)  # (another program is writing the file: let it finish)
        with safefile.locked(target, path) as held:
            safefile.refuse_larger(len(held.data), MOST_BYTES, path)
            if expected is not None and _digest(held.data) != expected:
                raise UnsafeWrite(_("the file changed since salescli read it (another command or an editor wrote "
                                    "it); nothing was written — run the command again"), path=path)
            text = safefile.decoded(held.data, path)
            current, notices = _customer_of(path, held.data, text)
            _shaped[:] = [text] if _shape_known(path, held.data) else []
            result, new_text, after = work(text, current)
            if new_text == text:
                return result, current  # nothing to write: the file keeps its bytes and its mtime
            if after is None:
                after, notices = parse_file(new_text, path)
            elif notices:  # (events appended to a file without notices add none; to one with them, not known)
                notices = None
            data = new_text.encode("utf-8")
            if _swap_in(path, target, held, data, after, notices):
                if any(known is new_text for known in _shaped):
                    _note_shape(path, data)
                return result, after
    raise UnsafeWrite(_("the file kept changing while salescli was writing it (is another program writing it?); "
                        "nothing was written — try again"), path=path)


# A long log's lines are checked against the shape salescli writes before events are spliced in (see
# yamlfile.append_plain); the text such an append made is of that shape, which the parse cache keeps by the
# file's digest, so that the next write to it only finds its lines. `_shaped`: the texts of this write known
# to be of that shape (by identity).
_shaped: list[str] = []
SHAPE_KEPT_AT = FROM_CACHE_AT  # (below it, checking the lines costs less than keeping the verdict)


def _shape_known(path: Path, data: bytes) -> bool:
    if len(data) < SHAPE_KEPT_AT or cache.disabled():
        return False
    return cache.load_document(path.parent.parent, f"shape/{path.name}", _digest(data)) is True


def _note_shape(path: Path, data: bytes) -> None:
    if len(data) >= SHAPE_KEPT_AT and not cache.disabled():
        cache.save_document(path.parent.parent, f"shape/{path.name}", _digest(data), True)


def _swap_in(path: Path, target: Path, held: safefile.Held, data: bytes, customer: Customer,
             notices: Notices | None) -> bool:
    """Write `data` over the locked file and note what it now holds (False: another program changed it
    since it was read under the lock, and nothing was written)."""
    with safefile.interrupts_deferred():
        identity = safefile.swap_in(path, target, held, data)
        if identity is None:
            return False
        written = (_digest(data), customer, notices)
        _parsed[_key(path)] = written
        if _read_digest(path) is not None:  # what this process knows of the file includes its own change now
            _seen[_key(path)] = written[0]
        _remember(path, data, customer, identity, notices)
    return True


def _customer_of(path: Path, data: bytes, text: str) -> tuple[Customer, Notices | None]:
    """The customer in these bytes, and its notices (None: not known): as read before, when they are the
    same, else parsed."""
    known = _parsed.get(_key(path))
    if known is not None and known[0] == _digest(data):
        return known[1], known[2]
    customer, notices = parse_file(text, path)
    _parsed[_key(path)] = (_digest(data), customer, notices)
    return customer, notices


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


def save_person(path: Path, name: str, details: Mapping[str, Any], items: Items = ()) -> tuple[bool, Customer]:
    """Add a key person (trust.people) or change the details given of the one of that name (UNSET
    empties one), and add `items` to the log, in one write; whether the person is new, and the
    customer as written."""
    from salescli import yamlfile

    def work(text: str, current: Customer) -> tuple[bool, str, Customer | None]:
        index = person_index(current.get(PEOPLE_KEY), name)
        if index is None:
            entry = {"name": name, **{key: value for key, value in details.items() if value is not UNSET}}
            new_text = _edited(path, lambda: yamlfile.add_list_item(text, PEOPLE_PATH, entry))
        else:
            changes: dict[yamlfile.Path, Any] = {(*PEOPLE_PATH, index, key): value for key, value in details.items()}
            new_text = _edited(path, lambda: yamlfile.edit_profile(text, changes))
        if items:
            new_text = _edited(path, lambda: yamlfile.append_to_log(new_text, items))
        return index is None, new_text, None

    return _transact(path, work, fixed=False)


def remove_person(path: Path, name: str) -> Customer:
    """Take the key person of that name out of trust.people."""
    from salescli import yamlfile

    def work(text: str, current: Customer) -> tuple[None, str, Customer | None]:
        index = person_index(current.get(PEOPLE_KEY), name)
        if index is None:
            people = [str(person.get("name")) for person in current.get(PEOPLE_KEY) or ()
                      if isinstance(person, dict) and person.get("name")]
            raise NotFound((_("no key person '{name}' to remove; the key people: {people}") if people else
                            _("no key person '{name}' to remove: {customer} has none yet")).format(
                name=name, people=joined(people), customer=current.name))
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


def create_customer(path: Path, text: str) -> Customer:
    """Write a new customer file; refuses to replace one that exists."""
    customer, notices = parse_file(text, path)
    data = text.encode("utf-8")
    with safefile.interrupts_deferred():
        identity = safefile.write_whole(path, data, exclusive=True)
        _parsed[_key(path)] = (_digest(data), customer, notices)
        _remember(path, data, customer, identity, notices)
    return customer


def forget() -> None:
    """Forget what was read and written so far (a new command starts)."""
    for kept in (_seen, _parsed, _scans, _digested, _shaped):
        kept.clear()
    safefile.forget()


# ---- keeping the parse cache up to date with salescli's own writes --------------------------

_batches: list[dict[Path, cache.Parsed]] = []


@contextmanager
def batch() -> Iterator[None]:
    """Within this, written customers reach the parse cache once, at the end (for bulk imports)."""
    started = time.time_ns()  # (their identities are as of then or later: the racily-clean rule holds from here)
    _batches.append({})
    try:
        yield
    finally:
        _flush(_batches.pop(), seen=started)


def _remember(path: Path, data: bytes, customer: Customer, identity: cache.Identity, notices: Notices | None
              ) -> None:
    """Put a file salescli has just written into the parse cache: the next command need not parse it.
    (The file is written: nothing here may fail the command; what is not kept — a customer whose notices
    are not known, a value marshal cannot keep — is parsed next time.)"""
    if cache.disabled() or notices is None:
        return
    try:
        packed = records.pack(customer, row(customer))
    except (ValueError, TypeError):  # a value marshal cannot keep
        return
    written = {path: cache.Parsed(path.name, identity, _digest(data), packed, notices)}
    if _batches:
        _batches[-1].update(written)
    else:
        _flush(written, seen=time.time_ns())  # (after the file was written: racily clean for two seconds)


def _flush(written: Mapping[Path, cache.Parsed], *, seen: int) -> None:
    for files in {path.parent for path in written}:
        cache.put(files.parent, [entry for path, entry in written.items() if path.parent == files], seen=seen)
