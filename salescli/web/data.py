"""What the web page reads and writes: the Python API's Folder (salescli.api) — the command line's
folder discovery, settings, parse cache, pure core and safe writes — and what a long-lived server
needs beyond it: the customers kept between requests (`Snapshot`), and the forecast with the months
ahead for its chart.

A page opens one Folder per request: settings, language and today are read afresh each time, and
the warnings the command line would print are kept for the page (`Folder.warnings`). The customers
come from the server's Snapshot: a request re-reads only the files changed since the one before.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable

from salescli import cache, datafolder, forecast as forecasting, matching, repository
from salescli.api import Folder as ApiFolder
from salescli.customer import Customer
from salescli.errors import DataError
from salescli.workdays import Month

MONTHS_AHEAD = 6  # the forecast chart's months, from the month shown
REREAD_AT_MOST = 64  # files changed since the last request that are read one by one; more: the whole folder again

__all__ = ["Folder", "ForecastView", "HeldPhotos", "MONTHS_AHEAD", "Snapshot", "forecast_view", "given"]


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

    def read(self, folder: ApiFolder, *, asked: int | None = None) -> tuple[list[Customer], list[DataError]]:
        """The folder's customers and unreadable files, brought up to date — unless a look at the files
        began after `asked` (time.monotonic_ns: when the request came), which saw every change made before."""
        files = folder.paths.customers
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
    for name in datafolder.customer_names(files):
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


def _whole(folder: ApiFolder, listing: dict[str, cache.Identity], now: int) -> dict[str, _Entry]:
    """Every file, through the parse cache (the identities were taken before: a file changed while
    it was read is read again next time)."""
    read = repository.read_all(folder.paths)
    entries = {customer.path.name if customer.path else f"{customer.id}.yaml": customer for customer in read.customers}
    problems = {problem.path.name: problem for problem in read.problems if problem.path is not None}
    return {name: _Entry(identity, entries.get(name), problems.get(name), _settled(identity, now))
            for name, identity in listing.items() if name in entries or name in problems}


class Folder(ApiFolder):
    """The API's Folder, its customers from the server's Snapshot."""

    def __init__(self, snapshot: Snapshot, *args: Any, asked: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.snapshot = snapshot
        self.asked = asked  # when the request came (time.monotonic_ns)
        self._seen: list[Customer] | None = None  # (not `_read`: the API's Folder keeps its own read under that name)

    def customers(self) -> list[Customer]:
        """The customers as of this Folder's first look (one request's), or since its last write."""
        if self._seen is None:
            customers, problems = self.snapshot.read(self, asked=self.asked)
            self._skipped(problems)
            self._seen = customers
        return self._seen

    def wrote(self, path: Path, message: str) -> None:
        self._seen = self.asked = None  # (the next look sees the write)
        super().wrote(path, message)

    def named(self) -> list[matching.Named]:
        return list(self.customers())

    def derived(self, key: Any, make: Callable[[], Any]) -> Any:
        """`make()` as of the customers now, kept for the next request while no file changes (`key`
        must hold whatever else it depends on: today, the settings, the language); the warnings it
        gave are given again each time."""
        self.customers()

        def made() -> tuple[Any, list[str]]:
            before = len(self.warnings)
            value = make()
            return value, self.warnings[before:]

        value, warnings = self.snapshot.derived(key, made)
        for warning in warnings:
            self.warn(warning)
        return value

    def each(self, key: Any, make: Callable[[Customer], Any]) -> list[Any]:
        """`make(customer)` of every customer as of now, each kept until its file changes (`key` as for `derived`)."""
        self.customers()
        return self.snapshot.each(key, make)


@dataclass(frozen=True)
class ForecastView:
    """What the forecast page shows: the month as `salescli forecast --month` computes it, the
    months ahead for the chart, and the quota's gap. Deals the month's figures leave out are in
    `omitted` with the reason (forecast.REASONS)."""

    month: forecasting.MonthForecast
    ahead: tuple[forecasting.MonthForecast, ...]
    quota: Decimal | None
    gap: Decimal | None
    visits_needed: float | None

    @property
    def omitted(self) -> tuple[tuple[forecasting.DealLine, str], ...]:
        return tuple((line, line.reason or "") for line in self.month.omitted)


def forecast_view(folder: ApiFolder, month: Month, *, quota: Decimal | None = None,
                  model: str | None = None) -> ForecastView:
    """The month (configured probabilities, the default window; the model salescli.yaml's, or `model`)
    and the MONTHS_AHEAD months from it."""
    months = folder.forecasts(month, MONTHS_AHEAD, quota=quota, model=model)
    shown = months[0]
    return ForecastView(shown.month, tuple(one.month for one in months), quota, shown.gap, shown.visits_needed)


@dataclass
class HeldPhotos:
    """Photos of business cards read and waiting for the rep to check the fields, kept only when the
    rep asked to keep the photo (`--keep-photo`): the write then stores it. At most KEPT of them, each
    for HELD_SECONDS (a photo is up to 20 MB: the server's memory stays bounded), each for the
    browser session that sent it."""

    KEPT = 4
    HELD_SECONDS = 3600.0
    clock: Callable[[], float] = time.monotonic
    _photos: dict[str, tuple[str, float, bytes]] = field(default_factory=dict)  # token → (session, when, photo)

    def hold(self, session: str, photo: bytes) -> str:
        """Keep `photo` for `session`; the token that fetches it back."""
        import secrets

        self._forget_old()
        while len(self._photos) >= self.KEPT:
            del self._photos[next(iter(self._photos))]
        token = secrets.token_urlsafe(16)
        self._photos[token] = (session, self.clock(), photo)
        return token

    def get(self, token: str, session: str) -> bytes | None:
        """The photo held under `token` for `session` (None: none, another session's, or forgotten)."""
        self._forget_old()
        found = self._photos.get(token)
        return found[2] if found is not None and found[0] == session else None

    def drop(self, token: str) -> None:
        self._photos.pop(token, None)

    def _forget_old(self) -> None:
        oldest = self.clock() - self.HELD_SECONDS
        for token in [token for token, (_session, when, _photo) in self._photos.items() if when < oldest]:
            del self._photos[token]


def given(text: str | None) -> str | None:
    """A form field: None when left empty."""
    return text.strip() if text is not None and text.strip() else None


def today_of(folder: ApiFolder) -> date:
    return folder.today
