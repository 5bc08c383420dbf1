"""The console entry point: answers `--version` before importing anything heavy (Typer, tables)."""

from __future__ import annotations

import sys


def main() -> None:
    import signal

    # Until a command runs (Python, Typer and the command's modules load first: a tenth of a second
    # or more), Ctrl-C has nothing to clean up: leave at once, in one line, without a traceback.
    signal.signal(signal.SIGINT, _interrupted_early)
    if sys.argv[1:] in (["--version"], ["-V"]):
        from salescli import __version__

        print(f"salescli {__version__}")
        return
    import gc

    # A run lives for a second or two; reference counting frees what it makes, and it makes few
    # reference cycles, so the cycle collector would only cost time: a third of reading a big folder.
    gc.disable()
    from salescli.cli import main as run

    try:
        run()
    except SystemExit as exit:
        _leave(exit.code)
    except KeyboardInterrupt:  # between the command's end and the exit: what it wrote is said
        from salescli.cli import interrupted_message

        _leave(interrupted_message(), status=130)
    _leave(0)


def _interrupted_early(signum: int, frame: object) -> None:
    import os

    message = "Interrupted."
    i18n = sys.modules.get("salescli.i18n")  # loaded: the language may be known by now (see cli._Group.main)
    if i18n is not None:
        try:
            message = i18n._("Interrupted.")
        except Exception:  # (the catalog could not be read: English it is, and leave all the same)
            pass
    os.write(2, (message + "\n").encode("utf-8", "backslashreplace"))
    os._exit(130)


def _leave(code: object, *, status: int | None = None) -> None:
    """End the process without freeing its objects one by one (a big folder leaves millions: a
    tenth of a second or more); what was printed is flushed first, and no file is left open for writing.
    Ctrl-C is ignored from here on: the command is over, and what it did has been said."""
    import os
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if isinstance(code, str):
        print(code, file=sys.stderr)
    if status is None:
        status = code if isinstance(code, int) else 0 if code is None else 1
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:  # `salescli list | head`: the reader has gone, which is no error
        pass
    os._exit(status)
