"""The data folder on disk: finding it, reading customers and settings, writing files safely.

YAML (yamlfile, PyYAML) is imported only where a file is parsed or edited: a command that finds
everything in the parse cache never loads it.

Every write goes through `_write_file`: take the file's lock, check that the bytes are still the
ones the edit was computed from, write a temp file in the same folder, fsync, rename, read back.
"""

from __future__ import annotations

import marshal
import os
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping, Protocol, Sequence, TypeVar

from salescli import cache
from salescli.config import Config, ConfigProblem, config_from_document
from salescli.customer import (Customer, LogProblem, customer_from_document, from_record, restored, storable,
                               to_record)
from salescli.errors import DataError, UsageError
from salescli.ids import validate_id
from salescli.listing import Columns, Row, funnel_order, row

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
        return sorted(path for path in self.customers.glob("*.yaml") if not path.name.startswith("."))


def find_data_folder(explicit: str | None, *, start: Path | None = None) -> DataFolder:
    """`--dir`, else $SALESCLI_DIR, else the working directory or the nearest parent with `customers/`."""
    chosen = explicit or os.environ.get(DIR_VARIABLE)
    if chosen:
        path = Path(chosen).expanduser()
        if path.name == CUSTOMERS and not (path / CUSTOMERS).is_dir() and path.is_dir():
            path = path.parent
        if not (path / CUSTOMERS).is_dir():
            raise UsageError(f"{path} has no customers/ folder; run `salescli init {path}` to make one")
        return DataFolder(path)
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / CUSTOMERS).is_dir():
            return DataFolder(folder)
    raise UsageError(
        "not in a salescli data folder (no customers/ here or above); "
        "run `salescli init` to make one, or pass --dir PATH"
    )


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
        return restored(known)
    from salescli import yamlfile

    try:
        document = yamlfile.load(text)
    except yamlfile.YamlProblem as problem:
        raise DataError(problem.message, path=folder.config_path, line=problem.line, column=problem.column) from None
    if not cache.disabled():
        cache.save_document(folder.root, "config", key, storable(document))
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
    scan = _scan(folder, records=True)
    files = folder.customers
    customers = [from_record(scan.records[name], files / name) for name in sorted(scan.records)]
    return Folder(customers, scan.problems)


@dataclass(frozen=True)
class Rows:
    """What a read of the whole folder for `list` gives: each customer's row, and the problems."""

    rows: Columns
    problems: list[DataError] = field(default_factory=list)


def read_rows(folder: DataFolder) -> Rows:
    """Every customer's list row, in no particular order: from the cache's index when the file is
    unchanged (no record is read)."""
    if cache.disabled():
        read = _parse_files(folder.customer_files())
        return Rows(Columns.of(map(row, read.customers)), read.problems)
    scan = _scan(folder, records=False)
    fields = scan.index.rows_at(scan.kept)
    rows = Columns(fields) if fields else Columns.of([])
    rows.extend(Row._make(new.row) for _, new in scan.parsed)
    return Rows(rows, scan.problems)


@dataclass(frozen=True)
class _Scan:
    index: cache.Cache
    kept: list[int]  # the positions in the index of the files that are unchanged
    parsed: list[tuple[str, cache.Parsed]]  # the other files, parsed
    records: dict[str, Any]  # file name → record (when asked for)
    problems: list[DataError]


def _scan(folder: DataFolder, *, records: bool) -> _Scan:
    """Which customer files the cache has (and their records) and the others parsed; the cache is
    brought up to date when anything changed."""
    stored = cache.load(folder.root)
    files = folder.customers
    kept, stale = stored.sort_out(*_listing(files), files)
    found_records: dict[str, Any] = {}
    if records:
        trusted = []
        for position in kept:
            name, record = stored.names[position], stored.record(position)
            if record is None:  # its record is damaged: parse the file again
                stale.append((name, stored.identities[position]))  # type: ignore[arg-type]
            else:
                trusted.append(position)
                found_records[name] = record
        kept = trusted
    results = map_files(_parse_for_cache, [files / name for name, _ in stale], doing="reading")
    problems, parsed = [], []
    for (name, identity), result in zip(stale, results):
        if isinstance(result, DataError):
            problems.append(result)
        else:
            digest, plain_row, record = result
            parsed.append((name, cache.Parsed(identity, digest, plain_row, record)))
            if records:
                found_records[name] = marshal.loads(record)
    if parsed or len(kept) != stored.live:
        cache.save(stored, kept, parsed, order=funnel_order)
    problems.sort(key=lambda problem: str(problem.path))
    return _Scan(stored, kept, parsed, found_records, problems)


