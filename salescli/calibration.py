"""How deals move through the eight stages in a folder's own history (`forecast --calibrate`). Pure.

Counted from the logged stage events, as each deal stood at the end of a day: a deal reached a stage
when its log moved it there (or it opened there); a deal won straight from approach passed approach
and the close, nothing between. For each stage: the deals that reached it, the share of those that
left it which moved on to a later stage (or were won), the share of those decided which were won,
and the median days a deal stayed in it before moving on or being decided.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Iterable, Mapping

from salescli.customer import Deal, Status
from salescli.stages import Stage

MIN_HISTORY = 5  # decided deals a stage needs before its historical rate is used


@dataclass(frozen=True)
class StageRate:
    """A stage as the folder's deals went through it, beside the configured probability."""

    stage: Stage
    reached: int  # deals whose log took them into the stage
    left: int  # of those, the deals that moved on from it or were decided (their fate from it is known)
    advanced: int  # of those, the ones that moved on to a later stage or were won
    decided: int  # of those that reached it, the ones won or lost
    won: int
    median_days: float | None  # days in the stage, over the stays that ended
    configured: float

    @property
    def to_next(self) -> float | None:
        """Of the deals that left the stage, the share that moved further on."""
        return self.advanced / self.left if self.left else None

    @property
    def to_won(self) -> float | None:
        """Of the decided deals that reached the stage, the share won."""
        return self.won / self.decided if self.decided else None

    @property
    def rate(self) -> float | None:
        """The stage-to-win rate where enough deals decide it (MIN_HISTORY); None: not enough history."""
        return self.to_won if self.decided >= MIN_HISTORY else None


def calibrate(deals: Iterable[Deal], probabilities: Mapping[Stage, float], *, day: date) -> list[StageRate]:
    """Each stage's conversions and time, from the deals as they stood at the end of `day`."""
    from statistics import median  # (statistics takes a while to import: the forecast alone needs none of it)

    reached = {stage: 0 for stage in Stage}
    left = dict(reached)
    advanced = dict(reached)
    decided = dict(reached)
    won = dict(reached)
    stays: dict[Stage, list[int]] = {stage: [] for stage in Stage}
    for deal in deals:
        then = _at(deal, day)
        if then is None:
            continue
        path = then.reached
        closed = then.closed if then.status is not Status.OPEN else None
        for at, stage in enumerate(path):
            reached[stage] += 1
            later = path[at + 1:]
            if later or closed:
                left[stage] += 1
                advanced[stage] += bool(later)
            if closed:
                decided[stage] += 1
                won[stage] += then.status is Status.WON
        for stage, start, end in then.stays():
            if end is not None:
                stays[stage].append((end - start).days)
    return [StageRate(stage, reached[stage], left[stage], advanced[stage], decided[stage], won[stage],
                      float(median(stays[stage])) if stays[stage] else None, probabilities[stage])
            for stage in Stage]


def _at(deal: Deal, day: date) -> Deal | None:
    return deal if (deal.last_event or deal.opened) <= day else deal.at(day)


def historical_probabilities(rates: Iterable[StageRate]) -> dict[Stage, float]:
    """Each stage's historical rate where there is enough history, else the configured one."""
    return {rate.stage: rate.configured if rate.rate is None else rate.rate for rate in rates}
