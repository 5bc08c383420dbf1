"""The console entry point: answers `--version` before importing anything heavy (Typer, tables).

Importing this module takes Ctrl-C over (see _interrupted_early): it is the console script's and
`python -m salescli`'s, not a library's."""

from __future__ import annotations

import _signal  # type: ignore[import-not-found]  # (signal itself takes a millisecond to load: its enums)
import sys


def _interrupted_early(signum: int, frame: object) -> None:
    """Until a command runs (Python, Typer and the command's modules load first: a tenth of a second or
    more), Ctrl-C has nothing to clean up: leave at once, in one line, without a traceback."""
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


# As the module loads, not when main() is called: the console script imports salescli and this module
# first, and the fewer steps before this line, the shorter the moment in which Ctrl-C is Python's
# (a KeyboardInterrupt traceback). Before it, only Python's own start and the import system's search
# for this module remain.
_signal.signal(_signal.SIGINT, _interrupted_early)


def main() -> None:
    if sys.argv[1:] in (["--version"], ["-V"]):
        from salescli import __version__

        print(f"salescli {__version__}")
        return
    import atexit
    import gc

    atexit.register(_end)  # registered first, so it runs last: after every other exit handler
    # A run lives for a second or two; reference counting frees what it makes, and it makes few
    # reference cycles, so the cycle collector would only cost time: whole processes, medians, on the
    # benchmark folders: `forecast --month` 1.68× as long with it at 100,000 customers, 1.33× at
    # 10,000. (`salescli web`, which lives long, turns it back on.)
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


def _leave(code: object, *, status: int | None = None) -> None:
    """The command is over: say what it ends with, and exit (through Python's own exit: threads joined,
    exit handlers run, then `_end`). Ctrl-C is ignored from here on: what the command did has been said."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if isinstance(code, str):
        print(code, file=sys.stderr)
    if status is None:
        status = code if isinstance(code, int) else 0 if code is None else 1
    _status.append(status)
    sys.exit(status)


_status: list[int] = []


def _end() -> None:
    """The last exit handler: with every other one run (a log handler flushed and closed), no thread left
    and nothing of salescli's open (its files are written and closed within each command; the parse
    cache's connections are closed after each use), flush what was printed and end the process without
    freeing its objects one by one — a big folder leaves millions: `forecast --month` takes 1.21× as
    long with Python's own teardown at 100,000 customers, 1.19× at 10,000 (whole processes, medians)."""
    import os

    if not _status:  # not left through `_leave` (a bug's traceback): Python's own exit, and its status
        return
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:  # `salescli list | head`: the reader has gone, which is no error
        pass
    except ValueError:  # (closed by someone: nothing left to flush)
        pass
    os._exit(_status[-1])
