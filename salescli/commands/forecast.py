"""`salescli forecast`: the month's won, weighted and best-case figures, what each part of the model
adds, the open deals left out, 产值公式 beside them; other views: months, breakdowns, calibration, backtest."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any, Optional, Sequence

import typer

from salescli import forecastwords, i18n
from salescli.api import (
    DEFAULT_WINDOW,
    DUE,
    HISTORY,
    LAST_MONTH,
    MEAN_OF_THREE,
    MIN_HISTORY,
    MODEL,
    NEW,
    NO_DATE,
    NO_VALUE,
    NO_WON_EVENT,
    OVERDUE,
    TARGET,
    UNDATED,
    BacktestRow,
    DealLine,
    Formula,
    Group,
    Month,
    MonthForecast,
    StageRate,
    accuracy,
    gap,
    parse_money,
)
from salescli.commands import session, stages_in_chinese
from salescli.errors import InvalidValue
from salescli.i18n import C_, N_, _, ngettext, pgettext
from salescli.render import check_format, plain, render, table, text_width
from salescli.session import Session

FORMATS = ("table", "json", "csv")


def register(app: typer.Typer) -> None:
    app.command("forecast")(forecast)


def forecast(
    ctx: typer.Context,
    month: Optional[str] = typer.Option(None, "--month", metavar="[YYYY-MM]",
                                        help="The month (default, or --month alone: this month)."),
    months: Optional[int] = typer.Option(None, "--months", metavar="N", max=120,
                                         help="A table of N months from --month."),
    by: Optional[str] = typer.Option(None, "--by", metavar="DIM",
                                     help="Break the month (or, with --backtest, the backtest: owner only) down by "
                                          "owner, product, manager, office or a profile key (channel, field, area, "
                                          "needs.scope …); by owner, each rep's quota and gap."),
    quota: Optional[str] = typer.Option(None, "--quota", metavar="AMOUNT",
                                        help="Visits per day needed to reach AMOUNT (60万, 600000), and the gap."),
    window: int = typer.Option(DEFAULT_WINDOW, "--window", metavar="DAYS", max=36_500,
                               help="Working days of history the formula measures."),
    calibrate: bool = typer.Option(False, "--calibrate",
                                   help="How your deals went through each stage: reached, on to the next, won, "
                                        "median days, beside the configured probability."),
    use_history: bool = typer.Option(False, "--use-history", help="Weight deals by your historical rates."),
    backtest: Optional[int] = typer.Option(None, "--backtest", metavar="N", max=120,
                                           help="Each of the last N months forecast as the folder stood on its eve, "
                                                "beside what it won and two naive forecasts, with the errors."),
    model: Optional[str] = typer.Option(None, "--model", metavar="MODEL",
                                        help="auto, stages or history (default: salescli.yaml's forecast: model, "
                                             "else auto: the one your own backtest shows better)."),
    fmt: str = typer.Option("table", "--format", "-f", help="table, json or csv."),
) -> None:
    """Forecast a month: deals won, what the open deals should bring, the deals left out and why,
    and the output formula 产值 = visits/day × working days × close probability × average deal
    value beside it. Two models: `stages` weights the deals due in the month by their stage;
    `history` adds what your own history teaches (how often targets slip, the chance an undated
    deal closes by its stage and age, the deals not in the pipeline yet). By default salescli uses
    the one your own backtest shows closer to what was won, and says which.

    Examples:

    \b
      salescli forecast --month                 # this month
      salescli forecast --month 2026-12 --quota 60万
      salescli forecast --months 3
      salescli forecast --by owner              # each rep's figures, quota and gap
      salescli forecast --calibrate
      salescli forecast --backtest 12           # how good the forecast has been
      salescli forecast --backtest 6 --by owner --format csv
      salescli forecast --model stages          # the stage-weighted forecast alone
    """
    s = session(ctx)
    check_format(fmt, FORMATS)
    if window < 1:
        raise InvalidValue(_("--window must be at least 1 working day"))
    chosen = s.month(month)
    customers = s.customers()
    rates = s.calibration() if calibrate or use_history else []
    probabilities = s.probabilities(rates if use_history else None)
    plan = _Plan(s, customers, probabilities, window, fmt, model)
    if calibrate:
        plan.show_calibration(rates)
    elif backtest is not None:
        plan.show_backtest(chosen, backtest, by, use_history=use_history)
    elif months is not None:
        plan.show_months(chosen, months)
    elif by is not None:
        plan.show_breakdown(chosen, by)
    else:
        plan.show_month(chosen, parse_money(quota) if quota else None)


class _Plan:
    """Computes what was asked and prints it in the chosen format."""

    def __init__(self, s: Session, customers: Sequence[Any], probabilities: dict[Any, float], window: int,
                 fmt: str, model: str | None) -> None:
        self.s, self.customers, self.probabilities, self.window, self.fmt = s, customers, probabilities, window, fmt
        self.model = model

    def month(self, month: Month) -> MonthForecast:
        return self.s.forecast(month, probabilities=self.probabilities, window=self.window,
                               customers=self.customers, model=self.model).month

    def show_month(self, month: Month, quota: Decimal | None) -> None:
        result = self.month(month)
        if self.fmt == "json":
            typer.echo(json.dumps(_month_json(result, self.s, self.probabilities, quota), ensure_ascii=False, indent=2))
        elif self.fmt == "csv":
            typer.echo(render(_deal_records(result), {key: key for key in _DEAL_KEYS}, "csv"), nl=False)
        else:
            typer.echo("\n".join(_month_text(result, self.s, quota)))

    def show_months(self, month: Month, count: int) -> None:
        results = [one.month for one in self.s.forecasts(month, count, probabilities=self.probabilities,
                                                         window=self.window, customers=self.customers,
                                                         model=self.model)]
        records = [_month_summary(one) for one in results]
        if self.fmt == "table" and results:
            typer.echo(forecastwords.model_line(results[0]))
        self._emit(records, ["month", "working_days", "won", "weighted", "new", "best_case", "expected", "capacity",
                             "omitted_deals", "omitted"],
                   title=_("Months (new: deals not in the pipeline yet; omitted: open deals left out)"),
                   counts=["omitted_deals"])

    def show_breakdown(self, month: Month, by: str) -> None:
        dimension = self.s.dimension(by)
        result = self.month(month)
        groups = self.s.breakdown(result, by)
        quotas = dimension.key == "owner"
        records = [self._group_record(by, dimension.key, group, quotas) for group in groups]
        keys = [by, "deals", "won", "weighted", "new", "expected", "best_case", "omitted"] + \
            (["quota", "gap"] if quotas else [])
        if self.fmt == "table":
            typer.echo(forecastwords.model_line(result))
        self._emit(records, keys, title=_("Forecast {month} by {dimension} (as of {today})").format(
            month=month, today=self.s.today,
            dimension=by if self.s.language == "en" else i18n.titles([by], self.s.language)[by]))

    def _group_record(self, by: str, key: str, group: Group, quotas: bool) -> dict[str, Any]:
        label = _("(new deals, not by {dimension})").format(dimension=by) if group.not_attributed else \
            self._label(key, group.key)
        record = {by: label, "deals": group.deals, "won": group.won, "weighted": group.weighted, "new": group.new,
                  "expected": group.expected, "best_case": group.best_case, "omitted": group.omitted}
        if quotas:
            member = self.s.settings.team.member(group.key)
            quota = member.quota if member else None
            record.update(quota=quota, gap=None if quota is None else max(quota - group.expected, Decimal(0)))
        return record

    def show_calibration(self, rates: list[StageRate]) -> None:
        table_ = self.fmt == "table"
        records = [{"stage": rate.stage.value, "中文": rate.stage.zh, "reached": rate.reached,
                    "to_next": _rate_text(rate.to_next, rate.left) if table_ else rate.to_next,
                    "decided": rate.decided, "won": rate.won,
                    "to_won": _rate_text(rate.to_won, rate.decided) if table_ else rate.to_won,
                    "median_days": _days_text(rate.median_days) if table_ else rate.median_days,
                    "history": _rate_text(rate.rate) if table_ else rate.rate,
                    "configured": _rate_text(rate.configured) if table_ else rate.configured}
                   for rate in rates]
        self._emit(records, ["stage", "中文", "reached", "to_next", "decided", "won", "to_won", "median_days",
                             "history", "configured"],
                   title=_("Your stages, from the logged stage events (to next: of the deals that left the stage, "
                           "the share that moved on; history: the share won, once {count} deals decide it)").format(
                       count=MIN_HISTORY), counts=["won"])

    def show_backtest(self, month: Month, count: int, by: str | None, *, use_history: bool) -> None:
        if by is not None and self.s.dimension(by).key != "owner":
            raise InvalidValue(_("the backtest breaks down by owner only (--by owner)"))
        rows = self.s.backtest(month, count, probabilities=self.probabilities, customers=self.customers,
                               use_history=use_history, by_owner=by is not None, model=self.model)
        groups = sorted({row.group for row in rows}, key=lambda group: (group is None, group or ""))
        if self.fmt == "json":
            typer.echo(json.dumps(plain({"months": [_backtest_record(row) for row in rows],
                                         "accuracy": {_group_key(group): _accuracy_json(group, rows)
                                                      for group in groups},
                                         "compared": _("the months that are over and that every method forecast")}),
                                  ensure_ascii=False, indent=2))
            return
        records = [_backtest_record(row, table=self.fmt == "table") for row in rows]
        keys = (["owner"] if by else []) + ["month", "forecast", "actual", "error_pct", "last_month", "mean_of_three",
                                            "model"] + ([] if self.fmt == "table" else [
                                                "won", DUE, UNDATED, NEW, "partial", "why"])
        self._emit(records, keys, title=_("Backtest: each month forecast as the folder stood on its eve (rates learned "
                                          "from the deals decided by then), beside what it won and two naive "
                                          "forecasts: last month, and the mean of the last three"))
        if self.fmt == "table":
            for group in groups:
                typer.echo("")
                typer.echo("\n".join(_accuracy_text(group, rows)))

    def _emit(self, records: list[dict[str, Any]], keys: list[str], *, title: str | None = None,
              counts: Sequence[str] = ()) -> None:
        if self.fmt == "table":
            records, keys = stages_in_chinese(records, keys, self.s.language)
        headers = i18n.titles(keys, self.s.language, counts=counts) if self.fmt == "table" else \
            {key: key.replace("_", " ") for key in keys}
        if self.fmt == "table" and title:
            typer.echo(title)
        typer.echo(render(records, headers, self.fmt), nl=False)

    def _label(self, dimension: str, key: str | None) -> str:
        if key is None:
            return _("(none)")
        if dimension in self.s.settings.vocabularies:
            return self.s.settings.vocabulary(dimension).label(key, self.s.language)
        return key


# ---- one month ------------------------------------------------------------------------------------

_DEAL_KEYS = ["section", "customer_id", "customer", "deal", "stage", "category", "value", "value_from", "date",
              "probability", "weighted", "reason"]


def _deal_record(section: str, line: DealLine) -> dict[str, Any]:
    return {"section": section, "customer_id": line.customer.id, "customer": line.customer.name,
            "deal": line.deal.name, "stage": line.deal.stage.value, "category": line.category,
            "value": line.value, "value_from": line.source, "date": line.when, "probability": line.probability,
            "weighted": None if line.reason else line.weighted, "reason": line.reason}


def _deal_records(result: MonthForecast) -> list[dict[str, Any]]:
    return [_deal_record(section, line)
            for section, lines in (("won", result.won), ("pipeline", result.due), ("undated", result.undated),
                                   ("omitted", result.omitted))
            for line in lines]


def _month_summary(result: MonthForecast) -> dict[str, Any]:
    return {"month": str(result.month), "working_days": result.working_days, "won": result.won_total,
            "weighted": result.weighted_total, "new": result.new, "best_case": result.best_case_total,
            "expected": result.expected_total, "capacity": result.formula.capacity,
            "omitted_deals": len(result.omitted), "omitted": result.omitted_total}


def _formula_json(formula: Formula) -> dict[str, Any]:
    return {
        "window": {"start": formula.start, "end": formula.end, "working_days": formula.window_days,
                   "from_first_event": formula.clamped},
        "visits": formula.visits,
        "visits_per_day": round(formula.visits_per_day, 4),
        "target_visits_per_day": formula.target_visits_per_day,
        "customers_visited": list(formula.customers_visited),
        "customers_won": list(formula.customers_won),
        "won_deals": formula.won_deals,
        "won_value": formula.won_value,
        "close_probability": None if formula.close_probability is None else round(formula.close_probability, 4),
        "average_value": formula.average_value,
        "working_days": formula.working_days,
        "days_left": formula.days_left,
        "won_so_far": formula.won_so_far if formula.days_left is not None else None,
        "capacity": formula.capacity,
        "no_capacity_because": formula.missing,
    }


def _model_json(result: MonthForecast) -> dict[str, Any]:
    learned = result.learned
    found: dict[str, Any] = {"name": result.model}
    if learned is not None:
        found.update(season=learned.season, chosen_by=learned.chosen_by, judged_months=learned.judged_months,
                     errors=dict(learned.errors), learned_from_months=[str(record.month) for record in learned.records],
                     decided_deals=learned.hazards.decided, average_won_value=learned.valuation.average)
    if result.factors is not None:
        found["factors"] = {DUE: round(result.factors.due, 4), UNDATED: round(result.factors.undated, 4),
                            "new_per_working_day": round(result.factors.new_per_day, 2),
                            "months": result.factors.months}
    return found


def _month_json(result: MonthForecast, s: Session, probabilities: dict[Any, float],
                quota: Decimal | None) -> dict[str, Any]:
    deals = _deal_records(result)
    parts = result.parts()
    document: dict[str, Any] = {
        "month": str(result.month), "today": result.today, "currency": s.settings.currency,
        "working_days": result.working_days,
        "model": _model_json(result),
        "won": {"deals": [d for d in deals if d["section"] == "won"], "total": result.won_total},
        "pipeline": {"deals": [d for d in deals if d["section"] == "pipeline"],
                     "weighted": parts[DUE], "best_case": result.best_case_total},
        "undated": {"deals": [d for d in deals if d["section"] == "undated"], "weighted": parts[UNDATED]},
        "new": parts[NEW],
        "omitted": {"deals": [d for d in deals if d["section"] == "omitted"], "total": result.omitted_total,
                    "by_reason": {reason: {"deals": count, "value": value}
                                  for reason, (count, value) in result.by_reason().items()},
                    "listed_in_the_current_month": result.elsewhere},
        "expected": result.expected_total,
        "parts": parts,
        "categories": result.by_category(),
        "probabilities": {stage.value: p for stage, p in probabilities.items()},
        "formula": _formula_json(result.formula),
    }
    if quota is not None:
        document["quota"] = {"amount": quota, "visits_per_day_needed": result.formula.visits_needed(quota),
                             "gap": gap(result, quota)}
    result_json: dict[str, Any] = plain(document)
    return result_json


def _month_text(result: MonthForecast, s: Session, quota: Decimal | None) -> list[str]:
    currency = s.settings.currency
    lines = [_("Forecast {month} · as of {today} · {days} working days").format(
        month=result.month, today=result.today, days=result.working_days), forecastwords.model_line(result), ""]
    lines += _section(_("Won in {month}").format(month=result.month), result.won, s, won=True)
    lines.append(_("  total won {value} {currency}").format(value=forecastwords.money(result.won_total),
                                                            currency=currency))
    lines.append("")
    lines += _section(_("Pipeline due in {month} (open deals, target date in the month)").format(month=result.month),
                      result.due, s)
    lines.append(forecastwords.due_line(result) if result.model == HISTORY else
                 _("  weighted {weighted} · best case {best_case} · expected (won + weighted) {expected} {currency}")
                 .format(weighted=forecastwords.money(result.weighted_total),
                         best_case=forecastwords.money(result.best_case_total),
                         expected=forecastwords.money(result.expected_total), currency=currency))
    categories = result.by_category()
    lines.append(_("  categories: {categories}").format(
        categories=" · ".join(f"{forecastwords.category(name)} {forecastwords.money(total)}"
                              for name, total in categories.items())))
    if result.model == HISTORY:
        lines += ["", *_history_beyond_due(result, s), "", forecastwords.expected_line(result, currency)]
    lines.append("")
    lines += _omitted_text(result, s)
    lines.append("")
    lines += _formula_text(result, s)
    if quota is not None:
        lines += _quota_text(result, quota, currency)
    return lines


def _history_beyond_due(result: MonthForecast, s: Session) -> list[str]:
    """What the history model adds beyond the due deals: the undated deals' chances, the new deals."""
    return [*_section(forecastwords.undated_title(result), result.undated, s, undated=True),
            forecastwords.undated_line(result), "", forecastwords.new_line(result)]


