"""The language salescli speaks: English in the code, Chinese from a gettext catalog.

Every message is an English sentence in the code, marked `_("…")` (`ngettext` where English has a
plural, `N_` where the text is translated later, as help texts are); the Chinese comes from
`locale/zh_CN/LC_MESSAGES/salescli.mo`, read the first time a message is wanted in Chinese — an
English run never opens it. This module knows gettext alone: the command line (`salescli/cli/`)
puts Click's and Typer's own words (Usage:, Options:, Error: No such option) through the same
catalog, told of each change of language by `follow`.

Which language: `--lang`, else $SALESCLI_LANG, else `language:` in salescli.yaml, else the locale
($LC_ALL, $LC_MESSAGES, $LANG, $LANGUAGE starting with zh), else English.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Mapping, Sequence

if TYPE_CHECKING:
    from gettext import NullTranslations

LANGUAGES = ("en", "zh")
DOMAIN = "salescli"
LOCALE_DIR = Path(__file__).parent / "locale"
_CATALOGS = {"zh": "zh_CN"}  # a language → its catalog's locale name

_current = {"language": "en"}
_followers: list[Callable[[str], None]] = []  # told of each language other than English (see `follow`)


def use(language: str) -> None:
    """Speak `language` from now on (and so do the followers: Click's and Typer's words, on the command line)."""
    _current["language"] = language
    if language != "en":
        for follower in _followers:
            follower(language)


def follow(follower: Callable[[str], None]) -> None:
    """Call `follower(language)` whenever a language other than English is spoken from now on (once
    for each follower): how a layer above — the command line — puts its libraries' words into it."""
    if follower not in _followers:
        _followers.append(follower)


def language() -> str:
    return _current["language"]


def _(message: str) -> str:
    """`message` in the current language."""
    language = _current["language"]
    return message if language == "en" else _catalog(language).gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The message for `count` things, in the current language (English: singular for one)."""
    language = _current["language"]
    if language == "en":
        return singular if count == 1 else plural
    return _catalog(language).ngettext(singular, plural, count)


def joined(items: Iterable[str], separator: str = ", ") -> str:
    """Items listed as the language lists them: 'a, b, c'; 甲、乙、丙 (`separator`: ", " or "; ")."""
    return _(separator).join(items)


def beside(text: str, note: str) -> str:
    """`text (note)`, as the language brackets a note: 'Acme (acme)'; 中建三局（zhongjiansanju）."""
    return _("{text} ({note})").format(text=text, note=note)


def N_(message: str) -> str:
    """Marks `message` for the catalog where it is translated later (help texts, table titles)."""
    return message


def C_(context: str, message: str) -> str:
    """Marks `message`, meant as in `context`, for the catalog (pgettext translates it later)."""
    return message


def translated(message: str, language: str) -> str:
    """`message` in `language`, whatever the current one is."""
    return message if language == "en" else _catalog(language).gettext(message)


def pgettext_in(context: str, message: str, language: str) -> str:
    """`message`, as meant in `context`, in `language` whatever the current one is."""
    return message if language == "en" else _catalog(language).pgettext(context, message)


def pgettext(context: str, message: str) -> str:
    """`message` in the current language, as meant in `context` (one English word, two Chinese)."""
    language = _current["language"]
    return message if language == "en" else _catalog(language).pgettext(context, message)


@lru_cache(maxsize=None)
def _catalog(language: str) -> NullTranslations:
    import gettext

    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[_CATALOGS.get(language, language)], fallback=True)


def choose(option: str | None, configured: str | None, environ: Mapping[str, str] = os.environ) -> str:
    """The language to speak: the option, $SALESCLI_LANG, salescli.yaml's, the locale's, English."""
    chosen = option or environ.get("SALESCLI_LANG") or configured or from_locale(environ) or "en"
    return chosen.strip().lower()


def from_locale(environ: Mapping[str, str] = os.environ) -> str | None:
    """'zh' when the user's locale is Chinese (as gettext reads it); None otherwise."""
    locale = next((environ[name] for name in ("LC_ALL", "LC_MESSAGES", "LANG") if environ.get(name)), "")
    if locale.split(".")[0] in ("C", "POSIX"):
        return None
    preferred = environ.get("LANGUAGE", "").split(":")[0] or locale  # GNU gettext's list comes first
    return "zh" if preferred.lower().startswith("zh") else None


# ---- words of tables and labels ------------------------------------------------------------

COLUMN = "column"  # the context of table titles: `won` is 成交 as a status, 成交金额 as a column
_COLUMNS = {"id": C_("column", "id"), "name": C_("column", "name"), "stage": C_("column", "stage"),
            "status": C_("column", "status"), "field": C_("column", "field"), "size": C_("column", "size"),
            "role": C_("column", "role"), "channel": C_("column", "channel"), "area": C_("column", "area"),
            "owner": C_("column", "owner"), "target_value": C_("column", "target"), "target_date": C_("column", "by"),
            "won_value": C_("column", "won"), "last_activity": C_("column", "last activity"),
            "deals": C_("column", "deals"), "customer": C_("column", "customer"), "deal": C_("column", "deal"),
            "value": C_("column", "value"), "opened": C_("column", "opened"), "closed": C_("column", "closed"),
            "product": C_("column", "product")}
