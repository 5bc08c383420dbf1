"""What every command shares: the global options, the data folder, the settings and 'today'."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any, Mapping, Sequence

from salescli import i18n, matching, store
from salescli.config import Config
from salescli.i18n import _, joined
from salescli.customer import Customer
from salescli.listing import Columns
from salescli.errors import DataError, InvalidValue, display_path
from salescli.parsing import parse_date

TODAY_VARIABLE = "SALESCLI_TODAY"


@dataclass
class Session:
    directory: str | None = None
    today_text: str | None = None
    language_option: str | None = None
    debug: bool = False
    commit_option: bool | None = None  # --commit/--no-commit; None: salescli.yaml's git.autocommit
    problems: list[DataError] = field(default_factory=list)
    warned: set[str] = field(default_factory=set)

    @cached_property
    def folder(self) -> store.DataFolder:
        from salescli.gitops import ensure_merge_driver

        folder = store.find_data_folder(self.directory)
        registered = ensure_merge_driver(folder.root)  # a fresh clone: .gitattributes names it, the config lacks it
        if registered:
            print(registered, file=sys.stderr)
        return folder

    @cached_property
    def config(self) -> Config:
        return store.load_config(self.folder)

    @cached_property
    def today(self) -> date:
        text = self.today_text or os.environ.get(TODAY_VARIABLE)
        return parse_date(text, today=date.today()) if text else date.today()

    @cached_property
    def language(self) -> str:
        """--lang, $SALESCLI_LANG, salescli.yaml's language, the locale's, English (see i18n)."""
        language = i18n.choose(self.language_option, self.config.language)
        if language not in i18n.LANGUAGES:
            raise InvalidValue(_("--lang must be one of {languages}, not '{language}'").format(
                languages=joined(i18n.LANGUAGES), language=language))
        i18n.use(language)
        return language

    def date(self, text: str | None) -> date:
        """A date option; None means today."""
        return self.today if text is None else parse_date(text, today=self.today)

    def vocabulary_key(self, name: str, text: str | None) -> str | None:
        """The stored key for a classification value typed in either language."""
        if text is None or text.strip() == "":
            return None
        return self.config.vocabulary(name).resolve(text).key

    def profile_changes(self, assignments: list[str], unset: list[str], *, custom: bool) -> dict[str, Any]:
        """The profile changes KEY=VALUE pairs ask for, checked (for `set` and `visit --learned`)."""
        from salescli import profile

        return profile.changes(assignments, unset, custom=custom, vocabularies=self.config.vocabularies,
                               today=self.today, customer_id=lambda reference: self.customer(reference).id)

    def warn_once(self, message: str) -> bool:
        """Print a warning unless this command has printed it already; whether it did."""
        if message in self.warned:
            return False
        self.warned.add(message)
        print(_("warning: {message}").format(message=message), file=sys.stderr)
        return True

    def question(self, items: Sequence[Mapping[str, Any]], *, customer: Customer | None = None,
                 future: bool | None = False) -> None:
        """Before a write: refuse an event dated after today (unless `future`), warn of odd values."""
        from salescli.pipeline import question

        for warning in question(items, today=self.today, customer=customer, future=future):
            self.warn_once(warning)

    def customers(self) -> list[Customer]:
        """Every readable customer; each unreadable file is reported once on stderr and skipped."""
        folder = store.read_all(self.folder)
        self._report(folder.problems)
        return folder.customers

    def rows(self) -> Columns:
        """Every readable customer's list row (fast: no customer is built when the cache has it)."""
        read = store.read_rows(self.folder)
        self._report(read.problems)
        return read.rows

    def _report(self, problems: list[DataError]) -> None:
        """Warn of each unreadable file once, however many reads of the folder a command makes."""
        for problem in problems:
            if self.warn_once(_("skipped {problem}").format(problem=problem)):
                self.problems.append(problem)

    def customer(self, reference: str) -> Customer:
        """The customer a CUSTOMER argument names: found among the list rows (ids and names), then
        just that one file read."""
        exact = self.folder.customers / f"{reference.strip()}.yaml"
        if not (_plain_id(reference) and exact.is_file()):
            exact = self.folder.customers / f"{matching.resolve(self.named(), reference).id}.yaml"
        return store.load_customer(self.folder, exact)

    def named(self) -> list[matching.Named]:
        """Every readable customer's id and name (its list row), for finding one."""
        return [*self.rows().rows()]

    def wrote(self, path: Path, message: str) -> None:
        """After a write: commit that file alone when auto-commit is on."""
        if self.commit_option if self.commit_option is not None else self.config.autocommit:
            from salescli.gitops import commit_file

            commit_file(self.folder.root, path, message)

    def path_of(self, customer: Customer) -> Path:
        return customer.path or self.folder.customer_path(customer.id)

    def shown(self, path: Path) -> str:
        return display_path(path)


def _plain_id(reference: str) -> bool:
    text = reference.strip()
    return bool(text) and "/" not in text and "\\" not in text and not text.startswith(".")
