"""`salescli forecast`: the month's won, weighted and best-case figures, the open deals left out, and 产值公式."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any, Optional, Sequence

import typer

from salescli import forecast as core, i18n
from salescli.commands import session, stages_in_chinese
from salescli.dimensions import dimension as find_dimension, unmatched
from salescli.errors import InvalidValue
from salescli.i18n import C_, N_, _, ngettext, pgettext
from salescli.parsing import format_money, parse_money
from salescli.render import check_format, plain, render, text_width
from salescli.session import Session
from salescli.workdays import Month

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
                                     help="Break the month down by owner, product, manager, office or a profile "
                                          "key (channel, field, area, needs.scope …)."),
    quota: Optional[str] = typer.Option(None, "--quota", metavar="AMOUNT",
                                        help="Visits per day needed to reach AMOUNT (60万, 600000), and the gap."),
    window: int = typer.Option(core.DEFAULT_WINDOW, "--window", metavar="DAYS", max=36_500,
                               help="Working days of history the formula measures."),
    calibrate: bool = typer.Option(False, "--calibrate", help="Your stage-to-win rates beside the configured ones."),
    use_history: bool = typer.Option(False, "--use-history", help="Weight deals by your historical rates."),
    backtest: Optional[int] = typer.Option(None, "--backtest", metavar="N", max=120,
                                           help="What the forecast said on the 1st of each of the last N months."),
    fmt: str = typer.Option("table", "--format", "-f", help="table, json or csv."),
) -> None:
    """Forecast a month: deals won, the weighted pipeline and best case, the open deals it leaves
    out and why (overdue, no target date, no value, at the close without a won event), and the
    output formula 产值 = visits/day × working days × close probability × average deal value.
    Close probability: of the customers visited in the window, the share that won a deal.

    Examples:

    \b
      salescli forecast --month                 # this month
      salescli forecast --month 2026-12 --quota 60万
      salescli forecast --months 3
      salescli forecast --by owner              # or manager, office, product, needs.scope …
      salescli forecast --calibrate
      salescli forecast --backtest 6 --format csv
    """
    s = session(ctx)
    check_format(fmt, FORMATS)
    if window < 1:
        raise InvalidValue(_("--window must be at least 1 working day"))
    chosen = s.month(month)
    customers = s.customers()
    rates = s.calibration() if calibrate or use_history else []
    probabilities = core.historical_probabilities(rates) if use_history else dict(s.config.probabilities)
    plan = _Plan(s, customers, probabilities, window, fmt)
    if calibrate:
        plan.show_calibration(rates)
    elif backtest is not None:
        plan.show_backtest(chosen, backtest)
    elif months is not None:
        plan.show_months(chosen, months)
    elif by is not None:
        plan.show_breakdown(chosen, by)
    else:
        plan.show_month(chosen, parse_money(quota) if quota else None)


class _Plan:
    """Computes what was asked and prints it in the chosen format."""

    def __init__(self, s: Session, customers: Sequence[Any], probabilities: dict[Any, float], window: int,
                 fmt: str) -> None:
        self.s, self.customers, self.probabilities, self.window, self.fmt = s, customers, probabilities, window, fmt

    def month(self, month: Month) -> core.MonthForecast:
        return self.s.forecast(month, probabilities=self.probabilities, window=self.window,
                               customers=self.customers).month

    def show_month(self, month: Month, quota: Decimal | None) -> None:
        result = self.month(month)
        if self.fmt == "json":
            typer.echo(json.dumps(_month_json(result, self.s, self.probabilities, quota), ensure_ascii=False, indent=2))
        elif self.fmt == "csv":
            typer.echo(render(_deal_records(result), {key: key for key in _DEAL_KEYS}, "csv"), nl=False)
        else:
            typer.echo("\n".join(_month_text(result, self.s, quota)))

    def show_months(self, month: Month, count: int) -> None:
        records = [_month_summary(one.month) for one in self.s.forecasts(
            month, count, probabilities=self.probabilities, window=self.window, customers=self.customers)]
        self._emit(records, ["month", "working_days", "won", "weighted", "best_case", "expected", "capacity",
                             "omitted_deals", "omitted"],
                   title=_("Months (omitted: open deals left out; those overdue or undated in the current month's "
                           "row)"), counts=["omitted_deals"])

    def show_breakdown(self, month: Month, by: str) -> None:
        dimension = find_dimension(by, self.s.config.team)
        result = self.month(month)
        groups = core.breakdown(result, dimension)
        warning = unmatched(dimension, [group.key for group in groups])
        if warning:
            self.s.warn_once(warning)
        records = [{by: self._label(dimension.key, group.key), **{k: v for k, v in group.__dict__.items()
                                                               if k != "key"}}
                   for group in groups]
        self._emit(records, [by, "deals", "won", "weighted", "best_case", "omitted"],
                   title=_("Forecast {month} by {dimension} (as of {today})").format(
                       month=month, today=self.s.today,
                       dimension=by if self.s.language == "en" else i18n.titles([by], self.s.language)[by]))

    def show_calibration(self, rates: list[core.StageRate]) -> None:
        records = [{"stage": rate.stage.value, "中文": rate.stage.zh, "reached": rate.reached,
                    "decided": rate.decided, "won": rate.won,
                    "history": _rate_text(rate.rate) if self.fmt == "table" else rate.rate,
                    "configured": _rate_text(rate.configured) if self.fmt == "table" else rate.configured}
                   for rate in rates]
        self._emit(records, ["stage", "中文", "reached", "decided", "won", "history", "configured"],
                   title=_("Stage-to-win rates from your history (a stage needs {count} decided deals)").format(
                       count=core.MIN_HISTORY), counts=["won"])

    def show_backtest(self, month: Month, count: int) -> None:
        rows = self.s.backtest(month, count, probabilities=self.probabilities, customers=self.customers)
        table = self.fmt == "table"
        records = [{"month": str(row.month), "deals": row.deals, "forecast": row.forecast,
                    "best_case": row.best_case, "actual": row.actual,
                    "error": _("partial") if table and row.partial else row.error,
                    "error_pct": _percent(row.error_share) if table else row.error_share, "partial": row.partial}
                   for row in rows]
        self._emit(records, ["month", "deals", "forecast", "best_case", "actual", "error", "error_pct"]
                   + ([] if table else ["partial"]),
                   title=_("Backtest: the weighted forecast on the 1st of each month, as the log stood then, "
                           "beside what was won"))
        if table:
            months_over, error = core.mean_absolute_error(rows)
            partial = sum(row.partial for row in rows)
            typer.echo(_("Mean absolute error over {count} months that are over: {error}").format(
                count=months_over, error=_money(error) if error is not None else "—")
                + (ngettext(" ({count} month not over yet: partial, left out)",
                            " ({count} months not over yet: partial, left out)", partial).format(count=partial)
                   if partial else ""))

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
        if dimension in self.s.config.vocabularies:
            return self.s.config.vocabulary(dimension).label(key, self.s.language)
        return key


_DEAL_KEYS = ["section", "customer_id", "customer", "deal", "stage", "category", "value", "date",
              "probability", "weighted", "reason"]


def _deal_record(section: str, line: core.DealLine) -> dict[str, Any]:
    return {"section": section, "customer_id": line.customer.id, "customer": line.customer.name,
            "deal": line.deal.name, "stage": line.deal.stage.value, "category": line.category,
            "value": line.value, "date": line.when, "probability": line.probability,
            "weighted": None if line.reason else line.weighted, "reason": line.reason}


def _deal_records(result: core.MonthForecast) -> list[dict[str, Any]]:
    return [_deal_record(section, line)
            for section, lines in (("won", result.won), ("pipeline", result.pipeline), ("omitted", result.omitted))
            for line in lines]


def _month_summary(result: core.MonthForecast) -> dict[str, Any]:
    return {"month": str(result.month), "working_days": result.working_days, "won": result.won_total,
            "weighted": result.weighted_total, "best_case": result.best_case_total,
            "expected": result.expected_total, "capacity": result.formula.capacity,
            "omitted_deals": len(result.omitted), "omitted": result.omitted_total}


def _formula_json(formula: core.Formula) -> dict[str, Any]:
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


def _month_json(result: core.MonthForecast, s: Session, probabilities: dict[Any, float],
                quota: Decimal | None) -> dict[str, Any]:
    deals = _deal_records(result)
    document: dict[str, Any] = {
        "month": str(result.month), "today": result.today, "currency": s.config.currency,
        "working_days": result.working_days,
        "won": {"deals": [d for d in deals if d["section"] == "won"], "total": result.won_total},
        "pipeline": {"deals": [d for d in deals if d["section"] == "pipeline"],
                     "weighted": result.weighted_total, "best_case": result.best_case_total},
        "omitted": {"deals": [d for d in deals if d["section"] == "omitted"], "total": result.omitted_total,
                    "by_reason": {reason: {"deals": count, "value": value}
                                  for reason, (count, value) in result.by_reason().items()},
                    "listed_in_the_current_month": result.elsewhere},
        "expected": result.expected_total,
        "categories": result.by_category(),
        "probabilities": {stage.value: p for stage, p in probabilities.items()},
        "formula": _formula_json(result.formula),
    }
    if quota is not None:
        document["quota"] = {"amount": quota, "visits_per_day_needed": result.formula.visits_needed(quota),
                             "gap": core.gap(result, quota)}
    result_json: dict[str, Any] = plain(document)
    return result_json


def _month_text(result: core.MonthForecast, s: Session, quota: Decimal | None) -> list[str]:
    currency = s.config.currency
    lines = [_("Forecast {month} · as of {today} · {days} working days").format(
        month=result.month, today=result.today, days=result.working_days), ""]
    lines += _section(_("Won in {month}").format(month=result.month), result.won, s, won=True)
    lines.append(_("  total won {value} {currency}").format(value=_money(result.won_total), currency=currency))
    lines.append("")
    lines += _section(_("Pipeline due in {month} (open deals, target date in the month)").format(month=result.month),
                      result.pipeline, s)
    lines.append(_("  weighted {weighted} · best case {best_case} · expected (won + weighted) {expected} {currency}")
                 .format(weighted=_money(result.weighted_total), best_case=_money(result.best_case_total),
                         expected=_money(result.expected_total), currency=currency))
    categories = result.by_category()
    lines.append(_("  categories: {categories}").format(
        categories=" · ".join(f"{_category(name)} {_money(total)}" for name, total in categories.items())))
    lines.append("")
    lines += _omitted_text(result, s)
    lines.append("")
    lines += _formula_text(result, s)
    if quota is not None:
        lines += _quota_text(result, quota, currency)
    return lines


SHOWN_DEALS = 30  # a table longer than this is cut; --format csv or json lists every deal


_WHAT_TO_DO = {
    core.OVERDUE: N_("the target date passed: move the target or close the deal"),
    core.NO_DATE: N_("set a target date with `salescli target CUSTOMER --by DATE`"),
    core.NO_VALUE: N_("set a target value with `salescli target CUSTOMER --value AMOUNT`"),
    core.NO_WON_EVENT: N_("record the close with `salescli advance CUSTOMER close --value AMOUNT`"),
}
_REASONS = {  # why an open deal is left out, as the table and the text say it (JSON and CSV: the core's key)
    core.OVERDUE: N_("overdue"),
    core.NO_DATE: N_("no target date"),
    core.NO_VALUE: N_("no value"),
    core.NO_WON_EVENT: N_("at the close without a won event"),
}
_CATEGORIES = {"closed": C_("category", "closed"), "commit": C_("category", "commit"),
               "best_case": C_("category", "best case"), "pipeline": C_("category", "pipeline")}


def _reason(reason: str) -> str:
    return _(_REASONS[reason]) if reason in _REASONS else reason


def _category(name: str) -> str:
    return pgettext("category", _CATEGORIES[name]) if name in _CATEGORIES else name.replace("_", " ")


def _omitted_text(result: core.MonthForecast, s: Session) -> list[str]:
    """The open deals the month does not weight, by reason, with their count and value."""
    currency = s.config.currency
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


def _worth(deal_lines: Sequence[core.DealLine], currency: str) -> str:
    """What deals left out are worth, saying how many have no value to count."""
    unknown = sum(1 for line in deal_lines if not line.deal.target_value)
    if unknown == len(deal_lines):
        return _("no value set")
    total = _money(sum((line.value for line in deal_lines), Decimal(0)))
    if unknown:
        return _("{value} {currency} and {count} without a value").format(value=total, currency=currency,
                                                                          count=unknown)
    return f"{total} {currency}"


def _section(title: str, deal_lines: Sequence[core.DealLine], s: Session, *, won: bool = False,
             omitted: bool = False) -> list[str]:
    if not deal_lines:
        return [_("{title}: none").format(title=title)]
    count = len(deal_lines)
    deal_lines = deal_lines[:SHOWN_DEALS]
    rows = [[_customer(line), line.deal.stage.label(s.language),
             _money(line.value) if line.value or not omitted else "", str(line.when or ""),
             *([] if won else [_reason(line.reason) if line.reason else ""] if omitted else
               [f"{line.probability:.0%}", _money(line.weighted), _category(line.category)])]
            for line in deal_lines]
    headers = [C_("column", "customer"), C_("column", "stage"),
               C_("column", "value") if won else C_("column", "target"),
               C_("column", "won on") if won else C_("column", "by"),
               *([] if won else [C_("column", "why")] if omitted else
                 [C_("column", "chance"), C_("column", "weighted"), C_("column", "category")])]
    from salescli.render import table

    body = table(rows, [pgettext("column", header) for header in headers],
                 align=["left", "left", "right", "left", "right", "right", "left"][:len(headers)]
                 if not omitted else ["left", "left", "right", "left", "left"])
    more = [_("  … and {count} more (--format csv lists them all)").format(count=count - SHOWN_DEALS)] \
        if count > SHOWN_DEALS else []
    return [ngettext("{title}: {count} deal", "{title}: {count} deals", count).format(title=title, count=count),
            *("  " + row for row in body.rstrip("\n").splitlines()), *more]


def _customer(line: core.DealLine) -> str:
    several = len(line.customer.deals) > 1
    return f"{line.customer.name} [{line.deal.name}]" if several else line.customer.name


_LABEL_WIDTH = 31  # the formula's labels, in terminal columns (a Chinese character takes two)


def _factor(label: str, value: str, explanation: str) -> str:
    """A line of the formula: the factor's name, its value right-aligned, what it is made of."""
    return f"  {label}{' ' * max(1, _LABEL_WIDTH - text_width(label))}{value:>10}   {explanation}"


