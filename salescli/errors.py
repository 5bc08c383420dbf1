"""The one exception family for expected problems; the CLI turns it into `Error: …` and an exit code."""

from __future__ import annotations

from pathlib import Path

EXIT_OK = 0
EXIT_DATA = 1  # a file is broken, a customer is missing, a write was refused
EXIT_USAGE = 2  # an argument or option is wrong
EXIT_INTERRUPTED = 130


class SalesError(Exception):
    """A problem the user can fix; carries where it is (file, line, column) and the exit code."""

    exit_code = EXIT_DATA

    def __init__(
        self,
        message: str,
        *,
        path: Path | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line
        self.column = column

    def __str__(self) -> str:
        if self.path is None:
            return self.message
        where = display_path(self.path)
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.message}"


class UsageError(SalesError):
    """A wrong argument or option value (exit 2)."""

    exit_code = EXIT_USAGE


class DataError(SalesError):
    """A file that cannot be read or safely written, or data that is missing (exit 1)."""

    exit_code = EXIT_DATA


def display_path(path: Path) -> str:
    """The path as the user would type it: relative to the working directory when below it. The
    file's own name is kept (not where a symbolic link leads, nor a loop's error)."""
    try:
        folder = Path(path).parent.resolve()
        return str((folder / Path(path).name).relative_to(Path.cwd().resolve()))
    except (ValueError, OSError, RuntimeError):
        return str(path)