SHOWN_DEALS = 30  # a table longer than this is cut; --format csv or json lists every deal


_WHAT_TO_DO = {
    OVERDUE: N_("the target date passed: move the target or close the deal"),
    NO_DATE: N_("set a target date with `salescli target CUSTOMER --by DATE`"),
    NO_VALUE: N_("set a target value with `salescli target CUSTOMER --value AMOUNT`, or the product's "
                      "price with `salescli price`"),
    NO_WON_EVENT: N_("record the close with `salescli advance CUSTOMER close --value AMOUNT`"),
}
_REASONS = {  # why an open deal is left out, as the table and the text say it (JSON and CSV: the core's key)
    OVERDUE: N_("overdue"),
    NO_DATE: N_("no target date"),
    NO_VALUE: N_("no value"),
    NO_WON_EVENT: N_("at the close without a won event"),
}
def _reason(reason: str) -> str:
    return _(_REASONS[reason]) if reason in _REASONS else reason


def _omitted_text(result: MonthForecast, s: Session) -> list[str]:
    """The open deals the month does not weight, by reason, with their count and value."""
    currency = s.settings.currency
    elsewhere = ngettext("; {count} open deal is overdue or without a target date: the forecast of {month} lists "
                         "them", "; {count} open deals are overdue or without a target date: the forecast of {month} "
                         "lists them", result.elsewhere).format(count=result.elsewhere, month=Month.of(result.today)) \
        if result.elsewhere else ""
    if not result.omitted:
        return [_("Left out (open deals not weighted): none") + elsewhere]
    count = len(result.omitted)
    lines = [ngettext("Left out (open deals not weighted): {count} deal, {worth}",
                      "Left out (open deals not weighted): {count} deals, {worth}", count).format(
        count=count, worth=_worth(result.omitted, currency)) + elsewhere]
    for reason, (number, _value) in result.by_reason().items():
        those = [line for line in result.omitted if line.reason == reason]
        lines.append(ngettext("  {reason}: {count} deal, {worth} — {what_to_do}",
                              "  {reason}: {count} deals, {worth} — {what_to_do}", number).format(
            reason=_reason(reason), count=number, worth=_worth(those, currency), what_to_do=_(_WHAT_TO_DO[reason])))
    return lines + _section("", result.omitted, s, omitted=True)[1:]


