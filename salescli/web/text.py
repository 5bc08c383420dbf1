"""The page's words: every user-visible string of `salescli web` goes through `_` (and `ngettext`),
the same catalog as the command line's (salescli/i18n.py): English in the code and templates, the
Chinese from the zh_CN catalog. Babel extracts `_()` from this package's Python and, through
Jinja2's i18n extension, `{{ _('…') }}` from its templates. Each request speaks the folder's
language (app._speak). The names the course gives — stages, information groups and items,
classification terms — come from the core in both languages (`Stage.label`, `Item.label`,
`Vocabulary.label`, `i18n.word`).
"""

from __future__ import annotations

from salescli.i18n import _, ngettext

# Jinja2's i18n extension calls these; new-style gettext formats `%(name)s` and escapes the values.
gettext = _

__all__ = ["_", "gettext", "ngettext"]
