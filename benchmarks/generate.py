"""Deterministic, realistic customer folders for the benchmark: Chinese names, 5–40 log events,
several deals on some. Written as text (the format salescli writes), fast enough for 100,000 files."""

from __future__ import annotations

import random
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Callable

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
CITIES = ["武汉", "长沙", "郑州", "南昌", "合肥", "成都", "重庆", "西安"]
KINDS = ["建工集团", "建设有限公司", "造价咨询有限公司", "设计研究院", "监理有限公司", "房地产开发有限公司",
         "市政工程公司", "路桥建设公司"]
AREAS = ["武昌", "汉口", "汉阳", "洪山", "江夏", "东西湖", "青山", "蔡甸"]
FIELDS = ["real-estate", "bank", "construction", "military", "telecom", "finance", "power", "petrochemical",
          "railway", "pharma", "metallurgy", "highway", "aviation", "municipal", "industrial", "college"]
STAGES = ["prospect", "prepare", "approach", "needs", "demo", "objections"]
# As salescli writes them: plain, or quoted when they hold a comma or colon.
NOTES = ["见到了预算科科长", "演示了算量软件", "客户担心价格", "约了下周再来", "需要领导审批", "预算员五人",
         '"见了王工, 谈了价格"', '"下次带: 报价单"']
RARE_NOTE = '"新号码\\t见名片"'  # an escape: PyYAML reads such a file whole
COMMENTS = ["# 王工换了手机号", "# 年底前要定下来", "# 见名片"]
VERSION = "2"  # of what generate() writes: a folder of an older version is written again
TODAY = date(2026, 11, 26)


def customer(number: int, rng: random.Random) -> tuple[str, str]:
    name = f"{rng.choice(CITIES)}{rng.choice(SURNAMES)}{rng.choice(SURNAMES)}{rng.choice(KINDS)}{number}"
    cid = f"c{number:06d}"
    lines = [
        "# salescli customer file (benchmark)",
        f"id: {cid}", f"name: {name}", "",
        f"field: {rng.choice(FIELDS)}", f"size: {rng.choice(['system', 'small', 'individual'])}",
        f"role: {rng.choice(['owner', 'intermediary', 'contractor', 'supervisor', 'designer'])}",
        f"channel: {rng.choice(['cold', 'acquaintance', 'referral'])}",
        f"source: {rng.choice(['street', 'directory', 'web', 'press', 'site-sign'])}",
        f"area: {rng.choice(AREAS)}", f"owner: {rng.choice(['李明', '张伟', '王芳'])}", "",
        "contact:", f"  address: {rng.choice(AREAS)}区建设大道{rng.randint(1, 999)}号",
        f"  person: {rng.choice(SURNAMES)}工", f"  phone: \"139{rng.randint(10000000, 99999999)}\"", "",
        "log:",
    ]
    day = TODAY - timedelta(days=rng.randint(30, 900))
    events = rng.randint(5, 40)
    deals = 1 if rng.random() < 0.8 else rng.randint(2, 3)
    lines.append(f"- {{date: {day}, event: added, stage: prospect}}")
    stage = 0
    for index in range(events - 1):
        day = min(TODAY, day + timedelta(days=rng.randint(1, 20)))
        deal = "" if deals == 1 or index < events // deals else f", deal: {index * deals // events + 1}"
        kind = rng.random()
        if kind < 0.5:
            note = RARE_NOTE if rng.random() < 0.005 else rng.choice(NOTES)
            lines.append(f"- {{date: {day}, event: visit{deal}, note: {note}}}")
        elif kind < 0.75 and stage < len(STAGES) - 1:
            stage += 1
            lines.append(f"- {{date: {day}, event: stage{deal}, stage: {STAGES[stage]}}}")
        elif kind < 0.85:
            by = day + timedelta(days=rng.randint(20, 120))
            lines.append(f"- {{date: {day}, event: target{deal}, value: {rng.randint(1, 40) * 5000}, by: {by}}}")
        elif kind < 0.9:
            lines.append(f"- {{date: {day}, event: won{deal}, value: {rng.randint(1, 40) * 5000}}}")
        else:
            lines.append(f"- {{date: {day}, event: note{deal}, note: {rng.choice(NOTES)}}}")
        if rng.random() < 0.01:  # a rep's own comment between events
            lines.append(rng.choice(COMMENTS))
    return cid, "\n".join(lines) + "\n"


def generate(root: Path, count: int, seed: int = 20261126, *,
             make: Callable[[int, random.Random], tuple[str, str]] = customer, kind: str = "") -> Path:
    """A data folder of `count` customers at `root`, each made by `make` (made once; reused when complete)."""
    folder = root / "customers"
    marker = root / ".complete"
    if marker.exists() and marker.read_text() == f"{kind}{count} {VERSION}":
        return root
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    for number in range(count):
        cid, text = make(number, rng)
        (folder / f"{cid}.yaml").write_text(text, encoding="utf-8")
    (root / "salescli.yaml").write_text("user: 李明\nvisits_per_day: 4\n", encoding="utf-8")
    marker.write_text(f"{kind}{count} {VERSION}")
    return root


# Notes as a rep writes them after a long visit (about 150 bytes a line with the rest of the event)
LONG_NOTES = ["见到了预算科科长，谈了算量软件的价格和培训安排，下周带报价单和案例再来一次",
              "演示了钢筋算量和计价软件，预算员五人都在，反映界面好用，担心和现有广联达数据不兼容",
              "客户担心价格，领导要看同类单位的用户名单，约了月底再谈"]


