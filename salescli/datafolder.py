"""The data folder: where it is (`--dir`, $SALESCLI_DIR, or the nearest folder with `customers/`), what
it holds (`customers/`, `templates/`, `salescli.yaml`) and its settings, read and changed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping

from salescli import cache, safefile
from salescli.config import Config, config_from_document
from salescli.errors import BrokenFile, ConfigProblem, InvalidValue, NotFound, UnsafeWrite, YamlProblem
from salescli.i18n import _
from salescli.ids import validate_id

CUSTOMERS = "customers"
TEMPLATES = "templates"
CONFIG = "salescli.yaml"
DIR_VARIABLE = "SALESCLI_DIR"
PACKAGE_TEMPLATES = Path(__file__).parent / "templates"


@dataclass(frozen=True)
class FolderPaths:
    """Where a data folder's parts are: `customers/` (one YAML file per customer), `templates/` and
    `salescli.yaml`. (The folder as the program works with it is `salescli.Folder`.)"""

    root: Path

    @property
    def customers(self) -> Path:
        return self.root / CUSTOMERS

    @property
    def config_path(self) -> Path:
        return self.root / CONFIG

    def customer_path(self, customer_id: str) -> Path:
        return self.customers / f"{validate_id(customer_id)}.yaml"

    def template(self, name: str, language: str = "en") -> str:
        """The folder's own template if it has one, else the built-in default (in `language`)."""
        own = self.root / TEMPLATES / name
        return safefile.read_text(own if own.is_file() else package_template(name, language))

    def customer_files(self) -> list[Path]:
        return [self.customers / name for name in customer_names(self.customers)]


def package_template(name: str, language: str) -> Path:
    """A built-in template in `language` (its comments: `customer.zh.yaml`), else the English one."""
    translated = PACKAGE_TEMPLATES / name.replace(".yaml", f".{language}.yaml")
    return translated if language != "en" and translated.is_file() else PACKAGE_TEMPLATES / name


def customer_names(folder: Path) -> list[str]:
    """The customer files' names in `folder`, in order (hidden ones are not customers). Temporary files
    that interrupted writes left behind are removed on the way."""
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    leftovers = [name for name in names if name.startswith(".") and safefile.LEFTOVER.fullmatch(name)]
    if leftovers:
        safefile.remove_leftovers(folder, leftovers)
    return sorted(name for name in names if name.endswith(".yaml") and not name.startswith("."))


def make(path: Path, *, settings: Mapping[str, str], gitignore: bool) -> list[str]:
    """Make what a data folder at `path` lacks, never replacing a file: customers/ (with a .gitkeep while
    it is empty: git keeps no empty folder, and a clone would have no customers/), templates/customer.yaml,
    salescli.yaml from the commented one with `settings` set in it, and (`gitignore`) a .gitignore that
    keeps the temporary files of writes out of git; what was made."""
    from salescli import yamlfile

    made: list[str] = []
    path.mkdir(parents=True, exist_ok=True)
    for folder in (CUSTOMERS, TEMPLATES):
        if not (path / folder).is_dir():
            (path / folder).mkdir()
            made.append(f"{folder}/")
    if not any((path / CUSTOMERS).iterdir()):
        (path / CUSTOMERS / ".gitkeep").touch()
    language = settings.get("language", "en")  # (a Chinese folder's files have Chinese comments)
    template = path / TEMPLATES / "customer.yaml"
    if not template.exists():
        safefile.write_new_file(template, safefile.read_text(package_template("customer.yaml", language)))
        made.append(f"{TEMPLATES}/customer.yaml")
    config = path / CONFIG
    if not config.exists():
        safefile.write_new_file(config, yamlfile.set_values(safefile.read_text(package_template(CONFIG, language)),
                                                            settings))
        made.append(CONFIG)
    ignore = path / ".gitignore"
    if gitignore and not ignore.exists():
        safefile.write_new_file(ignore, safefile.GITIGNORE)
        made.append(".gitignore")
    return made


