"""Forecast figures against values worked out by hand (see each test's comments)."""

from datetime import date
from decimal import Decimal

import pytest

from salescli import forecast
from salescli.config import DEFAULT_CATEGORIES, DEFAULT_PROBABILITIES
from salescli.customer import Customer, customer_from_document
from salescli.dimensions import Dimension
from salescli.learning import DUE, HISTORY, NEW, UNDATED, Learned, MonthRecord, Tally
from salescli.pricelist import PriceList, Product, Valuation
from salescli.survival import BINS, Hazards
from salescli.workdays import Month, WorkCalendar

TODAY = date(2026, 12, 10)
CAL = WorkCalendar()
D = date.fromisoformat


def make(cid: str, field: str, *log: tuple) -> Customer:
    events = [{"date": D(day), "event": kind, **extra} for day, kind, extra in log]
    return customer_from_document({"name": cid.upper(), "field": field, "log": events}, file_id=cid)


CUSTOMERS = [
    make("a", "real-estate",
         ("2026-09-01", "added", {}), ("2026-09-10", "target", {"value": 100000, "by": D("2026-12-20")}),
         ("2026-09-20", "stage", {"stage": "demo"}),
         ("2026-11-27", "visit", {}), ("2026-12-02", "visit", {}), ("2026-12-02", "visit", {"note": "same day"})),
    make("b", "real-estate",
         ("2026-09-01", "added", {}), ("2026-10-01", "stage", {"stage": "objections"}),
         ("2026-10-01", "target", {"value": 200000, "by": D("2026-12-05")}), ("2026-12-03", "visit", {})),
    make("c", "construction",
         ("2026-10-01", "added", {}), ("2026-11-26", "visit", {}), ("2026-11-30", "visit", {}),
         ("2026-11-30", "won", {"value": 30000}),
         ("2026-12-01", "open", {"deal": "2", "stage": "needs"}), ("2026-12-01", "won", {"deal": "2", "value": 50000})),
    make("d", "bank",
         ("2026-11-01", "added", {"stage": "needs"}), ("2026-11-02", "target", {"value": 40000, "by": D("2027-01-15")}),
         ("2026-12-09", "visit", {})),
    make("e", "bank", ("2026-11-01", "added", {}), ("2026-11-20", "lost", {"reason": "price"})),
]


def december(**kwargs: object) -> forecast.MonthForecast:
    return forecast.month_forecast(CUSTOMERS, Month(2026, 12), today=TODAY, calendar=CAL,
                                   probabilities=DEFAULT_PROBABILITIES, categories=DEFAULT_CATEGORIES,
                                   target_visits_per_day=4, window_days=10, **kwargs)  # type: ignore[arg-type]


def test_won_counts_only_deals_closed_in_the_month() -> None:
    result = december()
    # c's first deal closed on 30 Nov (November); its second on 1 Dec (December)
    assert [(line.customer.id, line.deal.name, line.value) for line in result.won] == [("c", "2", Decimal(50000))]
    assert result.won_total == Decimal(50000)


def test_weighted_pipeline_best_case_and_what_is_left_out() -> None:
    result = december()
    # a: 100,000 due 20 Dec at demo (50%) → 50,000; d is due in January; b's 5 Dec has passed
    assert [(line.customer.id, line.weighted) for line in result.pipeline] == [("a", Decimal(50000))]
    assert result.weighted_total == Decimal(50000)
    assert result.best_case_total == Decimal(100000)
    assert [(line.customer.id, line.value, line.reason) for line in result.omitted] == [
        ("b", Decimal(200000), "overdue")]
    assert result.expected_total == Decimal(100000)  # 50,000 won + 50,000 weighted
    assert result.by_category() == {"closed": Decimal(50000), "commit": 0, "best_case": Decimal(100000),
                                    "pipeline": 0}
    assert result.working_days == 23


