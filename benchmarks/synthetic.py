"""Realistic synthetic data folders for judging the forecast (benchmarks/backtest.py): a team of reps
selling construction-estimating software in Wuhan over three years, day by day on China's working days.

What a real folder has, and what a forecast must cope with:
- seasons: 春节 (few working days, and slow weeks around them) and 国庆 dips, a year-end flush
  (budgets spent in November and December), and on some folders a quarter-end push;
- optimistic targets that slip: each rep sets targets sooner than deals close, by their own habit, and
  moves some when they pass (others are left overdue);
- deals lost at every stage, stages skipped, repeat deals with existing customers;
- several reps, each with their own pace, optimism and products; deals without a value, whose product
  is on the price list.

Each seed draws its own team and habits (within realistic ranges), so that several seeds are several
folders: a forecast is judged on all of them, not tuned to one.

    python benchmarks/synthetic.py /tmp/synthetic 3      # writes /tmp/synthetic/seed-1 … seed-3
"""

from __future__ import annotations

import random
import sys
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import chinese_calendar

PRODUCTS = {"计价软件": 12000, "算量软件": 18000, "钢筋算量": 9800, "安装算量": 15000, "施工管理平台": 68000,
            "培训服务": 3000}
STAGES = ["prospect", "prepare", "approach", "needs", "demo", "objections"]
REPS = ["李明", "王芳", "张伟", "刘洋", "陈静", "杨帆"]
AREAS = ["武昌", "汉口", "汉阳", "洪山", "江夏", "东西湖"]
KINDS = ["建工集团", "建设有限公司", "造价咨询有限公司", "设计研究院", "监理有限公司", "房地产开发有限公司",
         "路桥建设公司"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
END = date(2026, 11, 30)
VERSION = "1"


@dataclass
class Rep:
    name: str
    arrivals: float  # new deals a working day
    optimism: float  # a target is set at this share of the time the deal will really take
    moves_targets: float  # chance a passed target is moved (else it stays overdue)
    pace: float  # how quickly their deals move on (1: the team's usual)
    products: list[str]


@dataclass
class Team:
    reps: list[Rep]
    quarter_push: float  # extra chance of a close in a quarter's last month (1: none)
    flush: float  # extra chance of a close in November and December
    loss: float  # the chance a deal is lost at a stage, each time it leaves one
    start: date


def team(seed: int) -> Team:
    rng = random.Random(seed)
    reps = [Rep(name, arrivals=rng.uniform(0.15, 0.45), optimism=rng.uniform(0.4, 0.95),
                moves_targets=rng.uniform(0.2, 0.9), pace=rng.uniform(0.7, 1.4),
                products=rng.sample(list(PRODUCTS), rng.randint(2, 5)))
            for name in REPS[:rng.randint(3, 6)]]
    return Team(reps, quarter_push=rng.choice([1.0, 1.0, 1.4, 1.8]), flush=rng.uniform(1.2, 2.0),
                loss=rng.uniform(0.08, 0.2), start=END - timedelta(days=rng.randint(800, 1100)))


def _workday(day: date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:  # a year the calendar does not know: Monday to Friday
        return day.weekday() < 5


def _season(day: date, team: Team) -> float:
    """How much more (or less) likely a step is on this day than on an ordinary one."""
    factor = 1.0
    if day.month in (11, 12):
        factor *= team.flush
    if day.month in (3, 6, 9, 12) and day.day > 10:
        factor *= team.quarter_push
    if day.month == 1 and day.day > 15 or day.month == 2 and day.day < 25:  # the weeks around 春节
        factor *= 0.6
    if day.month == 10 and day.day < 15:  # 国庆 and the week after it
        factor *= 0.7
    return factor


@dataclass
class Deal:
    customer: str
    name: str
    owner: Rep
    product: str
    stage: int
    opened: date
    events: list[str] = field(default_factory=list)
    target: date | None = None
    value: int | None = None
    done: bool = False


def simulate(seed: int) -> dict[str, tuple[Rep, str, list[str]]]:
    """Every customer: its owner, its name and its log lines, as salescli writes them."""
    rng = random.Random(seed * 7919)
    setting = team(seed)
    customers: dict[str, tuple[Rep, str, list[str]]] = {}
    open_deals: list[Deal] = []
    day = setting.start
    count = 0
    while day <= END:
        if _workday(day):
            for rep in setting.reps:
                if rng.random() < rep.arrivals * (0.6 if _season(day, setting) < 1 else 1.0):
                    count += 1
                    open_deals.append(_new_deal(rng, rep, day, customers, count))
            for deal in open_deals:
                _step(rng, deal, day, setting, customers[deal.customer][2])
            open_deals = [deal for deal in open_deals if not deal.done]
        day += timedelta(days=1)
    return customers


def _new_deal(rng: random.Random, rep: Rep, day: date, customers: dict[str, tuple[Rep, str, list[str]]],
              count: int) -> Deal:
    product = rng.choice(rep.products)
    mine = [cid for cid, (owner, _name, _log) in customers.items() if owner is rep]
    if mine and rng.random() < 0.2:  # a repeat deal with a customer of theirs
        cid = rng.choice(mine)
        deal = Deal(cid, f"d{count}", rep, product, 2, day)
        customers[cid][2].append(f"- {{date: {day}, event: open, deal: {deal.name}, stage: approach, "
                                 f"product: {product}}}")
        return deal
    cid = f"s{count:05d}"
    name = f"武汉{rng.choice(SURNAMES)}{rng.choice(SURNAMES)}{rng.choice(KINDS)}{count}"
    stage = 0 if rng.random() < 0.6 else 2
    customers[cid] = (rep, name, [f"- {{date: {day}, event: added, stage: {STAGES[stage]}, product: {product}}}"])
    return Deal(cid, "", rep, product, stage, day)


def _step(rng: random.Random, deal: Deal, day: date, setting: Team, log: list[str]) -> None:
    """One working day of an open deal: it may move on, be won or lost, be visited, or have its target
    moved; every step is a line of its customer's `log`."""
    suffix = f", deal: {deal.name}" if deal.name else ""
    pace = deal.owner.pace * (0.07 if deal.stage < 5 else 0.045)
    if deal.target and deal.target < day and rng.random() < 0.05:
        if rng.random() < deal.owner.moves_targets:
            deal.target = day + timedelta(days=rng.randint(10, 45))
            log.append(f"- {{date: {day}, event: target{suffix}, by: {deal.target}}}")
    if rng.random() < 0.08:
        log.append(f"- {{date: {day}, event: visit{suffix}, note: 拜访}}")
    if rng.random() >= pace * (_season(day, setting) if deal.stage == 5 else 1.0):
        return
    if rng.random() < setting.loss:
        log.append(f"- {{date: {day}, event: lost{suffix}, reason: {rng.choice(['价格', '竞争对手', '预算取消'])}}}")
        deal.done = True
        return
    if deal.stage == 5:
        won = int((deal.value or PRODUCTS[deal.product]) * rng.uniform(0.85, 1.05))
        log.append(f"- {{date: {day}, event: won{suffix}, value: {won}}}")
        deal.done = True
        return
    deal.stage = min(5, deal.stage + (2 if rng.random() < 0.15 else 1))
    log.append(f"- {{date: {day}, event: stage{suffix}, stage: {STAGES[deal.stage]}}}")
    if deal.stage >= 2 and deal.target is None and rng.random() < 0.8:  # after the first visit: a close target
        remaining = (6 - deal.stage) / (deal.owner.pace * 0.06) * 1.4  # calendar days, about
        deal.target = day + timedelta(days=max(7, int(remaining * deal.owner.optimism)))
        deal.value = PRODUCTS[deal.product] * rng.randint(1, 4) if rng.random() < 0.75 else None
        value = f", value: {deal.value}" if deal.value else ""
        log.append(f"- {{date: {day}, event: target{suffix}{value}, by: {deal.target}}}")


def generate(root: Path, seed: int) -> Path:
    """The folder of `seed` at `root` (made once; reused when complete)."""
    marker = root / ".complete"
    if marker.exists() and marker.read_text() == f"{seed} {VERSION}":
        return root
    customers = simulate(seed)
    folder = root / "customers"
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.yaml"):
        old.unlink()
    rng = random.Random(seed)
    for cid, (rep, name, log) in customers.items():
        log.sort(key=lambda line: line[9:19])  # (a stable sort: a day's events keep their order)
        text = (f"name: {name}\nfield: construction\narea: {rng.choice(AREAS)}\nowner: {rep.name}\n"
                f"channel: {rng.choice(['cold', 'acquaintance', 'referral'])}\nlog:\n" + "\n".join(log) + "\n")
        (folder / f"{cid}.yaml").write_text(text, encoding="utf-8")
    products = "".join(f"  {name}: {price}\n" for name, price in PRODUCTS.items())
    quotas = "".join(f"  {rep.name}: {{quota: {int(rep.arrivals * 20 * 15000)}}}\n" for rep in team(seed).reps)
    (root / "salescli.yaml").write_text(f"user: {team(seed).reps[0].name}\nproducts:\n{products}team:\n{quotas}",
                                        encoding="utf-8")
    marker.write_text(f"{seed} {VERSION}")
    return root


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/salescli-synthetic")
    for number in range(1, int(sys.argv[2] if len(sys.argv) > 2 else 3) + 1):
        print(generate(target / f"seed-{number}", number))