def _worth(deal_lines: Sequence[DealLine], currency: str) -> str:
    """What deals left out are worth, saying how many have no value to count."""
    unknown = sum(1 for line in deal_lines if not line.value)
    if unknown == len(deal_lines):
        return _("no value set")
    total = forecastwords.money(sum((line.value for line in deal_lines), Decimal(0)))
    if unknown:
        return _("{value} {currency} and {count} without a value").format(value=total, currency=currency,
                                                                          count=unknown)
    return f"{total} {currency}"


def _section(title: str, deal_lines: Sequence[DealLine], s: Session, *, won: bool = False,
             omitted: bool = False, undated: bool = False) -> list[str]:
    if not deal_lines:
        return [_("{title}: none").format(title=title)]
    count = len(deal_lines)
    sources = not won and any(line.source not in (None, TARGET) for line in deal_lines)
    shown = deal_lines[:SHOWN_DEALS]
    rows = [[_customer(line), line.deal.stage.label(s.language),
             forecastwords.money(line.value) if line.value or not omitted else "",
             *([forecastwords.source(line.source)] if sources else []),
             str(line.when or ""),
             *([] if won else [_reason(line.reason) if line.reason else ""] if omitted else
               [f"{line.probability:.0%}", forecastwords.money(line.weighted)]
               + ([] if undated else [forecastwords.category(line.category)]))]
            for line in shown]
    headers = [C_("column", "customer"), C_("column", "stage"),
               C_("column", "value") if won else C_("column", "target") if not undated else C_("column", "value"),
               *([C_("column", "value from")] if sources else []),
               C_("column", "won on") if won else C_("column", "by"),
               *([] if won else [C_("column", "why")] if omitted else
                 [C_("column", "chance"), C_("column", "weighted")] + ([] if undated else [C_("column", "category")]))]
    aligns = ["left", "left", "right", *(["left"] if sources else []), "left"] + \
        ([] if won else ["left"] if omitted else ["right", "right", "left"])
    body = table(rows, [pgettext("column", header) for header in headers], align=aligns[:len(headers)])
    more = [_("  … and {count} more (--format csv lists them all)").format(count=count - SHOWN_DEALS)] \
        if count > SHOWN_DEALS else []
    return [ngettext("{title}: {count} deal", "{title}: {count} deals", count).format(title=title, count=count),
            *("  " + row for row in body.rstrip("\n").splitlines()), *more]


