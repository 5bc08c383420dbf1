"""Funnel, win rates, cycle times, stale deals and sources against hand counts."""

import dataclasses
from datetime import date
from decimal import Decimal

from salescli import reports
from salescli.config import DEFAULT_STALE_DAYS
from salescli.config import Team, TeamMember
from salescli.customer import Customer, customer_from_document
from salescli.dimensions import Dimension
from salescli.stages import Stage

D = date.fromisoformat


def make(cid: str, profile: dict, *log: tuple) -> Customer:
    events = [{"date": D(day), "event": kind, **extra} for day, kind, extra in log]
    return customer_from_document({"name": cid, **profile, "log": events}, file_id=cid)


CUSTOMERS = [
    # won after 40 days, via demo; 50,000
    make("a", {"channel": "referral", "source": "referral"},
         ("2026-06-01", "added", {}), ("2026-06-20", "stage", {"stage": "demo"}),
         ("2026-07-11", "won", {"value": 50000})),
    # won after 20 days; 30,000
    make("b", {"channel": "referral", "source": "referral"},
         ("2026-07-01", "added", {"stage": "needs"}), ("2026-07-21", "won", {"value": 30000})),
    # lost at needs
    make("c", {"channel": "cold", "source": "street"},
         ("2026-07-01", "added", {}), ("2026-07-10", "stage", {"stage": "needs"}),
         ("2026-08-01", "lost", {"reason": "price"})),
    # open at approach, target 20,000; sat there since 1 Aug; a planned visit on 20 Nov
    make("d", {"channel": "cold", "source": "web"},
         ("2026-07-15", "added", {}), ("2026-08-01", "stage", {"stage": "approach"}),
         ("2026-08-01", "target", {"value": 20000, "by": D("2026-12-31")}),
         ("2026-11-10", "visit", {"next": D("2026-11-20")})),
    # won in 10 days, opened in September; 10,000
    make("e", {"channel": "cold", "source": "street"},
         ("2026-09-01", "added", {}), ("2026-09-11", "won", {"value": 10000})),
]


def test_funnel_counts_deals_that_reached_each_stage() -> None:
    steps = {step.stage: step for step in reports.funnel(CUSTOMERS)}
    # a won deal has passed every stage up to close: a, b, e reach close; c got to needs, d to approach
    assert [(s.value, steps[s].deals) for s in Stage] == [
        ("prospect", 5), ("prepare", 5), ("approach", 5), ("needs", 4), ("demo", 3), ("objections", 3),
        ("close", 3), ("service", 0)]
    # value: won value of a, b, e (90,000) + target of d (20,000) + nothing for c
    assert steps[Stage.PROSPECT].value == Decimal(110000)
    assert steps[Stage.NEEDS].value == Decimal(90000)  # a, b, e won; c lost with no target
    assert steps[Stage.NEEDS].conversion == 4 / 5
    assert steps[Stage.CLOSE].conversion == 1.0 and steps[Stage.SERVICE].conversion == 0.0
    assert steps[Stage.PROSPECT].conversion is None


def test_funnel_period_counts_deals_opened_in_it() -> None:
    july = reports.funnel(CUSTOMERS, reports.Period(D("2026-07-01"), D("2026-07-31")))
    assert july[0].deals == 3  # b, c, d


def test_win_rates_and_cycle_times_by_channel() -> None:
    rates = {rate.key: rate for rate in reports.win_rates(CUSTOMERS, "channel")}
    referral, cold = rates["referral"], rates["cold"]
    assert (referral.won, referral.lost, referral.rate) == (2, 0, 1.0)
    assert referral.average_value == Decimal(40000)  # (50,000 + 30,000) ÷ 2
    assert referral.cycle_days == (40, 20) and referral.average_cycle == 30.0
    assert (cold.won, cold.lost, cold.rate) == (1, 1, 0.5)  # e won, c lost; d is open
    assert cold.average_cycle == 10.0


def test_win_rate_period_counts_deals_decided_in_it() -> None:
    rates = reports.win_rates(CUSTOMERS, "channel", reports.Period(D("2026-07-15"), D("2026-08-31")))
    assert {(r.key, r.won, r.lost) for r in rates} == {("referral", 1, 0), ("cold", 0, 1)}  # b; c