def _listing(folder: Path) -> tuple[list[str], list[cache.Identity]]:
    """The customer files' names, in order, and their identities (a stat each: this runs for every
    file; in name order, as the cache keeps them, so that both are compared in one go)."""
    try:
        names = sorted(name for name in os.listdir(folder) if name.endswith(".yaml") and not name.startswith("."))
    except OSError:
        return [], []
    prefix = os.path.join(folder, "")
    try:
        return names, list(map(cache.identity, map(os.stat, map(prefix.__add__, names))))
    except OSError:  # one went away meanwhile (or is a broken link): the others without it
        found = []
        for name in names:
            try:
                found.append((name, cache.identity(os.stat(prefix + name))))
            except OSError:
                continue
        return [name for name, _ in found], [identity for _, identity in found]


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


def _parse_for_cache(path: Path) -> Any:
    try:
        data = _read_bytes(path)
        customer = parse_customer(_decoded(data, path), path)
        return cache.digest(data), tuple(row(customer)), marshal.dumps(to_record(customer))
    except DataError as problem:
        return problem


def _progress(items: Iterable[Any], doing: str, total: int | None = None) -> Iterator[Any]:
    """Pass items through; in a terminal, after a second, show how far the parsing has got."""
    count = total if total is not None else len(items)  # type: ignore[arg-type]
    started = time.monotonic()
    shown = False
    for number, item in enumerate(items, start=1):
        if sys.stderr.isatty() and (number % 200 == 0 or number == count) and time.monotonic() - started > 1:
            print(f"\r{doing} customer files: {number}/{count}", end="", file=sys.stderr, flush=True)
            shown = True
        yield item
    if shown:
        print(file=sys.stderr)


def read_customer(path: Path) -> Customer:
    return parse_customer(read_text(path), path)


def parse_customer(text: str, path: Path) -> Customer:
    from salescli import yamlfile

    try:
        document = yamlfile.load(text)
        return customer_from_document(document, file_id=path.stem, path=path)
    except yamlfile.YamlProblem as problem:
        raise DataError(problem.message, path=path, line=problem.line, column=problem.column) from None
    except LogProblem as problem:
        raise _located(problem.args[0], path, text, problem.where) from None


def _located(message: str, path: Path, text: str, where: Sequence[str | int]) -> DataError:
    from salescli import yamlfile

    place = yamlfile.locate(text, where)
    line, column = place if place else (None, None)
    return DataError(message, path=path, line=line, column=column)


def read_text(path: Path) -> str:
    return _decoded(_read_bytes(path), path)


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise DataError(f"cannot read: {error.strerror}", path=path) from None


def _decoded(data: bytes, path: Path) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise DataError(f"not UTF-8 text (byte {error.start}); save the file as UTF-8", path=path) from None


# ---- finding one customer -------------------------------------------------------------------

class Named(Protocol):
    """A customer as far as finding one goes (a Customer, or its list row)."""

    @property
    def id(self) -> str: ...

    @property
    def name(self) -> str: ...


AnyNamed = TypeVar("AnyNamed", bound=Named)


def resolve(customers: Sequence[AnyNamed], reference: str) -> AnyNamed:
    """The customer `reference` names: its id, a unique id prefix, or a unique part of its name."""
    folded = reference.strip().casefold()
    if not folded:
        raise UsageError("name a customer: its id, the start of its id, or part of its name")
    for matches in (
        [c for c in customers if c.id == folded],
        [c for c in customers if c.name.casefold() == folded],
        [c for c in customers if c.id.startswith(folded)],
        [c for c in customers if folded in c.name.casefold()],
    ):
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            names = "; ".join(f"{c.id} ({c.name})" for c in sorted(matches, key=lambda c: c.id)[:10])
            more = f" and {len(matches) - 10} more" if len(matches) > 10 else ""
            raise UsageError(f"'{reference}' matches {len(matches)} customers: {names}{more}; be more specific")
    raise UsageError(f"no customer matches '{reference}'; `salescli list` shows them all")


# ---- writing --------------------------------------------------------------------------------

def append_events(path: Path, items: Sequence[Mapping[str, Any]]) -> Customer:
    """Add events at the end of the customer's log; return the customer as the file now says."""
    from salescli import yamlfile

    return _write_file(path, lambda text: yamlfile.append_to_log(text, items))


def update_customer(path: Path, values: Mapping[str, Any], items: Sequence[Mapping[str, Any]]) -> list[str]:
    """Set profile values (adding the keys the file lacks) and add log events, in one write; returns
    the keys skipped because another value is in their way (`contact: 王工` leaves no room for
    `contact.phone`)."""
    from salescli import yamlfile

    skipped: list[str] = []

    def edit(text: str) -> str:
        settable = {key: value for key, value in values.items() if yamlfile.can_put(text, key)}
        skipped.extend(key for key in values if key not in settable)
        text = yamlfile.put_values(text, settable) if settable else text
        return yamlfile.append_to_log(text, items) if items else text

    if values or items:
        _write_file(path, edit)
    return skipped


