"""The customers of a data folder kept by a long-lived process (the web page's server) between its reads:
each read takes a stat of every file, as the parse cache's own check does, and reads again only the files
that changed. Storage: it reads the files, through `repository` and the parse cache."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from salescli import cache, repository
from salescli.customer import Customer
from salescli.datafolder import FolderPaths, customer_names
from salescli.errors import DataError

REREAD_AT_MOST = 64  # files changed since the last read that are read one by one; more: the whole folder again


@dataclass
class _Entry:
    identity: cache.Identity
    customer: Customer | None
    problem: DataError | None
    settled: bool  # changed long enough before its identity was taken to trust the identity (the racily-clean rule)


@dataclass
class Snapshot:
    """The customers of one data folder as of the last request, kept by the server between requests.

    The command line reads every file (or the parse cache) afresh each run; a server that did so on
    every request would spend most of a second per page on a team's folder. Here each request takes
    a stat of every file, as the parse cache's own check does, and reads again only those whose size,
    times or inode changed (or that changed too close to the last look to be sure of). `version`
    changes whenever the customers do: what is worked out from them can be kept until it changes.
    """

    root: Path | None = None
    version: int = 0
    swept: int | None = None  # when the last look at the files began (time.monotonic_ns)
    _entries: dict[str, _Entry] = field(default_factory=dict)
    _customers: list[Customer] = field(default_factory=list)
    _problems: list[DataError] = field(default_factory=list)
    _derived: dict[Any, Any] = field(default_factory=dict)
    _each: dict[Any, dict[str, Any]] = field(default_factory=dict)  # per key, per file: what `each` made of it
    _drawn: dict[Any, tuple[Customer, Any]] = field(default_factory=dict)

    def read(self, folder: FolderPaths, *, asked: int | None = None) -> tuple[list[Customer], list[DataError]]:
        """The folder's customers and unreadable files, brought up to date — unless a look at the files
        began after `asked` (time.monotonic_ns: when the request came), which saw every change made before."""
        files = folder.customers
        if self.root != files:
            self.root, self._entries, self.swept = files, {}, None
        elif asked is not None and self.swept is not None and self.swept >= asked:
            return self._customers, self._problems  # (requests that waited their turn behind one look share it)
        self.swept = time.monotonic_ns()
        now = time.time_ns()
        listing = _listing(files)
        changed = [name for name, identity in listing.items()
                   if (entry := self._entries.get(name)) is None or entry.identity != identity or not entry.settled]
        gone = self._entries.keys() - listing.keys()
        if not changed and not gone:
            return self._customers, self._problems
        if len(changed) > REREAD_AT_MOST:
            self._entries = _whole(folder, listing, now)
            self._each.clear()
        else:
            for name in gone:
                del self._entries[name]
            for name in changed:
                self._entries[name] = _one(files / name, listing[name], now)
            for made in self._each.values():
                for name in (*gone, *changed):
                    made.pop(name, None)
        self._customers = [entry.customer for _name, entry in sorted(self._entries.items()) if entry.customer]
        self._problems = sorted((entry.problem for entry in self._entries.values() if entry.problem),
                                key=lambda problem: str(problem.path))
        self.version += 1
        self._derived.clear()
        return self._customers, self._problems

    def each(self, key: Any, make: Callable[[Customer], Any]) -> list[Any]:
        """`make(customer)` of every customer, in file order; each kept, under `key`, until its own
        file changes (a move then works out one customer again, not ten thousand)."""
        if key not in self._each:
            if len(self._each) >= 8:
                self._each.clear()
            self._each[key] = {}
        made = self._each[key]
        found = []
        for name, entry in sorted(self._entries.items()):
            if entry.customer is not None:
                if name not in made:
                    made[name] = make(entry.customer)
                found.append(made[name])
        return found

    def drawn(self, key: Any, customer: Customer, make: Callable[[], Any]) -> Any:
        """What `make` draws of one customer, kept under `key` (which holds the customer's id: the
        customer is kept with it, so that the id stays its own)."""
        found = self._drawn.get(key)
        if found is None:
            if len(self._drawn) >= 5000:
                self._drawn.clear()
            found = self._drawn[key] = (customer, make())
        return found[1]

    def derived(self, key: Any, make: Callable[[], Any]) -> Any:
        """What `make` works out from the customers as they are now (kept, under `key`, until they change)."""
        if key not in self._derived:
            if len(self._derived) >= 32:
                self._derived.clear()
            self._derived[key] = make()
        return self._derived[key]


def _listing(files: Path) -> dict[str, cache.Identity]:
    """Each customer file's identity (a stat each, as the parse cache takes them)."""
    found = {}
    stat, identity = os.stat, cache.identity
    prefix = os.path.join(files, "")
    for name in customer_names(files):
        try:
            found[name] = identity(stat(prefix + name))
        except OSError:
            found[name] = (-1, -1, -1, -1)  # (reading it says what is wrong)
    return found


def _settled(identity: cache.Identity, now: int) -> bool:
    return now - max(identity[1], identity[2]) > cache.RACY_NS


def _one(path: Path, identity: cache.Identity, now: int) -> _Entry:
    try:
        return _Entry(identity, repository.read_customer(path), None, _settled(identity, now))
    except DataError as problem:
        return _Entry(identity, None, problem, _settled(identity, now))


def _whole(folder: FolderPaths, listing: dict[str, cache.Identity], now: int) -> dict[str, _Entry]:
    """Every file, through the parse cache (the identities were taken before: a file changed while
    it was read is read again next time)."""
    read = repository.read_all(folder)
    entries = {customer.path.name if customer.path else f"{customer.id}.yaml": customer for customer in read.customers}
    problems = {problem.path.name: problem for problem in read.problems if problem.path is not None}
    return {name: _Entry(identity, entries.get(name), problems.get(name), _settled(identity, now))
            for name, identity in listing.items() if name in entries or name in problems}
