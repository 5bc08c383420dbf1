"""Visit planning (docs/domain.md §6–7): one customer's visits to its target date and after the sale,
and a day-by-day route across customers. Pure: customers, a calendar and dates in.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import lru_cache
from typing import Any, Iterable, Mapping, Sequence

from salescli.customer import Customer, Deal, Status
from salescli.errors import InvalidValue
from salescli.i18n import C_, N_, _, joined, pgettext
from salescli.information import GROUPS, Group, Item, item_value, people
from salescli.profile import birthday_in
from salescli.stages import AFTER, BEFORE, DURING, Stage, each_stage
from salescli.workdays import WorkCalendar

_PHASE_NAMES = {BEFORE: N_("before the sale"), DURING: N_("during the sale"), AFTER: N_("after the sale")}


_PHASE_WORDS = {BEFORE: C_("phase", "before"), DURING: C_("phase", "during"), AFTER: C_("phase", "after")}


def phase_name(phase: str) -> str:
    """`before the sale` (销售前) …, in the current language."""
    return _(_PHASE_NAMES[phase])


def phase_word(phase: str) -> str:
    """`before` (售前) …: the phase in a table's column, in the current language."""
    return pgettext("phase", _PHASE_WORDS[phase])


def goal(stage: Stage, language: str) -> str:
    """What a visit at `stage` is for, in `language`."""
    english, chinese = PURPOSES[stage]
    return chinese if language == "zh" else english


# Each stage's visit, from its record (stages.RECORDS): its phase; what it is for, (English, 中文); which
# information groups (docs/domain.md §4) it should complete.
PHASES: Mapping[Stage, str] = each_stage(lambda record: record.phase)
PURPOSES: Mapping[Stage, tuple[str, str]] = each_stage(lambda record: record.purpose)
COLLECTS: Mapping[Stage, tuple[str, ...]] = each_stage(lambda record: record.collects)

# After the sale: (working days after the close, kind, English goal, 中文目标)
AFTER_SALE = (
    (5, "service", "install and train; check they use it", "安装培训，确认在用"),
    (20, "service", "follow up: problems, more seats, upgrades", "回访：问题、加套、升级"),
    (30, "referral", "ask for referrals: the project's owner, contractor, supervisor",
     "索取转介绍：项目的甲方、乙方、监理"),
)


@dataclass(frozen=True)
class Visit:
    """One planned visit."""

    customer: Customer
    deal: str
    day: date
    kind: str  # plan, next (planned with `visit --next`), service, referral, drop-in
    phase: str
    stage: Stage | None
    goal: tuple[str, str]  # (English, 中文)
    collect: tuple[Item, ...] = ()  # missing information this visit should collect
    overdue: bool = False
    key: str = ""  # what the visit is within its deal: stable across replans (calendar UIDs)

    @property
    def uid(self) -> str:
        return f"{self.customer.id}.{self.deal}.{self.key or self.kind}@salescli"

    def goal_text(self, language: str, *, most: int | None = None) -> str:
        """The goal, and the missing information to collect (the first `most` items, if given)."""
        text = self.goal[1] if language == "zh" else self.goal[0]
        if self.collect:
            items = self.collect if most is None else self.collect[:most]
            labels = joined(item.label(language) for item in items)
            if len(items) < len(self.collect):
                labels += f" +{len(self.collect) - len(items)}"
            text = _("{goal}; find out: {items}").format(goal=text, items=labels)
        return text


class NoTarget(InvalidValue):
    pass


# ---- one customer's plan --------------------------------------------------------------------

