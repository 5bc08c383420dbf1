"""The rep's settings (`salescli.yaml`): name, language, currency, stage probabilities, visits/day."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from types import MappingProxyType
from typing import Any, Callable, Mapping, TypeVar

from salescli.customer import fold_name
from salescli.errors import ConfigProblem, InvalidValue
from salescli.i18n import N_, _, joined
from salescli.parsing import parse_money
from salescli.pricelist import PriceList, Product
from salescli.stages import Stage, each_stage
from salescli.vocab import BUILTIN, Vocabulary
from salescli.workdays import WorkCalendar

# The settings' defaults for each stage, from its record (stages.RECORDS): the days a deal may sit in it
# before `report stale` lists it, the chance that a deal in it is won, its forecast category.
DEFAULT_STALE_DAYS: Mapping[Stage, int] = each_stage(lambda record: record.stale_days)
DEFAULT_PROBABILITIES: Mapping[Stage, float] = each_stage(lambda record: record.probability)
DEFAULT_CATEGORIES: Mapping[Stage, str] = each_stage(lambda record: record.category)

LANGUAGES = ("en", "zh")  # (i18n.LANGUAGES: a setting of this module needs no catalog)

# Forecast categories as Salesforce users know them; a won deal is always `closed`.
CATEGORIES = ("closed", "commit", "best_case", "pipeline")


@dataclass(frozen=True)
class TeamMember:
    """A rep's place in the sales team: whom they report to, their regional office, their monthly quota."""

    manager: str | None = None
    office: str | None = None
    quota: Decimal | None = None  # what the rep should win a month (forecast --by owner: each rep's gap)


TEAM_KEYS = ("manager", "office", "quota")

# The forecast's model (forecast.py): `stages` weights the deals due in the month by their stage;
# `history` adds what the folder's own history teaches (see forecast.py); `auto` takes whichever the
# folder's own backtest shows closer to what was won.
MODELS = ("auto", "stages", "history")
SEASONALITIES = ("auto", "none", "quarter", "year")


@dataclass(frozen=True)
class ForecastSettings:
    """`forecast:` in salescli.yaml."""

    model: str = "auto"
    seasonality: str = "auto"  # how the history model groups past months: auto (by backtest), none, quarter, year
    months: int = 24  # months of history the model learns from


@dataclass(frozen=True)
class Team:
    """The team table (`team:` in salescli.yaml): rep name → manager and office."""

    members: Mapping[str, TeamMember] = field(default_factory=dict)

    def member(self, rep: str | None) -> TeamMember | None:
        """The rep's entry, by name as written or ignoring case, spaces and full-width forms."""
        name = self.name_of(rep)
        return None if name is None else self.members.get(name)

    def name_of(self, rep: str | None) -> str | None:
        """The rep's name as the table spells it (`moses frase` → Moses Frase); as given when not in it."""
        if not rep or rep in self.members:
            return rep
        return self._folded().get(fold_name(rep), rep)

    def _folded(self) -> dict[str, str]:
        return {fold_name(name): name for name in self.members}


@dataclass(frozen=True)
class Config:
    user: str = ""
    language: str | None = None  # None: not set (the locale decides)
    currency: str = "CNY"
    visits_per_day: float = 4.0
    probabilities: Mapping[Stage, float] = field(default_factory=lambda: DEFAULT_PROBABILITIES)
    vocabularies: Mapping[str, Vocabulary] = field(default_factory=lambda: dict(BUILTIN))
    categories: Mapping[Stage, str] = field(default_factory=lambda: DEFAULT_CATEGORIES)
    calendar: WorkCalendar = field(default_factory=WorkCalendar)
    stale_days: Mapping[Stage, int] = field(default_factory=lambda: DEFAULT_STALE_DAYS)
    autocommit: bool = False  # git.autocommit: each write becomes one commit
    team: Team = field(default_factory=Team)
    products: PriceList = field(default_factory=PriceList)
    forecast: ForecastSettings = field(default_factory=ForecastSettings)

    def vocabulary(self, name: str) -> Vocabulary:
        return self.vocabularies[name]


