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
the new part's won value per working day, over the latest six of them, gives a run-rate. Past months
are grouped by season — none, the month of the quarter, or the month of the year — and the model, the
season and the factors are those the folder's own history forecasts best: each past month forecast from
the months before it alone (an inner backtest), beside what the plain stage-weighted forecast said of it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Mapping, Sequence

from salescli.calibration import MIN_HISTORY
from salescli.config import ForecastSettings
from salescli.customer import Customer, Status, deal_owner
from salescli.history import AT_AVERAGE, DUE, NEW, PARTS, UNDATED, History, history
from salescli.pricelist import PriceList, Valuation
from salescli.stages import Stage
from salescli.survival import Exposure, Hazards, Landmarks, fit
from salescli.workdays import Month, WorkCalendar

STAGES, HISTORY = "stages", "history"
SEASONS = {"none": 1, "quarter": 3, "year": 12}  # months in a season's cycle
MIN_EARLIER = 2  # months of history a past month needs before it is forecast in the inner backtest
JUDGED = 12  # the latest past months the inner backtest judges the candidates on
RUN_RATE_MONTHS = 6  # the latest past months (of the season) the new deals' run-rate is measured over


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

    def plain(self) -> tuple[Any, ...]:
        """The model in plain values (what the parse cache keeps; `restored` reads it back)."""
        hazards = self.hazards
        return (self.today.toordinal(),
                (list(hazards.win), list(hazards.lose), _by_key(hazards.win_factor), _by_key(hazards.lose_factor),
                 hazards.decided),
                None if self.valuation.average is None else str(self.valuation.average),
                [(record.month.year, record.month.month, record.working_days, _tally(record.total),
                  [(owner, _tally(tally)) for owner, tally in record.owners.items()]) for record in self.records],
                self.model, self.season, self.chosen_by, dict(self.errors), self.judged_months, _by_key(self.weights))

    @classmethod
    def restored(cls, plain: Any, prices: PriceList) -> Learned:
        today, (win, lose, win_factor, lose_factor, decided), average, records, *rest = plain
        model, season, chosen_by, errors, judged, weights = rest
        return cls(date.fromordinal(today), Hazards(win, lose, _stages(win_factor), _stages(lose_factor), decided),
                   Valuation(prices, None if average is None else Decimal(average)),
                   tuple(MonthRecord(Month(year, month), working, _untally(total),
                                     {owner: _untally(tally) for owner, tally in owners})
                         for year, month, working, total, owners in records),
                   model, season, chosen_by, errors, judged, _stages(weights))

    def factors(self, month: Month, *, season: str | None = None) -> Factors:
        """The factors for `month`: learned from the past months of its season (all of them for `none`;
        a season without a past month of its own falls back on every past month)."""
        return _factors(self.records, month, SEASONS[season or self.season])

    def owner_ratio(self, owner: str | None, part: str) -> float:
        """How a rep's factor for a part stands to the folder's (1: as the folder), shrunk towards 1 by
        one average month of the rep's at the folder's factor: a rep with little history is the folder."""
        known: dict[tuple[str | None, str], float] = self.__dict__.setdefault("_ratios", {})
        if (owner, part) not in known:
            known[(owner, part)] = self._owner_ratio(owner, part)  # (asked for every open deal)
        return known[(owner, part)]

    def _owner_ratio(self, owner: str | None, part: str) -> float:
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


def _by_key(values: Mapping[Stage, float]) -> dict[str, float]:
    return {stage.value: value for stage, value in values.items()}


def _stages(values: Mapping[str, float]) -> dict[Stage, float]:
    return {Stage(key): value for key, value in values.items()}


def _tally(tally: Tally) -> tuple[float, ...]:
    return (*(tally.won[part] for part in PARTS), tally.weighted[DUE], tally.weighted[UNDATED], tally.stages_model)


def _untally(values: Sequence[float]) -> Tally:
    won_due, won_undated, won_new, due, undated, stages_model = values
    return Tally({DUE: won_due, UNDATED: won_undated, NEW: won_new}, {DUE: due, UNDATED: undated}, stages_model)


def learn(customers: Sequence[Customer], *, today: date, calendar: WorkCalendar,
          probabilities: Mapping[Stage, float], valuation: Valuation, settings: ForecastSettings) -> Learned:
    """The history model at the end of `today` (every customer as it stood then), and the model the
    settings choose — or, for `auto`, the one the folder's own past months show closer to what was won."""
    deals = [(deal, deal_owner(customer, deal)) for customer in customers for deal in customer.deals]
    first = min((deal.won_date for deal, _owner in deals if deal.status is Status.WON and deal.won_date),
                default=None)
    found = history(deals, past_months(first, today, settings.months), calendar=calendar, valuation=valuation)
    return learn_from(found, today=today, probabilities=probabilities, prices=valuation.prices, settings=settings)


def learn_from(found: History, *, today: date, probabilities: Mapping[Stage, float], prices: PriceList,
               settings: ForecastSettings) -> Learned:
    """The history model at the end of `today`, from a record of past months that may run past it (a
    backtest learns on many days from one record): only the months over by then, from that of the first
    win known then, the latest `settings.months` of them; only the decisions not undone by then."""
    day = today.toordinal()
    over = found.index(today)
    first = min((won for won, _value, undone in found.won_values if won <= day and _standing(undone, day)),
                default=None)
    start = max(over - settings.months, _month_index(found, first) if first is not None else over)
    weights = rates(found, probabilities, today)
    average = _average(found, day)
    hazards = fit(_landmarks(found, start, over))
    records = _records(found, start, over, day=day, hazards=hazards, weights=weights, probabilities=probabilities,
                       average=average)
    learned = Learned(today, hazards, Valuation(prices, _money(average)), records, STAGES, "none", "history",
                      weights=weights)
    return _chosen(learned, settings)


