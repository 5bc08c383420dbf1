"""What the web page reads and writes: the Python API's Folder (salescli.api) — the command line's
folder discovery, settings, parse cache, pure core and safe writes — and the one view a page needs
beyond it, the forecast with the months ahead for its chart.

A page opens one Folder per request: settings, language and today are read afresh each time, and
the warnings the command line would print are kept for the page (`Folder.warnings`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from salescli import forecast as forecasting
from salescli.api import Folder
from salescli.workdays import Month

MONTHS_AHEAD = 6  # the forecast chart's months, from the month shown

__all__ = ["Folder", "ForecastView", "MONTHS_AHEAD", "forecast_view", "given", "open_folder"]


def open_folder(root: Path, today: date | None = None, *, language: str | None = None,
                commit: bool | None = None) -> Folder:
    """The data folder at `root` (`today` None: the day of the request)."""
    return Folder(root, today, language=language, commit=commit)


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


def forecast_view(folder: Folder, month: Month, *, quota: Decimal | None = None) -> ForecastView:
    """The month (configured probabilities, the default window) and the MONTHS_AHEAD months from it."""
    months = folder.forecasts(month, MONTHS_AHEAD, quota=quota)
    shown = months[0]
    return ForecastView(shown.month, tuple(one.month for one in months), quota, shown.gap, shown.visits_needed)


def given(text: str | None) -> str | None:
    """A form field: None when left empty."""
    return text.strip() if text is not None and text.strip() else None
