"""Display words in the two languages reps use. Input always accepts both."""

from __future__ import annotations

_WORDS: dict[str, tuple[str, str]] = {
    # key: (en, zh)
    "id": ("id", "编号"),
    "name": ("name", "名称"),
    "stage": ("stage", "阶段"),
    "status": ("status", "状态"),
    "field": ("field", "领域"),
    "size": ("size", "规模"),
    "role": ("role", "角色"),
    "channel": ("channel", "渠道"),
    "source": ("source", "来源"),
    "referred_by": ("referred by", "转介绍人"),
    "area": ("area", "区域"),
    "project": ("project", "项目"),
    "owner": ("owner", "负责人"),
    "target_value": ("target", "目标金额"),
    "target_date": ("by", "目标日期"),
    "won_value": ("won", "成交金额"),
    "last_activity": ("last activity", "最近活动"),
    "deals": ("deals", "单数"),
    "open": ("open", "进行中"),
    "won": ("won", "成交"),
    "lost": ("lost", "丢单"),
    "customer": ("customer", "客户"),
    "customers": ("customers", "客户"),
    "pipeline": ("open pipeline", "在途金额"),
    "missing": ("missing", "缺"),
    "log": ("Log", "日志"),
    "classification": ("Classification", "客户分类"),
    "deal": ("deal", "单"),
    "deals_noun": ("deals", "单"),
    "value": ("value", "金额"),
    "opened": ("opened", "开始"),
    "closed": ("closed", "结束"),
    "product": ("product", "产品"),
    "date": ("date", "日期"),
    "event": ("event", "事件"),
    "details": ("details", "详情"),
    "target": ("target", "目标"),
}


def word(key: str, language: str) -> str:
    en, zh = _WORDS.get(key, (key, key))
    return zh if language == "zh" else en


def headers(keys: list[str], language: str) -> dict[str, str]:
    return {key: word(key, language) for key in keys}
