"""The past months' record the history model learns from, worked out by hand."""

from datetime import date
from decimal import Decimal

import pytest

from salescli.config import DEFAULT_PROBABILITIES
from salescli.customer import Status
from salescli.history import AT_AVERAGE, DUE, NEW, UNDATED, history
from salescli.learning import _records
from salescli.pricelist import PriceList, Product, Valuation
from salescli.stages import Stage
from salescli.survival import BINS, Hazards
from salescli.workdays import Month, WorkCalendar
from tests.test_forecast import make

D = date.fromisoformat
CAL = WorkCalendar()
MARCH = Month(2026, 3)


def _march() -> list:
    """On 28 February (March's eve): p due in March at demo, q open without a date, s due in April, t due in
    March without a value; r opened in March. Each opened on 1 February."""
    customers = [
        make("p", "bank", ("2026-02-01", "added", {}), ("2026-02-02", "target", {"value": 100, "by": D("2026-03-15")}),
             ("2026-02-03", "stage", {"stage": "demo"}), ("2026-03-10", "won", {"value": 80})),
        make("q", "bank", ("2026-02-01", "added", {"stage": "approach", "product": "X"}),
             ("2026-03-20", "won", {"value": 150})),
        make("r", "bank", ("2026-03-05", "added", {}), ("2026-03-25", "won", {"value": 70})),
        make("s", "bank", ("2026-02-01", "added", {}), ("2026-02-02", "target", {"value": 300, "by": D("2026-04-10")}),
             ("2026-03-30", "lost", {"reason": "x"})),
        make("t", "bank", ("2026-02-01", "added", {}), ("2026-02-02", "target", {"by": D("2026-03-20")})),
    ]
    return [(deal, None) for customer in customers for deal in customer.deals]


def test_each_month_as_its_pipeline_stood_on_its_eve() -> None:
    found = history(_march(), [MARCH], calendar=CAL, valuation=Valuation(PriceList({"X": Product("X", Decimal(200))})))
    age = CAL.between(D("2026-02-01"), D("2026-02-28"))  # working days from 1 February to the eve (春节 in between)
    assert age == 16
    # due: p (its target 100) and t (no value: the average, known only on the day learned on); undated: q at
    # its list price; s is due in April (a later month: no part of March's forecast); r was not open yet
    assert found.due[0] == [(None, Stage.DEMO, age, 100.0), (None, Stage.PROSPECT, age, AT_AVERAGE)]
    assert found.undated[0] == [(None, Stage.APPROACH, age, 200.0)]
    # followed for working days from the eve (Saturday 28 Feb): p 7 (2–6 and 9–10 March: won on the 10th),
    # q 15 (won 20 March), s 21 (lost 30 March); t, unchanged since 2 February, is one run to the end
    assert found.followed[0] == [(Stage.DEMO, age, 7, Status.WON), (Stage.APPROACH, age, 15, Status.WON),
                                 (Stage.PROSPECT, age, 21, Status.LOST)]
    assert found.followed_runs == [(0, Stage.PROSPECT, found.eve_ages[0] - age)]
    # what each part won in March: p 80 (due), q 150 (undated), r 70 (opened in March: new)
    assert [(part, value) for _at, _owner, part, value, _undone in found.wins] == [
        (DUE, 80.0), (UNDATED, 150.0), (NEW, 70.0)]
    # every decision with the stages its deal had reached: p went from prospect to demo and was won
    assert [(reached, won) for _day, reached, won, _undone in found.decisions] == [
        ((Stage.PROSPECT, Stage.DEMO, Stage.CLOSE), True), ((Stage.APPROACH, Stage.CLOSE), True),
        ((Stage.PROSPECT, Stage.CLOSE), True), ((Stage.PROSPECT,), False)]


def test_a_month_weighted_on_the_day_learned_on() -> None:
    found = history(_march(), [MARCH], calendar=CAL, valuation=Valuation(PriceList({"X": Product("X", Decimal(200))})))
    hazards = Hazards([0.01] * BINS, [0.0] * BINS, {}, {}, decided=1)  # a constant daily win hazard of 1%
    (record,) = _records(found, 0, 1, day=D("2026-04-30").toordinal(), hazards=hazards,
                         weights=DEFAULT_PROBABILITIES, probabilities=DEFAULT_PROBABILITIES, average=100.0)
    tally = record.total
    # due: p 100 × 50% (demo) + t at the average 100 × 5% (prospect); the stages model counts p alone
    assert tally.weighted[DUE] == pytest.approx(55) and tally.stages_model == pytest.approx(50)
    # undated: q at 200 × the chance of a win within March's 22 working days: 1 − 0.99 ** 22
    assert tally.weighted[UNDATED] == pytest.approx(200 * (1 - 0.99 ** 22))
    assert tally.won == {DUE: 80, UNDATED: 150, NEW: 70} and record.working_days == 22


def test_a_win_undone_later_stood_on_the_days_between() -> None:
    reopened = make("w", "bank", ("2026-02-01", "added", {"stage": "approach"}), ("2026-03-10", "won", {"value": 90}),
                    ("2026-04-20", "reopen", {}))
    found = history([(deal, None) for deal in reopened.deals], [MARCH], calendar=CAL, valuation=Valuation())
    hazards = Hazards([0.0] * BINS, [0.0] * BINS, {}, {}, decided=0)

    def won_on(day: str) -> float:
        (record,) = _records(found, 0, 1, day=D(day).toordinal(), hazards=hazards, weights=DEFAULT_PROBABILITIES,
                             probabilities=DEFAULT_PROBABILITIES, average=None)
        return record.total.won[UNDATED]

    assert (won_on("2026-03-31"), won_on("2026-04-30")) == (90, 0)