def update_config(folder: DataFolder, edit: Callable[[str], str]) -> Config:
    """Change salescli.yaml (made when missing) by `edit` of its text: locked, checked to be unchanged
    since read, parsed as settings, written atomically; the settings it then holds."""
    path = folder.config_path
    if not path.exists():
        new_text = edit("")
        config = _settings(new_text, path)
        write_new_file(path, new_text)
        return config
    with _locked(path):
        before = path.read_bytes()
        new_text = edit(_decoded(before, path))
        config = _settings(new_text, path)
        if path.read_bytes() != before:
            raise DataError("the file changed while salescli was writing it; nothing was written, try again",
                            path=path)
        _atomic_write(path, new_text.encode("utf-8"), exclusive=False)
    return config


def _settings(text: str, path: Path) -> Config:
    from salescli import yamlfile

    try:
        return config_from_document(yamlfile.load(text))
    except (ConfigProblem, yamlfile.YamlProblem) as problem:
        raise DataError(f"the change would break the settings ({problem.args[0]}); nothing was written",
                        path=path) from None


def create_customer(path: Path, text: str) -> Customer:
    """Write a new customer file; refuses to replace one that exists."""
    customer = parse_customer(text, path)
    data = text.encode("utf-8")
    _remember(path, data, customer, _atomic_write(path, data, exclusive=True))
    return customer


# ---- keeping the parse cache up to date with salescli's own writes --------------------------

_batches: list[dict[Path, tuple[str, cache.Parsed]]] = []


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
    written = {path: (path.name, cache.Parsed(identity, cache.digest(data), tuple(row(customer)),
                                             marshal.dumps(to_record(customer))))}
    if _batches:
        _batches[-1].update(written)
    else:
        _flush(written)


def _flush(written: Mapping[Path, tuple[str, cache.Parsed]]) -> None:
    for files in {path.parent for path in written}:
        stored = cache.load(files.parent)
        if not stored.base:  # no cache yet: the next read makes one of the whole folder
            continue
        new = {name: parsed for path, (name, parsed) in written.items() if path.parent == files}
        kept = [position for position, (name, identity) in enumerate(zip(stored.names, stored.identities))
                if identity is not None and name not in new]
        cache.save(stored, kept, new.items(), order=funnel_order)


def write_file(path: Path, data: bytes) -> None:
    """Write or replace a whole file (an export), all or nothing."""
    _atomic_write(path, data, exclusive=False)


def write_new_file(path: Path, text: str) -> None:
    """Write a file that must not exist yet, all or nothing."""
    _atomic_write(path, text.encode("utf-8"), exclusive=True)


def _write_file(path: Path, edit: Callable[[str], str]) -> Customer:
    from salescli import yamlfile

    with _locked(path):
        before = path.read_bytes()
        try:
            text = before.decode("utf-8")
            new_text = edit(text)
        except UnicodeDecodeError:
            raise DataError("not UTF-8 text; save the file as UTF-8", path=path) from None
        except DataError as error:
            raise DataError(error.message, path=path) from None
        except yamlfile.YamlProblem as problem:
            raise DataError(problem.message, path=path, line=problem.line, column=problem.column) from None
        customer = parse_customer(new_text, path)
        if new_text == text:
            return customer  # nothing to write: the file keeps its bytes and its mtime
        if path.read_bytes() != before:
            raise DataError("the file changed while salescli was writing it; nothing was written, try again",
                            path=path)
        data = new_text.encode("utf-8")
        _remember(path, data, customer, _atomic_write(path, data, exclusive=False))
    return customer


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on the file as it is now at `path` (writers replace the inode)."""
    try:
        import fcntl
    except ImportError:  # no flock (Windows): the changed-underneath check still guards
        yield
        return
    while True:
        try:
            handle = open(path, "rb")
        except FileNotFoundError:
            raise DataError("the file is gone", path=path) from None
        with handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            if os.fstat(handle.fileno()).st_ino == _inode(path):
                yield
                return


def _inode(path: Path) -> int | None:
    try:
        return path.stat().st_ino
    except FileNotFoundError:
        return None


def _atomic_write(path: Path, data: bytes, *, exclusive: bool) -> cache.Identity:
    """Write `data` to `path` all or nothing: temp file beside it, fsync, rename, read back."""
    import tempfile  # only writes need it

    descriptor, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    temp = Path(temp_name)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        _copy_mode(path, temp)
        if exclusive:
            try:
                os.link(temp, path)
            except FileExistsError:
                raise DataError("a file of that name exists already; nothing was written", path=path) from None
        else:
            os.replace(temp, path)
        _fsync_folder(path.parent)
    finally:
        temp.unlink(missing_ok=True)
    written = cache.identity(path.stat())  # taken before the read-back: it vouches for these bytes
    if path.read_bytes() != data:
        raise DataError("what was written does not read back the same; check the disk", path=path)
    return written


def _copy_mode(original: Path, temp: Path) -> None:
    try:
        os.chmod(temp, original.stat().st_mode & 0o7777)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temp, 0o666 & ~umask)


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
