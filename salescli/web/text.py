"""The page's words: every user-visible string of `salescli web` goes through `_` (and `ngettext`).

English is the source and, for now, what the page shows; a later change makes these a gettext
catalog (Babel extracts `_()` from this package's Python and, through Jinja2's i18n extension,
`{{ _('…') }}` from its templates) with the Chinese translation. The names the course gives —
stages, information groups and items, classification terms — are in both languages already and
come from the core (`Stage.label`, `Item.label`, `Vocabulary.label`, `i18n.word`).
"""

from __future__ import annotations


def _(message: str) -> str:
    """A translatable message (English source, shown as it is for now)."""
    return message


def ngettext(singular: str, plural: str, count: int) -> str:
    """The singular or plural form of a translatable message, for `count`."""
    return singular if count == 1 else plural


# Jinja2's i18n extension calls these; new-style gettext formats `%(name)s` and escapes the values.
gettext = _