def dense_customer(number: int, rng: random.Random) -> tuple[str, str]:
    """A customer of a busy rep's folder: one open deal with a target, and about a dozen visits."""
    name = f"{rng.choice(CITIES)}{rng.choice(SURNAMES)}{rng.choice(SURNAMES)}{rng.choice(KINDS)}{number}"
    cid = f"d{number:06d}"
    day = TODAY - timedelta(days=rng.randint(120, 400))
    lines = ["# salescli customer file (benchmark: a dense folder)", f"id: {cid}", f"name: {name}", "",
             f"field: {rng.choice(FIELDS)}", f"size: {rng.choice(['system', 'small', 'individual'])}",
             f"area: {rng.choice(AREAS)}", f"owner: {rng.choice(['李明', '张伟', '王芳'])}", "",
             "contact:", f"  person: {rng.choice(SURNAMES)}工",
             f"  phone: \"139{rng.randint(10000000, 99999999)}\"", "",
             "log:", f"- {{date: {day}, event: added, stage: prospect}}"]
    stage = 0
    for visit in range(rng.randint(10, 14)):
        day = min(TODAY, day + timedelta(days=rng.randint(3, 25)))
        following = day + timedelta(days=rng.randint(5, 30))
        lines.append(f"- {{date: {day}, event: visit, note: {rng.choice(NOTES)}, next: {following}}}")
        if visit == 1:
            by = TODAY + timedelta(days=rng.randint(-20, 150))
            lines.append(f"- {{date: {day}, event: target, value: {rng.randint(1, 40) * 5000}, by: {by}}}")
        if rng.random() < 0.3 and stage < len(STAGES) - 1:
            stage += 1
            lines.append(f"- {{date: {day}, event: stage, stage: {STAGES[stage]}}}")
    return cid, "\n".join(lines) + "\n"


def generate_dense(root: Path, count: int, seed: int = 20261126) -> Path:
    """A data folder of `count` customers, every one with an open deal with a target and about a dozen
    visits (the heaviest case for `schedule`, `forecast` and `report`), made once and reused."""
    return generate(root, count, seed, make=dense_customer, kind="dense ")


def generate_long(root: Path, size: int, seed: int = 20261126, *, notes: list[str] = NOTES) -> Path:
    """A data folder holding one customer whose log has grown to about `size` bytes (years of visits)."""
    path = root / "customers" / "long.yaml"
    marker = root / ".complete"
    if marker.exists() and marker.read_text() == f"long {size} {len(notes)} {VERSION}":
        return root
    path.parent.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    lines = ["# salescli customer file (benchmark): a long history", "id: long", "name: 武汉长江建工集团", "",
             "field: construction", "size: system", "area: 洪山", "contact:", "  person: 王工", "", "log:",
             "- {date: 1990-01-01, event: added, stage: prospect}"]
    day, total = date(1990, 1, 2), sum(len(line.encode()) + 1 for line in lines)
    while total < size:
        day += timedelta(days=rng.randint(0, 1))
        line = f"- {{date: {min(day, TODAY - timedelta(days=1))}, event: visit, note: {rng.choice(notes)}}}"
        lines.append(line)
        total += len(line.encode()) + 1
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (root / "salescli.yaml").write_text("user: 李明\n", encoding="utf-8")
    marker.write_text(f"long {size} {len(notes)} {VERSION}")
    return root


if __name__ == "__main__":
    generate(Path(sys.argv[1]), int(sys.argv[2]))


def crm_export(root: Path, seed: int = 20171231) -> Path:
    """A CRM export shaped as the Maven sample (85 accounts, 35 agents, 8,800 opportunities, 1,425 of
    them without an account), for timing the guide's import where the sample itself is not at hand."""
    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    accounts = [f"Account {number:02d}" for number in range(85)]
    agents = [f"Agent {number:02d}" for number in range(35)]
    (root / "accounts.csv").write_text("account,sector,office_location\r\n" + "".join(
        f"{name},{rng.choice(['retail', 'medical', 'software', 'finance'])},"
        f"{rng.choice(['United States', 'Kenya'])}\r\n"
        for name in accounts), encoding="utf-8")
    (root / "sales_teams.csv").write_text("sales_agent,manager,regional_office\r\n" + "".join(
        f"{name},Manager {index % 6},{['Central', 'East', 'West'][index % 3]}\r\n"
        for index, name in enumerate(agents)),
        encoding="utf-8")
    rows = []
    for number in range(8800):
        stage = rng.choices(["Won", "Lost", "Engaging", "Prospecting"], [4238, 2473, 1589, 500])[0]
        engage = date(2016, 10, 20) + timedelta(days=rng.randint(0, 420)) if stage != "Prospecting" else None
        close = engage + timedelta(days=rng.randint(1, 120)) if engage and stage in ("Won", "Lost") else None
        value = rng.randint(40, 30000) if stage == "Won" else 0 if stage == "Lost" else ""
        account = "" if rng.random() < 1425 / 8800 else rng.choice(accounts)
        rows.append(f"X{number:07d},{rng.choice(agents)},GTX {rng.choice(['Basic', 'Pro'])},{account},{stage},"
                    f"{engage or ''},{close or ''},{value}\r\n")
    (root / "sales_pipeline.csv").write_text(
        "opportunity_id,sales_agent,product,account,deal_stage,engage_date,close_date,close_value\r\n" + "".join(rows),
        encoding="utf-8")
    return root
