"""How the month's forecast says what it found, in the user's language: which model made it and why,
what each part of the history model brings, the expected month as the sum of its parts, and the 产值
capacity beside it in one sentence. The same words on the command line (`forecast --month`) and the
web page's forecast: both call these, and neither imports the other. Knows the core and gettext only.

Sentences the command line indents keep their indent (it is part of the message); the page strips it.
"""

from __future__ import annotations

from decimal import Decimal

from salescli import backtest
from salescli.forecast import MonthForecast
from salescli.history import DUE, NEW, UNDATED
from salescli.i18n import C_, N_, _, ngettext, pgettext
from salescli.learning import HISTORY, RUN_RATE_MONTHS, Factors
from salescli.parsing import format_money
from salescli.pricelist import AVERAGE, LIST_PRICE, TARGET

MODELS = {"stages": N_("stage-weighted"), HISTORY: N_("history")}
SEASONS = {"none": N_("no season"), "quarter": N_("by month of the quarter"), "year": N_("by month of the year")}
CATEGORIES = {"closed": C_("category", "closed"), "commit": C_("category", "commit"),
              "best_case": C_("category", "best case"), "pipeline": C_("category", "pipeline")}
SOURCES = {TARGET: C_("value from", "target"), LIST_PRICE: C_("value from", "list price"),
           AVERAGE: C_("value from", "average won")}
CLOSE_ENOUGH = Decimal("0.10")  # the formula and the forecast agree within this share


def money(amount: Decimal | None) -> str:
    """An amount as the forecast shows it: to the unit, thousands separated."""
    return format_money(amount.quantize(Decimal(1)) if amount is not None else None) or "0"


def category(name: str) -> str:
    return pgettext("category", CATEGORIES[name]) if name in CATEGORIES else name.replace("_", " ")


def source(name: str | None) -> str:
    """Where a deal's value comes from: its target, the list price, the average won."""
    return pgettext("value from", SOURCES[name]) if name in SOURCES else ""


def model_name(result: MonthForecast) -> str:
    learned = result.learned
    name = _(MODELS[result.model])
    if result.model == HISTORY and learned is not None:
        name += _(" ({season})").format(season=_(SEASONS[learned.season]))
    return name


def model_line(result: MonthForecast) -> str:
    """Which model made the forecast, and why it was chosen."""
    learned = result.learned
    name = model_name(result)
    if learned is None or learned.chosen_by == "settings":
        return _("Model: {model} (set in salescli.yaml or with --model)").format(model=name)
    if learned.chosen_by == "history":
        return _("Model: {model} — too little history to compare the models yet (it takes three months from your "
                 "first win)").format(model=name)
    errors = learned.errors
    history = errors.get(f"{HISTORY}:{learned.season}")
    return ngettext("Model: {model}, chosen by your own backtest over {count} month: mean error {history} a month "
                    "for the history model, {stages} for the stage-weighted one",
                    "Model: {model}, chosen by your own backtest over {count} months: mean error {history} a month "
                    "for the history model, {stages} for the stage-weighted one", learned.judged_months).format(
        model=name, count=learned.judged_months, history=money(_decimal(history)),
        stages=money(_decimal(errors.get("stages"))))


def _decimal(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(round(value)))


def _past_months(factors: Factors) -> str:
    return ngettext("{count} past month", "{count} past months", factors.months).format(count=factors.months)


def due_line(result: MonthForecast) -> str:
    """The due deals' line in the history model: their stage weights × how much such deals brought."""
    assert result.factors is not None
    return _("  weighted {weighted} · best case {best_case} — stage probability × {factor}: what deals due in a "
             "month have brought in it, over {months}").format(
        weighted=money(result.parts()[DUE]), best_case=money(result.best_case_total),
        factor=f"{result.factors.due:.2f}", months=_past_months(result.factors))


def undated_title(result: MonthForecast) -> str:
    return _("Open without a target date in {month}, or overdue: the chance of a win within the month by stage and "
             "age").format(month=result.month)


