"""A command's view of the data folder: the Python API's Folder with the global options, and its
warnings printed on stderr as they come."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from salescli.api import Folder, FolderPaths, find_data_folder
from salescli.errors import display_path
from salescli.i18n import _

TODAY_VARIABLE = "SALESCLI_TODAY"


class Session(Folder):
    """`--dir`, `--today` ($SALESCLI_TODAY), `--lang`, `--commit` and `--debug`, over the folder."""

    def __init__(self, directory: str | None = None, today_text: str | None = None,
                 language_option: str | None = None, debug: bool = False, *, commit_option: bool | None = None) -> None:
        self.directory, self.today_text = directory, today_text or os.environ.get(TODAY_VARIABLE)
        self.language_option, self.commit_option, self.debug = language_option, commit_option, debug
        super().__init__(None, self.today_text, language=language_option, commit=commit_option)

    def find(self) -> FolderPaths:
        """`--dir` (which must hold customers/), else $SALESCLI_DIR, else here or the nearest parent."""
        return find_data_folder(self.directory)

    @property
    def folder(self) -> FolderPaths:
        return self.paths

    def warn(self, message: str) -> bool:
        new = super().warn(message)
        if new:
            print(_("warning: {message}").format(message=message), file=sys.stderr)
        return new

    warn_once = warn

    def tell(self, message: str) -> None:
        print(message, file=sys.stderr)

    def shown(self, path: Path) -> str:
        return display_path(path)
