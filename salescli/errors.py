"""The one exception family for expected problems, raised by the core with the place they are at.

What each means, not what to do about it: the command line maps them to exit codes (cli.exit_code),
the web page to HTTP statuses, a script catches them by kind.

    SalesError
    ├── InvalidValue   a value that cannot be taken: an argument, an option, a setting
    │   ├── NotFound   nothing of that name: a customer, a deal, a key person, a file to import
    │   └── Ambiguous  several things of that name
    └── DataError      the data cannot be used as it is
        ├── BrokenFile     a file that cannot be read (not UTF-8, not YAML, not a customer)
        └── UnsafeWrite    a write refused, the file left as it was
"""

from __future__ import annotations

from pathlib import Path

EXIT_OK = 0
EXIT_DATA = 1  # a file is broken, a write was refused
EXIT_USAGE = 2  # an argument or option is wrong, or names nothing
EXIT_INTERRUPTED = 130
EXIT_PIPE = 141  # the reader of the output left (`salescli list | head`), as a program killed by SIGPIPE


class SalesError(Exception):
    """A problem the user can fix; carries where it is (file, line, column) and, for `check`, a
    stable code naming its kind (yaml, vocabulary, date, duplicate-key …)."""

    def __init__(
        self,
        message: str,
        *,
        path: Path | None = None,
        line: int | None = None,
        column: int | None = None,
        code: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line
        self.column = column
        self.code = code

    def __str__(self) -> str:
        if self.path is None:
            return self.message
        where = display_path(self.path)
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.message}"


class InvalidValue(SalesError):
    """A value that cannot be taken: an argument, an option, a setting, a cell of an import."""


class NotFound(InvalidValue):
    """Nothing of that name: a customer, a deal, a key person, a file."""


class Ambiguous(InvalidValue):
    """Several things of that name; the message lists them."""


class DataError(SalesError):
    """The data cannot be used as it is."""


class BrokenFile(DataError):
    """A file that cannot be read: not UTF-8, not YAML, not a customer."""


class UnsafeWrite(DataError):
    """A write refused: the file changed meanwhile, is read-only, not a regular file, or the edit
    would not read back as meant. The file is left as it was."""


def display_path(path: Path) -> str:
    """The path as the user would type it: relative to the working directory when below it. The
    file's own name is kept (not where a symbolic link leads, nor a loop's error)."""
    try:
        folder = Path(path).parent.resolve()
        return str((folder / Path(path).name).relative_to(Path.cwd().resolve()))
    except (ValueError, OSError, RuntimeError):
        return str(path)
