"""A Babel extractor for salescli's Python: the `_()`, `ngettext()`, `pgettext()` and `N_()` calls
Babel's own finds, and the help texts Typer shows — each command's docstring and every `help="…"`
argument — which are translated when the command line is built (cli.translate_help).

Used by `pybabel extract -F salescli/locale/babel.cfg` (see docs/development.md, "Translating"); Babel is a
test extra, imported only here.
"""

from __future__ import annotations

import ast
import inspect
from typing import IO, Any, Collection, Iterator


def extract(fileobj: IO[bytes], keywords: Collection[str], comment_tags: Collection[str],
            options: dict[str, Any]) -> Iterator[tuple[int, str | None, Any, list[str]]]:
    from babel.messages.extract import extract_python

    source = fileobj.read()
    fileobj.seek(0)
    yield from extract_python(fileobj, keywords, comment_tags, options)  # type: ignore[arg-type, misc]
    yield from _help_texts(ast.parse(source))


def _help_texts(tree: ast.AST) -> Iterator[tuple[int, str | None, Any, list[str]]]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            for keyword in node.keywords:
                if keyword.arg == "help" and isinstance(keyword.value, ast.Constant) \
                        and isinstance(keyword.value.value, str) and keyword.value.value.strip():
                    yield keyword.value.lineno, None, keyword.value.value, ["help"]
        elif isinstance(node, ast.FunctionDef) and _is_command(node):
            docstring = ast.get_docstring(node, clean=False)
            if docstring:
                yield node.body[0].lineno, None, inspect.cleandoc(docstring), ["help"]


def _is_command(node: ast.FunctionDef) -> bool:
    """A command takes Typer's context first (`ctx: typer.Context`)."""
    arguments = node.args.args
    return bool(arguments) and arguments[0].arg == "ctx"
