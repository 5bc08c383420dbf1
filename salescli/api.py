"""salescli's Python API: `salescli.Folder`, a data folder of customer files.

    import salescli

    folder = salescli.Folder("~/sales", today="2026-11-26")
    folder.forecast("2026-12").weighted                  # Decimal('424250')
    folder.visit("中建三局", goal="演示计价", next="下周一", learned={"funds.vendor": "广联达"})
    folder.advance("中建三局", "close", value="5万")
    [customer.name for customer in folder.customers() if customer.get("channel") == "referral"]

The command line is built on it: a command parses its options, calls one method, prints what comes
back. Values go in as a rep types them (amounts `4.8万`, dates `下周一`, stages `产品展示`, customers
by id, id prefix or part of a name) or as Python values (Decimal, int, date, Stage). What comes out
is the core's plain dataclasses (Customer, Deal, Move, MonthForecast, Route, FunnelStep …) and
errors are `salescli.errors` exceptions — NotFound, Ambiguous, InvalidValue, BrokenFile,
UnsafeWrite — with the file and line where there is one. A write is the commands' write: under the
file's lock, checked, atomic, read back; committed to git when `commit=True` or, by default, when
salescli.yaml's `git.autocommit` says so.

Unreadable customer files do not stop a read: each is skipped and kept in `Folder.problems`
(`warnings` has what the command line prints about them and other odd things).
"""

from __future__ import annotations

import functools
import hashlib
import os
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Generic, Iterable, Mapping, Sequence, TypeVar, Union

from salescli import datafolder, i18n, listing, matching, profile, repository
from salescli.config import LANGUAGES, MODELS, Config, ForecastSettings
from salescli.customer import FIRST_DEAL, Customer, Deal, EventKind, as_of
from salescli.errors import DataError, InvalidValue, NotFound, UnsafeWrite
from salescli.i18n import _
from salescli.information import people as _people
from salescli.listing import AMOUNTS, Columns, Filters, Others, Row, Summary, decimals, row, summarize, summarize_deals
from salescli.listing import keeps as filter_rows
from salescli.parsing import parse_date, parse_money
from salescli.stages import Stage

if TYPE_CHECKING:  # (a call imports the part of the core it needs, when it is made)
    from salescli import learning, network, reports
    from salescli.card import Card
    from salescli.dimensions import Dimension
    from salescli.exchange import Table
    from salescli.gitops import Synced
    from salescli.importer import Dating
    from salescli.pipeline import Move
    from salescli.pricelist import PriceList, Product
    from salescli.workdays import Month

Day = Union[date, str]
Pairs = Union[Mapping[str, str], Sequence[str]]  # {"单位": "name"}, or "单位=name" texts as --map takes them
P = TypeVar("P")
Progress = Callable[[int, int], None]  # (rows done, rows in all)
Confirm = Callable[[str, matching.Named], bool]  # is this name (as typed) that customer?
Amount = Union[Decimal, int, float, str]


@dataclass(frozen=True)
class Forecast:
    """A month's forecast (`salescli forecast --month`): `month` has every deal line; the totals,
    the formula's factors and, with a quota, what reaching it takes are here too."""

    month: "MonthForecast"
    quota: Decimal | None = None

    @property
    def won(self) -> Decimal:
        return self.month.won_total

    @property
    def weighted(self) -> Decimal:
        return self.month.weighted_total

    @property
    def best_case(self) -> Decimal:
        return self.month.best_case_total

    @property
    def expected(self) -> Decimal:
        """Won so far + the weighted pipeline (+ the history model's deals not in the pipeline yet)."""
        return self.month.expected_total

    @property
    def model(self) -> str:
        """The model that made it: `stages` or `history` (see forecast.py)."""
        return self.month.model

    @property
    def parts(self) -> dict[str, Decimal]:
        """What makes the expected month: won so far, and each part's contribution."""
        return self.month.parts()

    @property
    def overdue(self) -> tuple["DealLine", ...]:
        return self.month.overdue

    @property
    def omitted(self) -> tuple["DealLine", ...]:
        """Open deals the figures leave out, each with its `reason` (forecast.REASONS)."""
        return self.month.omitted

    @property
    def formula(self) -> "Formula":
        """产值 = visits per day × working days × close probability × average deal value, measured."""
        return self.month.formula

    @property
    def gap(self) -> Decimal | None:
        from salescli import forecast

        return None if self.quota is None else forecast.gap(self.month, self.quota)

    @property
    def visits_needed(self) -> float | None:
        return None if self.quota is None else self.month.formula.visits_needed(self.quota)


@dataclass(frozen=True)
class Visit:
    """A logged visit: the customer before and after the write, the deal it was for, the visit
    event, the stage move it reached (None: none) and the profile values it changed."""

    before: Customer
    after: Customer
    deal: str
    event: dict[str, Any]
    move: "Move | None"
    changes: dict[str, Any]


@dataclass(frozen=True)
class Change:
    """Profile values set: the customer before and after, and the keys asked for."""

    before: Customer
    after: Customer
    keys: tuple[str, ...]


@dataclass(frozen=True)
class Target:
    """A close target set: the customer after the write and the deal's name."""

    customer: Customer
    deal: str

    @property
    def value(self) -> Decimal | None:
        found = self.customer.deal(self.deal)
        return found.target_value if found else None

    @property
    def date(self) -> date | None:
        found = self.customer.deal(self.deal)
        return found.target_date if found else None


@dataclass(frozen=True)
class VisitPlan:
    """A deal's planned visits (`salescli schedule CUSTOMER`)."""

    customer: Customer
    deal: Deal
    visits: tuple["PlannedVisit", ...]


@dataclass(frozen=True)
class Written:
    """What one write put into a customer file — `text` at character `at` — and the SHA-256 (hex) of
    the file's bytes right after it: what `Folder.undo` needs to take the write back."""

    customer: str  # the customer's id
    at: int
    text: str
    digest: str

    @classmethod
    def between(cls, customer: str, before: str, after: str) -> "Written | None":
        """The one piece of text that makes `after` of `before` (None: `after` is not `before` with
        one piece put in, so nothing here could take it back alone)."""
        added = len(after) - len(before)
        if added <= 0:
            return None
        at = next((index for index, (one, other) in enumerate(zip(before, after)) if one != other), len(before))
        if after[at + added:] != before[at:]:
            return None
        return cls(customer, at, after[at:at + added], _digest(after))


@dataclass(frozen=True)
class Reports:
    """Every report of `salescli report`, for the web page's one view of them."""

    funnel: tuple["reports.FunnelStep", ...]
    win_rates: tuple["reports.WinRate", ...]
    sources: tuple["reports.SourceRow", ...]
    stale: tuple["reports.StaleDeal", ...]
    parties: tuple["network.MissingParties", ...] | None  # None: not asked for


@dataclass(frozen=True)
class CardReading:
    """A business card read (`Folder.read_card`): what it says, the photo, and whose card it is —
    the customer named, or the one its company already is (None: a new customer), with the
    customers whose names are near the company's."""

    card: "Card"
    photo: bytes = field(repr=False)
    file: str = ""  # the photo as the user knows it, for messages
    customer: Customer | None = None
    near: tuple[matching.Named, ...] = ()

    @property
    def person_known(self) -> bool:
        """Whether the customer has a key person of the card's name already (the card updates them)."""
        return self.customer is not None and self.card.name is not None and profile.person_index(
            self.customer.get(profile.PEOPLE_KEY), self.card.name) is not None


@dataclass(frozen=True)
class CardSaved:
    """A card written (`Folder.save_card`): the customer before and after, the person, whether the
    customer and the person are new, and the photo kept (None: not kept)."""

    before: Customer
    after: Customer
    person: str
    added_customer: bool
    added_person: bool
    photo: Path | None

    @property
    def changed(self) -> tuple[str, ...]:
        """The person's details that the card changed (all of them for a new person)."""
        found = [[dict(entry) for entry in customer.get(profile.PEOPLE_KEY) or () if isinstance(entry, Mapping)
                  and profile.person_index([entry], self.person) == 0] for customer in (self.before, self.after)]
        before, after = (entries[0] if entries else {} for entries in found)
        return tuple(key for key in after if before.get(key) != after.get(key))


@dataclass(frozen=True)
class PersonSaved:
    """A key person written (`Folder.person`): the customer before and after, the person's name, and
    whether they are new to the customer."""

    before: Customer
    after: Customer
    person: str
    added: bool

    def entry(self, customer: Customer) -> Mapping[str, Any]:
        """The person's entry in `customer` (`before` or `after`; empty: not there)."""
        index = profile.person_index(customer.get(profile.PEOPLE_KEY), self.person)
        return {} if index is None else _people(customer)[index]


@dataclass(frozen=True)
class Made:
    """A data folder made (`Folder.init`): where, what was made in it, whether a git repository was
    made, the files of its first commit, and what could not be done (each a sentence to tell)."""

    root: Path
    made: tuple[str, ...]
    repository: bool
    committed: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()


@dataclass(frozen=True)
class Party:
    """A firm of a sign board recorded (`Folder.site`, `Folder.board`): the name as given and its role, and
    what became of it — `customer` is the one `added`, or the one already in the folder (by its name, or
    `taken_as` a name like it), `linked` to the project when it was not yet; or, when the name is like
    several customers and nobody was asked which, nothing was recorded (`customer` None, `unclear`: those
    customers)."""

    name: str
    role: str | None
    project: str | None
    customer: Customer | None
    added: bool = False
    linked: bool = False
    taken_as: bool = False
    unclear: tuple[matching.Named, ...] = ()


@dataclass(frozen=True)
class Exported:
    """An export (`Folder.export`): its bytes, and how many customers (or deals) it holds."""

    data: bytes = field(repr=False)
    count: int


@dataclass(frozen=True)
class Imported:
    """An import of customers or deals (`Folder.import_customers`, `import_deals`): the `plan` — the
    customers created and updated, the rows skipped with their reasons, what else to say (as written,
    when it was not a dry run) — the file's columns left out, and how many rows it had."""

    plan: "Plan"
    unused: tuple[str, ...]
    rows: int


@dataclass(frozen=True)
class SettingsImported(Generic[P]):
    """An import into salescli.yaml (`Folder.import_team`, `import_products`): the `plan` (the entries
    added, those there already, those kept as they were, the rows skipped), the file's columns left out,
    and (products) the products open deals name that the price list lacks, with how many deals."""

    plan: P
    unused: tuple[str, ...]
    unmatched: dict[str, int] = field(default_factory=dict)


class NearName(InvalidValue):
    """`add` of a name like one already in the folder (保利华中 beside 保利华中房地产有限公司): pass
    new=True if it is another customer."""

    def __init__(self, message: str, matches: Sequence[matching.Named]) -> None:
        super().__init__(message)
        self.matches = tuple(matches)


class ZeroValue(InvalidValue):
    """A close for a value of 0 (`--value 0`, or a target of 0): pass force=True if the deal was won for
    nothing (a free trial that counts as a sale)."""


def _refuse_zero_close(events: Sequence[Mapping[str, Any]], *, force: bool) -> None:
    if not force and any(item["event"] == EventKind.WON.value and item.get("value") == 0 for item in events):
        raise ZeroValue(_("the value won would be 0: give what the customer pays with --value AMOUNT; to record a "
                          "close worth nothing, add --force"))