def customer_plan(customer: Customer, deal: Deal, *, today: date, calendar: WorkCalendar,
                  until: date | None = None) -> list[Visit]:
    """The visits from `today` to the deal's target date (one per remaining stage) and after the sale
    (none when `until` is given and the first comes after it)."""
    if deal.status is Status.LOST:
        raise InvalidValue(_("deal {deal} of {customer} is lost; reopen it to plan visits").format(
            deal=deal.name, customer=customer.name))
    if deal.status is Status.WON:
        return _after_sale(customer, deal, deal.won_date or today, today=today, calendar=calendar)
    if deal.target_date is None:
        raise NoTarget(_("{customer} has no target date to plan towards; set one with "
                         "`salescli target {id} --value V --by DATE`").format(customer=customer.name, id=customer.id))
    if deal.target_date <= today:
        raise NoTarget(_("the target date of {customer} ({date}) has passed; move it with "
                         "`salescli target {id} --by DATE`").format(customer=customer.name, date=deal.target_date,
                                                                    id=customer.id))
    stages = _remaining(deal.stage)
    days = _spread(calendar.workdays(calendar_next(calendar, today), _day_before(deal.target_date)), len(stages))
    if until is not None and days and days[0] > until:
        return []  # (what each visit should find out is not worked out for a plan that is not asked for)
    still_missing = _assign_missing(customer, stages)
    visits = [
        Visit(customer, deal.name, day, "plan", PHASES[stage], stage, PURPOSES[stage], still_missing[stage],
              key=stage.value)
        for stage, day in zip(stages, days)
    ]
    close_day = visits[-1].day if visits else deal.target_date
    return visits + _after_sale(customer, deal, close_day, today=today, calendar=calendar)


def _remaining(stage: Stage) -> list[Stage]:
    """The stages still to go through up to the close (a visit each)."""
    return [s for s in Stage if stage.number < s.number <= Stage.CLOSE.number]


def calendar_next(calendar: WorkCalendar, day: date) -> date:
    """The first working day after `day`."""
    day += timedelta(days=1)
    while not calendar.is_workday(day):
        day += timedelta(days=1)
    return day


def _day_before(day: date) -> date:
    return day - timedelta(days=1)


def _spread(days: Sequence[date], count: int) -> list[date]:
    """`count` days picked evenly from `days`, the last on the last one. With fewer days than
    visits, one a working day from the first (the plan then runs past the target date)."""
    if count == 0 or not days:
        return []
    if len(days) >= count:
        return [days[round((index + 1) * len(days) / count) - 1] for index in range(count)]
    spread = list(days)
    while len(spread) < count:
        spread.append(spread[-1] + timedelta(days=1))
    return spread


def _assign_missing(customer: Customer, stages: Sequence[Stage]) -> dict[Stage, tuple[Item, ...]]:
    """Each missing item goes to the first planned visit whose stage collects its group. (Only the groups
    the stages collect are looked at: a schedule asks this of every open deal of the folder.)"""
    assigned: dict[Stage, tuple[Item, ...]] = {stage: () for stage in stages}
    for group, items in _GROUP_ITEMS:
        stage = next((s for s in stages if group.key in COLLECTS[s]), None)
        if stage is not None:
            assigned[stage] += _gaps(customer, group, items)
    return assigned


def _gaps(customer: Customer, group: Group, items: tuple[Item, ...]) -> tuple[Item, ...]:
    """The `items` of `group` the customer's file does not tell (as information.item_value says, quicker
    where the file has no section for the group, or no key people, at all: then it tells none of them)."""
    if not (people(customer) if group.key == "trust" else customer.get(group.key)):
        return items
    return tuple(item for item in items if item_value(customer, group, item) in (None, ""))


_GROUP_ITEMS = tuple((group, group.items) for group in GROUPS)  # (each group's items worked out once)
assert all(item.key.startswith(f"{group.key}.") for group, items in _GROUP_ITEMS if group.key != "trust"
           for item in items), "an item outside its group's section: _gaps would miss it"


def _after_sale(customer: Customer, deal: Deal, closed: date, *, today: date,
                calendar: WorkCalendar) -> list[Visit]:
    visits = []
    for number, ((_stage, kind, english, chinese), day) in enumerate(
            zip(AFTER_SALE, _after_sale_days(calendar, closed)), start=1):
        if day >= today:
            visits.append(Visit(customer, deal.name, day, kind, AFTER, Stage.SERVICE, (english, chinese),
                                key=f"after-sale-{number}"))
    return visits


@lru_cache(maxsize=4096)
def _after_sale_days(calendar: WorkCalendar, closed: date) -> tuple[date, ...]:
    """The days of the visits after a sale closed on `closed` (worked out once a day: a folder's sales
    share their closing days)."""
    ahead = calendar.workdays(closed, closed.replace(year=closed.year + 1))
    return tuple(ahead[min(offset, len(ahead) - 1)] for offset, *_ in AFTER_SALE)


# ---- the route across customers -------------------------------------------------------------

@dataclass(frozen=True)
class Birthday:
    day: date
    customer: Customer
    person: Mapping[str, Any]


