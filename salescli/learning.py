"""What a folder's own history teaches the forecast: the `history` model of forecast.py. Pure: deals,
settings and a day in; only what was known at the end of that day is used.

On the eve of each past month (the day before its first), the open deals fall in three parts, as the
forecast of that month counts them:

- due: the target date falls in the month — weighted by their stage's probability;
- undated: no target date, or a target date already passed — weighted by the chance that a deal of
  their stage and age is won within the month (survival.py);
- new: all else the month won — deals opened during it, and deals due later but won early.

What each part did win in the month, beside what it was weighted at, gives a factor per part (how
often the folder's targets slip out of their month, how far the stages and ages over- or under-state);
the new part's won value per working day, over the latest six of them, gives a run-rate. Past months are grouped by season —
none, the month of the quarter, or the month of the year — and the model, the season and the factors
are those the folder's own history forecasts best: each past month forecast from the months before it
alone (an inner backtest), beside what the plain stage-weighted forecast said of it.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Callable, Iterable, Mapping, Sequence

from salescli.calibration import calibrate, historical_probabilities
from salescli.config import ForecastSettings
from salescli.customer import Customer, Deal, Status, deal_owner
from salescli.pricelist import AVERAGE, Valuation
from salescli.stages import Stage
from salescli.survival import Hazards, fit, landmarks
from salescli.workdays import Month, WorkCalendar

DUE, UNDATED, NEW = "due", "undated", "new"
PARTS = (DUE, UNDATED, NEW)
STAGES, HISTORY = "stages", "history"
SEASONS = {"none": 1, "quarter": 3, "year": 12}  # months in a season's cycle
MIN_EARLIER = 2  # months of history a past month needs before it is forecast in the inner backtest
JUDGED = 12  # the latest past months the inner backtest judges the candidates on
RUN_RATE_MONTHS = 6  # the latest past months (of the season) the new deals' run-rate is measured over
_CLOSED_STAGES = (Stage.CLOSE, Stage.SERVICE)  # open there without a won event: never weighted


@dataclass
class Tally:
    """One past month (or one rep's share of it), as its pipeline stood on its eve: per part, what it won
    in the month and what it was weighted at."""

    won: dict[str, float] = field(default_factory=lambda: dict.fromkeys(PARTS, 0.0))
    weighted: dict[str, float] = field(default_factory=lambda: dict.fromkeys((DUE, UNDATED), 0.0))
    stages_model: float = 0.0  # what the stage-weighted forecast said: due deals with a value of their own

    @property
    def actual(self) -> float:
        return sum(self.won.values())


@dataclass(frozen=True)
class MonthRecord:
    month: Month
    working_days: int
    total: Tally
    owners: Mapping[str | None, Tally]


@dataclass(frozen=True)
class Factors:
    """What the model applies to a month: a factor per weighted part and the new deals' run-rate."""

    due: float
    undated: float
    new_per_day: float  # won value a working day from deals not in the pipeline on the eve
    months: int  # the past months they were learned from


@dataclass(frozen=True)
class Learned:
    """The history model as learned at the end of `today`, and which model the forecast uses."""

    today: date
    hazards: Hazards
    valuation: Valuation
    records: tuple[MonthRecord, ...]
    model: str  # STAGES or HISTORY
    season: str  # none, quarter or year
    chosen_by: str  # "settings", "backtest" or "history" (too little of it to judge: the stages model)
    errors: Mapping[str, float | None] = field(default_factory=dict)  # each candidate's mean absolute error
    judged_months: int = 0
    weights: Mapping[Stage, float] = field(default_factory=dict)  # the due deals' stage weights: the folder's own
    # stage-to-win rates where enough deals decide a stage, else the configured probabilities

    def factors(self, month: Month, *, season: str | None = None) -> Factors:
        """The factors for `month`: learned from the past months of its season (all of them for `none`;
        a season without a past month of its own falls back on every past month)."""
        return _factors(self.records, month, SEASONS[season or self.season])

    def owner_ratio(self, owner: str | None, part: str) -> float:
        """How a rep's factor for a part stands to the folder's (1: as the folder), shrunk towards 1 by
        one average month of the rep's at the folder's factor: a rep with little history is the folder."""
        won = weighted = 0.0
        for record in self.records:
            tally = record.owners.get(owner)
            if tally is not None:
                won += tally.won[part]
                weighted += tally.weighted[part]
        folder = _ratio(sum(record.total.won[part] for record in self.records),
                        sum(record.total.weighted[part] for record in self.records))
        if not weighted or not folder:
            return 1.0
        typical = weighted / len(self.records)
        return (won + typical * folder) / (weighted + typical) / folder

    def owner_share(self, owner: str | None) -> float:
        """A rep's share of what the new part won in the past months (the run-rate is the folder's)."""
        total = sum(record.total.won[NEW] for record in self.records)
        if not total:
            return 0.0
        return sum(record.owners[owner].won[NEW] for record in self.records if owner in record.owners) / total


def learn(customers: Sequence[Customer], *, today: date, calendar: WorkCalendar,
          probabilities: Mapping[Stage, float], valuation: Valuation, settings: ForecastSettings) -> Learned:
    """The history model at the end of `today` (every customer as it stood then), and the model the
    settings choose — or, for `auto`, the one the folder's own past months show closer to what was won."""
    deals = [(deal, deal_owner(customer, deal)) for customer in customers for deal in customer.deals]
    weights = historical_probabilities(calibrate((deal for deal, _owner in deals), probabilities, day=today))
    valuation = Valuation(valuation.prices, _average_won(deal for deal, _owner in deals))
    first = min((deal.won_date for deal, _owner in deals if deal.status is Status.WON and deal.won_date),
                default=None)
    months = _past_months(first, today, settings.months)
    found = snapshots(deals, months, calendar=calendar, probabilities=probabilities, valuation=valuation)
    hazards = fit(landmarks((snapshot.stage, snapshot.age, snapshot.days, snapshot.outcome) for snapshot in found))
    records = _records(deals, months, found, calendar=calendar, weights=weights, hazards=hazards)
    learned = Learned(today, hazards, valuation, records, STAGES, "none", "history", weights=weights)
    return _chosen(learned, settings)


def _average_won(deals: Iterable[Deal]) -> Decimal | None:
    """件均产值: the value won ÷ the deals won (each deal as it stands)."""
    values = [deal.won_value for deal in deals if deal.status is Status.WON and deal.won_value]
    return (sum(values, Decimal(0)) / len(values)).quantize(Decimal("0.01")) if values else None


def _past_months(first: date | None, today: date, count: int) -> list[Month]:
    """The months over by the end of `today` (the latest `count`), from that of the folder's first win:
    the months before it, when the pipeline filled and nothing was won yet, teach no rate."""
    if first is None:
        return []
    last = Month.of(today) if today == Month.of(today).last else Month.of(today).next(-1)
    start = max(Month.of(first), last.next(1 - count))
    months = []
    while start <= last:
        months.append(start)
        start = start.next()
    return months


# ---- the past months, each as its pipeline stood on its eve ------------------------------------

@dataclass(frozen=True)
class Snapshot:
    """A deal open on a past month's eve, as that month's forecast saw it, and what became of it in the month."""

    at: int  # which past month (an index into the months)
    owner: str | None
    part: str  # DUE, UNDATED, or NEW (due in a later month)
    stage: Stage
    age: int  # working days since it opened, on the eve
    value: float  # its value on the eve: target, list price or average
    stages_model: float  # what the stages model counted of it: value × probability (a due deal's own value)
    days: int  # the working days of the month it was followed: to its decision, else the whole month
    outcome: Status | None  # won or lost in the month; None: still open at its end


def snapshots(deals: Sequence[tuple[Deal, str | None]], months: Sequence[Month], *, calendar: WorkCalendar,
              probabilities: Mapping[Stage, float], valuation: Valuation) -> list[Snapshot]:
    """Every deal open on the eve of each past month (after the close without a won event: never counted)."""
    if not months:
        return []
    eves = [month.first - timedelta(days=1) for month in months]
    found = []
    for deal, owner in deals:
        start = bisect_right(eves, deal.opened - timedelta(days=1))
        for at in range(start, len(months)):
            state = _state(deal, eves[at])
            if state is None:
                if deal.status is not Status.OPEN and deal.closed is not None and deal.closed <= eves[at] \
                        and len(deal.outcomes) <= 1:
                    break  # decided for good before this eve: no later month finds it open
                continue
            stage, target_value, target_date = state
            if stage not in _CLOSED_STAGES:
                found.append(_snapshot(deal, owner, at, months[at], eves[at], stage, target_value, target_date,
                                       calendar=calendar, probabilities=probabilities, valuation=valuation))
    return found


def _snapshot(deal: Deal, owner: str | None, at: int, month: Month, eve: date, stage: Stage,
              target_value: Decimal | None, target_date: date | None, *, calendar: WorkCalendar,
              probabilities: Mapping[Stage, float], valuation: Valuation) -> Snapshot:
    value, source = valuation.of(target_value, deal.product)
    if target_date is not None and month.first <= target_date <= month.last:
        part = DUE
    else:
        part = UNDATED if target_date is None or target_date < month.first else NEW
    stages_model = float(value or 0) * probabilities[stage] if part == DUE and source != AVERAGE else 0.0
    later = bisect_right(deal.outcome_days, eve)
    decided = deal.outcome_days[later] if later < len(deal.outcome_days) else None
    if decided is not None and decided <= month.last and deal.outcomes[later] is not Status.OPEN:
        days, outcome = max(1, calendar.between(eve, decided)), deal.outcomes[later]  # (a Sunday's: the next day's)
    else:
        days, outcome = calendar.between(eve, month.last), None
    return Snapshot(at, owner, part, stage, calendar.between(deal.opened, eve), float(value or 0), stages_model, days,
                    outcome)


def _records(deals: Sequence[tuple[Deal, str | None]], months: Sequence[Month], found: Sequence[Snapshot], *,
             calendar: WorkCalendar, weights: Mapping[Stage, float], hazards: Hazards) -> tuple[MonthRecord, ...]:
    """Each past month's tally: what each part was weighted at on its eve and what it won in the month."""
    totals = [Tally() for _month in months]
    owners: list[dict[str | None, Tally]] = [defaultdict(Tally) for _month in months]
    for snapshot in found:
        if snapshot.part == DUE:
            weighted = snapshot.value * weights[snapshot.stage]
        elif snapshot.part == UNDATED:
            weighted = snapshot.value * hazards.chance(snapshot.stage, snapshot.age, 1,
                                                       calendar.count(months[snapshot.at]))
        else:
            weighted = 0.0
        for tally in (totals[snapshot.at], owners[snapshot.at][snapshot.owner]):
            if snapshot.part != NEW:
                tally.weighted[snapshot.part] += weighted
            tally.stages_model += snapshot.stages_model
    index = {month: at for at, month in enumerate(months)}
    for deal, owner in deals:
        if deal.status is Status.WON and deal.won_date is not None and Month.of(deal.won_date) in index:
            at = index[Month.of(deal.won_date)]
            part = _part_on_eve(deal, months[at])
            for tally in (totals[at], owners[at][owner]):
                tally.won[part] += float(deal.won_value or 0)
    return tuple(MonthRecord(month, calendar.count(month), totals[at], dict(owners[at]))
                 for at, month in enumerate(months))


def _part_on_eve(deal: Deal, month: Month) -> str:
    """The part a deal won in `month` was in on the month's eve (NEW: not open then, or due later)."""
    eve = month.first - timedelta(days=1)
    state = _state(deal, eve)
    if state is None or state[0] in _CLOSED_STAGES:
        return NEW
    _stage, _value, target_date = state
    if target_date is not None and month.first <= target_date <= month.last:
        return DUE
    return UNDATED if target_date is None or target_date < month.first else NEW


def _state(deal: Deal, day: date) -> tuple[Stage, Decimal | None, date | None] | None:
    """The deal's stage and target at the end of `day` when it was open then; None otherwise (quick:
    `Deal.at` without building a deal)."""
    if day < deal.opened:
        return None
    outcomes = bisect_right(deal.outcome_days, day)
    if outcomes and deal.outcomes[outcomes - 1] is not Status.OPEN:
        return None
    moves = bisect_right(deal.stage_days, day)
    targets = bisect_right(deal.target_days, day)
    return (deal.stages[moves - 1] if moves else Stage.PROSPECT,
            deal.target_values[targets - 1] if targets else None,
            deal.target_dates[targets - 1] if targets else None)


# ---- the factors ---------------------------------------------------------------------------------

def _factors(records: Sequence[MonthRecord], month: Month, cycle: int) -> Factors:
    """Each part's won ÷ weighted over the past months of `month`'s season (all past months when its
    season has none), and the new part's won value a working day over the latest RUN_RATE_MONTHS of them."""
    same = [record for record in records if _phase(record.month, cycle) == _phase(month, cycle)] or list(records)
    if not same:
        return Factors(1.0, 1.0, 0.0, 0)
    latest = same[-RUN_RATE_MONTHS:]
    days = sum(record.working_days for record in latest)
    return Factors(
        due=_ratio(sum(r.total.won[DUE] for r in same), sum(r.total.weighted[DUE] for r in same)) or 1.0,
        undated=_ratio(sum(r.total.won[UNDATED] for r in same), sum(r.total.weighted[UNDATED] for r in same)) or 1.0,
        new_per_day=sum(record.total.won[NEW] for record in latest) / days if days else 0.0,
        months=len(same),
    )


def _phase(month: Month, cycle: int) -> int:
    return (month.month - 1) % cycle


def _ratio(won: float, weighted: float) -> float | None:
    return won / weighted if weighted else None


def forecast_of(record: MonthRecord, factors: Factors) -> float:
    """What the history model says of a past month from its eve, with these factors."""
    tally = record.total
    return (tally.weighted[DUE] * factors.due + tally.weighted[UNDATED] * factors.undated
            + factors.new_per_day * record.working_days)


# ---- which model and season: the inner backtest ------------------------------------------------------

def _chosen(learned: Learned, settings: ForecastSettings) -> Learned:
    """The season the history forecasts best, and — for `auto` — the model: each past month with
    MIN_EARLIER months before it forecast from those alone, each candidate judged over the months every
    candidate compared could forecast (a seasonal candidate needs a past month of the same season)."""
    records = learned.records
    seasons = [settings.seasonality] if settings.seasonality != "auto" else list(SEASONS)
    forecasts = {f"{HISTORY}:{season}": _inner_forecasts(records, SEASONS[season]) for season in seasons}
    forecasts[STAGES] = [record.total.stages_model if at >= MIN_EARLIER else None
                         for at, record in enumerate(records)]
    usable = [season for season in seasons
              if sum(figure is not None for figure in forecasts[f"{HISTORY}:{season}"]) >= MIN_JUDGED]
    season_errors = _errors(records, {season: forecasts[f"{HISTORY}:{season}"] for season in usable})
    season = min(usable, key=lambda name: (season_errors[name], SEASONS[name])) if usable else seasons[0]
    name = f"{HISTORY}:{season}"
    model_errors = _errors(records, {name: forecasts[name], STAGES: forecasts[STAGES]}) if usable else {}
    if settings.model != "auto":
        model, chosen_by = settings.model, "settings"
    elif not model_errors:  # too little history to judge: the rep's own targets, weighted by stage
        model, chosen_by = STAGES, "history"
    else:
        model, chosen_by = (HISTORY if model_errors[name] < model_errors[STAGES] else STAGES), "backtest"
    errors = {**{f"{HISTORY}:{found}": error for found, error in season_errors.items()}, **model_errors}
    return Learned(learned.today, learned.hazards, learned.valuation, records, model, season, chosen_by, errors,
                   _common(list(forecasts[name] for name in ([name, STAGES] if usable else [])), len(records)),
                   learned.weights)


MIN_JUDGED = 1  # past months a candidate must forecast to be judged


def _inner_forecasts(records: Sequence[MonthRecord], cycle: int) -> list[float | None]:
    """Each past month forecast from the months before it (None: too few of them, or none of its season)."""
    found: list[float | None] = []
    for at, record in enumerate(records):
        earlier = records[:at]
        season = [past for past in earlier if _phase(past.month, cycle) == _phase(record.month, cycle)]
        found.append(forecast_of(record, _factors(earlier, record.month, cycle))
                     if at >= MIN_EARLIER and season else None)
    return found


def _errors(records: Sequence[MonthRecord], forecasts: Mapping[str, Sequence[float | None]]) -> dict[str, float]:
    """Each candidate's mean absolute error over the latest JUDGED months that all of them forecast."""
    months = _common(list(forecasts.values()), len(records))
    chosen = [at for at in range(len(records)) if all(figures[at] is not None for figures in forecasts.values())]
    chosen = chosen[-JUDGED:]
    if not months:
        return {}
    return {name: sum(abs((figures[at] or 0.0) - records[at].total.actual) for at in chosen) / len(chosen)
            for name, figures in forecasts.items()}


def _common(forecasts: list[Sequence[float | None]], count: int) -> int:
    """How many of the latest JUDGED months every one of `forecasts` has a figure for."""
    return len([at for at in range(count) if all(figures[at] is not None for figures in forecasts)][-JUDGED:])
