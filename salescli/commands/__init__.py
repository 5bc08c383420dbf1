"""One module per command; each adds itself to the app with `register(app)`."""

from __future__ import annotations

import inspect
import os
from pathlib import Path
from typing import Any, Callable, Optional, Sequence, TypeVar

import typer

from salescli.profile import Field
from salescli.session import Session

F = TypeVar("F", bound=Callable[..., Any])


def session(ctx: typer.Context) -> Session:
    obj = ctx.find_root().obj
    assert isinstance(obj, Session)
    return obj


def complete_customer(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """Shell completion for CUSTOMER: ids from the file names (fast: no file is parsed)."""
    from salescli.store import find_data_folder

    try:
        root = ctx.find_root().params.get("directory") or os.environ.get("SALESCLI_DIR")
        folder = find_data_folder(root)
    except Exception:  # completion must never fail loudly
        return []
    ids = sorted(path.stem for path in Path(folder.customers).glob("*.yaml") if not path.name.startswith("."))
    return [(customer_id, "") for customer_id in ids if customer_id.startswith(incomplete)]


CUSTOMER_HELP = "The customer: its id, the start of its id, or part of its name (中文 too)."


def with_field_options(fields: Sequence[Field], *, after: str) -> Callable[[F], F]:
    """Give a command an option per field that has one (registry order), after its parameter `after`;
    the command takes them as keyword arguments (`**values`), each the text typed or None."""
    def decorate(function: F) -> F:
        parameters = [p for p in inspect.signature(function).parameters.values()
                      if p.kind is not inspect.Parameter.VAR_KEYWORD]
        at = next(index for index, parameter in enumerate(parameters) if parameter.name == after) + 1
        options = [inspect.Parameter(field.parameter, inspect.Parameter.KEYWORD_ONLY, annotation=Optional[str],
                                     default=typer.Option(None, field.option, help=field.help, show_default=False))
                   for field in fields if field.option]
        keyword_only = [parameter.replace(kind=inspect.Parameter.KEYWORD_ONLY) for parameter in parameters[at:]]
        setattr(function, "__signature__", inspect.Signature([*parameters[:at], *options, *keyword_only]))
        return function

    return decorate


def field_values(fields: Sequence[Field], options: dict[str, Any]) -> dict[Field, str]:
    """The fields given on the command line (by `with_field_options`) and the text typed for each."""
    return {field: options[field.parameter] for field in fields
            if field.option and options.get(field.parameter) is not None}
