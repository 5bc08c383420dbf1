"""salescli — a plain-file sales pipeline built on the eight steps of selling (销售的八个流程).

    import salescli
    folder = salescli.Folder("~/sales")
    folder.forecast("2026-12").weighted

`salescli.Folder` is the Python API (salescli/api.py); the command line is built on it.
"""

from __future__ import annotations

__version__ = "0.1.0"

# Nothing is imported here at run time: the console script imports this package before salescli can
# take Ctrl-C over (salescli.main), and every import meanwhile would be a moment where Ctrl-C prints a
# traceback. (mypy reads `TYPE_CHECKING` by its name.)
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from salescli.api import Folder

__all__ = ["Folder", "__version__"]


def __getattr__(name: str) -> Any:
    """`salescli.Folder` loads the API when first asked for: `salescli --version` never does."""
    if name == "Folder":
        from salescli.api import Folder

        return Folder
    raise AttributeError(f"module 'salescli' has no attribute {name!r}")
