"""Visit plans and routes with a fixed today, checked against calendars worked out by hand."""

from datetime import date

import pytest

from salescli import schedule
from salescli.customer import Customer, customer_from_document
from salescli.errors import InvalidValue
from salescli.stages import Stage
from salescli.workdays import WorkCalendar

CAL = WorkCalendar()
TODAY = date(2026, 11, 26)  # a Thursday
D = date.fromisoformat


def make(cid: str, area: str, *log: tuple, **profile: object) -> Customer:
    events = [{"date": D(day), "event": kind, **extra} for day, kind, extra in log]
    return customer_from_document({"name": cid.upper(), "area": area, **profile, "log": events}, file_id=cid)


def targeted(cid: str, area: str, stage: str, by: str) -> Customer:
    return make(cid, area, ("2026-10-01", "added", {"stage": stage}),
                ("2026-10-02", "target", {"value": 50000, "by": D(by)}))


def test_one_visit_per_remaining_stage_spread_to_the_target() -> None:
    customer = targeted("a", "洪山", "needs", "2026-12-21")
    plan = schedule.customer_plan(customer, customer.deals[0], today=TODAY, calendar=CAL)
    sales = [visit for visit in plan if visit.kind == "plan"]
    # working days from Fri 27 Nov to Fri 18 Dec (the day before Mon 21 Dec is a Sunday): 16;
    # three visits (demo, objections, close) at the 5th, 11th and 16th: 3, 11 and 18 Dec
    assert [(v.stage, v.day, v.phase) for v in sales] == [
        (Stage.DEMO, D("2026-12-03"), "during"), (Stage.OBJECTIONS, D("2026-12-11"), "during"),
        (Stage.CLOSE, D("2026-12-18"), "during")]
    assert all(CAL.is_workday(v.day) and v.day < D("2026-12-21") for v in sales)
    after = [(v.kind, v.day) for v in plan if v.phase == "after"]
    # 5, 20 and 30 working days after the close on 18 Dec (2027 counted Monday–Friday)
    assert after == [("service", D("2026-12-25")), ("service", D("2027-01-15")), ("referral", D("2027-01-29"))]


def test_a_moved_target_moves_the_plan() -> None:
    customer = make("a", "洪山", ("2026-10-01", "added", {"stage": "objections"}),
                    ("2026-10-02", "target", {"value": 50000, "by": D("2026-12-21")}),
                    ("2026-11-20", "target", {"by": D("2027-01-11")}))
    plan = schedule.customer_plan(customer, customer.deals[0], today=TODAY, calendar=CAL)
    assert [(v.stage, v.day) for v in plan if v.kind == "plan"] == [(Stage.CLOSE, D("2027-01-08"))]


def test_the_plan_spans_holidays() -> None:
    customer = targeted("a", "洪山", "objections", "2026-10-09")
    plan = schedule.customer_plan(customer, customer.deals[0], today=D("2026-09-29"), calendar=CAL)
    # 30 Sep, then National Day 1–7 Oct, 8 Oct: the close falls on Thu 8 Oct, not in the holiday
    assert [v.day for v in plan if v.kind == "plan"] == [D("2026-10-08")]


def test_goals_carry_the_missing_information_once() -> None:
    customer = targeted("a", "洪山", "prospect", "2026-12-31")
    plan = schedule.customer_plan(customer, customer.deals[0], today=TODAY, calendar=CAL)
    by_stage = {v.stage: v for v in plan if v.kind == "plan"}
    assert by_stage[Stage.PREPARE].goal_text("en").startswith("prepared visit: set its goal, bring materials; "
                                                                "find out: address, department, main contact")
    approach = by_stage[Stage.APPROACH].goal_text("en")
    assert approach == ("first visit: build rapport; find out: purchasing process, decision maker, users")
    assert "find out" not in by_stage[Stage.CLOSE].goal_text("en")  # everything was asked before


def test_no_target_or_a_passed_one_gets_a_hint() -> None:
    bare = make("a", "洪山", ("2026-10-01", "added", {}))
    with pytest.raises(InvalidValue, match="set one with `salescli target a --value V --by DATE`"):
        schedule.customer_plan(bare, bare.deals[0], today=TODAY, calendar=CAL)
    late = targeted("b", "洪山", "demo", "2026-11-20")
    with pytest.raises(InvalidValue, match="has passed; move it"):
        schedule.customer_plan(late, late.deals[0], today=TODAY, calendar=CAL)


