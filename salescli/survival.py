"""How soon an open deal closes: the chance that it is won within some days, given its stage and its
age, learned from a folder's own deals. Pure.

A survival (hazard) estimate by landmarks, the way actuaries and churn models count: on each landmark
day (a past month's eve) every open deal is followed for the days after it, the ones still open at the
end too (censored: "still open at age a" is what is known of them). For each age in working days —
weekly for the first half year, then every four weeks, then one last span — the hazard of winning is the wins at
that age over the deal-days at risk at it, and likewise the hazard of losing. The stage a deal had on
the landmark multiplies both (a deal at objections is won sooner than one at approach, which must move
on first), fitted together with the ages by iterative proportional scaling (a piecewise-exponential
proportional-hazards model). The chance of a win between two later days then follows from the two
hazards: the deal must still be open (neither won nor lost) on the days before.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

from salescli.customer import Status
from salescli.stages import Stage

# Ages are counted in working days (deals move on working days: a month of 春节 is a short month).
WEEK, MONTH = 5, 20  # working days
WEEKLY_UNTIL = 130  # ages binned by week up to half a year …
MONTHLY_UNTIL = 520  # … then by four weeks up to two years; older deals share one last span
_ROUNDS = 12  # of iterative scaling: the factors settle in a few


def age_bin(age: int) -> int:
    if age < WEEKLY_UNTIL:
        return age // WEEK
    if age < MONTHLY_UNTIL:
        return WEEKLY_UNTIL // WEEK + (age - WEEKLY_UNTIL) // MONTH
    return WEEKLY_UNTIL // WEEK + (MONTHLY_UNTIL - WEEKLY_UNTIL) // MONTH


BINS = age_bin(MONTHLY_UNTIL) + 1
_BIN_OF_AGE = [age_bin(age) for age in range(MONTHLY_UNTIL + 1)]


@dataclass(frozen=True)
class Exposure:
    """What a folder's deals teach up to a day: per stage, the deal-days at risk in each age span, and
    the wins and losses in each."""

    at_risk: Mapping[Stage, Sequence[float]]
    wins: Mapping[Stage, Sequence[float]]
    losses: Mapping[Stage, Sequence[float]]

    @property
    def decided(self) -> int:
        return int(sum(sum(counts) for counts in (*self.wins.values(), *self.losses.values())))


class Landmarks:
    """The deal-days at risk and the decisions of deals followed from a landmark day — each past month's
    eve — for some working days. A deal's stage is the one it had on the landmark: the hazards of a deal
    at approach then include its moving on and being won within the days followed, as a forecast made on
    such a day needs them."""

    def __init__(self) -> None:
        self.starts = {stage: [0] * (MONTHLY_UNTIL + 1) for stage in Stage}  # difference arrays by age
        self.tails = {stage: 0 for stage in Stage}  # deal-days at ages of MONTHLY_UNTIL and over
        self.wins = {stage: [0.0] * BINS for stage in Stage}
        self.losses = {stage: [0.0] * BINS for stage in Stage}

    def add(self, stage: Stage, age: int, days: int, outcome: Status | None) -> None:
        """A deal at `stage`, `age` working days old on the landmark, followed for `days` working days, and
        its outcome on the last of them (won, lost; None: still open)."""
        first, last = age + 1, age + days
        if first < MONTHLY_UNTIL:
            starts = self.starts[stage]
            starts[first] += 1
            starts[last + 1 if last < MONTHLY_UNTIL else MONTHLY_UNTIL] -= 1
        if last >= MONTHLY_UNTIL:
            self.tails[stage] += last - (first if first > MONTHLY_UNTIL else MONTHLY_UNTIL) + 1
        if outcome is Status.WON:
            self.wins[stage][_bin(last)] += 1
        elif outcome is Status.LOST:
            self.losses[stage][_bin(last)] += 1

    def exposure(self) -> Exposure:
        return Exposure({stage: _binned(counts, self.tails[stage]) for stage, counts in self.starts.items()},
                        self.wins, self.losses)


def landmarks(entries: Iterable[tuple[Stage, int, int, Status | None]]) -> Exposure:
    """The exposure of deals followed from landmarks: each entry a deal's stage and age on its landmark,
    the working days it was followed and its outcome then (see Landmarks.add)."""
    found = Landmarks()
    for entry in entries:
        found.add(*entry)
    return found.exposure()


def _binned(starts: list[int], tail: int) -> list[float]:
    """Deal-days at risk per age span, from a difference array over ages and the days past them."""
    spans = [0.0] * BINS
    running = 0
    for age in range(MONTHLY_UNTIL):
        running += starts[age]
        spans[_BIN_OF_AGE[age]] += running
    spans[-1] += tail
    return spans


def _bin(age: int) -> int:
    return _BIN_OF_AGE[min(max(age, 0), MONTHLY_UNTIL)]


@dataclass(frozen=True)
class Hazards:
    """A piecewise-constant daily hazard of winning and of losing by age span, and a factor per stage."""

    win: Sequence[float]
    lose: Sequence[float]
    win_factor: Mapping[Stage, float]
    lose_factor: Mapping[Stage, float]
    decided: int  # the decisions it was learned from

    def chance(self, stage: Stage, age: int, first: int, last: int) -> float:
        """The chance that a deal open at the end of the day it is `age` working days old, at `stage`, is
        won between `first` and `last` working days later (both counted)."""
        if last < first or not self.decided:
            return 0.0
        won_by, open_at = self.curve(stage, age + last + 1)
        alive = open_at[age + 1]
        if alive <= 0:
            return 0.0
        chance = (won_by[age + last + 1] - won_by[age + first]) / alive
        return chance if chance > 0 else 0.0

    def curve(self, stage: Stage, ages: int) -> tuple[list[float], list[float]]:
        """F and S of a deal at `stage` (see _extended) over at least `ages` ages; with no history, none."""
        curves: dict[Stage, tuple[list[float], list[float]]] = self.__dict__.setdefault("_curves", {})
        found = curves.get(stage)
        if found is None or len(found[1]) <= ages:  # (the last span's hazards hold beyond the spans)
            found = curves[stage] = self._extended(stage, max(ages, MONTHLY_UNTIL + 400))
        return found

    def _extended(self, stage: Stage, days: int) -> tuple[list[float], list[float]]:
        """F (the chance of a win before each age) and S (of being still open at each age), from age 0."""
        win_factor, lose_factor = self.win_factor.get(stage, 1.0), self.lose_factor.get(stage, 1.0)
        won_by, open_at = [0.0], [1.0]
        for age in range(days + 1):
            span = _bin(age)
            win = min(self.win[span] * win_factor, 1.0)
            lose = min(self.lose[span] * lose_factor, 1.0 - win)
            won_by.append(won_by[-1] + open_at[-1] * win)
            open_at.append(open_at[-1] * (1.0 - win - lose))
        return won_by, open_at


def fit(exposure: Exposure) -> Hazards:
    """Hazards by age span and a factor per stage, fitted to the wins and losses over the days at risk."""
    win, win_factor = _scaled(exposure.at_risk, exposure.wins)
    lose, lose_factor = _scaled(exposure.at_risk, exposure.losses)
    return Hazards(win, lose, win_factor, lose_factor, exposure.decided)


def _scaled(at_risk: Mapping[Stage, Sequence[float]], events: Mapping[Stage, Sequence[float]]
            ) -> tuple[list[float], dict[Stage, float]]:
    """Iterative proportional scaling: hazard[span] × factor[stage] matches the events in each span and
    in each stage. A stage without days at risk keeps the factor 1."""
    stages = [stage for stage in Stage if sum(at_risk[stage])]
    factor = {stage: 1.0 for stage in Stage}
    hazard = [0.0] * BINS
    for _round in range(_ROUNDS):
        for span in range(BINS):
            days = sum(at_risk[stage][span] * factor[stage] for stage in stages)
            hazard[span] = sum(events[stage][span] for stage in stages) / days if days else 0.0
        for stage in stages:
            expected = sum(at_risk[stage][span] * hazard[span] for span in range(BINS))
            happened = sum(events[stage])
            factor[stage] = happened / expected if expected else 1.0
    return _carried(hazard, [any(at_risk[stage][span] for stage in stages) for span in range(BINS)]), factor


def _carried(hazard: list[float], known: list[bool]) -> list[float]:
    """Spans with no deal at risk take the hazard of the span before them: a deal older than any the
    folder has seen keeps the last known pace rather than none."""
    result: list[float] = []
    for span, value in enumerate(hazard):
        result.append(value if known[span] or not result else result[-1])
    return result
