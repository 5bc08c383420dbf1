"""The eight steps of selling (销售八个流程): the pipeline stages every deal moves through.

Each stage's facts are one record here (`RECORDS`, a `StageRecord` a stage, in the course's order):
its names, the words a rep may type for it, the settings' defaults (probability, forecast category,
days before it is stale) and its visit plan (phase, purpose, what to collect). The tables the other
modules read — config's defaults, the schedule's phases and purposes — are derived from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from functools import cache
from types import MappingProxyType
from typing import Callable, Mapping, TypeVar


class Stage(str, Enum):
    PROSPECT = "prospect"
    PREPARE = "prepare"
    APPROACH = "approach"
    NEEDS = "needs"
    DEMO = "demo"
    OBJECTIONS = "objections"
    CLOSE = "close"
    SERVICE = "service"

    @property
    def number(self) -> int:
        return _NUMBERS[self]

    @property
    def record(self) -> StageRecord:
        """Everything known of this stage."""
        return _RECORDS[self]

    @property
    def zh(self) -> str:
        return _RECORDS[self].zh

    @property
    def en(self) -> str:
        return _RECORDS[self].en

    def label(self, language: str) -> str:
        return self.zh if language == "zh" else self.value

    def next(self) -> Stage | None:
        """The stage after this one, or None after the last (service)."""
        index = _ORDER.index(self)
        return _ORDER[index + 1] if index + 1 < len(_ORDER) else None


BEFORE, DURING, AFTER = "before", "during", "after"  # the three phases of selling (销售前、中、后)


@dataclass(frozen=True)
class StageRecord:
    """One stage's facts."""

    stage: Stage
    zh: str  # its name in the course
    en: str  # what it is, in English
    aliases: tuple[str, ...]  # further words a rep may type for it, beyond its key, Chinese name and number
    probability: float  # the chance that a deal now in it is won: a starting point, meant to be tuned
    category: str  # its forecast category, as Salesforce users know them (a won deal is always `closed`)
    stale_days: int  # days a deal may sit in it before `report stale` lists it (Pipedrive's "rotting" deals)
    phase: str  # BEFORE, DURING or AFTER the sale
    purpose: tuple[str, str]  # what a visit at this stage is for: (English, 中文)
    collects: tuple[str, ...]  # the information groups (docs/domain.md §4) a visit at this stage should complete


RECORDS: tuple[StageRecord, ...] = (
    StageRecord(Stage.PROSPECT, "开发新客户", "find and open a new customer", ("开发", "新客户", "lead"),
                probability=0.05, category="pipeline", stale_days=30, phase=BEFORE,
                purpose=("open the customer: who buys software here", "开发新客户：找到采购软件的人"),
                collects=("contact",)),
    StageRecord(Stage.PREPARE, "访前准备", "prepare the visit", ("准备", "preparation"),
                probability=0.10, category="pipeline", stale_days=14, phase=BEFORE,
                purpose=("prepared visit: set its goal, bring materials", "访前准备：定目标、备资料"),
                collects=("contact",)),
    StageRecord(Stage.APPROACH, "接近", "first contact, build rapport", ("初访", "contact"),
                probability=0.20, category="pipeline", stale_days=30, phase=BEFORE,
                purpose=("first visit: build rapport", "接近：建立关系"),
                collects=("contact", "decision")),
    StageRecord(Stage.NEEDS, "开发需求", "discover and develop needs", ("需求", "需求开发"),
                probability=0.30, category="best_case", stale_days=30, phase=BEFORE,
                purpose=("develop needs: workload, estimators, views", "开发需求：了解工作量、人员和看法"),
                collects=("needs", "funds")),
    StageRecord(Stage.DEMO, "产品展示", "show the product", ("展示", "演示", "产品演示", "presentation"),
                probability=0.50, category="best_case", stale_days=21, phase=DURING,
                purpose=("show the product on their own drawings", "产品展示：用客户的图纸演示"),
                collects=("decision", "trust")),
    StageRecord(Stage.OBJECTIONS, "异议处理", "handle objections", ("异议", "objection", "negotiation"),
                probability=0.70, category="commit", stale_days=21, phase=DURING,
                purpose=("answer objections: price, compatibility, approval", "异议处理：价格、兼容、审批"),
                collects=("funds", "trust")),
    StageRecord(Stage.CLOSE, "促成", "close the deal", ("成交", "won", "win", "closed"),
                probability=1.0, category="commit", stale_days=14, phase=DURING,
                purpose=("close: contract, seats, amount", "促成：合同、套数、金额"),
                collects=("decision", "trust")),
    StageRecord(Stage.SERVICE, "售后服务", "after-sales service, ask for referrals",
                ("售后", "服务", "转介绍", "索取转介绍", "售后服务、索取转介绍", "referral"),
                probability=1.0, category="commit", stale_days=180, phase=AFTER,
                purpose=("after-sales service", "售后服务"),
                collects=("trust",)),
)

_ORDER = list(Stage)
_NUMBERS = {stage: position for position, stage in enumerate(_ORDER, start=1)}
_RECORDS = {record.stage: record for record in RECORDS}
assert [record.stage for record in RECORDS] == _ORDER, "one record a stage, in the course's order"

T = TypeVar("T")


def each_stage(fact: Callable[[StageRecord], T]) -> Mapping[Stage, T]:
    """One fact of every stage, in the course's order (a read-only table: `each_stage(lambda r: r.phase)`)."""
    return MappingProxyType({record.stage: fact(record) for record in RECORDS})


@cache
def stage_words() -> dict[str, Stage]:
    """Every word that names a stage, folded to lower case."""
    words: dict[str, Stage] = {}
    for record in RECORDS:
        stage = record.stage
        for word in (stage.value, record.zh, str(stage.number), *record.aliases):
            words[word.casefold()] = stage
    return words