def test_every_open_deal_left_out_is_named_with_its_reason() -> None:
    odd = [
        make("n", "bank", ("2026-11-01", "added", {"stage": "demo"})),  # no target at all
        make("v", "bank", ("2026-11-01", "added", {}), ("2026-11-02", "target", {"by": D("2026-12-28")})),
        make("z", "bank", ("2026-11-01", "added", {}), ("2026-11-02", "target", {"value": 0, "by": D("2026-12-28")})),
        make("j", "bank", ("2026-11-01", "added", {}), ("2026-11-02", "target", {"by": D("2027-01-28")})),
        # at the close without a won event (a hand-written stage): never weighted at 100%
        make("s", "bank", ("2026-11-01", "added", {}), ("2026-11-02", "target", {"value": 9000, "by": D("2026-12-20")}),
             ("2026-11-05", "stage", {"stage": "service"})),
    ]
    result = forecast.month_forecast([*CUSTOMERS, *odd], Month(2026, 12), today=TODAY, calendar=CAL,
                                     probabilities=DEFAULT_PROBABILITIES, categories=DEFAULT_CATEGORIES)
    assert [(line.customer.id, line.reason) for line in result.omitted] == [
        ("b", "overdue"), ("n", "no target date"), ("v", "no value"), ("z", "no value"),
        ("s", "at the close without a won event")]  # j has no value either, but is due in January
    assert result.by_reason() == {"overdue": (1, Decimal(200000)), "no target date": (1, 0), "no value": (2, 0),
                                  "at the close without a won event": (1, Decimal(9000))}
    assert result.weighted_total == Decimal(50000) and result.elsewhere == 0
    january = forecast.month_forecast([*CUSTOMERS, *odd], Month(2027, 1), today=TODAY, calendar=CAL,
                                      probabilities=DEFAULT_PROBABILITIES, categories=DEFAULT_CATEGORIES)
    # January lists its own deal without a value; December's forecast lists the 3 overdue, undated or closed ones
    assert [(line.customer.id, line.reason) for line in january.omitted] == [("j", "no value")]
    assert january.elsewhere == 3


def test_the_four_factors_of_the_formula() -> None:
    formula = december().formula
    # the 10 working days up to Thu 10 Dec: 27 Nov … 10 Dec, and the window counts up to today
    assert (formula.start, formula.end, formula.window_days) == (D("2026-11-27"), TODAY, 10)
    # visits in the window, one per customer a day: a 27 Nov, a 2 Dec (twice, counted once), b 3 Dec,
    # c 30 Nov, d 9 Dec; c's visit of 26 Nov is before the window
    assert formula.visits == 5
    assert formula.visits_per_day == pytest.approx(0.5)
    assert formula.customers_visited == ("a", "b", "c", "d")
    # won in the window: c on 30 Nov (30,000) and c's deal 2 on 1 Dec (50,000): two deals, one customer
    assert (formula.won_deals, formula.won_value) == (2, Decimal(80000))
    assert formula.customers_won == ("c",)
    assert formula.close_probability == pytest.approx(1 / 4)  # of the 4 customers visited, 1 won
    assert formula.average_value == Decimal(40000)
    # December is the current month: 16 working days left (10–11, 14–18, 21–25, 28–31 Dec) of 23,
    # and 50,000 already won in it: 50,000 + 0.5 × 16 × 0.25 × 40,000 = 50,000 + 80,000
    assert (formula.working_days, formula.days_left, formula.won_so_far) == (23, 16, Decimal(50000))
    assert formula.capacity == Decimal(130000)


def test_a_later_month_counts_all_its_working_days() -> None:
    january = forecast.month_forecast(CUSTOMERS, Month(2027, 1), today=TODAY, calendar=CAL,
                                      probabilities=DEFAULT_PROBABILITIES, categories=DEFAULT_CATEGORIES,
                                      window_days=10).formula
    # 21 working days (2027 counted Monday–Friday), nothing won yet: 0.5 × 21 × 0.25 × 40,000
    assert (january.days_left, january.won_so_far, january.capacity) == (None, 0, Decimal(105000))


