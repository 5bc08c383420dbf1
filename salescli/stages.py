"""The eight steps of selling (销售八个流程): the pipeline stages every deal moves through."""

from __future__ import annotations

from enum import Enum
from functools import cache


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
    def zh(self) -> str:
        return _ZH[self]

    @property
    def en(self) -> str:
        return _EN[self]

    def label(self, language: str) -> str:
        return self.zh if language == "zh" else self.value

    def next(self) -> Stage | None:
        """The stage after this one, or None after the last (service)."""
        index = _ORDER.index(self)
        return _ORDER[index + 1] if index + 1 < len(_ORDER) else None


_ORDER = list(Stage)
_NUMBERS = {stage: position for position, stage in enumerate(_ORDER, start=1)}

_ZH = {
    Stage.PROSPECT: "开发新客户",
    Stage.PREPARE: "访前准备",
    Stage.APPROACH: "接近",
    Stage.NEEDS: "开发需求",
    Stage.DEMO: "产品展示",
    Stage.OBJECTIONS: "异议处理",
    Stage.CLOSE: "促成",
    Stage.SERVICE: "售后服务",
}

_EN = {
    Stage.PROSPECT: "find and open a new customer",
    Stage.PREPARE: "prepare the visit",
    Stage.APPROACH: "first contact, build rapport",
    Stage.NEEDS: "discover and develop needs",
    Stage.DEMO: "show the product",
    Stage.OBJECTIONS: "handle objections",
    Stage.CLOSE: "close the deal",
    Stage.SERVICE: "after-sales service, ask for referrals",
}

# Extra words a rep may type for a stage, beyond the key and the Chinese name.
_ALIASES = {
    Stage.PROSPECT: ("开发", "新客户", "lead"),
    Stage.PREPARE: ("准备", "preparation"),
    Stage.APPROACH: ("初访", "contact"),
    Stage.NEEDS: ("需求", "需求开发"),
    Stage.DEMO: ("展示", "演示", "产品演示", "presentation"),
    Stage.OBJECTIONS: ("异议", "objection", "negotiation"),
    Stage.CLOSE: ("成交", "won", "win", "closed"),
    Stage.SERVICE: ("售后", "服务", "转介绍", "索取转介绍", "售后服务、索取转介绍", "referral"),
}


@cache
def stage_words() -> dict[str, Stage]:
    """Every word that names a stage, folded to lower case."""
    words: dict[str, Stage] = {}
    for stage in Stage:
        for word in (stage.value, stage.zh, str(stage.number), *_ALIASES[stage]):
            words[word.casefold()] = stage
    return words
