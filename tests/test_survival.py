"""The survival estimate of how soon an open deal is won, worked out by hand."""

from datetime import date

import pytest

from salescli.stages import Stage
from salescli.survival import BINS, Hazards, exposure, fit
from tests.test_forecast import make

D = date.fromisoformat


def _deals() -> list:
    """Four deals opened at approach on 1 January: won at age 3, lost at 5, won at 10, and one still open."""
    customers = [
        make("d1", "bank", ("2026-01-01", "added", {"stage": "approach"}), ("2026-01-04", "won", {"value": 10})),
        make("d2", "bank", ("2026-01-01", "added", {"stage": "approach"}), ("2026-01-06", "lost", {"reason": "x"})),
        make("d3", "bank", ("2026-01-01", "added", {"stage": "approach"}), ("2026-01-11", "won", {"value": 10})),
        make("d4", "bank", ("2026-01-01", "added", {"stage": "approach"})),
    ]
    return [deal for customer in customers for deal in customer.deals]


def test_days_at_risk_and_decisions_by_age() -> None:
    # on 20 January: d1 was at risk at ages 0–3, d2 at 0–5, d3 at 0–10, d4 (open: censored) at 0–19.
    # Week 0 (ages 0–6): 4 + 6 + 7 + 7 = 24 deal-days; week 1 (7–13): 4 (d3) + 7 (d4); week 2: 6 (d4)
    found = exposure(_deals(), D("2026-01-20"))
    assert list(found.at_risk[Stage.APPROACH][:4]) == [24, 11, 6, 0]
    assert list(found.wins[Stage.APPROACH][:3]) == [1, 1, 0]  # d1 at age 3, d3 at age 10
    assert list(found.losses[Stage.APPROACH][:3]) == [1, 0, 0]  # d2 at age 5
    assert found.decided == 3
    # on 5 January only d1 was decided; d3 was still open then
    assert exposure(_deals(), D("2026-01-05")).decided == 1


def test_the_chance_of_a_win_in_the_days_to_come() -> None:
    hazards = fit(exposure(_deals(), D("2026-01-20")))
    assert hazards.win[:3] == [pytest.approx(1 / 24), pytest.approx(1 / 11), 0.0]
    assert hazards.lose[:3] == [pytest.approx(1 / 24), 0.0, 0.0]
    # a deal 5 days old, over the next 3 days (ages 6, 7, 8):
    #   age 6: wins 1/24, then open 22/24; age 7: 22/24 × 1/11 = 2/24, then open 20/24; age 8: 20/24 × 1/11
    #   = 1/24 + 2/24 + 20/264 = 53/264
    assert hazards.chance(Stage.APPROACH, 5, 1, 3) == pytest.approx(53 / 264)
    assert hazards.chance(Stage.APPROACH, 5, 4, 3) == 0.0  # an empty span
    # past what the history has seen (week 3 on: nobody at risk), the last known pace holds: none here
    assert hazards.chance(Stage.APPROACH, 19, 1, 30) == 0.0


def test_a_stage_multiplies_the_hazards() -> None:
    # a constant daily win hazard of 0.1 and a stage twice as quick: 1 − 0.8 ** 2 over two days
    hazards = Hazards([0.1] * BINS, [0.0] * BINS, {Stage.DEMO: 2.0}, {}, decided=1)
    assert hazards.chance(Stage.DEMO, 0, 1, 2) == pytest.approx(1 - 0.8 ** 2)
    assert hazards.chance(Stage.NEEDS, 0, 1, 2) == pytest.approx(1 - 0.9 ** 2)
    assert Hazards([0.1] * BINS, [0.0] * BINS, {}, {}, decided=0).chance(Stage.DEMO, 0, 1, 2) == 0.0