def test_close_probability_never_passes_one() -> None:
    twice = [make("w", "bank", ("2026-12-01", "added", {}), ("2026-12-02", "visit", {}),
                  ("2026-12-03", "won", {"value": 10000}), ("2026-12-04", "open", {"deal": "2"}),
                  ("2026-12-08", "won", {"deal": "2", "value": 20000}))]
    formula = forecast.formula(twice, Month(2026, 12), today=TODAY, calendar=CAL)
    # two deals won from the one customer visited: 1 of 1 won, not 2 ÷ 1
    assert (formula.won_deals, formula.close_probability, formula.average_value) == (2, 1.0, Decimal(15000))


def test_the_window_starts_at_the_folders_first_event() -> None:
    young = [make("y", "bank", ("2026-11-19", "added", {}),
                  *((day, "visit", {}) for day in ("2026-11-19", "2026-11-20", "2026-11-23", "2026-11-24",
                                                   "2026-11-30", "2026-12-01", "2026-12-07", "2026-12-08")))]
    formula = forecast.formula(young, Month(2026, 12), today=TODAY, calendar=CAL, window_days=60)
    # 19 Nov … 10 Dec: 19–20 Nov, 23–27 Nov, 30 Nov–4 Dec, 7–10 Dec = 16 working days, not 60
    assert (formula.start, formula.window_days, formula.clamped) == (D("2026-11-19"), 16, True)
    assert formula.visits_per_day == pytest.approx(8 / 16)


def test_the_window_counts_up_to_today_even_on_a_sunday() -> None:
    sunday = date(2017, 12, 31)
    late = [make("q", "bank", ("2017-10-01", "added", {}), ("2017-12-29", "visit", {}),
                 ("2017-12-31", "won", {"value": 700}))]
    formula = forecast.formula(late, Month(2017, 12), today=sunday, calendar=CAL, window_days=2)
    # the last 2 working days are Thu 28 and Fri 29 Dec; the window runs on to today, Sunday, and counts its win
    assert (formula.start, formula.end, formula.window_days, formula.won_deals) == (D("2017-12-28"), sunday, 2, 1)


def test_quota_solving_and_gap() -> None:
    result = december()
    # over the 16 days left, for the 250,000 not yet won: 250,000 ÷ (16 × 0.25 × 40,000) = 1.5625
    assert result.formula.visits_needed(Decimal(300000)) == pytest.approx(1.5625)
    assert forecast.gap(result, Decimal(300000)) == Decimal(200000)  # 300,000 − (50,000 + 50,000)
    assert forecast.gap(result, Decimal(50000)) == 0
    assert result.formula.visits_needed(Decimal(40000)) == 0  # already won


def test_without_wins_or_visits_the_cause_is_named() -> None:
    result = forecast.month_forecast(CUSTOMERS[:2], Month(2026, 12), today=TODAY, calendar=CAL,
                                     probabilities=DEFAULT_PROBABILITIES, categories=DEFAULT_CATEGORIES,
                                     window_days=10)
    assert result.formula.capacity is None and result.formula.visits_needed(Decimal(1)) is None
    assert result.formula.missing == "no deal won in the window, so no average deal value: widen it with --window"
    unvisited = [make("u", "bank", ("2026-12-01", "added", {}), ("2026-12-02", "won", {"value": 5}))]
    assert forecast.formula(unvisited, Month(2026, 12), today=TODAY, calendar=CAL).missing == (
        "no customer visited in the window (1 deal won without a visit logged): log visits with `salescli visit`")


def test_breakdown_by_field() -> None:
    groups = forecast.breakdown(december(), Dimension("field"))
    assert [(g.key, g.won, g.weighted, g.best_case, g.omitted, g.deals) for g in groups] == [
        ("construction", Decimal(50000), 0, 0, 0, 1),
        ("real-estate", 0, Decimal(50000), Decimal(100000), Decimal(200000), 2),
    ]


