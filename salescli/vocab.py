"""Classification vocabularies (docs/domain.md §3, §5): field, size, role, channel, source.

Each term has an English key (what files store) and a Chinese label (what reps type and read).
The built-in lists follow the course; `salescli.yaml` can add terms for other industries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import Iterable, Mapping, TypeVar

from salescli.errors import InvalidValue
from salescli.i18n import C_, _, language, pgettext

T = TypeVar("T")


@dataclass(frozen=True)
class Term:
    key: str
    zh: str
    aliases: tuple[str, ...] = ()

    def label(self, language: str) -> str:
        return self.zh if language == "zh" else self.key


@dataclass(frozen=True)
class Vocabulary:
    """One classification axis, e.g. field (领域), with its terms in display order."""

    name: str
    zh: str
    terms: tuple[Term, ...]

    def get(self, key: str) -> Term | None:
        return self._by_key.get(key)

    @cached_property
    def _by_key(self) -> dict[str, Term]:
        return {term.key: term for term in reversed(self.terms)}  # the first of equal keys wins

    def resolve(self, text: str) -> Term:
        """The term a rep means by `text`: key, Chinese label, alias or a unique prefix of one."""
        words = {}
        for term in self.terms:
            for word in (term.key, term.zh, *term.aliases):
                words[word.casefold()] = term
        return resolve_word(text, words, what=self.name)

    def label(self, key: str | None, language: str) -> str:
        """The display label of a stored key; an unknown key is shown as it is."""
        if not key:
            return ""
        term = self.get(key)
        return term.label(language) if term else key

    def labels(self, language: str) -> dict[str | None, str]:
        """Every stored key's display label (keyed for lookups by values that may be None)."""
        return {term.key: term.label(language) for term in reversed(self.terms)}

    def extended(self, extra: Mapping[str, str]) -> Vocabulary:
        """This vocabulary plus the terms a config adds (key → Chinese label)."""
        added = tuple(Term(str(key), str(zh or key)) for key, zh in extra.items() if self.get(str(key)) is None)
        return Vocabulary(self.name, self.zh, self.terms + added)


def resolve_word(text: str, words: Mapping[str, T], *, what: str) -> T:
    """Look `text` up among `words` (folded keys): exact, then unique prefix; else a helpful error,
    which lists the Chinese labels when the rep typed Chinese or reads Chinese (朋友 → 缘故? 转介绍?)."""
    folded = text.strip().casefold()
    if folded in words:
        return words[folded]
    candidates = {value for word, value in words.items() if folded and word.startswith(folded)}
    if len(candidates) == 1:
        return candidates.pop()
    chinese = language() == "zh" or bool(re.search("[\u3400-\u9fff]", text))
    named = pgettext("vocabulary", _VOCABULARIES.get(what, what))
    if len(candidates) > 1:
        listed = _display_choices({word: value for word, value in words.items() if value in candidates}, chinese)
        raise InvalidValue(_("'{text}' could be several {what}s: {choices}").format(text=text, what=named,
                                                                                   choices=listed))
    choices = _display_choices(words, chinese)
    close = _closest(folded, words, chinese)
    message = _("unknown {what} '{text}' (did you mean {close}?); use one of: {choices}") if close else \
        _("unknown {what} '{text}'; use one of: {choices}")
    raise InvalidValue(message.format(what=named, text=text, close=close, choices=choices))


_VOCABULARIES = {"field": C_("vocabulary", "field"), "size": C_("vocabulary", "size"),
                 "role": C_("vocabulary", "role"), "channel": C_("vocabulary", "channel"),
                 "source": C_("vocabulary", "source"), "stage": C_("vocabulary", "stage")}


