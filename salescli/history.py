"""A folder's past months, each as its pipeline stood on its eve (the day before its first): what the
history model of the forecast learns from (learning.py). Pure: deals and months in.

For every month and every deal open on its eve: the part of that month's forecast it fell in — due (its
target date in the month), undated (no target date, or one passed by the eve) or due later — its stage,
age and value then, and what became of it in the month (won, lost, still open). Besides: every decision
with the stages the deal had reached, and every win with the part it was won from.

None of it depends on the day the model is learned on: the learning reads, for a day, the months over
by then and the decisions not undone by then (a deal won and reopened later was won on the days
between). So a backtest learns on a dozen days from one walk over the deals.

The walk goes through every deal and every month it was open on the eve of (tens of thousands of
pairs in a team's folder): it moves along each deal's compact history with pointers and compares days
as ordinals; an open deal whose stage, target and outcome no longer change is one run, not a month each.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Sequence

from salescli.customer import STAGE_OF_NUMBER, STATUS_NUMBER, Deal, Status
from salescli.pricelist import Valuation
from salescli.stages import Stage
from salescli.workdays import Month, WorkCalendar

DUE, UNDATED, NEW = "due", "undated", "new"
PARTS = (DUE, UNDATED, NEW)
AT_AVERAGE = -1.0  # a value that is the folder's average won deal, known only on the day learned on
_CLOSED_STAGES = (Stage.CLOSE, Stage.SERVICE)  # open there without a won event: never weighted
_WON, _LOST, _OPEN = (STATUS_NUMBER[status] for status in (Status.WON, Status.LOST, Status.OPEN))
_STATUS = {_WON: Status.WON, _LOST: Status.LOST}


@dataclass
class History:
    """The past months' raw record (see the module's docstring); indices are months' positions."""

    months: list[Month]
    working: list[int]  # working days of each month
    eve_ages: list[int]  # each eve's working-day ordinal (a deal's age on it: this − its opening day's)
    # per month, each deal open on its eve and due in the month, and each undated one: owner, stage, age, value
    # (AT_AVERAGE: the average)
    due: list[list[tuple[str | None, Stage, int, float]]] = field(default_factory=list)
    undated: list[list[tuple[str | None, Stage, int, float]]] = field(default_factory=list)
    runs: list[tuple[int, str | None, Stage, int, float]] = field(default_factory=list)  # an open deal undated on
    # every eve from a month on: month, owner, stage, its opening day's ordinal, value
    followed: list[list[tuple[Stage, int, int, Status | None]]] = field(default_factory=list)  # per month, each deal
    # open on its eve: stage, age, working days followed (to its decision), outcome (None: still open)
    followed_runs: list[tuple[int, Stage, int]] = field(default_factory=list)  # an open deal followed from a
    # month's eve to the end: month, stage, its opening day's ordinal
    wins: list[tuple[int, str | None, str, float, int]] = field(default_factory=list)  # month, owner, the part it was
    # won from, value, the day (ordinal) a later event undid the win (0: none)
    won_values: list[tuple[int, float, int]] = field(default_factory=list)  # every win: day, value, undone (as above)
    decisions: list[tuple[int, tuple[Stage, ...], bool, int]] = field(default_factory=list)  # day (ordinal), the
    # stages reached, won, the day a later event undid it (0: none)

    def index(self, day: date) -> int:
        """How many of the months are over by the end of `day`."""
        return sum(1 for month in self.months if month.last <= day)


def history(deals: Sequence[tuple[Deal, str | None]], months: Sequence[Month], *, calendar: WorkCalendar,
            valuation: Valuation) -> History:
    """The months' record of these deals (each with its owner), as the deals stand now; values by
    `valuation` (its average is left open: AT_AVERAGE)."""
    walk = _Walk(months, deals, calendar=calendar, valuation=valuation)
    for deal, owner in deals:
        walk.add(deal, owner)
    return walk.found