@dataclass(frozen=True)
class Route:
    days: tuple[tuple[date, tuple[Visit, ...]], ...]
    birthdays: tuple[Birthday, ...]
    unplaced: tuple[Visit, ...]  # due in the period but over the daily capacity

    @property
    def visits(self) -> list[Visit]:
        return [visit for _, visits in self.days for visit in visits]


def route(customers: Sequence[Customer], *, start: date, end: date, today: date, calendar: WorkCalendar,
          per_day: int) -> Route:
    """Working days from `start` to `end`, at most `per_day` visits each, one area a day where it can.

    Each day: the visits agreed for that day (`visit --next`) first; the day's area is theirs, else
    that of the most urgent due visit (overdue ones first); then that area's due visits and those due
    within a week, pulled forward; then not-yet-visited prospects there (drop in on firms nearby);
    then, while there is room, due visits elsewhere, an area at a time.
    """
    pending = sorted(_requests(customers, today=today, calendar=calendar, until=end), key=_urgency)
    prospects = [c for c in customers if _never_visited_prospect(c)]
    planned_ids = {visit.customer.id for visit in pending}
    areas = {id(visit.customer): visit.customer.get("area") for visit in pending}  # (asked of each visit each day)
    days: list[tuple[date, tuple[Visit, ...]]] = []
    for day in calendar.workdays(start, end):
        days.append((day, tuple(_plan_day(day, pending, prospects, planned_ids, per_day, areas))))
    unplaced = tuple(visit for visit in pending if visit.day <= end)
    return Route(tuple(days), tuple(_birthdays(customers, start, end)), unplaced)


def _urgency(visit: Visit) -> tuple[date, int, str]:
    return (visit.day, 0 if visit.kind == "next" else 1, visit.customer.id)


def _requests(customers: Iterable[Customer], *, today: date, calendar: WorkCalendar, until: date) -> list[Visit]:
    """Per open deal its next visit: the planned one (`visit --next`) or the first of its plan."""
    requests = []
    for customer in customers:
        for deal in customer.deals:
            visit = next_visit(customer, deal, today=today, calendar=calendar, until=until)
            if visit is not None and visit.day <= until:
                requests.append(visit)
    return requests


def next_visit(customer: Customer, deal: Deal, *, today: date, calendar: WorkCalendar,
               until: date | None = None) -> Visit | None:
    """The deal's next visit, as `prep`, `show` and the route all say it (if it comes by `until`): the
    one agreed (`visit --next`) before any plan — overdue when its day has passed, until a visit is
    logged — else the first of its plan; None when there is none (a lost deal, an open one without a
    target date to plan towards: customer_plan says why)."""
    if deal.status is Status.LOST:
        return None
    if deal.next_visit is not None and deal.status is Status.OPEN:
        if until is not None and deal.next_visit > until:
            return None
        stage = deal.stage.next() or deal.stage
        collect = _assign_missing(customer, [stage])[stage]
        return Visit(customer, deal.name, deal.next_visit, "next", PHASES[stage], stage, PURPOSES[stage], collect,
                     overdue=deal.next_visit < today, key=f"next-{deal.next_visit}")
    if deal.status is Status.OPEN and (deal.target_date is None or deal.target_date <= today):
        return None  # no plan to make (customer_plan says why)
    try:
        plan = customer_plan(customer, deal, today=today, calendar=calendar, until=until)
    except InvalidValue:
        return None
    return plan[0] if plan else None


PULL_FORWARD_DAYS = 7  # a visit due within a week may move up to join its area's day


def _plan_day(day: date, pending: list[Visit], prospects: list[Customer], planned: set[str],
              per_day: int, areas: Mapping[int, Any]) -> list[Visit]:
    """One day's visits (`areas`: each customer's area, by the customer's id())."""
    due = [visit for visit in pending if visit.day <= day]
    agreed = [visit for visit in due if visit.kind == "next" and visit.day == day]
    leading = agreed or due
    area = _most_common_area(leading, areas) if leading else _busiest_area(prospects, planned)
    soon = day + timedelta(days=PULL_FORWARD_DAYS)
    here = [visit for visit in pending if areas[id(visit.customer)] == area
            and (visit.day <= day or visit.kind != "next" and visit.day <= soon)]  # appointments keep their day
    chosen = _take(pending, _unique(agreed + here), per_day)
    chosen += _drop_ins(day, area, prospects, planned, per_day - len(chosen))
    taken = {id(visit) for visit in chosen}
    waiting = [visit for visit in due if id(visit) not in taken]
    chosen += _take(pending, _elsewhere(waiting, areas, per_day - len(chosen)), per_day - len(chosen))
    return [replace(visit, day=day) for visit in chosen]


