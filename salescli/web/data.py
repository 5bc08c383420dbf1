"""Everything the web page reads from and writes to the data folder, in one place.

`Folder` has the shape of the coming Python API (`salescli.Folder(path, today)`: `customers`,
`customer`, `advance`, `visit`, `target`, `forecast`, `schedule`, `report`) so that the page moves
onto it with a small change. Underneath it is what every command uses: the session's folder
discovery and settings, the store's parse cache (a file changed on disk is read again at the next
load), the pure core, and for writes `store.append_events` (lock, check, atomic write, read back)
followed by the session's commit when `--commit` or `git.autocommit` asks for one.

A page builds one Folder per request: settings, language and today are read afresh each time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Sequence

from salescli import forecast as forecasting, network, reports, schedule as scheduling, store
from salescli.config import Config
from salescli.customer import Customer, EventKind
from salescli.errors import DataError, InvalidValue
from salescli.parsing import parse_money
from salescli.pipeline import (Move, advance as plan_advance, deal_name, describe, event_item, parse_target,
                                target_summary)
from salescli.session import Session
from salescli.web.text import _
from salescli.workdays import Month

MONTHS_AHEAD = 6  # the forecast chart's months, from the month shown


class _PageSession(Session):
    """The CLI's session, with its warnings kept for the page instead of printed on stderr."""

    def warn_once(self, message: str) -> bool:
        if message in self.warned:
            return False
        self.warned.add(message)
        return True


@dataclass(frozen=True)
class ForecastView:
    """What the forecast page shows: the month as `salescli forecast --month` computes it, the
    months ahead for the chart, and the quota's gap.

    Deals the month's figures leave out are in `omitted` with the reason (forecast.REASONS: overdue,
    no target date, no value, at the close without a won event)."""

    month: forecasting.MonthForecast
    ahead: tuple[forecasting.MonthForecast, ...]
    quota: Decimal | None
    gap: Decimal | None
    visits_needed: float | None

    @property
    def omitted(self) -> tuple[tuple[forecasting.DealLine, str], ...]:
        return tuple((line, line.reason or "") for line in self.month.omitted)


@dataclass(frozen=True)
class Related:
    """A customer's network: its projects' parties, who referred it, and whom it referred."""

    projects: tuple[tuple[str, tuple[Customer, ...]], ...]
    referrers: tuple[Customer, ...]  # nearest first
    referral_loop: bool
    referred: network.ReferralNode