class _Clock:
    """The working-day ordinal of each day of a span (how many working days older one day is than
    another, by a lookup); a day outside the span is worked out from the calendar."""

    def __init__(self, calendar: WorkCalendar, first: date, last: date) -> None:
        self.calendar, self.first = calendar, first
        self.ordinals: dict[date, int] = {}
        count, workdays = 0, set(calendar.workdays(first, last))
        day = first
        while day <= last:
            count += day in workdays
            self.ordinals[day] = count
            day += timedelta(days=1)

    def __getitem__(self, day: date) -> int:
        found = self.ordinals.get(day)
        if found is not None:
            return found
        return self.calendar.between(self.first, day) if day > self.first else -self.calendar.between(day, self.first)


class _Walk:
    """The months' record, deal by deal."""

    def __init__(self, months: Sequence[Month], deals: Sequence[tuple[Deal, str | None]], *, calendar: WorkCalendar,
                 valuation: Valuation) -> None:
        eves = [month.first - timedelta(days=1) for month in months]
        earliest = min((deal.opened for deal, _owner in deals), default=eves[0] if eves else date.today())
        self.clock = _Clock(calendar, min([earliest, *eves[:1]]), months[-1].last if months else earliest)
        self.eves = [eve.toordinal() for eve in eves]  # (the walk compares days as ordinals)
        self.firsts = [month.first.toordinal() for month in months]
        self.lasts = [month.last.toordinal() for month in months]
        self.found = History(list(months), [calendar.count(month) for month in months],
                             [self.clock[eve] for eve in eves], due=[[] for _month in months],
                             undated=[[] for _month in months], followed=[[] for _month in months])
        self.valuation = valuation
        self._values: dict[tuple[str, str | None], float] = {}
        self._month_of = {month: at for at, month in enumerate(months)}

    def add(self, deal: Deal, owner: str | None) -> None:
        """The deal on each eve it was open on, its decisions and its wins."""
        parts = self._walk(deal, owner) if self.eves and deal.opened.toordinal() <= self.eves[-1] else {}
        outcome_log = deal.outcome_log
        for at in range(0, len(outcome_log), 2):
            status = outcome_log[at + 1]
            if status == _OPEN:
                continue
            day = outcome_log[at]
            undone = outcome_log[at + 2] if at + 2 < len(outcome_log) else 0
            self.found.decisions.append((day, _reached(deal, day, won=status == _WON), status == _WON, undone))
            if status == _WON:
                amount = deal.outcome_amounts[at // 2]
                value = float(amount) if amount else 0.0
                self.found.won_values.append((day, value, undone))
                month = self._month_of.get(Month.of(date.fromordinal(day)))
                if month is not None:
                    self.found.wins.append((month, owner, parts.get(month, NEW), value, undone))

    def _walk(self, deal: Deal, owner: str | None) -> dict[int, str]:
        """Record the deal on each eve it was open on; its part on each such eve."""
        eves = self.eves
        stage_log, target_log, outcome_log = deal.stage_log, deal.target_log, deal.outcome_log
        opened = self.clock[deal.opened]
        moves = targets = decisions = 0  # pointers past each log's entries dated by the eve
        parts: dict[int, str] = {}
        # from the eve after its last change of stage, target or outcome (a visit changes none), the quick way
        settled = max([deal.opened.toordinal(), *(log[-2] for log in (stage_log, target_log, outcome_log) if log)])
        still_open = deal.status is Status.OPEN
        for at in range(bisect_left(eves, deal.opened.toordinal()), len(eves)):
            eve = eves[at]
            if still_open and eve >= settled:
                self._settled(deal, owner, at, opened, parts)
                break
            moves, targets = _past(stage_log, moves, eve), _past(target_log, targets, eve)
            decisions = _past(outcome_log, decisions, eve)
            if decisions and outcome_log[decisions - 1] != _OPEN:
                if decisions == len(outcome_log):
                    break  # decided for good: no later eve finds it open
                continue
            stage = STAGE_OF_NUMBER[stage_log[moves - 1]] if moves else Stage.PROSPECT
            if stage not in _CLOSED_STAGES:
                parts[at] = self._open_on_eve(deal, owner, at, stage, opened, targets, decisions)
        return parts

    def _open_on_eve(self, deal: Deal, owner: str | None, at: int, stage: Stage, opened: int, targets: int,
                     decisions: int) -> str:
        """Record the deal open at `stage` on the eve of month `at` (`targets` and `decisions`: its logs' pointers
        past that eve): what became of it in the month, and its part, which is returned."""
        found, target_log, outcome_log = self.found, deal.target_log, deal.outcome_log
        due_on = target_log[targets - 1] if targets else 0
        value = self._value(deal.target_amounts[targets // 2 - 1] if targets else "", deal.product)
        part = DUE if due_on and self.firsts[at] <= due_on <= self.lasts[at] else \
            UNDATED if not due_on or due_on < self.eves[at] else NEW
        age = found.eve_ages[at] - opened
        decided = decisions < len(outcome_log) and outcome_log[decisions] <= self.lasts[at] \
            and outcome_log[decisions + 1] != _OPEN
        found.followed[at].append(
            (stage, age, max(1, self.clock[date.fromordinal(outcome_log[decisions])] - found.eve_ages[at]),
             _STATUS[outcome_log[decisions + 1]]) if decided else (stage, age, found.working[at], None))
        if part != NEW:
            (found.due if part == DUE else found.undated)[at].append((owner, stage, age, value))
        return part

    def _settled(self, deal: Deal, owner: str | None, start: int, opened: int, parts: dict[int, str]) -> None:
        """An open deal whose stage, target and outcome last changed before the eve of month `start`:
        the same on every later eve (one run)."""
        if deal.stage in _CLOSED_STAGES:
            return
        stage, value = deal.stage, self._value(str(deal.target_value or ""), deal.product)
        target = deal.target_date.toordinal() if deal.target_date else 0
        self.found.followed_runs.append((start, stage, opened))
        undated = start if not target else max(start, bisect_right(self.eves, target))  # overdue from that eve
        due = bisect_right(self.firsts, target) - 1 if target else -1  # the month it is due in
        for at in range(start, len(self.eves)):
            parts[at] = UNDATED if at >= undated else DUE if at == due else NEW
        if start <= due and target <= self.lasts[due]:
            self.found.due[due].append((owner, stage, self.found.eve_ages[due] - opened, value))
        if undated < len(self.eves):
            self.found.runs.append((undated, owner, stage, opened, value))

    def _value(self, target: str, product: str | None) -> float:
        """A deal's value by its target (as its history keeps it: text) and product; AT_AVERAGE when the
        valuation would take the average."""
        found = self._values.get((target, product))
        if found is None:
            value, source = Valuation(self.valuation.prices).of(Decimal(target) if target else None, product)
            found = self._values[(target, product)] = AT_AVERAGE if source is None else float(value or 0)
        return found


def _past(log: Sequence[int], pointer: int, day: int) -> int:
    """The pointer into a log of (day, value) pairs moved past the entries dated by `day`."""
    while pointer < len(log) and log[pointer] <= day:
        pointer += 2
    return pointer


def _reached(deal: Deal, day: int, *, won: bool) -> tuple[Stage, ...]:
    """The stages the deal's log took it into by `day` (an ordinal): as Deal.reached, on that day."""
    log = deal.stage_log
    numbers = [log[at + 1] for at in range(0, len(log), 2) if log[at] <= day]
    prospect = not numbers or log[0] > deal.opened.toordinal() or numbers[0] == Stage.PROSPECT.number
    stages = [Stage.PROSPECT] if prospect else []
    stages += [STAGE_OF_NUMBER[number] for number in numbers]
    if won:
        stages.append(Stage.CLOSE)
    return tuple(dict.fromkeys(stages))