def _customer(line: DealLine) -> str:
    several = len(line.customer.deals) > 1
    return f"{line.customer.name} [{line.deal.name}]" if several else line.customer.name


_LABEL_WIDTH = 31  # the formula's labels, in terminal columns (a Chinese character takes two)


def _factor(label: str, value: str, explanation: str) -> str:
    """A line of the formula: the factor's name, its value right-aligned, what it is made of."""
    return f"  {label}{' ' * max(1, _LABEL_WIDTH - text_width(label))}{value:>10}   {explanation}"


def _formula_text(result: MonthForecast, s: Session) -> list[str]:
    f = result.formula
    probability = "—" if f.close_probability is None else f"{f.close_probability:.3f}"
    average = "—" if f.average_value is None else forecastwords.money(f.average_value)
    capacity = f.capacity
    said = {"start": f.start, "end": f.end, "days": f.window_days}
    window = (_("  window: {start} … {end}, {days} working days (from the folder's first event: no history "
                "before it)") if f.clamped else _("  window: {start} … {end}, {days} working days")).format(**said)
    working_days = _("working days (月工作日)")
    days = _factor(working_days, str(f.days), _("left from today to the end of {month} (of {days})").format(
        month=result.month, days=f.working_days)) if f.days_left is not None else \
        _factor(working_days, str(f.working_days), str(result.month))
    lines = [
        _("Output formula 产值 = visits/day × working days × close probability × average deal value"),
        window,
        _factor(_("visits/day (日客户拜访量)"), f"{f.visits_per_day:.2f}",
                _("{visits} visits ÷ {days} working days (a customer counts once a day); your target {target}").format(
                    visits=f.visits, days=f.window_days, target=f"{f.target_visits_per_day:g}")),
        days,
        _factor(_("close probability (成交概率)"), probability,
                _("{won} of the {visited} customers visited won a deal").format(won=len(f.customers_won),
                                                                              visited=len(f.customers_visited))),
        _factor(_("average deal value (件均产值)"), average,
                _("{value} won ÷ {deals} deals").format(value=forecastwords.money(f.won_value), deals=f.won_deals)),
    ]
    if capacity is None:
        lines.append(_factor(_("capacity (产值)"), "—", f"{f.missing}"))
    else:
        product = f"{f.visits_per_day:.2f} × {f.days} × {probability} × {average}"
        lines.append(_factor(_("capacity (产值)"), forecastwords.money(capacity),
                             (_("= {won} won so far + {product}").format(won=forecastwords.money(f.won_so_far),
                                                                         product=product)
                              if f.days_left is not None else f"= {product}")
                             + _(" (the factors are shown rounded; the product is of the exact ones)")))
    lines.append(_("  beside the forecast: expected {expected}, best case {best_case} {currency}").format(
        expected=forecastwords.money(result.expected_total),
        best_case=forecastwords.money(result.won_total + result.best_case_total), currency=s.settings.currency))
    sentence = forecastwords.capacity_sentence(result, s.settings.currency)
    return lines + ([sentence] if sentence else [])


