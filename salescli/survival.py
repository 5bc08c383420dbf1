"""How soon an open deal closes: the chance that it is won within some days, given its stage and its
age, learned from a folder's own deals. Pure: deals and a day in.

A survival (hazard) estimate, the way actuaries and churn models count: every deal opened by the day
it is learned on counts, the open ones too (censored: "still open at age a" is what is known of them).
For each age — weekly for the first half year, then every four weeks, then one last span — the hazard
of winning is the wins at that age over the deal-days at risk at it, and likewise the hazard of
losing. A stage multiplies both (a deal at objections wins sooner than one at approach), fitted
together with the ages by iterative proportional scaling (a piecewise-exponential proportional-hazards
model). The chance of a win between two later days then follows from the two hazards: the deal must
still be open (neither won nor lost) on the days before.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Iterable, Mapping, Sequence

from salescli.customer import Deal, Status
from salescli.stages import Stage

WEEKLY_UNTIL = 182  # days: ages binned by week up to half a year …
MONTHLY_UNTIL = 730  # … then by four weeks up to two years; older deals share one last span
_ROUNDS = 12  # of iterative scaling: the factors settle in a few


def age_bin(age: int) -> int:
    if age < WEEKLY_UNTIL:
        return age // 7
    if age < MONTHLY_UNTIL:
        return WEEKLY_UNTIL // 7 + (age - WEEKLY_UNTIL) // 28
    return WEEKLY_UNTIL // 7 + (MONTHLY_UNTIL - WEEKLY_UNTIL) // 28


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


def exposure(deals: Iterable[Deal], day: date) -> Exposure:
    """The deal-days at risk and the decisions of every deal opened on or before `day`, as each stood
    at the end of it (a deal decided later is still open then)."""
    starts: dict[Stage, list[int]] = {stage: [0] * (MONTHLY_UNTIL + 1) for stage in Stage}  # difference arrays
    tails: dict[Stage, int] = {stage: 0 for stage in Stage}  # deal-days at ages of MONTHLY_UNTIL and over
    wins: dict[Stage, list[float]] = {stage: [0.0] * BINS for stage in Stage}
    losses: dict[Stage, list[float]] = {stage: [0.0] * BINS for stage in Stage}
    for deal in deals:
        then = deal.at(day)
        if then is None:
            continue
        decided = then.status is not Status.OPEN and then.closed is not None
        segments = _segments(then, then.closed if decided and then.closed else day)
        for stage, first, last in segments:
            if first < MONTHLY_UNTIL:
                starts[stage][first] += 1
                starts[stage][min(last + 1, MONTHLY_UNTIL)] -= 1
            if last >= MONTHLY_UNTIL:
                tails[stage] += last - max(first, MONTHLY_UNTIL) + 1
        if decided and segments:
            stage, _first, last = segments[-1]
            (wins if then.status is Status.WON else losses)[stage][_bin(last)] += 1
    return Exposure({stage: _binned(counts, tails[stage]) for stage, counts in starts.items()}, wins, losses)


def _segments(deal: Deal, end: date) -> list[tuple[Stage, int, int]]:
    """The deal's stays in each stage as ages (days since it opened), first and last day counted, up to
    `end` (the day it moves on belongs to its next stage; the day it is decided, to its last)."""
    stays = deal.stays()
    found = []
    for at, (stage, start, left) in enumerate(stays):
        last = (min(left, end) - deal.opened).days if left is not None else (end - deal.opened).days
        if left is not None and at + 1 < len(stays):
            last -= 1
        first = (start - deal.opened).days
        if last >= first:
            found.append((stage, first, last))
    return found


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
        """The chance that a deal open at the end of the day it is `age` days old, at `stage`, is won
        between `first` and `last` days later (both counted)."""
        if last < first or not self.decided:
            return 0.0
        curve = self._curve(stage)
        won_by, open_at = curve
        start, stop = age + first, age + last + 1
        end = len(open_at) - 1
        if stop > end:  # beyond the curve: the last span's hazards hold
            won_by, open_at = self._extended(stage, stop)
        alive = open_at[age + 1] if age + 1 < len(open_at) else 0.0
        if alive <= 0:
            return 0.0
        return max(0.0, (won_by[stop] - won_by[start]) / alive)

    def _curve(self, stage: Stage) -> tuple[list[float], list[float]]:
        cache: dict[Stage, tuple[list[float], list[float]]] = self.__dict__.setdefault("_curves", {})
        if stage not in cache:
            cache[stage] = self._extended(stage, MONTHLY_UNTIL + 400)
        return cache[stage]

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
