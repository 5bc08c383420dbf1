"""The console entry point: answers `--version` before importing anything heavy (Typer, tables)."""

from __future__ import annotations

import sys


def main() -> None:
    if sys.argv[1:] in (["--version"], ["-V"]):
        from salescli import __version__

        print(f"salescli {__version__}")
        return
    import gc

    # A run lives for a second or two; reference counting frees what it makes, and it makes few
    # reference cycles, so the cycle collector would only cost time: a third of reading a big folder.
    gc.disable()
    from salescli.cli import main as run

    run()
