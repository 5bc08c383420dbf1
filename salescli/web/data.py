"""What the web page reads and writes: the Python API's Folder (salescli.api) — the command line's
folder discovery, settings, parse cache, pure core and safe writes — and what a long-lived server
needs beyond it: the customers kept between requests (`Snapshot`), and the forecast with the months
ahead for its chart.

A page opens one Folder per request: settings, language and today are read afresh each time, and
the warnings the command line would print are kept for the page (`Folder.warnings`). The customers
come from the server's Snapshot: a request re-reads only the files changed since the one before.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable

from salescli.api import Customer, DealLine, Month, MonthForecast, Named, Snapshot
from salescli.api import Folder as ApiFolder

MONTHS_AHEAD = 6  # the forecast chart's months, from the month shown

__all__ = ["Folder", "ForecastView", "HeldPhotos", "MONTHS_AHEAD", "Snapshot", "forecast_view",
           "given"]  # (Snapshot: the API's)


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
            customers, problems = self.snapshot.read(self.paths, asked=self.asked)
            self._skipped(problems)
            self._seen = customers
        return self._seen

    def wrote(self, path: Path, message: str) -> None:
        self._seen = self.asked = None  # (the next look sees the write)
        super().wrote(path, message)

    def named(self) -> list[Named]:
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

    month: MonthForecast
    ahead: tuple[MonthForecast, ...]
    quota: Decimal | None
    gap: Decimal | None
    visits_needed: float | None

    @property
    def omitted(self) -> tuple[tuple[DealLine, str], ...]:
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
