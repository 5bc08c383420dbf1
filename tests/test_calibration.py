"""Stage conversions from the logged stage events, worked out by hand."""

from datetime import date

from salescli.calibration import calibrate, historical_probabilities
from salescli.config import DEFAULT_PROBABILITIES
from salescli.customer import Customer
from salescli.stages import Stage
from tests.test_forecast import make

D = date.fromisoformat


def _history() -> list[Customer]:
    won = [make(f"w{n}", "bank", ("2026-01-01", "added", {}), ("2026-02-01", "won", {"value": 10})) for n in range(3)]
    return won + [
        make("l1", "bank", ("2026-01-01", "added", {}), ("2026-01-05", "stage", {"stage": "demo"}),
             ("2026-02-01", "lost", {"reason": "x"})),
        make("l2", "bank", ("2026-01-01", "added", {"stage": "needs"}), ("2026-02-01", "lost", {"reason": "x"})),
        make("l3", "bank", ("2026-01-01", "added", {}), ("2026-02-01", "lost", {"reason": "x"})),
        make("o1", "bank", ("2026-01-01", "added", {"stage": "demo"})),
    ]


def _rates(day: str) -> dict[Stage, tuple]:
    deals = [deal for customer in _history() for deal in customer.deals]
    return {rate.stage: (rate.reached, rate.left, rate.advanced, rate.decided, rate.won, rate.median_days)
            for rate in calibrate(deals, DEFAULT_PROBABILITIES, day=D(day))}


def test_a_deal_is_credited_with_the_stages_its_log_took_it_into() -> None:
    rates = _rates("2026-12-10")
    # prospect: w0–w2, l1 and l3 opened there (l2 and o1 opened at a later stage); all five left it,
    # four moved on (the three won, l1 to demo); five decided, three won; stays 31, 31, 31, 4, 31 days
    assert rates[Stage.PROSPECT] == (5, 5, 4, 5, 3, 31.0)
    # needs: l2 alone (the won deals went from prospect to the close, nothing between); lost after 31 days
    assert rates[Stage.NEEDS] == (1, 1, 0, 1, 0, 31.0)
    # demo: l1 (5 Jan → lost 1 Feb: 27 days) and o1, still there
    assert rates[Stage.DEMO] == (2, 1, 0, 1, 0, 27.0)
    # the close: the three won deals; a win's own move to the close is no stay
    assert rates[Stage.CLOSE] == (3, 3, 0, 3, 3, None)
    assert rates[Stage.OBJECTIONS] == (0, 0, 0, 0, 0, None)


def test_rates_need_enough_decided_deals_and_read_as_of_a_day() -> None:
    deals = [deal for customer in _history() for deal in customer.deals]
    rates = calibrate(deals, DEFAULT_PROBABILITIES, day=D("2026-12-10"))
    prospect = rates[0]
    assert (prospect.to_next, prospect.to_won, prospect.rate) == (0.8, 0.6, 0.6)  # 4 of 5; 3 of 5 decided
    assert rates[3].rate is None  # needs: 1 decided deal, fewer than 5
    used = historical_probabilities(rates)
    assert used[Stage.PROSPECT] == 0.6 and used[Stage.NEEDS] == DEFAULT_PROBABILITIES[Stage.NEEDS]
    # on 3 January nothing was decided and l1 was not at demo yet
    early = _rates("2026-01-03")
    assert early[Stage.PROSPECT] == (5, 0, 0, 0, 0, None)
    assert early[Stage.DEMO] == (1, 0, 0, 0, 0, None)