def config_from_document(document: Any) -> Config:
    """A Config from the loaded `salescli.yaml`; missing keys keep their defaults."""
    if document is None:
        return Config()
    if not isinstance(document, Mapping):
        raise ConfigProblem(_("salescli.yaml must be a mapping of settings"), ())
    language = str(document.get("language") or "").strip().lower() or None
    if language is not None and language not in LANGUAGES:
        raise ConfigProblem(_("language must be one of {languages}, not '{language}'").format(
            languages=joined(LANGUAGES), language=language), ("language",))
    return Config(
        user=str(document.get("user") or ""),
        language=language,
        currency=str(document.get("currency") or "CNY"),
        visits_per_day=_number(document.get("visits_per_day"), 4.0, ("visits_per_day",)),
        probabilities=_per_stage(document.get("probabilities"), "probabilities", DEFAULT_PROBABILITIES,
                                 _probability, N_("a number from 0 to 1")),
        vocabularies=_vocabularies(document.get("vocabulary")),
        categories=_per_stage(document.get("categories"), "categories", DEFAULT_CATEGORIES, _category,
                              N_("commit, best_case or pipeline")),
        calendar=_calendar(document.get("calendar")),
        stale_days=_per_stage(document.get("stale_days"), "stale_days", DEFAULT_STALE_DAYS, _days,
                              N_("a number of days")),
        autocommit=_autocommit(document.get("git")),
        team=_team(document.get("team")),
        products=_products(document.get("products")),
        forecast=_forecast(document.get("forecast")),
    )


def _number(value: Any, default: float, where: tuple[str, ...]) -> float:
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise ConfigProblem(_("'{value}' is not a positive number").format(value=value), where)
    return float(value)


def _vocabularies(section: Any) -> Mapping[str, Vocabulary]:
    vocabularies = dict(BUILTIN)
    if section is None:
        return vocabularies
    if not isinstance(section, Mapping):
        raise ConfigProblem(_("vocabulary: must map field/size/role/channel/source to new terms"), ("vocabulary",))
    for name, extra in section.items():
        plural = str(name).rstrip("s") if str(name).rstrip("s") in BUILTIN else str(name)
        if plural not in BUILTIN:
            raise ConfigProblem(_("unknown vocabulary '{name}'; use {names}").format(
                name=name, names=joined(BUILTIN)), ("vocabulary", str(name)))
        if extra is None:
            continue
        if not isinstance(extra, Mapping):
            raise ConfigProblem(_("list new terms as `key: 中文名`"), ("vocabulary", str(name)))
        vocabularies[plural] = vocabularies[plural].extended(extra)
    return vocabularies


def _calendar(section: Any) -> WorkCalendar:
    if section is None:
        return WorkCalendar()
    if not isinstance(section, Mapping):
        raise ConfigProblem(_("calendar: takes holidays: [dates], workdays: [dates], official: true|false"),
                            ("calendar",))
    return WorkCalendar(
        extra_holidays=_dates(section.get("holidays"), ("calendar", "holidays")),
        extra_workdays=_dates(section.get("workdays"), ("calendar", "workdays")),
        official=section.get("official", True) is not False,
    )


def _dates(value: Any, where: tuple[str, ...]) -> frozenset[date]:
    if value is None:
        return frozenset()
    if not isinstance(value, list) or not all(isinstance(day, date) for day in value):
        raise ConfigProblem(_("list dates as [2026-12-31, 2027-01-04] (YYYY-MM-DD)"), where)
    return frozenset(value)


def _team(section: Any) -> Team:
    if section is None:
        return Team()
    if not isinstance(section, Mapping):
        raise ConfigProblem(_("team: maps each rep to {manager: NAME, office: NAME}"), ("team",))
    members = {}
    for rep, entry in section.items():
        where = ("team", str(rep))
        if entry is None:
            entry = {}
        if not isinstance(entry, Mapping) or any(key not in TEAM_KEYS for key in entry):
            raise ConfigProblem(_("write the team entry of {rep} as {{manager: NAME, office: NAME, quota: AMOUNT}}")
                                .format(rep=rep), where)
        members[str(rep)] = team_member(entry, where)
    return Team(MappingProxyType(members))


def team_member(entry: Mapping[str, Any], where: tuple[str, ...] = ()) -> TeamMember:
    """A team entry's values (as salescli.yaml or an imported row holds them) as a TeamMember."""
    manager, office = (None if entry.get(key) in (None, "") else str(entry[key]) for key in ("manager", "office"))
    return TeamMember(manager, office, _amount(entry.get("quota"), (*where, "quota")))