def _closest(folded: str, words: Mapping[str, object], chinese: bool) -> str:
    """The closest word or words (several when they are as close: 陌拜? 缘故?), as the rep would write them."""
    import difflib  # only for a word that was not understood

    close = difflib.get_close_matches(folded, list(words), n=3, cutoff=0.6)
    if not close and chinese:  # two Chinese words share few characters: a lower bar, the near ones
        close = difflib.get_close_matches(folded, [word for word in words if re.search("[\u3400-\u9fff]", word)],
                                          n=2, cutoff=0.3)
    shown = list(dict.fromkeys(_shown(words[word], word, chinese) for word in close))[:2]
    return _(" or ").join(f"'{word}'" for word in shown)


def _shown(value: object, word: str, chinese: bool) -> str:
    if chinese and getattr(value, "zh", None):
        return str(getattr(value, "zh"))
    return str(getattr(value, "key", getattr(value, "value", word)))


def _display_choices(words: Mapping[str, object], chinese: bool = False) -> str:
    seen: dict[object, str] = {}
    for word, value in words.items():
        seen.setdefault(value, _shown(value, word, chinese))
    return _(", ").join(seen.values())


def _terms(pairs: Iterable[tuple[str, str, tuple[str, ...]]]) -> tuple[Term, ...]:
    return tuple(Term(key, zh, aliases) for key, zh, aliases in pairs)


FIELDS = Vocabulary("field", "领域", _terms([
    ("real-estate", "房地产企业", ("房地产", "地产", "realestate", "property")),
    ("bank", "银行系统", ("银行",)),
    ("construction", "建筑单位", ("建筑", "施工", "施工单位")),
    ("military", "部队系统", ("部队", "军队")),
    ("telecom", "邮政电信业", ("邮政", "电信", "post")),
    ("finance", "财政部门", ("财政",)),
    ("power", "电力行业", ("电力",)),
    ("petrochemical", "石化行业", ("石化",)),
    ("railway", "铁路部门", ("铁路",)),
    ("pharma", "医药行业", ("医药", "pharmaceutical")),
    ("metallurgy", "冶金行业", ("冶金",)),
    ("highway", "公路系统", ("公路",)),
    ("aviation", "航空部门", ("航空",)),
    ("municipal", "市政部门", ("市政",)),
    ("industrial", "大型厂矿企业", ("厂矿", "factory", "mining")),
    ("college", "院校", ("学校", "高校", "university")),
]))

SIZES = Vocabulary("size", "规模", _terms([
    ("system", "系统", ("集团",)),
    ("small", "散户", ("small-firm",)),
    ("individual", "个人", ("person", "freelancer")),
]))

ROLES = Vocabulary("role", "角色", _terms([
    ("owner", "甲方", ("招标方", "建设单位", "tenderer")),
    ("intermediary", "中介", ("咨询", "造价咨询", "agent")),
    ("contractor", "乙方", ("投标方", "施工方", "bidder")),
    ("supervisor", "监理", ("监理方",)),
    ("designer", "设计", ("设计方", "设计院")),
]))

CHANNELS = Vocabulary("channel", "渠道", _terms([
    ("cold", "陌拜", ("陌生拜访",)),
    ("acquaintance", "缘故", ("熟人", "friend")),
    ("referral", "转介绍", ("介绍", "referred")),
]))

SOURCES = Vocabulary("source", "来源", _terms([
    ("street", "扫大街", ("街", "walk-in")),
    ("statistics", "统计资料", ("统计", "report")),
    ("directory", "名录", ("黄页", "通讯录", "yellow-pages")),
    ("press", "报刊", ("报纸", "杂志", "newspaper")),
    ("web", "网络", ("网站", "互联网", "internet")),
    ("site-sign", "施工标志牌", ("标志牌", "工地", "sign")),
    ("board", "水牌", ("大堂水牌", "lobby")),
    ("passing", "路过", ("顺访", "drop-in")),
    ("referral", "转介绍", ("介绍",)),
    ("acquaintance", "缘故", ("熟人",)),
    ("other", "其他", ()),
]))

BUILTIN = {vocabulary.name: vocabulary for vocabulary in (FIELDS, SIZES, ROLES, CHANNELS, SOURCES)}