def _quota_text(result: MonthForecast, quota: Decimal, currency: str) -> list[str]:
    f = result.formula
    needed = f.visits_needed(quota)
    lines = ["", _("Quota {amount} {currency}:").format(amount=forecastwords.money(quota), currency=currency)]
    if needed is None:
        lines.append(_("  visits per day needed: — ({reason})").format(reason=f.no_rate))
    elif f.days_left is not None:
        lines.append(_("  visits per day needed: {needed} (you make {rate}), over the {days} working days left, for "
                       "the {amount} not yet won, the other factors as they are").format(
            needed=f"{needed:.2f}", rate=f"{f.visits_per_day:.2f}", days=f.days,
            amount=forecastwords.money(max(quota - f.won_so_far, Decimal(0)))))
    else:
        lines.append(_("  visits per day needed: {needed} (you make {rate}), the other factors as they are").format(
            needed=f"{needed:.2f}", rate=f"{f.visits_per_day:.2f}"))
    lines.append(_("  gap: {gap} {currency} beyond the expected month ({expected})").format(
        gap=forecastwords.money(gap(result, quota)), currency=currency,
        expected=forecastwords.money(result.expected_total)))
    return lines


# ---- the backtest ---------------------------------------------------------------------------------

def _group_key(group: str | None) -> str:
    return "(all)" if group is None else group


