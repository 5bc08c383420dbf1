"""Bring the catalog up to date with the code: `python -m salescli.locale.refresh` (docs/development.md, "Translating").

1. extract every message — salescli's, its web page's, and Typer's own words (Options, [required] …,
   which it looks up with gettext; its copy of Click's are in salescli/cli/clickwords.py) — into
   `salescli.pot`;
2. update `zh_CN/LC_MESSAGES/salescli.po` from it (new messages come in untranslated, never guessed:
   no fuzzy matching; messages gone from the code leave);
3. compile the `.po` to the `.mo` that ships in the wheel;
4. say how many messages still want a translation.

Needs Babel (the `test` extra).
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

HERE = Path(__file__).resolve().parent
PACKAGE = HERE.parent
TEMPLATE = HERE / "salescli.pot"
CATALOG = HERE / "zh_CN" / "LC_MESSAGES" / "salescli.po"
KEYWORDS = ["-k", "C_:1c,2"]  # i18n.C_(context, message): a message marked with its context


def sources() -> list[Path]:
    """Where messages come from: salescli, and Typer (not its copy of Click: see clickwords)."""
    return [PACKAGE, Path(typer.__file__).parent]


def extract() -> None:
    _pybabel("extract", "-F", str(HERE / "babel.cfg"), *KEYWORDS, "--no-location", "--sort-output",
             "--project", "salescli", "--copyright-holder", "salescli", "-o", str(TEMPLATE),
             *map(str, sources()))


def update() -> None:
    _pybabel("update", "-i", str(TEMPLATE), "-o", str(CATALOG), "-l", "zh_CN", "--no-fuzzy-matching",
             "--ignore-obsolete")


def compile_catalog() -> None:
    _pybabel("compile", "-i", str(CATALOG), "-o", str(CATALOG.with_suffix(".mo")), "--statistics")


def untranslated() -> list[str]:
    with CATALOG.open("rb") as file:
        catalog = read_po(file)
    return [str(message.id) for message in catalog if message.id and
            (message.fuzzy or not all(message.string if isinstance(message.string, tuple) else [message.string]))]


def _pybabel(*arguments: str) -> None:
    CommandLineInterface().run(["pybabel", "-q", *arguments])  # type: ignore[no-untyped-call]


def main() -> int:
    extract()
    update()
    compile_catalog()
    missing = untranslated()
    for message in missing:
        print(f"untranslated: {message!r}")
    print(f"{len(missing)} message(s) to translate in {CATALOG}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
