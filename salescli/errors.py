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

Below them, the core's signals between its own modules. Each is caught where the file it concerns
is known and becomes a SalesError above (a BrokenFile or InvalidValue, with the file and line), or,
for the cache, only costs speed: none reaches the user as it is, so none has an exit code of its own.

    YamlProblem    text that is not acceptable YAML            -> BrokenFile (exit 1)
    LogProblem     a place in a customer document is wrong    -> BrokenFile (exit 1), a check finding
    ConfigProblem  a place in salescli.yaml is wrong          -> BrokenFile (exit 1)
    UnsafeMerge    a merge would not read as it means         -> the merge driver merges line by line
    CacheUnusable  the parse cache cannot be used now         -> the files are read instead
    └── CacheDamaged  its bookkeeping does not match its seal -> it is made again
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


class YamlProblem(Exception):
    """Text that is not acceptable YAML; line and column are 1-based."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


class LogProblem(ValueError):
    """A problem in one place of a customer document; `where` is the key path to it."""

    def __init__(self, message: str, where: tuple[str | int, ...]) -> None:
        super().__init__(message)
        self.where = where


class ConfigProblem(ValueError):
    """A problem in one place of salescli.yaml; `where` is the key path to it."""

    def __init__(self, message: str, where: tuple[str, ...]) -> None:
        super().__init__(message)
        self.where = where


class UnsafeMerge(Exception):
    """The text would not read as the merge means: start from another text, or merge line by line.
    (Its message is for a developer: the driver says merge.merge_texts's, translated, to the user.)"""


class CacheUnusable(Exception):
    """The cache cannot be used now (none yet, no room, locked too long, damaged): only speed is lost."""


class CacheDamaged(CacheUnusable):
    """The database's own bookkeeping (its change counter) does not match its seal: it is made again."""


def display_path(path: Path) -> str:
    """The path as the user would type it: relative to the working directory when below it. The
    file's own name is kept (not where a symbolic link leads, nor a loop's error)."""
    try:
        folder = Path(path).parent.resolve()
        return str((folder / Path(path).name).relative_to(Path.cwd().resolve()))
    except (ValueError, OSError, RuntimeError):
        return str(path)