def _formula_text(result: core.MonthForecast, s: Session) -> list[str]:
    f = result.formula
    probability = "—" if f.close_probability is None else f"{f.close_probability:.3f}"
    average = "—" if f.average_value is None else _money(f.average_value)
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
                _("{visits} visits ÷ {days} working days; your target {target}").format(
                    visits=f.visits, days=f.window_days, target=f"{f.target_visits_per_day:g}")),
        days,
        _factor(_("close probability (成交概率)"), probability,
                _("{won} of the {visited} customers visited won a deal").format(won=len(f.customers_won),
                                                                              visited=len(f.customers_visited))),
        _factor(_("average deal value (件均产值)"), average,
                _("{value} won ÷ {deals} deals").format(value=_money(f.won_value), deals=f.won_deals)),
    ]
    if capacity is None:
        lines.append(_factor(_("capacity (产值)"), "—", f"{f.missing}"))
    else:
        product = f"{f.visits_per_day:.2f} × {f.days} × {probability} × {average}"
        lines.append(_factor(_("capacity (产值)"), _money(capacity),
                             _("= {won} won so far + {product}").format(won=_money(f.won_so_far), product=product)
                             if f.days_left is not None else f"= {product}"))
    lines.append(_("  beside the pipeline: expected {expected}, best case {best_case} {currency}").format(
        expected=_money(result.expected_total), best_case=_money(result.won_total + result.best_case_total),
        currency=s.config.currency))
    return lines


