"""The survival estimate of how soon an open deal is won, worked out by hand."""

import pytest

from salescli.customer import Status
from salescli.stages import Stage
from salescli.survival import BINS, Hazards, fit, landmarks

APPROACH = Stage.APPROACH


def _followed() -> list[tuple[Stage, int, int, Status | None]]:
    """Four deals at approach on a landmark, new that day (age 0), followed for some working days: won
    after 3, lost after 5, won after 10, and one still open after 20."""
    return [(APPROACH, 0, 3, Status.WON), (APPROACH, 0, 5, Status.LOST), (APPROACH, 0, 10, Status.WON),
            (APPROACH, 0, 20, None)]


def test_days_at_risk_and_decisions_by_age() -> None:
    # ages 1–3, 1–5, 1–10 and 1–20, in weeks of five working days (ages 0–4, 5–9, 10–14, 15–19, 20–24):
    # week 0: 3 + 4 + 4 + 4; week 1: 1 + 5 + 5; week 2: 1 + 5; week 3: 5; week 4: 1
    found = landmarks(_followed())
    assert list(found.at_risk[APPROACH][:6]) == [15, 11, 6, 5, 1, 0]
    assert list(found.wins[APPROACH][:3]) == [1, 0, 1]  # won at ages 3 and 10
    assert list(found.losses[APPROACH][:3]) == [0, 1, 0]  # lost at age 5
    assert found.decided == 3 and sum(found.at_risk[Stage.DEMO]) == 0


def test_the_chance_of_a_win_in_the_days_to_come() -> None:
    hazards = fit(landmarks(_followed()))
    assert hazards.win[:5] == [pytest.approx(1 / 15), 0.0, pytest.approx(1 / 6), 0.0, 0.0]
    assert hazards.lose[:3] == [0.0, pytest.approx(1 / 11), 0.0]
    # a deal 8 working days old, over the next 3 (ages 9, 10, 11):
    #   age 9: lost 1/11, open 10/11; age 10: won 10/11 × 1/6, open 10/11 × 5/6; age 11: won 10/11 × 5/6 × 1/6
    #   = 10/66 + 50/396 = 5/18
    assert hazards.chance(APPROACH, 8, 1, 3) == pytest.approx(5 / 18)
    assert hazards.chance(APPROACH, 8, 4, 3) == 0.0  # an empty span
    # older than any deal followed (week 5 on: nobody at risk): the last known pace holds — none here
    assert hazards.chance(APPROACH, 30, 1, 30) == 0.0


def test_a_stage_multiplies_the_hazards() -> None:
    # a constant daily win hazard of 0.1 and a stage twice as quick: 1 − 0.8 ** 2 over two days
    hazards = Hazards([0.1] * BINS, [0.0] * BINS, {Stage.DEMO: 2.0}, {}, decided=1)
    assert hazards.chance(Stage.DEMO, 0, 1, 2) == pytest.approx(1 - 0.8 ** 2)
    assert hazards.chance(Stage.NEEDS, 0, 1, 2) == pytest.approx(1 - 0.9 ** 2)
    assert Hazards([0.1] * BINS, [0.0] * BINS, {}, {}, decided=0).chance(Stage.DEMO, 0, 1, 2) == 0.0
    # fitted: a stage with days at risk and no win gets none
    fitted = fit(landmarks([*_followed(), (Stage.DEMO, 0, 10, Status.LOST), (Stage.DEMO, 0, 10, None)]))
    assert fitted.win_factor[Stage.DEMO] == 0.0 and fitted.chance(Stage.DEMO, 0, 1, 20) == 0.0