class Folder:
    """A data folder: `customers/` with one YAML file per customer, `templates/`, `salescli.yaml`.

    `path` is the folder or any folder inside it (found as git finds its repository); `today`
    fixes the date that relative dates and forecasts count from (default: the real one);
    `language` the language of messages (default: $SALESCLI_LANG, salescli.yaml's, the locale's);
    `commit` whether each write is committed to git (default: salescli.yaml's git.autocommit).
    """

    def __init__(self, path: str | os.PathLike[str] | None = ".", today: Day | None = None, *,
                 language: str | None = None, commit: bool | None = None) -> None:
        self._path = None if path is None else os.fspath(path)
        self._today = today
        self._language = language
        self.commit = commit
        self.problems: list[DataError] = []  # the unreadable files met, each once
        self.warnings: list[str] = []  # what was odd (a skipped file, a year without holidays), each once

    # ---- the folder and its settings --------------------------------------------------------

    @cached_property
    def paths(self) -> datafolder.FolderPaths:
        from salescli.gitops import ensure_merge_driver, unfinished, unfinished_merge

        found = self.find()
        registered = ensure_merge_driver(found.root)  # a fresh clone: .gitattributes names it, the config lacks it
        if registered:
            self.tell(registered)
        for name, why in unfinished_merge(found.customers):  # (files with conflict markers say so when read)
            self.warn(str(DataError(unfinished(why), path=found.customers / name)))
        return found

    def find(self) -> datafolder.FolderPaths:
        """The folder at or above `path` that holds customers/."""
        return datafolder.find_data_folder(None, start=Path(self._path or ".").expanduser(), environment=False)

    def tell(self, message: str) -> None:
        """Something done on the way that the user should know of (kept with the warnings)."""
        self.warn(message)

    @property
    def root(self) -> Path:
        return self.paths.root

    @cached_property
    def settings(self) -> Config:
        """salescli.yaml, read and checked."""
        return datafolder.load_config(self.paths)

    @cached_property
    def today(self) -> date:
        """The day relative dates and forecasts count from: `today` as given, else the real one when
        first asked (a snapshot, as `settings` is: `reload()` takes them afresh)."""
        given = self._today
        return _day(given, today=date.today()) if given else date.today()

    @cached_property
    def language(self) -> str:
        """The option, $SALESCLI_LANG, salescli.yaml's language, the locale's, English (see i18n);
        messages from here on are in it."""
        language = i18n.choose(self._language, self.settings.language)
        if language not in i18n.LANGUAGES:
            raise InvalidValue(_("--lang must be one of {languages}, not '{language}'").format(
                languages=i18n.joined(i18n.LANGUAGES), language=language))
        i18n.use(language)
        return language

    def settings_stamp(self) -> Any:
        """What changes whenever salescli.yaml does (its size, times and inode; None: it cannot be looked at):
        what a figure kept between reads depends on, besides the customers."""
        from salescli import cache

        try:
            return cache.identity(os.stat(self.paths.config_path))
        except OSError:
            return None

    def date(self, value: Day | None) -> date:
        """A date as given (2026-12-01, +7d, 下周一, a `date` or `datetime`); None means today."""
        if value is None:
            return self.today
        return _day(value, today=self.today)

    def reload(self) -> None:
        """Take salescli.yaml, today (unless given) and the language afresh, and forget the problems and
        warnings met so far: a Folder otherwise keeps what it first read, as one command does."""
        for name in ("settings", "today", "language"):
            self.__dict__.pop(name, None)
        self.problems.clear()
        self.warnings.clear()

    def warn(self, message: str) -> bool:
        """Keep a warning (once); whether it is new. The command line also prints it."""
        if message in self.warnings:
            return False
        self.warnings.append(message)
        return True

    @classmethod
    def init(cls, path: str | os.PathLike[str], *, language: str = "en", currency: str = "CNY",
             user: str | None = None, git: bool = True) -> Made:
        """Make a data folder at `path` — customers/, templates/, a commented salescli.yaml with these
        settings and, with `git`, a git repository with salescli's merge driver, a .gitignore and a
        first commit — never replacing a file: run again, it adds only what is missing (`salescli init`)."""
        import shutil

        from salescli import gitops

        if language not in LANGUAGES:
            raise InvalidValue(_("--language must be one of {languages}").format(languages=i18n.joined(LANGUAGES)))
        where = Path(path).expanduser()
        settings = {"language": language, "currency": currency, **({"user": user} if user else {})}
        made = datafolder.make(where, settings=settings, gitignore=git)
        problems: list[str] = []
        new_repository = False
        if git and shutil.which("git") is None:
            problems.append(_("git is not installed: the folder is not versioned (install git, then `git init`)."))
        elif git:
            new_repository = gitops.init_repository(where)
        if new_repository:
            made.append(_("a git repository"))
        if git and shutil.which("git") and not (where / ".gitattributes").exists():
            try:
                gitops.setup_merge_driver(where)
                made.append(_("the merge driver for customers/*.yaml"))
            except DataError:
                pass  # not a repository (git init failed): nothing to register
        committed: list[str] = []
        if new_repository:  # the settings, the template and the git set-up: `git diff` shows every later change
            try:
                committed = gitops.commit_paths(where, list(gitops.DATA_PATHS),
                                                _("salescli init: settings and template"))
            except DataError as error:
                problems.append(_("{problem}; then `git add -A && git commit -m 'salescli init'`.").format(
                    problem=error.message))
        return Made(where.resolve(), tuple(made), new_repository, tuple(committed), tuple(problems))

    def git_setup(self) -> str:
        """Register salescli's merge driver for customers/*.yaml in the folder's repository (.gitattributes
        and the repository's git config) — `salescli git-setup`; what was done, to tell."""
        from salescli import gitops

        return gitops.setup_merge_driver(self.root)

    def sync(self, *, message: str | None = None, push: bool = True) -> "Synced":
        """Share the folder with the team (`salescli sync`): commit every pending change to the customers,
        templates and settings; pull (salescli's merge driver combines two reps' logs); push, pulling and
        pushing again when another rep pushed meanwhile. `lines` says what was done; `conflicts` names the
        files left with conflict markers (then nothing was pushed)."""
        from salescli import gitops

        return gitops.sync(self.root, message=message, push=push)

    # ---- reading ----------------------------------------------------------------------------

    def customers(self) -> list[Customer]:
        """Every readable customer as it stood at the end of `today`; an unreadable file is skipped and
        kept in `problems`."""
        read = repository.read_all(self.paths)
        self._skipped(read.problems)
        self._noticed(read.notices)
        customers = self._as_of_today(read.customers)
        self.__dict__["_read_digest"] = (customers, read.digest)  # (what a figure of them all may be kept under)
        return customers

    def rows(self) -> Columns:
        """Every readable customer's list row (quick: no customer is built when the cache has it),
        as it stood at the end of `today`."""
        read = repository.read_rows(self.paths)
        self._skipped(read.problems)
        self._noticed(read.notices)
        latest = self.today.isoformat()
        if all(last is None or last <= latest for last in read.rows["last_activity"]):
            return read.rows
        return Columns.of(map(listing.row, self.customers()))  # (rare: a today earlier than the log)

    def select(self, filters: "Filters | None" = None, *, sort: str = "stage", rows: Columns | None = None) -> Columns:
        """The list rows `filters` keep (a customer a row, for its current deal), in `sort` order: stage, id,
        name, value, date, last, field, area, owner, -KEY reversed — `salescli list` (`rows`: the folder's,
        when read already). A search (`filters.search`) reads the customers: the text anywhere in a file or
        its log's notes, as `search` finds it."""
        chosen = filters or listing.NO_FILTERS
        every = self.rows() if rows is None else rows
        customers = {customer.id: customer for customer in self.customers()} if chosen.search else None
        return listing.sort_rows(listing.select(every, chosen, today=self.today, customers=customers), sort)

    def select_deals(self, filters: "Filters | None" = None, *, sort: str = "stage") -> list[tuple[Customer, Deal]]:
        """Each deal `filters` keep, with its customer, in `sort` order (also opened, closed, product) —
        `salescli list --deals`."""
        return listing.sort_deals(listing.select_deals(self.customers(), filters or listing.NO_FILTERS,
                                                       today=self.today), sort)

    def search(self, text: str | None, customers: Sequence[Customer] | None = None, *,
               names: bool = False) -> list[Customer]:
        """The customers `text` finds, as `salescli list TEXT` does: anywhere in the file (the owner, a
        contact, a phone number, a word of an address) or in the log's notes; with `names`, also those it
        names as a CUSTOMER argument does (the name's characters in order, its pinyin initials, the id's
        start). No text: every customer."""
        wanted = (text or "").strip()
        every = self.customers() if customers is None else customers
        if not wanted:
            return list(every)
        return [customer for customer in every
                if (names and matching.names(customer, wanted)) or listing.mentions(customer, wanted)]

    def _as_of_today(self, customers: list[Customer]) -> list[Customer]:
        """The customers as the folder stood at the end of `today`: every later event left out (and
        a customer whose every event is later), said once."""
        today = self.today
        if all(customer.last_activity is None or customer.last_activity <= today for customer in customers):
            return customers
        later = sum(1 for customer in customers for event in customer.events if event.date > today)
        self.warn(i18n.ngettext("{count} event dated after {today} is left out: figures are as of {today}",
                                "{count} events dated after {today} are left out: figures are as of {today}",
                                later).format(count=later, today=today))
        return [cut for cut in (as_of(customer, today) for customer in customers) if cut is not None]

    def customer(self, reference: str) -> Customer:
        """The customer an id, the start of an id, or part of a name (中文, pinyin, initials) names;
        NotFound or Ambiguous (with the candidates) otherwise."""
        reference = str(reference)
        exact = self.paths.customers / f"{reference.strip()}.yaml"
        if not (_plain_id(reference) and exact.is_file()):
            exact = self.paths.customers / f"{matching.resolve(self.named(), reference).id}.yaml"
        customer, notices = repository.load_customer(self.paths, exact)
        self._noticed(notices)
        found = next(iter(self._as_of_today([customer])), None)
        if found is None:
            raise NotFound(_("{customer} was added after {today}: as of that day it is not in the folder").format(
                customer=exact.stem, today=self.today))
        return found

    def named(self) -> list[matching.Named]:
        """Every readable customer's id and name (its list row), for finding one."""
        return [*self.rows().rows()]

    def files(self) -> list[Path]:
        """The customer files, in name order (readable or not)."""
        return self.paths.customer_files()

    def path_of(self, customer: Customer) -> Path:
        return customer.path or self.paths.customer_path(customer.id)

    def related(self, customer: Customer | str) -> "network.Related":
        """A customer's network: its projects' other parties, who referred it, whom it referred."""
        from salescli import network

        customers = self.customers()
        found = self.customer(customer) if isinstance(customer, str) else customer
        return network.related(found, customers)

    def check(self) -> list[DataError]:
        """Every problem in the customer files (`salescli check`), in file and line order: each a
        BrokenFile or DataError with its file, line, column and `code` (the check that found it). Those
        of code SIMILAR_NAME are warnings: two customers whose names say they may be one."""
        from salescli.check import infolder

        return infolder.problems(self.paths, self.today)

    def _skipped(self, problems: Iterable[DataError]) -> None:
        for problem in problems:
            if self.warn(_("skipped {problem}").format(problem=problem)):
                self.problems.append(problem)

    def _noticed(self, notices: Iterable[DataError]) -> None:
        """What readable files hold that `check` names and every read warns of: a key given twice, a
        history that is gone."""
        for notice in notices:
            self.warn(str(notice))

    # ---- writing ----------------------------------------------------------------------------

    def add(self, name: str, *, id: str | None = None, stage: str | Stage = "prospect",
            value: Amount | None = None, by: Day | None = None, date: Day | None = None, note: str | None = None,
            new: bool = False, future: bool = False, **fields: Any) -> Customer:
        """A new customer file from templates/customer.yaml (`salescli add`). `fields` are profile
        values by key or option name (field="建筑", area="洪山", contact="王强", referred_by="中建三局");
        a name like one in the folder raises NearName unless `new`."""
        return self._add(name, id=id, stage=stage, value=value, by=by, date=date, note=note, new=new, future=future,
                         fields=fields)

    def _add(self, name: str, *, id: str | None, stage: str | Stage = "prospect", value: Amount | None = None,
             by: Day | None = None, date: Day | None = None, note: str | None, new: bool, future: bool = False,
             fields: Mapping[str, Any], people: Sequence[Mapping[str, Any]] = ()) -> Customer:
        """`add`, with the key people to record in the new file (`save_card`'s)."""
        customers = self.named()  # ids and names from the list rows: no customer's whole file is read
        self.check_name(name, new=new, customers=customers)
        values = {"owner": self.settings.user or None, **self.profile_values(fields)}
        if people:
            values[profile.PEOPLE_KEY] = [self._person_entry(person) for person in people]
        implied = profile.implied_source(values.get("channel"))
        if implied and not values.get("source"):
            values["source"] = implied
        items = self._first_events(stage, value, by, date, note)
        self.question(items, future=future)
        return self.create(name, values, items, customers=customers, chosen_id=id)

    def check_name(self, name: str, *, new: bool = False,
                   customers: Sequence[matching.Named] | None = None) -> None:
        """Refuse an empty name or one already in the folder (InvalidValue), and one like a name in
        the folder (NearName, with the matches) unless `new`."""
        _refuse_duplicate_name(self.named() if customers is None else customers, name, new=new)

    def create(self, name: str, values: Mapping[str, Any], items: list[dict[str, Any]], *,
               customers: Sequence[matching.Named] | None = None, chosen_id: str | None = None) -> Customer:
        """Write a new customer from the folder's template: profile `values` by dotted key (as the
        file stores them), `items` for its log; the id is `chosen_id` or made from the name."""
        from salescli import yamlfile

        known = self.named() if customers is None else customers
        new_id = self._new_id(known, name, chosen_id)
        present = {key: value for key, value in {"id": new_id, "name": name.strip(), **values}.items()
                   if value not in (None, "")}
        template = self.paths.template("customer.yaml", self.settings.language or self.language)
        text = yamlfile.filled_template(template, present, items)
        path = self.paths.customer_path(new_id)
        customer = repository.create_customer(path, text)
        self.wrote(path, _("add {customer} ({id})").format(customer=customer.name, id=customer.id))
        return customer

    def advance(self, customer: str, stage: str | Stage | None = None, *, value: Amount | None = None,
                reason: str | None = None, note: str | None = None, date: Day | None = None,
                deal: str | None = None, reopen: bool = False, new_deal: str | None = None,
                future: bool = False, force: bool = False) -> "Move":
        """Move a deal to the next stage or to `stage`; "close" (促成) records it won (`value`, by
        default the target; a value of 0 raises ZeroValue unless `force`), "lost" (丢单) lost (`reason`
        required) — `salescli advance`."""
        from salescli.pipeline import advance as plan_advance
        from salescli.pipeline import describe, parse_target

        found = self.customer(customer)
        wanted = stage if isinstance(stage, Stage) else parse_target(_text(stage))
        day, amount = self.date(date), _amount(value)

        def plan(current: Customer) -> tuple["Move", tuple[dict[str, Any], ...]]:
            move = plan_advance(current, wanted, when=day, deal_name=deal, value=amount, reason=reason, note=note,
                                reopen=reopen, new_deal=new_deal)
            _refuse_zero_close(move.events, force=force)
            self.question(move.events, customer=current, future=future)
            return move, move.events

        path = self.path_of(found)
        move = repository.append_planned(path, plan)[0]  # worked out under the file's lock: never twice
        self.wrote(path, _("advance {summary}").format(summary=describe(move)))
        return move

    def visit(self, customer: str, *, goal: str | None = None, note: str | None = None, next: Day | None = None,
              date: Day | None = None, stage: str | Stage | None = None,
              learned: Mapping[str, Any] | Sequence[str] = (), custom: bool = False, target: Amount | None = None,
              by: Day | None = None, value: Amount | None = None, reason: str | None = None,
              deal: str | None = None, future: bool = False, force: bool = False) -> Visit:
        """Log a visit and, in the same write, what it changed: the stage reached (`stage`, with
        `value` for close or `reason` for lost), what it taught (`learned`: {key: value} or
        "KEY=VALUE" strings, as `set` takes them), the close target (`target`, `by`) and the
        next appointment (`next`) — `salescli visit`. A close for 0 raises ZeroValue unless `force`."""
        from salescli.pipeline import choose_deal, event_item

        found = self.customer(customer)
        day = self.date(date)
        next_day = self.date(next) if next is not None else None
        target_value, target_day = _amount(target), self.date(by) if by is not None else None
        changes = self.profile_changes(_assignments(learned), [], custom=custom, customer=found.id)
        planned: dict[str, Any] = {}

        def plan(current: Customer) -> tuple[None, list[dict[str, Any]]]:
            """The visit's events, worked out under the file's lock from the customer as it is then."""
            chosen = choose_deal(current, deal)
            name = chosen.name if chosen else FIRST_DEAL
            items = [event_item(EventKind.VISIT, day, name, goal=goal, note=note, next=next_day)]
            if target_value is not None or target_day is not None:
                items.append(event_item(EventKind.TARGET, day, name, value=target_value, by=target_day))
            move = _visit_move(current, stage, name, day=day, value=_amount(value), target_value=target_value,
                               reason=reason)
            items += list(move.events if move else ())
            _refuse_zero_close(items, force=force)
            self.question(items, customer=current, future=future)
            planned.update(before=current, deal=name, event=items[0], move=move)
            return None, items

        path = self.path_of(found)
        updated = repository.change_profile(path, changes, plan)[1]
        said = {"customer": found.name, "date": day, "goal": goal}
        self.wrote(path, (_("visit {customer} on {date}: {goal}") if goal else
                          _("visit {customer} on {date}")).format(**said))
        return Visit(after=updated, changes=changes, **planned)

    def target(self, customer: str, value: Amount | None = None, by: Day | None = None, *,
               note: str | None = None, date: Day | None = None, deal: str | None = None,
               future: bool = False) -> Target:
        """Set or adjust a deal's close target: a value, a date or both — `salescli target`."""
        from salescli.pipeline import deal_name, event_item, target_summary

        if value is None and by is None:
            raise InvalidValue(_("give --value, --by or both"))
        found = self.customer(customer)
        amount, day, until = _amount(value), self.date(date), self.date(by) if by is not None else None

        def plan(current: Customer) -> tuple[str, list[dict[str, Any]]]:
            chosen = deal_name(current, deal)
            items = [event_item(EventKind.TARGET, day, chosen, value=amount, by=until, note=note)]
            self.question(items, customer=current, future=future)
            return chosen, items

        path = self.path_of(found)
        chosen, updated = repository.append_planned(path, plan)
        self.wrote(path, _("target {summary}").format(summary=target_summary(updated, chosen,
                                                                            self.settings.currency)))
        return Target(updated, chosen)

    def set(self, customer: str, values: Mapping[str, Any] | Sequence[str] = (), *, unset: Sequence[str] = (),
            custom: bool = False) -> Change:
        """Set profile values by key — the dotted key (contact.phone), its last part (phone) or its
        Chinese label (联系电话) — checked as the file's kinds say; a None value empties the key
        (as `unset`). Only those lines change — `salescli set`."""
        if not values and not unset:
            raise InvalidValue(_("give KEY=VALUE pairs to set, or --unset KEY"))
        found = self.customer(customer)
        wanted = self.profile_changes(_assignments(values), [*unset, *_emptied(values)], custom=custom,
                                      customer=found.id)
        path = self.path_of(found)
        updated = repository.change_profile(path, wanted)[1]
        self.wrote(path, _("set {keys} of {customer}").format(keys=i18n.joined(wanted), customer=found.name))
        return Change(found, updated, tuple(wanted))

    # ---- key people ---------------------------------------------------------------------------

    def people(self, customer: Customer | str) -> list[Mapping[str, Any]]:
        """A customer's key people (建立信任关系信息), each a mapping of their details — `salescli person
        CUSTOMER`."""
        return _people(self.customer(customer) if isinstance(customer, str) else customer)

    def person(self, customer: str, name: str, details: Mapping[str, Any] | None = None) -> PersonSaved:
        """Add a key person to a customer, or update the details given of one already there (by key:
        title, mobile, birthday, hobbies …; typed values are checked as `person` checks them, and an empty
        text or None empties that detail) — `salescli person CUSTOMER NAME --title …`."""
        found = self.customer(customer)
        if not name.strip():
            raise InvalidValue(_("the person needs a name"))
        values = {field.key: profile.UNSET if value is None or (isinstance(value, str) and value.strip() == "") else
                  self._person_value(field.key, value) for field, value in _person_details(details or {}).items()}
        path = self.path_of(found)
        added, updated = repository.save_person(path, name.strip(), values)
        said = {"person": name.strip(), "customer": found.name}
        self.wrote(path, (_("add {person} to {customer}") if added else _("update {person} of {customer}")).format(
            **said))
        return PersonSaved(found, updated, name.strip(), added)

    def remove_person(self, customer: str, name: str) -> Customer:
        """Take a person out of a customer's key people — `salescli person CUSTOMER NAME --remove`."""
        found = self.customer(customer)
        if not name.strip():
            raise InvalidValue(_("the person needs a name"))
        path = self.path_of(found)
        updated = repository.remove_person(path, name)
        self.wrote(path, _("remove {person} from the key people of {customer}").format(person=name,
                                                                                      customer=found.name))
        return updated

    # ---- project parties and referrals -----------------------------------------------------------

    def site(self, project: str, parties: Mapping[str, str], *, area: str | None = None, address: str | None = None,
             date: Day | None = None, confirm: "Confirm | None" = None,
             each: Callable[[Party], None] | None = None) -> list[Party]:
        """Record a construction-site sign board (施工标志牌), `parties` by role (甲方/owner, 乙方/contractor,
        设计/designer, 监理/supervisor): each becomes a prospect linked to the project (channel cold, source
        site-sign); one already in the folder gets the link instead of a duplicate — a name like one in the
        folder is asked about with `confirm(name, customer)` (without it, taken when it is like one customer,
        left out when like several) — `salescli site`. `each` hears of every party as it is recorded."""
        from salescli.vocab import ROLES

        chosen = {ROLES.resolve(role).key: name.strip() for role, name in parties.items() if name and name.strip()}
        if not chosen:
            raise InvalidValue(_("name at least one party: --client, --contractor, --designer, --supervisor or "
                                 "甲方=NAME"))
        return self._sighted([(name, role) for role, name in chosen.items()], project=project, area=area,
                             address=address, date=date, source="site-sign", confirm=confirm, each=each)

    def board(self, building: str, names: Sequence[str], *, area: str | None = None, date: Day | None = None,
              confirm: "Confirm | None" = None, each: Callable[[Party], None] | None = None) -> list[Party]:
        """Record a lobby directory board (水牌): each firm listed becomes a cold prospect at that address
        (source board); one already in the folder is left as it is (a near name as `site` takes it) —
        `salescli board`."""
        return self._sighted([(name, None) for name in names], project=None, area=area, address=building, date=date,
                             source="board", confirm=confirm, each=each)

    def refer(self, referrer: str, name: str, **fields: Any) -> Customer:
        """Add a customer that `referrer` referred (转介绍): `add(name, referred_by=referrer, …)`, which also
        makes its channel referral — `salescli refer`."""
        return self.add(name, referred_by=referrer, **fields)

    def _sighted(self, names: Sequence[tuple[str, str | None]], *, project: str | None, area: str | None,
                 address: str | None, date: Day | None, source: str, confirm: "Confirm | None",
                 each: Callable[[Party], None] | None) -> list[Party]:
        from salescli.pipeline import event_item

        day = self.date(date)
        customers = self.named()
        found = []
        for name, role in names:
            self.question([{"date": day, "event": EventKind.LINK.value}], future=None)
            party = self._party(customers, name, role=role, project=project, area=area, address=address, day=day,
                                source=source, confirm=confirm, event_item=event_item)
            found.append(party)
            if each is not None:
                each(party)
        return found

    def _party(self, customers: list[matching.Named], name: str, *, role: str | None, project: str | None,
               area: str | None, address: str | None, day: Day, source: str, confirm: "Confirm | None",
               event_item: Callable[..., dict[str, Any]]) -> Party:
        same, near = matching.similar(customers, name)
        taken_as = not same
        named = same[0] if same else None
        if named is None and near:
            if confirm is not None:
                named = next((candidate for candidate in near[:5] if confirm(name, candidate)), None)
            elif len(near) > 1:
                return Party(name, role, project, None, unclear=tuple(near[:5]))
            else:
                named = near[0]
        if named is not None:
            existing = self.customer(named.id)
            if project is None or project in existing.projects:
                return Party(name, role, project, existing, taken_as=taken_as)
            path = self.path_of(existing)
            repository.append_events(path, [event_item(EventKind.LINK, day, FIRST_DEAL, project=project, role=role)])
            self.wrote(path, _("link {name} to {project} ({role})").format(name=existing.name, project=project,
                                                                          role=role))
            return Party(name, role, project, existing, linked=True, taken_as=taken_as)
        values = {"role": role, "channel": "cold", "source": source, "project": project, "area": area,
                  "contact.address": address, "owner": self.settings.user}
        # no stage: a party seen on a sign is a customer, not yet a deal (see customer.derive_deals)
        created = self.create(name, values, [event_item(EventKind.ADDED, day, FIRST_DEAL)], customers=customers)
        customers.append(created)
        return Party(name, role, project, created, added=True)

    # ---- import and export --------------------------------------------------------------------

    def export(self, format: str = "csv", *, deals: bool = False, bom: bool = False,
               to: str | os.PathLike[str] | None = None) -> Exported:
        """Every customer — or, with `deals`, every deal — as `format` (`salescli export`): "csv" (in the
        folder's language; `bom` starts it with a UTF-8 byte-order mark, for Excel), "xlsx" (a workbook of
        the customers, their log and their key people, a sheet each) or "json" (each customer's whole
        record). The same customers give the same bytes; `to` writes them to that file as well."""
        import json

        from salescli import exchange, safefile

        if format not in EXPORTS:
            raise InvalidValue(_("unknown format '{name}'; use one of: {formats}").format(
                name=format, formats=i18n.joined(EXPORTS)))
        if bom and format != "csv":
            raise InvalidValue(_("--bom is for CSV (xlsx and JSON need none)"))
        customers = self.customers()
        vocabularies = self.settings.vocabularies
        if format == "xlsx":
            sheets = [exchange.customer_sheet(customers, language=self.language, vocabularies=vocabularies,
                                              deals=True)] if deals else \
                exchange.workbook(customers, language=self.language, vocabularies=vocabularies)
            data = exchange.xlsx_bytes(sheets, exchange.as_of(customers))
        elif format == "json":
            whole = exchange.deal_records(customers) if deals else [
                exchange.full_record(customer) for customer in sorted(customers, key=lambda c: c.id)]
            data = (json.dumps(exchange.plain(whole), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
        else:
            sheet = exchange.customer_sheet(customers, language=self.language, vocabularies=vocabularies, deals=deals)
            data = (("\ufeff" if bom else "") + exchange.csv_text(sheet)).encode("utf-8")
        if to is not None:
            safefile.write_file(Path(to), data)
        return Exported(data, sum(len(customer.deals) for customer in customers) if deals else len(customers))

    def import_customers(self, file: str | os.PathLike[str], *, mapping: Pairs = (), stage_map: Pairs = (),
                         sheet: str | None = None, date: Day | None = None, future: bool = False,
                         dry_run: bool = False, progress: Progress | None = None) -> Imported:
        """Import customers from a CSV, Excel or JSON file (`salescli import`): a customer already in the folder
        (by id or name) gets only the values it lacks; each bad row is skipped with its reason. `mapping`
        names the columns salescli does not recognise ({"单位": "name"}), `stage_map` foreign stage values
        ({"Won": "close"}); `date` dates events the rows leave undated. Our own `export` (xlsx or json)
        comes back whole. `progress(done, total)` hears of the rows written as they are."""
        from salescli import exchange, importer

        table = self._table(file, sheet, whole=not (sheet or mapping))
        overrides, stages = _pairs(mapping, "--map"), _pairs(stage_map, "--stage-map")
        dating, customers = self._dating(date, future), self.customers()
        unused: list[str] = []
        if table.sheets is not None:  # our own workbook: every customer whole, log and key people included
            records = exchange.workbook_records(*table.sheets, vocabularies=self.settings.vocabularies)
            plan = importer.plan_records(records, customers, dating=dating, numbers=table.numbers)
        elif table.rows and Path(file).suffix.lower() == ".json" and importer.is_full_records(table.rows):
            plan = importer.plan_records(table.rows, customers, dating=dating)
        else:
            columns = importer.column_map(table.headers, overrides, importer.CUSTOMER_HEADERS,
                                          importer.CUSTOMER_TARGETS, profile_keys=True)
            _require(columns, ("name",), file)
            plan = importer.plan_customers(table.rows, columns, customers, config=self.settings, dating=dating,
                                           stage_map=stages, numbers=table.numbers)
            unused = importer.unused_columns(table.headers, columns)
        if not dry_run:
            self._apply(plan, customers, progress, total=len(table.rows))
        return Imported(plan, tuple(unused), len(table.rows))

    def import_deals(self, file: str | os.PathLike[str], *, mapping: Pairs = (), stage_map: Pairs = (),
                     stage_dates: Pairs = (), sheet: str | None = None, date: Day | None = None,
                     future: bool = False, dry_run: bool = False,
                     progress: Progress | None = None) -> Imported:
        """Import deals of customers in the folder (a CRM's opportunities, `salescli import --deals`): each row a
        deal, its customer by id or name; `stage_dates` names the columns that date a stage
        ({"engage_date": "approach"}). As `import_customers` otherwise."""
        from salescli import importer

        table = self._table(file, sheet, whole=False)
        overrides, stages = _pairs(mapping, "--map"), _pairs(stage_map, "--stage-map")
        dating, customers = self._dating(date, future), self.customers()
        dated = importer.stage_dates(_pairs(stage_dates, "--stage-dates"), table.headers)
        columns = {header: target for header, target in importer.column_map(
            table.headers, overrides, importer.DEAL_HEADERS, importer.DEAL_TARGETS).items() if header not in dated}
        _require(columns, ("customer",), file)
        plan = importer.plan_deals(table.rows, columns, customers, dating=dating, stage_map=stages,
                                   dated_stages=dated, numbers=table.numbers)
        if not dry_run:
            self._apply(plan, customers, progress, total=len(table.rows))
        return Imported(plan, tuple(importer.unused_columns(table.headers, [*columns, *dated])), len(table.rows))

    def import_team(self, file: str | os.PathLike[str], *, mapping: Pairs = (), sheet: str | None = None,
                    dry_run: bool = False) -> "SettingsImported[TeamPlan]":
        """Import the team table (`salescli import --team`): each row a rep with their manager, office and
        quota, added to `team:` in salescli.yaml; a rep already there keeps the entry it has."""
        from salescli import importer

        table = self._table(file, sheet, whole=False)
        columns = importer.column_map(table.headers, _pairs(mapping, "--map"), importer.TEAM_HEADERS,
                                      importer.TEAM_TARGETS)
        _require(columns, ("rep",), file)
        plan = importer.plan_team(table.rows, columns, self.settings.team, table.numbers)
        if plan.added and not dry_run:
            self.add_team(plan.added, source=Path(file).name)
        return SettingsImported(plan, tuple(importer.unused_columns(table.headers, columns)))

    def import_products(self, file: str | os.PathLike[str], *, mapping: Pairs = (), sheet: str | None = None,
                        dry_run: bool = False) -> "SettingsImported[ProductPlan]":
        """Import the price list (`salescli import --products`): each row a product with its list price (and
        other names), added to `products:` in salescli.yaml; a product already there keeps its entry.
        `unmatched` counts the products open deals name that the price list (as it would be) lacks."""
        from salescli import importer
        from salescli.pricelist import PriceList, Product

        table = self._table(file, sheet, whole=False)
        columns = importer.column_map(table.headers, _pairs(mapping, "--map"), importer.PRODUCT_HEADERS,
                                      importer.PRODUCT_TARGETS)
        _require(columns, ("product", "price"), file)
        plan = importer.plan_products(table.rows, columns, self.prices(), table.numbers)
        if not dry_run:
            self.add_products(plan.added, source=Path(file).name)
        prices = self.prices()
        if dry_run:  # the price list with the entries the import would add
            products = dict(prices.products)
            for name, entry in plan.added.items():
                price, aliases = (entry["price"], entry["aliases"]) if isinstance(entry, dict) else (entry, [])
                products[name] = Product(name, price, tuple(aliases))
            prices = PriceList(products)
        unmatched = prices.unmatched(deal.product for customer in self.customers() for deal in customer.open_deals)
        return SettingsImported(plan, tuple(importer.unused_columns(table.headers, columns)), dict(unmatched))

    def _table(self, file: str | os.PathLike[str], sheet: str | None, *, whole: bool) -> "Table":
        from salescli import exchange, safefile
        from salescli.importer import is_full_records

        path = Path(file)
        if not path.is_file():
            raise InvalidValue(_("{file}: no such file").format(file=path))
        # (read as every file is: a FIFO or a folder is refused, not waited on)
        content = safefile.read_bytes(path) if path.suffix.lower() == ".xlsx" else safefile.read_text(path)
        return exchange.read_table(path, content, sheet, whole=whole, is_full_records=is_full_records)

    def _dating(self, date: Day | None, future: bool) -> "Dating":
        from salescli.importer import Dating

        dating = Dating(self.today, self.date(date), future)
        dating.check([dating.default])
        return dating

    def _apply(self, plan: "Plan", customers: list[Customer], progress: Progress | None, *, total: int) -> None:
        """Write what an import plans — each new customer, then each update — the parse cache brought up to date
        once; a row that cannot be written is skipped (and said so in the plan), the others go on."""
        from salescli.importer import Skip

        done = 0

        def step(count: int) -> None:
            nonlocal done
            done += count
            if progress is not None:
                progress(done, total)

        with repository.batch():
            for create in list(plan.creates):
                try:
                    customers.append(self.create(create.name, create.values, create.items, customers=customers,
                                                 chosen_id=create.chosen_id))
                except (DataError, InvalidValue) as error:
                    plan.skips.append(Skip(create.row, error.message))
                    plan.creates.remove(create)  # reported as skipped, not as created
                step(1)
            for key, update in list(plan.updates.items()):
                if update.values or update.items:
                    path = self.path_of(update.customer)
                    try:
                        skipped = repository.update_customer(path, update.values, update.items)
                    except DataError as error:  # e.g. changed by hand since it was read: the other rows go on
                        plan.skips.extend(Skip(row, str(error)) for row in update.rows)
                        del plan.updates[key]
                        step(len(update.rows))
                        continue
                    for name in skipped:
                        update.kept.append(_("{key} (no such key in the file)").format(key=name))
                        del update.values[name]
                    if update.values or update.items:  # something was written
                        self.wrote(path, _("import into {customer}").format(customer=update.customer.name))
                step(len(update.rows))

    # ---- the price list ------------------------------------------------------------------------

    def prices(self) -> "PriceList":
        """The price list (`products:` in salescli.yaml): each product's list price and other names."""
        return self.settings.products

    def set_price(self, product: str, price: Amount, *, aliases: Sequence[str] = ()) -> "Product":
        """Set a product's list price — an open deal naming it without a target value is valued at it —
        adding the product (with other names it goes by) when the price list lacks it."""
        from salescli import yamlfile
        from salescli.pricelist import Product

        name, amount = str(product).strip(), _amount(price)
        if not name:
            raise InvalidValue(_("name the product"))
        if amount is None or amount <= 0:
            raise InvalidValue(_("a list price is above 0, not {price}").format(price=price))
        existing = self.prices().find(name)
        others = [str(alias).strip() for alias in aliases if str(alias).strip()]
        if existing is not None and any(existing is not self.prices().find(alias) for alias in others):
            raise InvalidValue(_("{product} is in the price list already: add other names to its `aliases:` in "
                                 "salescli.yaml").format(product=existing.name))
        written = written_amount(amount)

        def edit(text: str) -> str:
            if existing is None:
                return yamlfile.edit_profile(text, {("products", name): {"price": written, "aliases": others}
                                                    if others else written})
            try:
                return yamlfile.edit_profile(text, {("products", existing.name): written})
            except UnsafeWrite:  # written as {price: …, aliases: […]}: its price alone changes
                return yamlfile.edit_profile(text, {("products", existing.name, "price"): written})

        name = existing.name if existing else name

        self._change_settings(edit, _("price of {product}: {price}").format(product=name, price=amount))
        return Product(name, amount, existing.aliases if existing else tuple(others))

    def add_products(self, entries: Mapping[str, Any], *, source: str) -> None:
        """Add products to the price list (`importer.plan_products` makes the entries from a file)."""
        from salescli import yamlfile

        if entries:
            self._change_settings(lambda text: yamlfile.edit_profile(
                text, {("products", name): entry for name, entry in entries.items()}),
                                  _("import the price list from {file}").format(file=source))

    def add_team(self, entries: Mapping[str, Mapping[str, Any]], *, source: str) -> None:
        """Add reps to the team table (`team:` in salescli.yaml), each with its manager, office and quota
        (`import_team` makes the entries from a file)."""
        from salescli import yamlfile

        if entries:
            self._change_settings(lambda text: yamlfile.put_entries(text, "team", dict(entries)),
                                  _("import the team table from {file}").format(file=source))

    def _change_settings(self, edit: Callable[[str], str], message: str) -> None:
        datafolder.update_config(self.paths, edit)
        self.__dict__.pop("settings", None)
        self.wrote(self.paths.config_path, message)

    # ---- business cards (名片) ------------------------------------------------------------------

    def read_card(self, photo: str | os.PathLike[str] | bytes, *, customer: str | None = None,
                  company: str | None = None, person: str | None = None, file: str = "") -> CardReading:
        """Read a photo of a business card (a file, or its bytes with `file` naming it in messages):
        what it says (`card`: name, title, mobile, office phone, e-mail, address, company, department, and the
        fields to check) and whose card it is — `customer` as named, else the customer the card's
        company (or `company`) already is in the folder (中建三局第一建设工程有限责任公司 finds
        中建三局一公司), else None for a new one, with the customers whose names are near it; `person`
        is the person's name when typed (it wins over the card's). Writes nothing; `save_card` writes
        what it read (after any corrections). Needs `salescli[card]`."""
        from salescli import cardocr
        from salescli.card import parse

        data, shown = _photo_bytes(photo, file)
        card = parse(cardocr.read_lines(data, shown))
        if not card.text:
            raise InvalidValue(_("{file}: no text found on the photo; take it again, flat, sharp and filling the "
                                 "frame").format(file=shown))
        if person and person.strip():
            card = replace(card, name=person.strip(), unsure=tuple(key for key in card.unsure if key != "name"))
        if not card.name:
            raise InvalidValue(_("{file}: no name found on the card (the text read: {text}); type the person in "
                                 "with `salescli person CUSTOMER NAME --title … --mobile …`").format(
                file=shown, text=" / ".join(card.text[:6])))
        if company:
            card = replace(card, company=company.strip())
        if customer is not None:
            return CardReading(card, data, shown, self.customer(customer))
        found, near = self.company_customer(card.company or "")
        return CardReading(card, data, shown, found, tuple(near))

    def company_customer(self, company: str) -> tuple[Customer | None, list[matching.Named]]:
        """The customer a company's name already is (its name, without a company suffix, or its
        short form: 中建三局第一建设工程有限责任公司 is 中建三局一公司), and the customers whose names
        are near it (as `add` finds them)."""
        from salescli.card import same_company

        if not company.strip():
            return None, []
        customers = self.named()
        same, near = matching.similar(customers, company)
        if not same:
            same = [c for c in customers if same_company(c.name, company)]
        if len(same) == 1:
            return self.customer(same[0].id), []
        return None, [*same, *near]

    def save_card(self, reading: CardReading, *, keep_photo: bool = False, new: bool = False,
                  id: str | None = None, **fields: Any) -> CardSaved:
        """Write a card read by `read_card` (its `card` corrected with dataclasses.replace if need
        be): the person into the customer's key people — added, or their details updated — or, when
        the card's company is no customer yet, a new customer (`fields` and `id` as `add` takes them;
        NearName unless `new`) with its contact details from the card and the person in it. Each is
        one write. With `keep_photo`, the photo is kept beside the customer file and named in its log."""
        card = reading.card
        if not card.name or not card.name.strip():
            raise InvalidValue(_("the person needs a name"))
        person = {key: value for key in ("title", "mobile", "phone", "email") if (value := getattr(card, key))}
        if reading.customer is None:
            return self._card_customer(reading, person, keep_photo=keep_photo, new=new, id=id, fields=fields)
        customer = reading.customer
        if fields or id:
            self.warn(_("{customer} is already a customer: its profile stays as it is ({options} not used)").format(
                customer=customer.name, options=i18n.joined([*fields, *(["id"] if id else [])])))
        path = self.path_of(customer)
        index = profile.person_index(customer.get(profile.PEOPLE_KEY), card.name)
        rest = _card_rest(card, customer.name)
        if index is None and rest:
            person["note"] = rest
        details = {key: self._person_value(key, value) for key, value in person.items()}
        photo = self._photo_path(reading, customer.id, card.name) if keep_photo else None
        items = [self._photo_event(photo, card.name)] if photo else []
        added, after = repository.save_person(path, card.name.strip(), details, items)
        said = {"person": card.name.strip(), "customer": customer.name}
        self._keep_photo(reading, photo, said)
        self.wrote(path, (_("add {person} to {customer}") if added else _("update {person} of {customer}")).format(
            **said) + _(" (from a business card)"))
        return CardSaved(customer, after, card.name.strip(), added_customer=False, added_person=added, photo=photo)

    def _card_customer(self, reading: CardReading, person: dict[str, str], *, keep_photo: bool, new: bool,
                       id: str | None, fields: Mapping[str, Any]) -> CardSaved:
        """A new customer from a card: its name the card's company, the person in it."""
        card = reading.card
        assert card.name is not None
        if not card.company:
            raise InvalidValue(_("the card names no company: name the customer, `salescli add NAME --card PHOTO`, or "
                                 "add the person to one, `salescli person CUSTOMER --card PHOTO`"))
        self.check_name(card.company, new=new)
        contact = {"address": card.address, "department": card.department, "contact": card.name,
                   "phone": card.mobile or card.phone}
        given = {**{key: value for key, value in contact.items() if value}, **fields}
        chosen = self._new_id(self.named(), card.company, id)
        photo = self._photo_path(reading, chosen, card.name) if keep_photo else None
        notes = [given.pop("note", None), self._photo_event(photo, card.name)["note"] if photo else None]
        customer = self._add(card.company, id=chosen, new=True, people=[{"name": card.name, **person}],
                             note="; ".join(note for note in notes if note) or None, fields=given)
        self._keep_photo(reading, photo, {"person": card.name, "customer": customer.name})
        return CardSaved(customer, customer, card.name, added_customer=True, added_person=True, photo=photo)

    def _person_entry(self, person: Mapping[str, Any]) -> dict[str, Any]:
        entry = {key: self._person_value(key, value) for key, value in person.items() if value not in (None, "")}
        if not str(entry.get("name") or "").strip():
            raise InvalidValue(_("a key person needs a name: `- {name: 王强, …}`"))
        return entry

    def _person_value(self, key: str, value: Any) -> Any:
        """A key person's detail as `person` takes it (a phone checked, a birthday a date)."""
        field = next((field for field in profile.PERSON if field.key == key), None)
        if field is None or not isinstance(value, str):
            return value
        return field.parse(value, vocabularies=self.settings.vocabularies, today=self.today)

    def _photo_path(self, reading: CardReading, customer_id: str, person: str) -> Path:
        """Where a card's photo is kept: beside the customer file, under a name no file has yet
        (customers/ID.card-NAME.jpg, -2, -3 …)."""
        from salescli.ids import slug

        base, suffix = f"{customer_id}.card-{slug(person) or 'person'}", _photo_suffix(reading.photo)
        path, number = self.paths.customers / f"{base}{suffix}", 1
        while path.exists():
            number += 1
            path = path.with_name(f"{base}-{number}{suffix}")
        return path

    def _keep_photo(self, reading: CardReading, photo: Path | None, said: Mapping[str, str]) -> None:
        """Write the photo, once the customer file that names it is written (a photo is never left
        that no file names), and commit it as that file is."""
        from salescli import safefile

        if photo is None:
            return
        try:
            safefile.write_whole(photo, reading.photo, exclusive=True)
        except DataError as error:
            raise type(error)(_("{person} is written, but the photo could not be kept: {problem}").format(
                person=said["person"], problem=error.message), path=photo) from None
        self.wrote(photo, _("business card of {person} ({customer})").format(**said))

    def _photo_event(self, photo: Path, person: str) -> dict[str, Any]:
        from salescli.pipeline import event_item

        return event_item(EventKind.NOTE, self.today, FIRST_DEAL, note=_("business card of {person}: {file}").format(
            person=person, file=photo.name))

    def file_text(self, customer_id: str) -> str | None:
        """The text of the customer's file as it is now (None: it cannot be read as text); what
        `Written.between` compares before and after a write."""
        from salescli import safefile

        path = self.paths.customer_path(customer_id)
        try:
            return safefile.decoded(safefile.read_bytes(path), path)
        except (OSError, DataError):
            return None

    def source(self, customer: Customer | str) -> str:
        """The text of a customer's file, as it is now — what `salescli edit` opens in the editor."""
        from salescli import safefile

        found = self.customer(customer) if isinstance(customer, str) else customer
        return safefile.read_text(self.path_of(found))

    def check_text(self, customer_id: str, text: str) -> list[DataError]:
        """What `check` would find in `text` as that customer's file — the checks between files included
        (a referrer that does not exist, an id or a name taken), not the warning of a name like another's."""
        from salescli.check import infile, rules

        path = self.paths.customer_path(customer_id)
        result = infile.check_text(path, text, config=self.settings, today=self.today)
        if result.document is None:
            return result.problems
        others: dict[str, rules.Identifying | None] = {row.id: rules.Identifying(row.name, row.id, None)
                                                        for row in self.named() if row.id != customer_id}
        mine = rules.identifying(result.document, customer_id)
        if mine is not None and mine.referrer is not None and mine.referrer not in others:
            others[mine.referrer] = None  # customer files that did not load still count as existing ids
        across = [finding for finding in rules.across({**others, customer_id: mine})[customer_id]
                  if finding.code != rules.SIMILAR_NAME]  # (a warning, which `check` says: no reason to refuse a save)
        return result.problems + [infile.located(finding, path, text) for finding in across]

    def save_text(self, customer_id: str, before: str, text: str) -> Customer:
        """Save `text` as a customer's whole file (`salescli edit` on save), in place of `before` — refused
        (UnsafeWrite, nothing changed) when the file no longer holds `before`, and (DataError, the first
        problem, with its line) when `text` has a problem `check_text` finds that `before` did not have."""
        known = {(problem.code, problem.message) for problem in self.check_text(customer_id, before)}
        new = [problem for problem in self.check_text(customer_id, text)
               if (problem.code, problem.message) not in known]
        if new:
            raise new[0]
        path = self.paths.customer_path(customer_id)
        customer = repository.replace_customer(path, before, text)
        self.wrote(path, _("edit {customer}").format(customer=customer.name))
        return customer

    def undo(self, written: Written) -> Customer:
        """Take a write back (`Written.between` the file's text before and after it): the file holds
        again what it held before, byte for byte, and the parse cache and git follow as after any
        write. Refused (UnsafeWrite, nothing changed) when the file changed since that write."""
        path = self.paths.customer_path(written.customer)
        text = self.file_text(written.customer)
        if text is None or _digest(text) != written.digest or \
                text[written.at:written.at + len(written.text)] != written.text:
            raise UnsafeWrite(_("the file changed since that write (another write, a command or an editor); "
                                "nothing was undone"), path=path)
        before = text[:written.at] + text[written.at + len(written.text):]
        customer = repository.replace_customer(path, text, before)
        self.wrote(path, _("undo a write to {customer}").format(customer=customer.name))
        return customer

    # ---- figures ----------------------------------------------------------------------------

    def forecast(self, month: "Month | str | None" = None, *, quota: Amount | None = None,
                 probabilities: Mapping[Stage, float] | None = None, window: int | None = None,
                 customers: Sequence[Customer] | None = None, model: str | None = None) -> Forecast:
        """A month's forecast (default: this month) by the model salescli.yaml's `forecast:` chooses (or
        `model`: auto, stages or history): won, the weighted pipeline and best case, each part's
        contribution, the open deals left out and why, the output formula measured over `window`
        working days, and with a `quota` the gap and the visits a day it takes — `salescli forecast --month`."""
        from salescli import forecast
        from salescli.pricelist import Valuation

        if window is not None and window < 1:
            raise InvalidValue(_("--window must be at least 1 working day"))
        chosen = self.month(month)
        self._warn_unknown_years(chosen)
        settings = self.settings
        customers = self.customers() if customers is None else customers
        weights = dict(settings.probabilities if probabilities is None else probabilities)
        found = forecast.month_forecast(
            customers, chosen, today=self.today, calendar=settings.calendar, probabilities=weights,
            categories=settings.categories, target_visits_per_day=settings.visits_per_day,
            window_days=forecast.DEFAULT_WINDOW if window is None else window,
            valuation=Valuation(settings.products), learned=self.learned(customers, weights, model=model))
        return Forecast(found, _amount(quota))

    def forecasts(self, month: "Month | str | None" = None, count: int = 6, *, quota: Amount | None = None,
                  probabilities: Mapping[Stage, float] | None = None, window: int | None = None,
                  customers: Sequence[Customer] | None = None, model: str | None = None) -> list[Forecast]:
        """`count` months' forecasts from `month` (the customers read once) — `forecast --months`."""
        if count < 1:
            raise InvalidValue(_("--months must be at least 1"))
        start = self.month(month)
        customers = self.customers() if customers is None else customers
        return [self.forecast(start.next(offset), quota=quota, probabilities=probabilities, window=window,
                              customers=customers, model=model) for offset in range(count)]

    def learned(self, customers: Sequence[Customer] | None = None, probabilities: Mapping[Stage, float] | None = None,
                *, model: str | None = None, today: Day | None = None) -> "learning.Learned":
        """What the folder's history teaches the forecast as of `today` (default: the Folder's), and which
        model and season it takes (learning.py) — worked out once for the same customers."""
        from salescli import learning
        from salescli.pricelist import Valuation

        settings = self.settings
        customers = self.customers() if customers is None else customers
        weights = dict(settings.probabilities if probabilities is None else probabilities)
        day = self.date(today)
        key = (id(customers), tuple(sorted((stage.value, p) for stage, p in weights.items())), model, day)
        known = self.__dict__.setdefault("_learned", {})
        if key not in known:
            chosen = settings.forecast if model is None else self._model_settings(model)
            known.clear()  # (one set of customers at a time: a Folder may be long-lived)
            kept = self._kept_as(customers, (sorted((stage.value, p) for stage, p in weights.items()), model,
                                             day.toordinal(), repr(chosen), repr(settings.calendar),
                                             repr(settings.products)))
            found = None if kept is None else repository.load_figure(self.paths, "learned", kept)
            learned = learning.Learned.restored(found, settings.products) if found is not None else \
                learning.learn(customers, today=day, calendar=settings.calendar, probabilities=weights,
                               valuation=Valuation(settings.products), settings=chosen)
            if kept is not None and found is None:
                repository.save_figure(self.paths, "learned", kept, learned.plain())
            known[key] = (customers, learned)
        return known[key][1]  # type: ignore[no-any-return]

    def _kept_as(self, customers: Sequence[Customer], inputs: Any) -> bytes | None:
        """What a figure of all `customers` and these `inputs` is kept under in the parse cache: the files'
        digest (when `customers` are this Folder's own read of them) and the inputs; None: not kept."""
        # (the web page's Folder has a `_read` of its own)
        read, digest = self.__dict__.get("_read_digest", (None, None))
        if customers is not read or digest is None:
            return None
        return hashlib.blake2b(digest + repr(inputs).encode("utf-8"), digest_size=16).digest()

    def _model_settings(self, model: str) -> "ForecastSettings":
        """salescli.yaml's forecast settings with another model (--model)."""
        if model not in MODELS:
            raise InvalidValue(_("--model must be one of {models}, not '{model}'").format(
                models=i18n.joined(MODELS), model=model))
        return replace(self.settings.forecast, model=model)

    def calibration(self) -> list["StageRate"]:
        """Each stage of your history: the deals that reached it, the share that moved on, the share won,
        the median days in it, beside the configured probability."""
        from salescli import calibration

        return calibration.calibrate((deal for customer in self.customers() for deal in customer.deals),
                                     self.settings.probabilities, day=self.today)

    def probabilities(self, rates: Sequence["StageRate"] | None = None) -> dict[Stage, float]:
        """The chance of a close by stage that a forecast weights deals by: salescli.yaml's, or — given the
        `calibration()` rates — your history's (`forecast --use-history`)."""
        from salescli import calibration

        return calibration.historical_probabilities(rates) if rates is not None else dict(self.settings.probabilities)

    def breakdown(self, result: "MonthForecast", by: str) -> list["Group"]:
        """A month's forecast by owner, product, manager, office or a profile key (`forecast --by`): each
        group's deals, won, weighted, new, expected, best case and omitted; warned of when no customer has
        a value for the key."""
        from salescli import forecast

        grouping = self.dimension(by)
        groups = forecast.breakdown(result, grouping)
        self._warn_unmatched(grouping, [group.key for group in groups if not group.not_attributed])
        return groups

    def backtest(self, month: "Month | str | None" = None, count: int = 6, *,
                 probabilities: Mapping[Stage, float] | None = None, customers: Sequence[Customer] | None = None,
                 use_history: bool = False, by_owner: bool = False, model: str | None = None
                 ) -> list["BacktestRow"]:
        """Each of the `count` months before `month` forecast as the folder stood on its eve (its rates,
        with `use_history`, learned from the deals decided by then), beside what it won and the two naive
        forecasts (last month; the mean of the last three) — per rep with `by_owner`."""
        from salescli import backtest, forecast, history, learning
        from salescli.customer import deal_owner
        from salescli.pricelist import Valuation

        if count < 1:
            raise InvalidValue(_("--backtest must be at least 1 month"))
        end, settings = self.month(month), self.settings
        configured = dict(settings.probabilities if probabilities is None else probabilities)
        chosen = settings.forecast if model is None else self._model_settings(model)
        customers = self.customers() if customers is None else customers
        months = [end.next(-offset) for offset in range(count, 0, -1)]
        deals = [(deal, deal_owner(customer, deal)) for customer in customers for deal in customer.deals]
        span = [months[0].next(offset)
                for offset in range(-max(chosen.months, 3), count)]  # (and the months learned from)
        found = history.history(deals, span, calendar=settings.calendar, valuation=Valuation(settings.products))

        def predict(chosen_month: "Month", eve: date) -> tuple[Any, Any]:
            weights = learning.rates(found, configured, eve) if use_history else configured
            learned = learning.learn_from(found, today=eve, probabilities=weights, prices=settings.products,
                                          settings=chosen)
            return forecast.on_eve(found, found.months.index(chosen_month), learned, weights,
                                      by_owner=by_owner), learned

        first = min((customer.first_seen for customer in customers if customer.first_seen), default=None)
        return backtest.backtest(found, months, today=self.today, first=first, forecast=predict, by_owner=by_owner)

    def month(self, value: "Month | str | None") -> "Month":
        """A month as given (2026-12, a Month); None or "current": this month."""
        from salescli.workdays import Month

        if isinstance(value, Month):
            return value
        if value is None or value == "current":
            return Month.of(self.today)
        if isinstance(value, date):
            return Month.of(value)
        try:
            return Month.parse(str(value))
        except ValueError:
            raise InvalidValue(_("'{text}' is not a month; write it as YYYY-MM (e.g. 2026-12)").format(
                text=value)) from None

    def _warn_unknown_years(self, month: "Month") -> None:
        calendar = self.settings.calendar
        for year in calendar.unknown_years(min(month.first, self.today), month.last):
            self.warn(_("China's official holidays for {year} are not in salescli's calendar yet; counting "
                        "Monday–Friday (add days off under `calendar:` in salescli.yaml)").format(year=year))

    def schedule(self, start: Day | None = None, days: int = 7) -> "Route":
        """The visits of `days` days from `start` (default: today), one area a day, at most the
        visits a day of salescli.yaml — `salescli schedule`."""
        from salescli import schedule

        if not isinstance(days, int) or isinstance(days, bool) or days < 1:
            raise InvalidValue(_("--days must be at least 1"))
        if days > MOST_DAYS:
            raise InvalidValue(_("--days must be at most {most}").format(most=MOST_DAYS))
        first = self.date(start)
        per_day = max(1, int(self.settings.visits_per_day))
        return schedule.route(self.customers(), start=first, end=first + timedelta(days=days - 1),
                                today=self.today, calendar=self.settings.calendar, per_day=per_day)

    def visit_plan(self, customer: str, *, deal: str | None = None) -> VisitPlan:
        """One deal's visits from today to its target date, by the three phases of the sale (售前,
        售中, 售后) — `salescli schedule CUSTOMER`. Visits that fall on or after the target date are
        warned of: too few working days left."""
        from salescli import schedule
        from salescli.i18n import ngettext
        from salescli.pipeline import choose_deal

        found = self.customer(customer)
        chosen = choose_deal(found, deal)
        if chosen is None:
            raise InvalidValue(_("{customer} has no deal to plan").format(customer=found.name))
        visits = schedule.customer_plan(found, chosen, today=self.today, calendar=self.settings.calendar)
        late = [visit for visit in visits
                if visit.kind == "plan" and chosen.target_date and visit.day >= chosen.target_date]
        if late:
            self.warn(ngettext("{count} visit falls on or after the target date {date}: too few working days left "
                               "— move the target with `salescli target`",
                               "{count} visits fall on or after the target date {date}: too few working days left "
                               "— move the target with `salescli target`", len(late)).format(
                count=len(late), date=chosen.target_date))
        return VisitPlan(found, chosen, tuple(visits))

    def calendar(self, visits: Sequence["PlannedVisit"], *, to: str | os.PathLike[str] | None = None) -> bytes:
        """Visits as an iCalendar file (`salescli schedule --ics FILE`): an all-day event each, with a UID that
        stays the same, so that importing a newer plan updates the events; `to` writes it to that file."""
        from salescli import calendar_file, safefile

        data = calendar_file.ics(visits, today=self.today, language=self.language)
        if to is not None:
            safefile.write_file(Path(to), data)
        return data

    def next_visit(self, customer: Customer, deal: Deal) -> "PlannedVisit | None":
        """A deal's next visit, as `show`, `prep` and the route say it: the one agreed (overdue or not)
        before the plan's; None when there is none to make."""
        from salescli import schedule

        return schedule.next_visit(customer, deal, today=self.today, calendar=self.settings.calendar)

    def report(self, name: str, *, since: Day | None = None, until: Day | None = None,
               by: str | None = None) -> Any:
        """One report of `salescli report`: "funnel" (FunnelSteps; with `by`, a dict of them per
        group), "winrate" (WinRates by `by`, default channel), "stale" (StaleDeals), "sources"
        (SourceRows by `by`, default source) or "parties" (MissingParties). `since`/`until` bound
        the period."""
        from salescli import network, reports

        period = self._period(since, until)
        customers = self.customers()
        if name == "funnel":
            if by is None:
                return reports.funnel(customers, period)
            grouping = self.dimension(by)
            groups = reports.funnels(customers, grouping, period)
            self._warn_unmatched(grouping, list(groups))
            return groups
        if name == "winrate":
            grouping = self.dimension(by or "channel")
            rates = reports.win_rates(customers, grouping, period)
            self._warn_unmatched(grouping, [rate.key for rate in rates])
            return rates
        if name == "sources":
            return reports.sources(customers, period, dimension=self.dimension(by or "source"))
        if name == "stale":
            return reports.stale(customers, today=self.today, limits=self.settings.stale_days)
        if name == "parties":
            return network.missing_parties(customers)
        raise InvalidValue(_("no report '{name}'; use one of: {names}").format(
            name=name, names=i18n.joined(REPORTS)))

    def dimension(self, by: str) -> "Dimension":
        """What a report or a forecast groups by (`--by`): owner, product, manager, office or a profile key
        (by key or label); `key` is the profile key whose vocabulary labels its groups."""
        from salescli.dimensions import dimension

        return dimension(by, self.settings.team)

    def _period(self, since: Day | None, until: Day | None) -> "reports.Period":
        from salescli import reports

        return reports.Period(self.date(since) if since not in (None, "") else None,
                              self.date(until) if until not in (None, "") else None)

    def _warn_unmatched(self, grouping: "Dimension", keys: list[str | None]) -> None:
        """Warn, as the command line does, when no customer has a value for the key grouped by."""
        from salescli.dimensions import unmatched

        warning = unmatched(grouping, keys)
        if warning:
            self.warn(warning)

    def reports(self, since: Day | None = None, until: Day | None = None, *, by: str = "channel",
                sources_by: str = "source", parties: bool = False) -> Reports:
        """Every report at once (the customers read once): the web page's reports view."""
        from salescli import network, reports

        period = self._period(since, until)
        customers = self.customers()
        return Reports(
            funnel=tuple(reports.funnel(customers, period)),
            win_rates=tuple(reports.win_rates(customers, self.dimension(by), period)),
            sources=tuple(reports.sources(customers, period, dimension=self.dimension(sources_by))),
            stale=tuple(reports.stale(customers, today=self.today, limits=self.settings.stale_days)),
            parties=tuple(network.missing_parties(customers)) if parties else None)

    # ---- what the writes share --------------------------------------------------------------

    def profile_values(self, fields: Mapping[str, Any]) -> dict[str, Any]:
        """Profile values given by key, label or option name, as the file stores them: checked by
        kind, a referrer as its id (which also means the referral channel)."""
        values: dict[str, Any] = {}
        for key, given in fields.items():
            if given is None or (isinstance(given, str) and not given.strip()):
                continue
            field = _field(key)
            text = given.isoformat() if isinstance(given, date) else str(given)
            if field.kind is profile.Kind.CUSTOMER:
                values[field.key] = self.customer(text).id
                continue
            try:
                values[field.key] = field.parse(text, vocabularies=self.settings.vocabularies, today=self.today)
            except InvalidValue as error:
                prefix = f"{field.key}: "
                raise InvalidValue(f"{field.option}: {error.message.removeprefix(prefix)}"
                                   if field.option and error.message.startswith(prefix) else error.message) from None
        if values.get("referred_by"):
            values.setdefault("channel", "referral")
        return values

    def profile_changes(self, assignments: Sequence[str], unset: Sequence[str], *, custom: bool,
                        customer: str = "CUSTOMER") -> dict[str, Any]:
        """The profile changes KEY=VALUE pairs ask for, checked (for `set` and `visit --learned` of
        `customer`, whose id a refusal's hint names)."""
        return profile.changes(list(assignments), list(unset), custom=custom, vocabularies=self.settings.vocabularies,
                               today=self.today, customer_id=lambda reference: self.customer(reference).id,
                               customer=customer)

    def vocabulary_key(self, name: str, text: str | None) -> str | None:
        """The stored key for a classification value typed in either language."""
        if text is None or text.strip() == "":
            return None
        return self.settings.vocabulary(name).resolve(text).key

    def question(self, items: Sequence[Mapping[str, Any]], *, customer: Customer | None = None,
                 future: bool | None = False) -> None:
        """Before a write: refuse an event dated after today (unless `future`), warn of odd values."""
        from salescli.pipeline import question

        for warning in question(items, today=self.today, customer=customer, future=future):
            self.warn(warning)

    def wrote(self, path: Path, message: str) -> None:
        """After a write: commit that file alone when asked to (or git.autocommit says so). A commit that
        fails is a warning, not an error: the write stands, and a command run again for an error would
        make it twice; `salescli sync` commits what is pending."""
        if self.commit if self.commit is not None else self.settings.autocommit:
            from salescli.gitops import commit_file

            try:
                commit_file(self.paths.root, path, message)
            except DataError as error:
                self.warn(_("{problem}; the change is written and stays uncommitted until `salescli sync` (or "
                            "`git commit`)").format(problem=error))

    def _new_id(self, customers: Sequence[matching.Named], name: str, chosen: str | None) -> str:
        from salescli.ids import slug, unique_id, validate_id

        taken = {c.id for c in customers} | {path.stem for path in self.paths.customer_files()}
        if chosen:
            validate_id(chosen)
            if chosen in taken:
                raise InvalidValue(_("the id '{id}' is taken; choose another with --id").format(id=chosen))
            return chosen
        return unique_id(slug(name), taken)

    def _first_events(self, stage: str | Stage, value: Amount | None, by: Day | None, when: Day | None,
                      note: str | None) -> list[dict[str, Any]]:
        from salescli.pipeline import event_item, parse_target

        start = stage if isinstance(stage, Stage) else parse_target(str(stage))
        if not isinstance(start, Stage) or start in (Stage.CLOSE, Stage.SERVICE):
            raise InvalidValue(_("a new customer starts at one of the stages before close; add it, then `salescli "
                                 "advance NAME close --value V`"))
        day = self.date(when)
        items = [event_item(EventKind.ADDED, day, FIRST_DEAL, stage=start.value, note=note)]
        if value is not None or by is not None:
            items.append(event_item(EventKind.TARGET, day, FIRST_DEAL, value=_amount(value),
                                    by=self.date(by) if by is not None else None))
        return items


REPORTS = ("funnel", "winrate", "stale", "sources", "parties")
EXPORTS = ("csv", "xlsx", "json")


def _photo_bytes(photo: str | os.PathLike[str] | bytes, name: str) -> tuple[bytes, str]:
    """A card's photo as bytes, and how to name it in messages (`name`, else the file's path); a
    file too large is refused before it is read."""
    from salescli import safefile
    from salescli.cardocr import MOST_MEGABYTES
    from salescli.errors import NotFound, display_path

    if isinstance(photo, (bytes, bytearray)):
        return bytes(photo), name or _("the photo")
    path = Path(photo).expanduser()
    shown = name or display_path(path)
    try:
        if path.stat().st_size > MOST_MEGABYTES * 1024 * 1024:
            raise InvalidValue(_("{file} is {size:.0f} MB; a card's photo can be at most {most} MB (take it again at "
                                 "a lower resolution)").format(file=shown, size=path.stat().st_size / 1024 / 1024,
                                                               most=MOST_MEGABYTES))
        return safefile.read_bytes(path), shown  # (a FIFO or a device is refused, not waited on)
    except FileNotFoundError:
        raise NotFound(_("no photo {file}").format(file=shown)) from None
    except IsADirectoryError:
        raise InvalidValue(_("{file} is a folder, not a photo").format(file=shown)) from None
    except OSError as error:
        raise InvalidValue(_("{file} cannot be read: {problem}").format(file=shown, problem=error.strerror)) from None


def _photo_suffix(data: bytes) -> str:
    """The file ending a photo's bytes call for."""
    for start, suffix in ((b"\xff\xd8", ".jpg"), (b"\x89PNG", ".png"), (b"GIF8", ".gif"), (b"BM", ".bmp")):
        if data.startswith(start):
            return suffix
    if data[8:12] == b"WEBP":
        return ".webp"
    if data[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1"):
        return ".heic"
    return ".img"


def _card_rest(card: "Card", customer: str) -> str | None:
    """What a card says that a key person's entry has no field for (its department and address, the
    company when it is not the customer's name), kept as the person's note."""
    from salescli.card import same_company

    parts = [card.company if card.company and not same_company(card.company, customer)
             and matching.core_name(card.company) != matching.core_name(customer) else None,
             card.department, card.address]
    kept = [part for part in parts if part]
    return _("business card: {details}").format(details="; ".join(kept)) if kept else None


def _speaking(method: Callable[..., Any]) -> Callable[..., Any]:
    """`method` run in its Folder's language, and the language before restored after it: the language
    is the process's, and one Folder's must not become another's."""
    @functools.wraps(method)
    def speaking(self: Folder, *args: Any, **kwargs: Any) -> Any:
        before = i18n.language()
        i18n.use(self.language)
        try:
            return method(self, *args, **kwargs)
        finally:
            i18n.use(before)

    return speaking


for _name, _member in list(vars(Folder).items()):  # (every method a user calls; not warn, tell, find, reload)
    if callable(_member) and not _name.startswith("_") and _name not in ("warn", "tell", "find", "reload"):
        setattr(Folder, _name, _speaking(_member))


@dataclass(frozen=True)
class Merged:
    """A customer file merged (`merge_versions`): `conflicts` names what both sides changed differently (its
    markers are in the file); or, when salescli could not merge it (`problem`: a version not UTF-8 text
    — `not_utf8`, never a clean merge — not valid YAML, or a merge that would not read back as meant), git's
    line merge did, leaving conflict markers (`line_conflicts`) or not."""

    conflicts: tuple[str, ...] = ()
    problem: str | None = None
    line_conflicts: bool = False
    not_utf8: bool = False

    @property
    def clean(self) -> bool:
        return not (self.conflicts or self.line_conflicts or self.not_utf8)


def merge_versions(base: str | os.PathLike[str], ours: str | os.PathLike[str], theirs: str | os.PathLike[str],
                   name: str | None = None) -> Merged:
    """Merge two versions of a customer file against their common ancestor, as git's merge driver
    (`salescli merge-file`), into `ours`: log events either side added are kept, the profile merged
    key by key and the key people person by person; what both sides changed differently gets conflict
    markers around it alone. `name` is the file as messages name it (default: `ours`)."""
    from salescli import gitops, safefile
    from salescli.errors import UnsafeMerge, YamlProblem
    from salescli.merge import merge_texts

    paths = [Path(base), Path(ours), Path(theirs)]
    shown = name or str(ours)
    data = [safefile.read_bytes(path) for path in paths]
    try:
        texts = [_utf8(content, side) for content, side in zip(data, _SIDES)]
        result = merge_texts(*texts, line_merge=gitops.line_merge)
    except (YamlProblem, UnsafeMerge, DataError) as reason:
        problem = reason.message if isinstance(reason, (YamlProblem, DataError)) else str(reason)
        conflicted = gitops.merge_file_by_lines(paths[0], paths[1], paths[2], shown)
        return Merged(problem=problem, line_conflicts=bool(conflicted), not_utf8=isinstance(reason, _NotUtf8))
    safefile.write_file(paths[1], result.text.encode("utf-8"))
    return Merged(tuple(result.conflicts))


class _NotUtf8(DataError):
    """One version of the file is not UTF-8 text (an editor saved it as GBK, say)."""


# the three versions, as a message names them
_SIDES = (i18n.N_("the common ancestor"), i18n.N_("ours"), i18n.N_("theirs"))


def _utf8(data: bytes, side: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise _NotUtf8(_("{side} is not UTF-8 text (byte {byte})").format(side=_(side), byte=error.start)) from None


def find_by_name(customers: Sequence[matching.AnyNamed], name: str) -> matching.AnyNamed | None:
    """The customer of that name, ignoring case, spaces, full-width forms and a company suffix."""
    same = matching.similar(customers, name)[0]
    return same[0] if same else None


def _refuse_duplicate_name(customers: Sequence[matching.Named], name: str, *, new: bool) -> None:
    if not name.strip():
        raise InvalidValue(_("the customer needs a name"))
    same, near = matching.similar(customers, name)
    if same:
        raise InvalidValue(_("{customer} is already a customer ({id}); `salescli show {id}`").format(
            customer=same[0].name, id=same[0].id))
    if near and not new:
        listed = i18n.joined((i18n.beside(c.name, c.id) for c in near[:5]), "; ")
        raise NearName(_("{name} may already be in the folder as {listed}; if it is another customer, add it with "
                         "--new").format(name=name, listed=listed), near)


def _visit_move(customer: Customer, stage: str | Stage | None, deal_name: str, *, day: date,
                value: Decimal | None, target_value: Decimal | None, reason: str | None) -> "Move | None":
    """The stage move a visit reached, as `advance` would append it (None: no move)."""
    from salescli.pipeline import advance, parse_target

    wanted = stage if isinstance(stage, Stage) or stage is None else parse_target(str(stage))
    if wanted is None:
        return None
    current = customer.deal(deal_name)
    if isinstance(wanted, Stage) and current is not None and current.is_open and current.stage is wanted:
        return None  # a further visit at the same stage
    won = value if value is not None else target_value
    return advance(customer, wanted, when=day, deal_name=deal_name if current else None, value=won, reason=reason)


def written_amount(amount: Decimal) -> int | str:
    """An amount as salescli.yaml holds it: a whole number plainly, else its decimal text."""
    return int(amount) if amount == amount.to_integral_value() else str(amount)


def _amount(value: Amount | None) -> Decimal | None:
    """An amount as given: 48000, Decimal('4.8e4'), "4.8万", "五万"."""
    if value is None:
        return None
    if isinstance(value, (Decimal, float)):
        return parse_money(format(value, "f"))  # (the checks typed amounts get: not negative, finite, in range)
    return parse_money(str(value))


def _assignments(values: Mapping[str, Any] | Sequence[str]) -> list[str]:
    """KEY=VALUE strings from a mapping ({"funds.vendor": "广联达"}) or as given; None values left
    to `_emptied`."""
    if isinstance(values, Mapping):
        for key, value in values.items():
            if isinstance(value, (Mapping, list, tuple, set)):
                raise InvalidValue(_("{key}: give one value (a text, a number or a date), not several; set a "
                                     "group's values by their dotted keys, e.g. contact.phone").format(key=key))
        return [f"{key}={value.isoformat() if isinstance(value, date) else value}"
                for key, value in values.items() if value is not None]
    if isinstance(values, str):
        return [values]
    return [str(item) for item in values]


def _emptied(values: Mapping[str, Any] | Sequence[str]) -> list[str]:
    return [key for key, value in values.items() if value is None] if isinstance(values, Mapping) else []


def _field(key: str) -> profile.Field:
    """A profile field by key, option name (contact, decision_maker) or label (联系人)."""
    for known in profile.PROFILE:
        if known.option and known.option.lstrip("-").replace("-", "_") == key:
            return known
    return profile.field_for(key)


def _pairs(pairs: Pairs, option: str) -> dict[str, str]:
    from salescli.importer import parse_pairs

    return dict(pairs) if isinstance(pairs, Mapping) else parse_pairs([pairs] if isinstance(pairs, str) else
                                                                       list(pairs), option)


def _require(columns: Mapping[str, str], needed: tuple[str, ...], file: str | os.PathLike[str]) -> None:
    missing = [field for field in needed if field not in columns.values()]
    if missing:
        raise InvalidValue(_("{file}: no column for {fields}; name it with --map COLUMN={field}").format(
            file=Path(file), fields=i18n.joined(missing), field=missing[0]))


def _person_details(details: Mapping[str, Any]) -> dict[profile.Field, Any]:
    """A key person's details by key (title, mobile …), each with its field."""
    fields = {field.key: field for field in profile.PERSON}
    unknown = [key for key in details if key not in fields or key == "name"]
    if unknown:
        raise InvalidValue(_("a key person has no detail {keys}; the details are {known}").format(
            keys=i18n.joined(unknown), known=i18n.joined(key for key in fields if key != "name")))
    return {fields[key]: value for key, value in details.items()}


MOST_DAYS = 3660  # of a schedule (as `salescli schedule --days` takes)


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _day(value: Any, *, today: date) -> date:
    """A day as given — typed (2026-12-01, 下周一) or a `date` — with the range typed dates get; a
    `datetime` is its day."""
    if isinstance(value, date):
        value = value.isoformat()[:10]  # (through the text: the same range as a typed date)
    return parse_date(str(value), today=today)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _plain_id(reference: str) -> bool:
    text = reference.strip()
    return bool(text) and "/" not in text and "\\" not in text and not text.startswith(".")


# ---- the core's types and helpers, for the command line and the web page ----------------------
# (a deliberate public surface, as sqlite-utils exposes its types: the layers above import them from here)

from salescli.customer import Event, Status, event_name  # noqa: E402
from salescli.datafolder import FolderPaths, customer_names, find_data_folder  # noqa: E402
from salescli.information import item_value, missing  # noqa: E402
from salescli.matching import Named  # noqa: E402
from salescli.parsing import format_money  # noqa: E402
from salescli.pipeline import Move, choose_deal, describe, parse_target, target_summary  # noqa: E402
from salescli.pricelist import TARGET, PriceList, Product  # noqa: E402
from salescli.profile import BY_KEY, GROUPS, KEYS, PEOPLE_KEY, PERSON, PROFILE, Field, Kind, birthday_in, month_day  # noqa: E402
from salescli.repository import forget  # noqa: E402  (what a long-lived process calls between requests)
from salescli.vocab import ROLES  # noqa: E402
from salescli.workdays import Month  # noqa: E402

# The core's parts a command of its own needs, imported when first asked for (`from salescli.api import
# MonthForecast`): a run imports only the modules its command uses.
LAZY = {  # the name here: its module, and its name there (the schedule's Visit is a PlannedVisit here)
    "SIMILAR_NAME": ("check.rules", "SIMILAR_NAME"),
    **{name: ("network", name) for name in ("MissingParties", "ReferralNode", "Related")},
    **{name: ("reports", name) for name in ("FunnelStep", "SourceRow", "StaleDeal", "WinRate", "stale")},
    **{name: ("schedule", name) for name in ("Route", "goal", "phase_name", "phase_word")},
    "PlannedVisit": ("schedule", "Visit"),
    **{name: ("forecast", name) for name in ("DEFAULT_WINDOW", "DealLine", "Formula", "Group", "MonthForecast",
                                             "NO_DATE", "NO_VALUE", "NO_WON_EVENT", "OVERDUE", "gap")},
    **{name: ("history", name) for name in ("DUE", "NEW", "UNDATED")},
    "HISTORY": ("learning", "HISTORY"),
    "Snapshot": ("snapshot", "Snapshot"),
    "Card": ("card", "Card"),
    "CARD_FIELDS": ("card", "FIELDS"),  # (a card's fields; the card reader's below)
    "CARD_MOST_MEGABYTES": ("cardocr", "MOST_MEGABYTES"),
    "card_reader": ("cardocr", "available"),
    "card_reader_missing": ("cardocr", "missing"),
    **{name: ("calibration", name) for name in ("MIN_HISTORY", "StageRate")},
    **{name: ("backtest", name) for name in ("BacktestRow", "LAST_MONTH", "MEAN_OF_THREE", "MODEL", "accuracy")},
    **{name: ("exchange", name) for name in ("DEAL_COLUMNS", "deal_record", "full_record")},
    **{name: ("importer", name) for name in ("Plan", "ProductPlan", "Skip", "TeamPlan")},
}

if TYPE_CHECKING:
    from salescli.backtest import LAST_MONTH as LAST_MONTH
    from salescli.backtest import MEAN_OF_THREE as MEAN_OF_THREE
    from salescli.backtest import MODEL as MODEL
    from salescli.backtest import BacktestRow as BacktestRow
    from salescli.backtest import accuracy as accuracy
    from salescli.calibration import MIN_HISTORY as MIN_HISTORY
    from salescli.calibration import StageRate as StageRate
    from salescli.card import FIELDS as CARD_FIELDS
    from salescli.card import Card as Card
    from salescli.cardocr import MOST_MEGABYTES as CARD_MOST_MEGABYTES
    from salescli.cardocr import available as card_reader
    from salescli.cardocr import missing as card_reader_missing
    from salescli.check.rules import SIMILAR_NAME as SIMILAR_NAME
    from salescli.exchange import DEAL_COLUMNS as DEAL_COLUMNS
    from salescli.exchange import deal_record as deal_record
    from salescli.exchange import full_record as full_record
    from salescli.forecast import DEFAULT_WINDOW as DEFAULT_WINDOW
    from salescli.forecast import NO_DATE as NO_DATE
    from salescli.forecast import NO_VALUE as NO_VALUE
    from salescli.forecast import NO_WON_EVENT as NO_WON_EVENT
    from salescli.forecast import OVERDUE as OVERDUE
    from salescli.forecast import DealLine as DealLine
    from salescli.forecast import Formula as Formula
    from salescli.forecast import Group as Group
    from salescli.forecast import MonthForecast as MonthForecast
    from salescli.forecast import gap as gap
    from salescli.history import DUE as DUE
    from salescli.history import NEW as NEW
    from salescli.history import UNDATED as UNDATED
    from salescli.importer import Plan as Plan
    from salescli.importer import ProductPlan as ProductPlan
    from salescli.importer import Skip as Skip
    from salescli.importer import TeamPlan as TeamPlan
    from salescli.learning import HISTORY as HISTORY
    from salescli.network import MissingParties as MissingParties
    from salescli.network import ReferralNode as ReferralNode
    from salescli.network import Related as Related
    from salescli.reports import FunnelStep as FunnelStep
    from salescli.reports import SourceRow as SourceRow
    from salescli.reports import StaleDeal as StaleDeal
    from salescli.reports import WinRate as WinRate
    from salescli.reports import stale as stale
    from salescli.schedule import Route as Route
    from salescli.schedule import Visit as PlannedVisit
    from salescli.schedule import goal as goal
    from salescli.schedule import phase_name as phase_name
    from salescli.schedule import phase_word as phase_word
    from salescli.snapshot import Snapshot as Snapshot


def __getattr__(name: str) -> object:
    if name not in LAZY:
        raise AttributeError(f"module 'salescli.api' has no attribute '{name}'")
    from importlib import import_module

    module, attribute = LAZY[name]
    value = getattr(import_module(f"salescli.{module}"), attribute)
    globals()[name] = value
    return value


__all__ = [
    # the API's own
    "CardReading", "CardSaved", "Change", "Exported", "Folder", "Forecast", "Imported", "Made", "Merged", "NearName",
    "Party", "PersonSaved", "SettingsImported", "Reports", "Target",
    "Visit", "VisitPlan", "ZeroValue",
    "merge_versions",
    # the core's, for the layers above
    "BY_KEY", "Customer", "Deal", "Event", "EventKind", "FIRST_DEAL", "Field", "GROUPS", "Kind", "PERSON", "PROFILE",
    "AMOUNTS", "Columns", "Config", "MODELS", "Filters", "Others", "Row", "Summary", "filter_rows", "row", "decimals",
    "summarize", "summarize_deals", "FolderPaths", "KEYS", "Named", "PEOPLE_KEY", "ROLES", "birthday_in", "choose_deal",
    "item_value",
    "missing", "month_day", "Move", "describe", "parse_target", "target_summary", "TARGET", "PriceList", "Product",
    "Month", "parse_date", "parse_money", "forget", "Stage", "Status", "customer_names", "event_name",
    "find_data_folder", "format_money",
    # the core's, imported when first asked for (LAZY)
    "FunnelStep", "MissingParties", "PlannedVisit", "ReferralNode", "Related", "Route", "SIMILAR_NAME", "SourceRow",
    "StaleDeal", "WinRate", "stale", "DEAL_COLUMNS", "deal_record", "full_record", "goal", "phase_name", "phase_word",
    "Plan", "ProductPlan", "Skip",
    "TeamPlan", "DEFAULT_WINDOW", "DealLine", "Formula", "Group", "MonthForecast", "NO_DATE", "NO_VALUE",
    "NO_WON_EVENT", "OVERDUE", "gap", "DUE", "NEW", "UNDATED", "HISTORY", "MIN_HISTORY", "StageRate", "BacktestRow",
    "LAST_MONTH", "MEAN_OF_THREE", "MODEL", "accuracy", "Snapshot", "Card", "CARD_FIELDS",
    "CARD_MOST_MEGABYTES", "card_reader", "card_reader_missing",
]