def past_months(first: date | None, today: date, count: int) -> list[Month]:
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


def _month_index(found: History, day: int) -> int:
    """The position of the month of `day` (an ordinal) among the record's months (0 when before them)."""
    month = Month.of(date.fromordinal(day))
    return next((at for at, known in enumerate(found.months) if known >= month), len(found.months))


def _standing(undone: int, day: int) -> bool:
    """Whether a decision or a win still stood at the end of `day` (undone later, or never)."""
    return not 0 < undone <= day


def rates(found: History, probabilities: Mapping[Stage, float], today: date) -> dict[Stage, float]:
    """Each stage's rate of deals won of those decided there by the end of `today` (as `forecast
    --calibrate` counts them: the stages each deal's log took it into), where MIN_HISTORY decide it;
    else the configured one."""
    day = today.toordinal()
    decided = {stage: 0 for stage in Stage}
    won = dict(decided)
    for when, reached, was_won, undone in found.decisions:
        if when <= day and _standing(undone, day):
            for stage in reached:
                decided[stage] += 1
                won[stage] += was_won
    return {stage: won[stage] / decided[stage] if decided[stage] >= MIN_HISTORY else probabilities[stage]
            for stage in Stage}


def _average(found: History, day: int) -> float | None:
    """件均产值 by `day`: the value won ÷ the deals won (those still won then)."""
    values = [value for when, value, undone in found.won_values if when <= day and _standing(undone, day) and value]
    return sum(values) / len(values) if values else None


def _money(amount: float | None) -> Decimal | None:
    return None if amount is None else Decimal(str(amount)).quantize(Decimal("0.01"))


def _landmarks(found: History, start: int, over: int) -> Exposure:
    """The deals open on the eves of months `start` … `over` − 1, each followed through its month."""
    landmarks = Landmarks()
    for at in range(start, over):
        for entry in found.followed[at]:
            landmarks.add(*entry)
    if over:
        end = found.eve_ages[over - 1] + found.working[over - 1]
        for first, stage, opened in found.followed_runs:
            at = max(first, start)
            if at < over:
                landmarks.add(stage, found.eve_ages[at] - opened, end - found.eve_ages[at], None)
    return landmarks.exposure()


def _records(found: History, start: int, over: int, *, day: int, hazards: Hazards, weights: Mapping[Stage, float],
             probabilities: Mapping[Stage, float], average: float | None) -> tuple[MonthRecord, ...]:
    """Months `start` … `over` − 1: what each part was weighted at on the eve and what it won in the month."""
    totals = {at: Tally() for at in range(start, over)}
    owners: dict[int, dict[str | None, Tally]] = {at: defaultdict(Tally) for at in range(start, over)}
    at_average = average or 0.0
    for at in range(start, over):
        _weigh_due(found, at, totals[at], owners[at], weights=weights, probabilities=probabilities,
                   at_average=at_average)
        _weigh_undated(found, at, totals[at], owners[at], hazards=hazards, at_average=at_average)
    _weigh_runs(found, start, over, totals, owners, hazards=hazards, at_average=at_average)
    for at, owner, part, value, undone in found.wins:
        if start <= at < over and _standing(undone, day):
            totals[at].won[part] += value
            owners[at][owner].won[part] += value
    return tuple(MonthRecord(found.months[at], found.working[at], totals[at], dict(owners[at]))
                 for at in range(start, over))


def _weigh_due(found: History, at: int, total: Tally, mine: dict[str | None, Tally], *,
               weights: Mapping[Stage, float], probabilities: Mapping[Stage, float], at_average: float) -> None:
    """Month `at`'s due deals, at their stage's learned weight and (the stages model) its probability."""
    for owner, stage, _age, value in found.due[at]:
        worth = at_average if value == AT_AVERAGE else value
        model = 0.0 if value == AT_AVERAGE else value * probabilities[stage]
        for tally in (total, mine[owner]):
            tally.weighted[DUE] += worth * weights[stage]
            tally.stages_model += model


def _weigh_undated(found: History, at: int, total: Tally, mine: dict[str | None, Tally], *, hazards: Hazards,
                   at_average: float) -> None:
    """Month `at`'s undated deals, at their chance of a win within the month."""
    working = found.working[at]
    for owner, stage, age, value in found.undated[at]:
        weighted = (at_average if value == AT_AVERAGE else value) * hazards.chance(stage, age, 1, working)
        total.weighted[UNDATED] += weighted
        mine[owner].weighted[UNDATED] += weighted


def _weigh_runs(found: History, start: int, over: int, totals: dict[int, Tally],
                owners: dict[int, dict[str | None, Tally]], *, hazards: Hazards, at_average: float) -> None:
    """The settled deals' runs, undated on every eve from their first month: each month's share of the undated
    part."""
    ages, working_days = found.eve_ages, found.working
    for first, owner, stage, opened, value in found.runs:
        worth = at_average if value == AT_AVERAGE else value
        if not worth or max(first, start) >= over:
            continue
        won_by, open_at = hazards.curve(stage, ages[over - 1] + working_days[over - 1] - opened + 1)
        for at in range(max(first, start), over):  # (Hazards.chance, inline: this runs for every month of every run)
            age = ages[at] - opened
            alive = open_at[age + 1]
            weighted = worth * (won_by[age + working_days[at] + 1] - won_by[age + 1]) / alive if alive > 0 else 0.0
            totals[at].weighted[UNDATED] += weighted
            owners[at][owner].weighted[UNDATED] += weighted


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