def find_data_folder(explicit: str | None, *, start: Path | None = None, environment: bool = True) -> FolderPaths:
    """`--dir`, else $SALESCLI_DIR (unless not `environment`: the Python API's path), else `start`
    (default: the working directory) or the nearest parent with `customers/`."""
    chosen = explicit or (os.environ.get(DIR_VARIABLE) if environment else None)
    if chosen:
        path = Path(chosen).expanduser()
        try:
            if path.name == CUSTOMERS and not (path / CUSTOMERS).is_dir() and path.is_dir():
                path = path.parent
            found = (path / CUSTOMERS).is_dir()
        except OSError as error:
            raise InvalidValue(_("cannot look into {path}: {reason}").format(
                path=path, reason=safefile.reason(error))) from None
        if not found:
            raise NotFound(_("{path} has no customers/ folder; run `salescli init {path}` to make one").format(
                path=path))
        return FolderPaths(path)
    try:
        here = (start or Path.cwd()).resolve()
        for folder in (here, *here.parents):
            if (folder / CUSTOMERS).is_dir():
                return FolderPaths(folder)
    except OSError as error:  # the working folder was removed, or a folder above cannot be looked into
        raise InvalidValue(_("cannot look for the data folder here ({reason}); pass --dir PATH").format(
            reason=safefile.reason(error))) from None
    raise NotFound(_(
        "not in a salescli data folder (no customers/ here or above); "
        "run `salescli init` to make one, or pass --dir PATH"
    ))


def load_config(folder: FolderPaths) -> Config:
    """salescli.yaml's settings (its parse is kept in the cache: most runs need no YAML at all)."""
    path = folder.config_path
    if not path.is_file():
        return Config()
    data = safefile.read_bytes(path)
    text = safefile.decoded(data, path)
    try:
        return config_from_document(_config_document(folder, data, text))
    except ConfigProblem as problem:
        raise safefile.located(problem.args[0], path, text, problem.where) from None


def _config_document(folder: FolderPaths, data: bytes, text: str) -> Any:
    key = cache.digest(data)
    known = None if cache.disabled() else cache.load_document(folder.root, "config", key)
    if known is not None:
        return known
    from salescli import yamlfile

    try:
        document = yamlfile.load(text)
    except YamlProblem as problem:
        raise BrokenFile(problem.message, path=folder.config_path, line=problem.line, column=problem.column) from None
    if not cache.disabled():
        cache.save_document(folder.root, "config", key, document)
    return document


def update_config(folder: FolderPaths, edit: Callable[[str], str]) -> Config:
    """Change salescli.yaml (made when missing) by `edit` of its text: locked, checked to be unchanged
    since read, parsed as settings, written atomically; the settings it then holds."""
    path = folder.config_path
    if not path.exists():
        new_text = edit("")
        config = _settings(new_text, path)
        safefile.write_new_file(path, new_text)
        return config
    target = safefile.writable_target(path)  # (the same rules as a customer file's: a regular file, writable)
    with safefile.locked(target, path) as held:
        new_text = edit(safefile.decoded(held.data, path))
        config = _settings(new_text, path)
        if safefile.read_bytes(path) != held.data:  # an editor saved meanwhile (editors take no lock)
            raise UnsafeWrite(_("the file changed while salescli was writing it; nothing was written, try again"),
                              path=path)
        with safefile.interrupts_deferred():
            safefile.write_whole(path, new_text.encode("utf-8"), exclusive=False)
    return config


def _settings(text: str, path: Path) -> Config:
    from salescli import yamlfile

    try:
        return config_from_document(yamlfile.load(text))
    except (ConfigProblem, YamlProblem) as problem:
        raise UnsafeWrite(_("the change would break the settings ({problem}); nothing was written").format(
            problem=problem.args[0]),
                        path=path) from None