def _quota_text(result: core.MonthForecast, quota: Decimal, currency: str) -> list[str]:
    f = result.formula
    needed = f.visits_needed(quota)
    lines = ["", _("Quota {amount} {currency}:").format(amount=_money(quota), currency=currency)]
    if needed is None:
        lines.append(_("  visits per day needed: — ({reason})").format(reason=f.no_rate))
    elif f.days_left is not None:
        lines.append(_("  visits per day needed: {needed} (you make {rate}), over the {days} working days left, for "
                       "the {amount} not yet won, the other factors as they are").format(
            needed=f"{needed:.2f}", rate=f"{f.visits_per_day:.2f}", days=f.days,
            amount=_money(max(quota - f.won_so_far, Decimal(0)))))
    else:
        lines.append(_("  visits per day needed: {needed} (you make {rate}), the other factors as they are").format(
            needed=f"{needed:.2f}", rate=f"{f.visits_per_day:.2f}"))
    lines.append(_("  gap: {gap} {currency} beyond won + weighted pipeline ({expected})").format(
        gap=_money(core.gap(result, quota)), currency=currency, expected=_money(result.expected_total)))
    return lines


def _money(amount: Decimal | None) -> str:
    return format_money(amount.quantize(Decimal(1)) if amount is not None else None) or "0"


def _rate_text(rate: float | None) -> str:
    return _("not enough history") if rate is None else f"{rate:.0%}"


def _percent(share: float | None) -> str:
    return "—" if share is None else f"{share:+.0%}"