class Folder:
    """The data folder as the page sees it; `today` None means the day of each request."""

    def __init__(self, root: Path, today: date | None = None, *, language: str | None = None,
                 commit: bool | None = None) -> None:
        self._session = _PageSession(str(root), None if today is None else today.isoformat(), language,
                                     commit_option=commit)

    # ---- the settings -----------------------------------------------------------------------

    @property
    def root(self) -> Path:
        return self._session.folder.root

    @property
    def today(self) -> date:
        return self._session.today

    @property
    def config(self) -> Config:
        return self._session.config

    @property
    def language(self) -> str:
        return self._session.language

    @property
    def warnings(self) -> list[str]:
        """What the CLI would have printed as warnings (skipped files, unknown holiday years)."""
        return sorted(self._session.warned)

    def day(self, text: str | None) -> date:
        """A date typed in a form (2026-12-01, +7d, 明天 …); empty means today."""
        return self._session.date(text if text and text.strip() else None)

    # ---- reading ----------------------------------------------------------------------------

    def customers(self) -> list[Customer]:
        """Every readable customer (an unreadable file is skipped and becomes a warning)."""
        return self._session.customers()

    def customer(self, reference: str) -> Customer:
        """The customer an id, id prefix or part of a name names (as the CLI's CUSTOMER argument)."""
        return self._session.customer(reference)

    def related(self, customer: Customer, customers: Sequence[Customer]) -> Related:
        chain, loop = network.referral_chain(customer, customers)
        projects = tuple((project, tuple(party for party in network.parties(customers, project)
                                         if party.id != customer.id))
                         for project in customer.projects)
        return Related(projects, tuple(chain), loop, network.referral_tree(customer, customers))

    def forecast(self, month: Month, *, quota: Decimal | None = None) -> ForecastView:
        """The month as `salescli forecast --month` has it (configured probabilities, the default
        window), the MONTHS_AHEAD months from it, and the quota's gap."""
        customers = self.customers()
        config = self.config
        self._warn_unknown_years(month.next(MONTHS_AHEAD - 1))

        def one(wanted: Month) -> forecasting.MonthForecast:
            return forecasting.month_forecast(customers, wanted, today=self.today, calendar=config.calendar,
                                              probabilities=dict(config.probabilities),
                                              categories=config.categories,
                                              target_visits_per_day=config.visits_per_day)

        shown = one(month)
        ahead = (shown, *(one(month.next(offset)) for offset in range(1, MONTHS_AHEAD)))
        return ForecastView(shown, ahead, quota, None if quota is None else forecasting.gap(shown, quota),
                            None if quota is None else shown.formula.visits_needed(quota))

    def _warn_unknown_years(self, last: Month) -> None:
        calendar = self.config.calendar
        for year in calendar.unknown_years(min(self.today, Month.of(self.today).first), last.last):
            self._session.warn_once(_("China's official holidays for {year} are not in salescli's calendar yet; "
                                      "counting Monday–Friday (add days off under `calendar:` in salescli.yaml)"
                                      ).format(year=year))

    def schedule(self, start: date, days: int) -> scheduling.Route:
        """The route of `salescli schedule --days N --from START`."""
        if days < 1:
            raise InvalidValue(_("--days must be at least 1"))
        per_day = max(1, int(self.config.visits_per_day))
        return scheduling.route(self.customers(), start=start, end=start + timedelta(days=days - 1),
                                today=self.today, calendar=self.config.calendar, per_day=per_day)

    def calendar_file(self, start: date, days: int) -> bytes:
        """The route's visits as `schedule --ics` writes them."""
        from salescli.calendar_file import ics

        return ics(self.schedule(start, days).visits, today=self.today, language=self.language)

    def report(self, period: reports.Period, *, by: str = "channel", sources_by: str = "source",
               parties: bool = False) -> Reports:
        """The reports of `salescli report`: funnel, win rates by `by`, sources by `sources_by`, stale,
        and (when asked: it reads every customer's log) the missing project parties."""
        customers = self.customers()
        return Reports(
            funnel=tuple(reports.funnel(customers, period)),
            win_rates=tuple(reports.win_rates(customers, by, period)),
            sources=tuple(reports.sources(customers, period, dimension=sources_by)),
            stale=tuple(reports.stale(customers, today=self.today, limits=self.config.stale_days)),
            parties=tuple(network.missing_parties(customers)) if parties else None,
        )

    # ---- writing: one event appended each, as the CLI's advance, visit and target do ---------

    def advance(self, reference: str, stage: str | None, *, deal: str | None = None, value: str | None = None,
                reason: str | None = None, note: str | None = None) -> Move:
        """`salescli advance CUSTOMER STAGE [--deal] [--value] [--reason] [--note]`."""
        found = self.customer(reference)
        amount = _given(value)
        move = plan_advance(found, parse_target(stage), when=self.today, deal_name=_given(deal),
                            value=parse_money(amount) if amount else None, reason=_given(reason), note=_given(note))
        self._append(found, move.events, f"advance {describe(move)}")
        return move

    def visit(self, reference: str, *, when: str | None = None, goal: str | None = None, note: str | None = None,
              next_visit: str | None = None, deal: str | None = None) -> Customer:
        """`salescli visit CUSTOMER [--date] [--goal] [--note] [--next] [--deal]`."""
        found = self.customer(reference)
        chosen = deal_name(found, _given(deal))
        day = self.day(when)
        goal = _given(goal)
        item = event_item(EventKind.VISIT, day, chosen, goal=goal, note=_given(note),
                          next=self.day(next_visit) if _given(next_visit) else None)
        return self._append(found, [item], f"visit {found.name} on {day}" + (f": {goal}" if goal else ""))

    def target(self, reference: str, *, value: str | None = None, by: str | None = None, note: str | None = None,
               deal: str | None = None) -> Customer:
        """`salescli target CUSTOMER [--value] [--by] [--note] [--deal]`."""
        amount, by = _given(value), _given(by)
        if amount is None and by is None:
            raise InvalidValue(_("give --value, --by or both"))
        found = self.customer(reference)
        chosen = deal_name(found, _given(deal))
        item = event_item(EventKind.TARGET, self.today, chosen, value=parse_money(amount) if amount else None,
                          by=self.day(by) if by else None, note=_given(note))
        path = self._path(found)
        updated = store.append_events(path, [item])
        self._session.wrote(path, f"target {target_summary(updated, chosen, self.config.currency)}")
        return updated

    def _append(self, customer: Customer, items: Sequence[dict[str, object]], message: str) -> Customer:
        path = self._path(customer)
        updated = store.append_events(path, items)
        self._session.wrote(path, message)
        return updated

    def _path(self, customer: Customer) -> Path:
        path = self._session.path_of(customer)
        if path.parent != self._session.folder.customers:  # never so through `customer`; checked all the same
            raise DataError(_("the file is not in the data folder's customers/; nothing was written"), path=path)
        return path


@dataclass(frozen=True)
class Reports:
    funnel: tuple[reports.FunnelStep, ...]
    win_rates: tuple[reports.WinRate, ...]
    sources: tuple[reports.SourceRow, ...]
    stale: tuple[reports.StaleDeal, ...]
    parties: tuple[network.MissingParties, ...] | None  # None: not asked for


def _given(text: str | None) -> str | None:
    """A form field: None when left empty."""
    return text.strip() if text is not None and text.strip() else None