def _learned(*, due: float, undated: float, new_per_day: float) -> Learned:
    """A history model whose factors are these (one past month: November), with a constant daily win
    hazard of 1%."""
    days = CAL.count(Month(2026, 11))
    tally = Tally()
    tally.weighted[DUE], tally.won[DUE] = 100, 100 * due
    tally.weighted[UNDATED], tally.won[UNDATED] = 100, 100 * undated
    tally.won[NEW] = new_per_day * days
    hazards = Hazards([0.01] * BINS, [0.0] * BINS, {}, {}, decided=10)
    return Learned(TODAY, hazards, Valuation(average=Decimal(40000)), (MonthRecord(Month(2026, 11), days, tally, {}),),
                   HISTORY, "none", "backtest", weights=DEFAULT_PROBABILITIES)


def test_the_history_model_adds_its_parts_to_what_is_won() -> None:
    result = december(learned=_learned(due=0.5, undated=2.0, new_per_day=1000))
    assert result.model == HISTORY
    # due: a, 100,000 at demo: 50% × 0.5 (what due deals brought, against their weight)
    assert [(line.customer.id, line.probability, line.weighted) for line in result.due] == [
        ("a", 0.25, Decimal(25000))]
    # undated: b, overdue since 5 Dec, 200,000 at objections: the chance of a win from 11 to 31 December
    # (15 working days at 1% a day) × 2.0; d is due in January (not this month's), c's deals are won
    (b,) = result.undated
    assert (b.customer.id, b.reason) == ("b", None)
    assert b.probability == pytest.approx((1 - 0.99 ** 15) * 2.0)
    # new: 1,000 a working day × the 15 working days from 11 December
    assert (result.new, result.new_days) == (Decimal(15000), 15)
    assert result.parts() == {"won": Decimal(50000), DUE: Decimal(25000), UNDATED: b.weighted, NEW: Decimal(15000)}
    assert result.expected_total == Decimal(50000 + 25000 + 15000) + b.weighted
    assert result.omitted == ()  # nothing the history model cannot value is open this month
    assert result.best_case_total == Decimal(100000)


def test_the_history_model_names_every_deal_it_cannot_value() -> None:
    odd = [make("n", "bank", ("2026-11-01", "added", {"stage": "demo"})),  # undated, valued at the average
           make("s", "bank", ("2026-11-01", "added", {}), ("2026-11-05", "stage", {"stage": "service"}))]
    result = forecast.month_forecast(odd, Month(2026, 12), today=TODAY, calendar=CAL,
                                     probabilities=DEFAULT_PROBABILITIES, categories=DEFAULT_CATEGORIES,
                                     learned=_learned(due=1, undated=1, new_per_day=0))
    assert [(line.customer.id, line.value, line.source) for line in result.undated] == [
        ("n", Decimal(40000), "average")]
    assert [(line.customer.id, line.reason) for line in result.omitted] == [("s", forecast.NO_WON_EVENT)]


def test_a_deal_without_a_target_value_is_valued_at_its_list_price() -> None:
    priced = [make("p", "bank", ("2026-11-01", "added", {"stage": "demo", "product": "GTXPro"}),
                   ("2026-11-02", "target", {"by": D("2026-12-28")}))]
    prices = Valuation(PriceList({"GTX Pro": Product("GTX Pro", Decimal(4821))}))
    result = forecast.month_forecast(priced, Month(2026, 12), today=TODAY, calendar=CAL,
                                     probabilities=DEFAULT_PROBABILITIES, categories=DEFAULT_CATEGORIES,
                                     valuation=prices)
    assert [(line.value, line.source, line.weighted) for line in result.pipeline] == [
        (Decimal(4821), "list price", Decimal("2410.50"))]
    unpriced = forecast.month_forecast(priced, Month(2026, 12), today=TODAY, calendar=CAL,
                                       probabilities=DEFAULT_PROBABILITIES, categories=DEFAULT_CATEGORIES)
    assert [line.reason for line in unpriced.omitted] == [forecast.NO_VALUE]