def _amount(value: Any, where: tuple[str, ...]) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ConfigProblem(_("'{value}' is not an amount").format(value=value), where)
    try:
        amount = parse_money(str(value))
    except InvalidValue as error:
        raise ConfigProblem(error.message, where) from None
    if amount < 0:
        raise ConfigProblem(_("'{value}' is not an amount").format(value=value), where)
    return amount


def _products(section: Any) -> PriceList:
    """`products:` maps each product to its list price, or to {price: AMOUNT, aliases: [OTHER NAME, …]}."""
    if section is None:
        return PriceList()
    if not isinstance(section, Mapping):
        raise ConfigProblem(_("products: maps each product to its price, or to {{price: AMOUNT, aliases: [NAME]}}"),
                            ("products",))
    products = {}
    for name, entry in section.items():
        where = ("products", str(name))
        if not isinstance(entry, Mapping):
            entry = {"price": entry}
        aliases = entry.get("aliases") or []
        if any(key not in ("price", "aliases") for key in entry) or not isinstance(aliases, list):
            raise ConfigProblem(_("write the product {name} as {{price: AMOUNT, aliases: [NAME]}}").format(name=name),
                                where)
        price = _amount(entry.get("price"), (*where, "price"))
        if price is None:
            raise ConfigProblem(_("the product {name} has no price").format(name=name), where)
        products[str(name)] = Product(str(name), price, tuple(str(alias) for alias in aliases))
    return PriceList(MappingProxyType(products))


def _forecast(section: Any) -> ForecastSettings:
    if section is None:
        return ForecastSettings()
    if not isinstance(section, Mapping) or any(key not in ("model", "seasonality", "months") for key in section):
        raise ConfigProblem(_("forecast: takes model, seasonality and months"), ("forecast",))
    model, seasonality = (str(section.get(key) or default).strip() for key, default in
                          (("model", "auto"), ("seasonality", "auto")))
    if model not in MODELS:
        raise ConfigProblem(_("the forecast model is one of {models}, not '{model}'").format(
            models=joined(MODELS), model=model), ("forecast", "model"))
    if seasonality not in SEASONALITIES:
        raise ConfigProblem(_("the forecast's seasonality is one of {choices}, not '{value}'").format(
            choices=joined(SEASONALITIES), value=seasonality), ("forecast", "seasonality"))
    months = int(_number(section.get("months"), 24, ("forecast", "months")))
    if not 3 <= months <= 120:
        raise ConfigProblem(_("the forecast learns from 3 to 120 months, not {months}").format(months=months),
                            ("forecast", "months"))
    return ForecastSettings(model, seasonality, months)


def _autocommit(section: Any) -> bool:
    if section is None:
        return False
    if not isinstance(section, Mapping) or not isinstance(section.get("autocommit", False), bool):
        raise ConfigProblem(_("git: takes autocommit: true or false"), ("git",))
    return bool(section.get("autocommit", False))


T = TypeVar("T")


def _per_stage(section: Any, name: str, defaults: Mapping[Stage, T], value_of: Callable[[Any, tuple[str, ...]], T],
               what: str) -> Mapping[Stage, T]:
    """A `name:` section mapping stages to values, over the defaults; `what` says what a value is."""
    if section is None:
        return defaults
    if not isinstance(section, Mapping):
        raise ConfigProblem(_("{name}: must map each stage to {what}").format(name=name, what=_(what)), (name,))
    values = dict(defaults)
    for key, value in section.items():
        where = (name, str(key))
        try:
            stage = Stage(str(key))
        except ValueError:
            raise ConfigProblem(_("unknown stage '{stage}' in {name}").format(stage=key, name=name), where) from None
        values[stage] = value_of(value, where)
    return MappingProxyType(values)


def _probability(value: Any, where: tuple[str, ...]) -> float:
    number = _number(value, 0.0, where)
    if number > 1:
        raise ConfigProblem(_("a probability is between 0 and 1, not {value}").format(value=value), where)
    return number


def _category(value: Any, where: tuple[str, ...]) -> str:
    if value not in CATEGORIES[1:]:
        raise ConfigProblem(_("a category is commit, best_case or pipeline, not '{value}'").format(value=value), where)
    return str(value)


def _days(value: Any, where: tuple[str, ...]) -> int:
    return int(_number(value, 0, where))