def _folder() -> list[Customer]:
    return [
        # appointments agreed with `visit --next`
        make("h1", "汉阳", ("2026-10-01", "added", {}), ("2026-11-20", "visit", {"next": D("2026-11-30")})),
        make("h2", "汉阳", ("2026-10-01", "added", {}), ("2026-11-20", "visit", {"next": D("2026-11-30")})),
        make("w1", "武昌", ("2026-10-01", "added", {}), ("2026-11-20", "visit", {"next": D("2026-11-30")})),
        make("g1", "光谷", ("2026-10-01", "added", {}), ("2026-11-10", "visit", {"next": D("2026-11-20")})),  # overdue
        make("g2", "光谷", ("2026-10-01", "added", {}), ("2026-11-20", "visit", {"next": D("2026-12-01")})),
        # a plan visit due on 1 Dec (the target is 2 Dec, objections → close)
        targeted("h3", "汉阳", "objections", "2026-12-02"),
        # never visited prospects
        make("p1", "汉阳", ("2026-11-01", "added", {})),
        make("p2", "光谷", ("2026-11-01", "added", {})),
        make("p3", "光谷", ("2026-11-01", "added", {}), trust={"people": [
            {"name": "王强", "birthday": D("1980-11-30")}, {"name": "李娟", "birthday": D("1985-06-01")}]}),
    ]


def test_route_within_capacity_overdue_first_and_by_area() -> None:
    route = schedule.route(_folder(), start=TODAY, end=D("2026-12-02"), today=TODAY, calendar=CAL, per_day=3)
    plan = {day: [(v.customer.id, v.kind) for v in visits] for day, visits in route.days}
    assert list(plan) == [D("2026-11-26"), D("2026-11-27"), D("2026-11-30"), D("2026-12-01"), D("2026-12-02")]
    # Thu 26: the overdue g1 (光谷) leads; g2 is agreed for 1 Dec and keeps its day; 光谷's prospects fill in
    assert plan[D("2026-11-26")] == [("g1", "next"), ("p2", "drop-in"), ("p3", "drop-in")]
    # Fri 27: nothing due; the day goes to 汉阳, where a prospect was never visited, and takes
    # 汉阳's plan visit of 1 Dec forward with it
    assert plan[D("2026-11-27")] == [("h3", "plan"), ("p1", "drop-in")]
    # Mon 30: three appointments, the two in 汉阳 (the day's area) first
    assert plan[D("2026-11-30")] == [("h1", "next"), ("h2", "next"), ("w1", "next")]
    assert plan[D("2026-12-01")] == [("g2", "next")]
    assert all(len(visits) <= 3 and CAL.is_workday(day) for day, visits in route.days)
    assert route.unplaced == ()
    assert [(b.day, b.person["name"]) for b in route.birthdays] == [(D("2026-11-30"), "王强")]
    assert next(v for v in route.visits if v.customer.id == "g1").overdue


def test_route_pulls_same_area_plan_visits_forward() -> None:
    customers = [
        make("h1", "汉阳", ("2026-10-01", "added", {}), ("2026-11-20", "visit", {"next": D("2026-11-30")})),
        targeted("h3", "汉阳", "objections", "2026-12-04"),  # its close visit is due Thu 3 Dec
    ]
    route = schedule.route(customers, start=D("2026-11-30"), end=D("2026-12-04"), today=TODAY, calendar=CAL,
                           per_day=4)
    assert [(day, [v.customer.id for v in visits]) for day, visits in route.days][0] == (D("2026-11-30"), ["h1", "h3"])


def test_over_capacity_is_reported() -> None:
    customers = [make(f"c{n}", f"area{n}", ("2026-10-01", "added", {}),
                      ("2026-11-20", "visit", {"next": D("2026-11-27")})) for n in range(3)]
    route = schedule.route(customers, start=D("2026-11-27"), end=D("2026-11-27"), today=TODAY, calendar=CAL,
                           per_day=2)
    assert len(route.visits) == 2 and [v.customer.id for v in route.unplaced] == ["c2"]