def _elsewhere(waiting: list[Visit], areas: Mapping[int, Any], slots: int) -> list[Visit]:
    """The first `slots` of the visits still waiting, an area at a time (the areas with most first), each
    area's most urgent first: what sorting them all by (area's count, area, urgency) would put first, without
    sorting thousands of overdue visits each day for a few slots."""
    if slots <= 0:
        return []
    by_area: dict[Any, list[Visit]] = {}
    for visit in waiting:
        by_area.setdefault(areas[id(visit.customer)], []).append(visit)
    ranked: dict[tuple[int, str], list[Visit]] = {}
    for area, visits in by_area.items():  # (areas that show alike and count alike are one: their visits interleave)
        ranked.setdefault((-len(visits), str(area)), []).extend(visits)
    taken: list[Visit] = []
    for key in sorted(ranked):
        taken += heapq.nsmallest(slots - len(taken), ranked[key], key=_urgency)
        if len(taken) >= slots:
            break
    return taken


def _take(pending: list[Visit], wanted: list[Visit], slots: int) -> list[Visit]:
    """Take up to `slots` of `wanted` out of `pending` (by identity: visits of big folders compare slowly)."""
    taken = wanted[:max(slots, 0)]
    gone = {id(visit) for visit in taken}
    pending[:] = [visit for visit in pending if id(visit) not in gone]
    return taken


def _unique(visits: list[Visit]) -> list[Visit]:
    seen: set[int] = set()
    unique = []
    for visit in visits:
        if id(visit) not in seen:
            seen.add(id(visit))
            unique.append(visit)
    return unique


def _most_common_area(visits: Sequence[Visit], areas: Mapping[int, Any]) -> Any:
    """The area most of `visits` are in; a tie goes to the one holding the most urgent visit (the first)."""
    counts: dict[Any, int] = {}
    for visit in visits:
        area = areas[id(visit.customer)]
        counts[area] = counts.get(area, 0) + 1
    return max(counts, key=counts.__getitem__)  # (the first of those with most: dicts keep the order met)


def _never_visited_prospect(customer: Customer) -> bool:
    if customer.visit_days:  # (first: most customers were visited, and their current deal need not be found)
        return False
    deal = customer.current_deal
    return deal is not None and deal.is_open and deal.stage in (Stage.PROSPECT, Stage.PREPARE)


def _busiest_area(prospects: Sequence[Customer], planned: set[str]) -> Any:
    """On a day with nothing due: the area with the most prospects never visited."""
    areas = [c.get("area") for c in prospects if c.get("area") and c.id not in planned]
    return max(sorted(set(areas), key=str), key=areas.count) if areas else None


_DROP_IN = ("drop in: a firm nearby not yet visited", "顺访：附近还没拜访过的单位")


def _drop_ins(day: date, area: Any, prospects: list[Customer], planned: set[str], slots: int) -> list[Visit]:
    """Not-yet-visited prospects in the day's area, for the spare slots."""
    if slots <= 0 or area is None:
        return []
    nearby = [c for c in prospects if c.get("area") == area and c.id not in planned][:slots]
    for customer in nearby:
        prospects.remove(customer)
    return [Visit(c, c.current_deal.name if c.current_deal else "1", day, "drop-in", BEFORE, Stage.APPROACH,
                  _DROP_IN, key=f"drop-in-{day}") for c in nearby]


def _birthdays(customers: Iterable[Customer], start: date, end: date) -> list[Birthday]:
    found = []
    for customer in customers:
        for person in people(customer):
            born = person.get("birthday")
            for year in range(start.year, end.year + 1):
                day = birthday_in(born, year)  # (a date or a month and day: every year alike)
                if day is None:
                    break
                if start <= day <= end:
                    found.append(Birthday(day, customer, person))
    return sorted(found, key=lambda birthday: (birthday.day, birthday.customer.id))

