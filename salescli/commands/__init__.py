"""One module per command; each adds itself to the app with `register(app)`."""

from __future__ import annotations

import os
from pathlib import Path

import typer

from salescli.session import Session


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