def test_stale_deals() -> None:
    found = reports.stale(CUSTOMERS, today=D("2026-11-26"), limits=DEFAULT_STALE_DAYS)
    assert [(s.customer.id, s.days_in_stage, s.visit_overdue_days) for s in found] == [("d", 117, 6)]
    assert found[0].reasons == ["117 days in approach (limit 30)", "planned visit 6 days overdue"]
    one = dataclasses.replace(found[0], days_in_stage=1, limit=0, visit_overdue_days=1)
    assert one.reasons == ["1 day in approach (limit 0)", "planned visit 1 day overdue"]


def test_sources() -> None:
    rows = reports.sources(CUSTOMERS)
    assert [(r.key, r.customers, r.won, r.won_value) for r in rows] == [
        ("referral", 2, 2, Decimal(80000)), ("street", 2, 1, Decimal(10000)), ("web", 1, 0, Decimal(0))]


def test_the_median_cycle_beside_the_mean() -> None:
    deals = [make(f"m{days}", {"channel": "cold"}, ("2026-01-01", "added", {}),
                  (str(D("2026-01-01").fromordinal(D("2026-01-01").toordinal() + days)), "won", {"value": 1}))
             for days in (10, 20, 90)]
    (rate,) = reports.win_rates(deals, "channel")
    assert rate.cycle_days == (10, 20, 90)
    assert (rate.average_cycle, rate.median_cycle) == (40.0, 20.0)  # (10 + 20 + 90) ÷ 3; the middle one
    (even,) = reports.win_rates(deals[:2], "channel")
    assert even.median_cycle == 15.0  # the mean of the middle two


TEAM = Team({"Moses": TeamMember("Dustin", "Central"), "Anna": TeamMember("Melvin", "East")})
BY_REP = [
    make("x", {"needs": {"scope": "retail"}, "owner": "Anna"},
         ("2017-01-01", "added", {}),
         ("2017-01-05", "open", {"deal": "O1", "owner": "Moses", "product": "GTX"}),
         ("2017-02-04", "won", {"deal": "O1", "value": 500}),
         ("2017-01-10", "open", {"deal": "O2", "owner": "moses ", "product": "MG"}),  # as another export spells it
         ("2017-01-30", "lost", {"deal": "O2", "reason": "x"}),
         ("2017-01-10", "open", {"deal": "O3", "product": "GTX"}),  # no owner of its own: the customer's (Anna)
         ("2017-01-20", "won", {"deal": "O3", "value": 300})),
    make("y", {"needs": {"scope": "medical"}},
         ("2017-01-01", "added", {}), ("2017-01-02", "open", {"deal": "O4", "owner": "Zed"}),
         ("2017-03-01", "lost", {"deal": "O4", "reason": "x"})),
]


def test_win_rates_by_the_deals_owner_product_team_and_a_dotted_key() -> None:
    def rates(key: str) -> list[tuple]:
        return [(r.key, r.won, r.lost) for r in reports.win_rates(BY_REP, Dimension(key, TEAM))]

    assert rates("owner") == [("Anna", 1, 0), ("Moses", 1, 1), ("Zed", 0, 1)]
    assert rates("product") == [("GTX", 2, 0), ("MG", 0, 1), (None, 0, 1)]
    # O1, O2 are Moses's (Dustin, Central), O3 Anna's (Melvin, East); Zed is not in the team table
    assert rates("manager") == [("Melvin", 1, 0), ("Dustin", 1, 1), (None, 0, 1)]
    assert rates("office") == [("East", 1, 0), ("Central", 1, 1), (None, 0, 1)]
    assert rates("needs.scope") == [("retail", 2, 1), ("medical", 0, 1)]


def test_a_funnel_per_office() -> None:
    groups = reports.funnels(BY_REP, Dimension("office", TEAM))
    assert [(key, steps[0].deals, steps[Stage.CLOSE.number - 1].deals) for key, steps in groups.items()] == [
        ("Central", 2, 1), ("East", 1, 1), (None, 1, 0)]