def _backtest_record(row: BacktestRow, *, table: bool = False) -> dict[str, Any]:
    if table:
        partial = _("partial") if row.partial else None
        return {"owner": row.group or _("(none)"), "month": str(row.month), "actual": row.actual,
                "forecast": _whole(row.forecast) if row.forecast is not None else forecastwords.why(row, MODEL),
                "error_pct": partial or _percent(row.error_share()),
                "last_month": _figure_or_why(row, LAST_MONTH),
                "mean_of_three": _figure_or_why(row, MEAN_OF_THREE), "model": forecastwords.backtest_model(row.model)}
    return {"owner": row.group, "month": str(row.month), "forecast": row.forecast, "actual": row.actual,
            "error": row.error(), "error_pct": row.error_share(),
            "last_month": row.forecasts[LAST_MONTH], "mean_of_three": row.forecasts[MEAN_OF_THREE],
            "model": row.model, **{key: row.parts.get(key) for key in ("won", DUE, UNDATED, NEW)},
            "partial": row.partial, "why": dict(row.why) or None}


def _figure_or_why(row: BacktestRow, method: str) -> Any:
    figure = row.forecasts[method]
    return figure if figure is not None else forecastwords.why(row, method)


def _accuracy_text(group: str | None, rows: Sequence[BacktestRow]) -> list[str]:
    mine = [row for row in rows if row.group == group]
    found = accuracy(mine)
    months = found[0].months if found else 0
    title = forecastwords.accuracy_title(months) if group is None else \
        _("{owner}: errors over {count} months").format(owner=group, count=months)
    rows_ = [[forecastwords.method(one.method), forecastwords.money(one.mae) if one.mae is not None else "—",
              f"{one.mape:.1%}" if one.mape is not None else "—",
              forecastwords.signed(one.bias)] for one in found]
    body = table(rows_, forecastwords.accuracy_headers(), align=["left", "right", "right", "right"])
    partial = sum(row.partial for row in mine)
    notes = [forecastwords.partial_note(partial)] if partial else []
    return [title, *("  " + line for line in body.rstrip("\n").splitlines()), *notes]


def _accuracy_json(group: str | None, rows: Sequence[BacktestRow]) -> dict[str, Any]:
    return {one.method: {"months": one.months, "mae": one.mae, "mape": one.mape, "bias": one.bias}
            for one in accuracy([row for row in rows if row.group == group])}


def _whole(amount: Decimal) -> Decimal:
    return amount.quantize(Decimal(1))


def _rate_text(rate: float | None, out_of: int | None = None) -> str:
    if rate is None:
        return _("not enough history") if out_of is None else "—"
    return f"{rate:.0%}"


def _days_text(days: float | None) -> str:
    return "—" if days is None else f"{days:g}"


def _percent(share: float | None) -> str:
    return "—" if share is None else f"{share:+.0%}"
