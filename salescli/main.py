"""The console entry point: answers `--version` before importing anything heavy (Typer, tables)."""

from __future__ import annotations

import sys


def main() -> None:
    if sys.argv[1:] in (["--version"], ["-V"]):
        from salescli import __version__

        print(f"salescli {__version__}")
        return
    from salescli.cli import main as run

    run()