def undated_line(result: MonthForecast) -> str:
    """What the undated and overdue deals bring, and where their chances come from."""
    factors, learned = result.factors, result.learned
    assert factors is not None and learned is not None
    return _("  weighted {weighted} — the chance learned from {decided} decided deals, × {factor} (how well it held "
             "over {months})").format(weighted=money(result.parts()[UNDATED]), decided=learned.hazards.decided,
                                     factor=f"{factors.undated:.2f}", months=_past_months(factors))


def new_line(result: MonthForecast) -> str:
    """What the deals not in the pipeline yet bring: the run-rate over the working days to come."""
    factors = result.factors
    assert factors is not None
    return _("Not in the pipeline yet: {new} — {rate} a working day × {days} working days to come (what deals "
             "opened later or due later won a working day, over the latest {count} of {months})").format(
        new=money(result.parts()[NEW]), rate=money(Decimal(str(round(factors.new_per_day)))), days=result.new_days,
        count=min(RUN_RATE_MONTHS, factors.months), months=_past_months(factors))


def expected_line(result: MonthForecast, currency: str) -> str:
    """The expected month as the sum of its parts."""
    parts = result.parts()
    return _("Expected {month}: {expected} {currency} = won {won} + due {due} + undated {undated} + new {new}").format(
        month=result.month, expected=money(result.expected_total), currency=currency, won=money(parts["won"]),
        due=money(parts[DUE]), undated=money(parts[UNDATED]), new=money(parts[NEW]))


def capacity_sentence(result: MonthForecast, currency: str) -> str | None:
    """The formula's capacity beside the expected month, in one sentence a rep can act on."""
    capacity, expected = result.formula.capacity, result.expected_total.quantize(Decimal(1))
    if capacity is None or not expected:
        return None
    share = (capacity - expected) / expected
    said = {"capacity": money(capacity), "expected": money(expected), "currency": currency,
            "share": f"{abs(share):.0%}"}
    if abs(share) <= CLOSE_ENOUGH:
        return _("  → The formula's {capacity} and the expected {expected} {currency} agree within {share}: the month "
                 "looks as your visits have been going.").format(**said)
    if share > 0:
        return _("  → Your visits are worth {capacity} {currency} by the formula, {share} more than the {expected} "
                 "expected: the pipeline does not hold yet what your visits usually bring — log the new deals and "
                 "their targets, and the expected month will follow.").format(**said)
    return _("  → The forecast expects {expected} {currency}, {share} more than the {capacity} your visits have been "
             "bringing: it counts on deals closing faster than your history — check the deals due this month, or "
             "visit more.").format(**said)


# ---- the backtest ---------------------------------------------------------------------------------

METHODS = {backtest.MODEL: N_("the forecast"), backtest.LAST_MONTH: N_("last month"),
           backtest.MEAN_OF_THREE: N_("mean of the last three months")}
WHY = {backtest.NO_HISTORY: N_("no history yet"), backtest.NO_EARLIER_MONTH: N_("no earlier month")}


def method(name: str) -> str:
    """A forecast the backtest compares: the forecast, or one of the two naive ones."""
    return _(METHODS[name])


def why(row: backtest.BacktestRow, name: str) -> str:
    """Why the backtest has no figure of method `name` for the row's month ("—" when it has one)."""
    return _(WHY[row.why[name]]) if name in row.why else "—"


def backtest_model(model: str) -> str:
    """The model a backtest row was made by (stages, history:quarter …), in words."""
    if model == "—":
        return model
    name, _colon, season = model.partition(":")
    return _(MODELS.get(name, name)) + (_(" ({season})").format(season=_(SEASONS[season])) if season else "")


def accuracy_title(months: int) -> str:
    return _("Errors over the {count} months that are over and that all three forecast").format(count=months)


def partial_note(count: int) -> str:
    return ngettext("  ({count} month not over yet: partial, left out)",
                    "  ({count} months not over yet: partial, left out)", count).format(count=count)


def accuracy_headers() -> list[str]:
    return [pgettext("column", C_("column", "method")), pgettext("column", C_("column", "MAE")),
            pgettext("column", C_("column", "MAPE")), pgettext("column", C_("column", "bias"))]


def signed(amount: Decimal | None) -> str:
    """An error with its sign: +1,200, −800, 0 (— for none)."""
    if amount is None:
        return "—"
    return ("+" if amount > 0 else "−" if amount < 0 else "") + money(abs(amount))