_WORDS = {"source": N_("source"), "referred_by": N_("referred by"), "project": N_("project"), "open": N_("open"),
          "won": N_("won"), "lost": N_("lost"), "customer": N_("customer"), "customers": N_("customers"),
          "pipeline": N_("open pipeline"), "missing": N_("missing"), "log": N_("Log"),
          "classification": N_("Classification"), "deal": N_("deal"), "date": N_("date"), "event": N_("event"),
          "details": N_("details"), "target": N_("target"), "deals_noun": N_("deals")}


def word(key: str, language: str) -> str:
    """A label's word for `key`, in `language` (a column's title where no label has the key)."""
    return translated(_WORDS[key], language) if key in _WORDS else column(key, language)


def headers(keys: list[str], language: str) -> dict[str, str]:
    """Table titles for column keys, in `language`."""
    return {key: column(key, language) for key in keys}


def column(key: str, language: str) -> str:
    """A table title for `key` (a label's word where no column has the key)."""
    if key not in _COLUMNS:
        return translated(_WORDS.get(key, key), language)
    english = _COLUMNS[key]
    return english if language == "en" else _catalog(language).pgettext(COLUMN, english)


# Titles of the forecast's and the reports' table columns, by key (in English: the key, `_` a space).
# A count (how many deals were won) and an amount (the value won) can share an English title: the
# context tells them apart for the catalog.
_TITLES = {
    "month": C_("column", "month"), "working_days": C_("column", "working days"), "won": C_("column", "won"),
    "weighted": C_("column", "weighted"), "best_case": C_("column", "best case"),
    "expected": C_("column", "expected"), "capacity": C_("column", "capacity"),
    "omitted_deals": C_("column", "omitted deals"), "omitted": C_("column", "omitted"),
    "deals": C_("column", "deals"), "stage": C_("column", "stage"), "中文": C_("column", "中文"),
    "history": C_("column", "history"), "configured": C_("column", "configured"),
    "forecast": C_("column", "forecast"), "reached": C_("column", "reached"), "decided": C_("column", "decided"),
    "actual": C_("column", "actual"), "error": C_("column", "error"), "error_pct": C_("column", "error pct"),
    "customers": C_("column", "customers"), "value": C_("column", "value"),
    "conversion": C_("column", "conversion"), "win_rate": C_("column", "win rate"),
    "avg_won_value": C_("column", "avg won value"), "avg_cycle_days": C_("column", "avg cycle days"),
    "median_cycle_days": C_("column", "median cycle days"), "customer": C_("column", "customer"),
    "deal": C_("column", "deal"), "since": C_("column", "since"), "days": C_("column", "days"),
    "limit": C_("column", "limit"), "next_visit": C_("column", "next visit"), "why": C_("column", "why"),
    "project": C_("column", "project"), "missing": C_("column", "missing"), "won_value": C_("column", "won value"),
    "product": C_("column", "product"), "manager": C_("column", "manager"), "office": C_("column", "office"),
    "new": C_("column", "new"), "quota": C_("column", "quota"), "gap": C_("column", "gap"),
    "to_next": C_("column", "to next"), "to_won": C_("column", "to won"), "median_days": C_("column", "median days"),
    "last_month": C_("column", "last month"), "mean_of_three": C_("column", "mean of three"),
    "model": C_("column", "model"),
}
_COUNT_TITLES = {"won": C_("count", "won"), "lost": C_("count", "lost")}


def titles(keys: Sequence[str], language: str, *, counts: Sequence[str] = ()) -> dict[str, str]:
    """Table titles for column keys (`counts`: the keys whose column counts deals rather than sums
    their value). A key of no table of ours (a profile key a report groups by) gets the field's label."""
    if language == "en":
        return {key: key.replace("_", " ") for key in keys}
    found = {}
    for key in keys:
        if key in counts and key in _COUNT_TITLES:
            found[key] = pgettext("count", _COUNT_TITLES[key])
        elif key in _TITLES:
            found[key] = pgettext("column", _TITLES[key])
        else:
            found[key] = _labels[key](language) if key in _labels else key
    return found


_labels: dict[str, Callable[[str], str]] = {}  # a key beyond our tables → its label in a language


def name_keys(labels: Mapping[str, Callable[[str], str]]) -> None:
    """Title the columns of these keys by their labels (profile.py names its fields as it loads: this
    module imports nothing of salescli's, so that everything else can import it)."""
    _labels.update(labels)
