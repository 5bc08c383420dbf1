"""The web app: Flask routes over the Python API's Folder, Jinja2 templates, and the rules that keep it safe.

- Requests are served one at a time (a lock around the app): the core, the parse cache and the
  repository were written for one command at a time.
- Bound to a loopback address, a request must name a loopback host (no DNS rebinding).
- Every POST carries the session's token (CSRF); without it: 403, nothing changed.
- With a password, every page but the login asks for it first.
- `read_only`: no write route exists and no form is shown.
- Jinja2 escapes every value in the templates; the charts escape their own text.
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Mapping
from urllib.parse import urlencode

from flask import Flask, Response, abort, flash, g, redirect, render_template, request, session, url_for
from werkzeug.exceptions import HTTPException

from salescli import i18n, network
from salescli.customer import Event, Status
from salescli.errors import SalesError, InvalidValue
from salescli.forecast import NO_DATE, NO_VALUE, NO_WON_EVENT, OVERDUE
from salescli.information import GROUPS, item_value, people
from salescli.parsing import format_money, parse_money
from salescli.stages import Stage
from salescli.web import charts, pages
from salescli.web.data import Folder, forecast_view, given
from salescli.web.text import _, gettext, ngettext
from salescli.workdays import Month

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1", "[::1]")
WIN_DIMENSIONS = ("channel", "field", "size", "role", "owner", "source", "area")
ROUTE_DAYS = 7
TABLE_ROWS = 200  # a longer list of deals is cut (the command line's csv has them all)
_SECURITY_HEADERS = {
    "Content-Security-Policy": ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
                                "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


@dataclass(frozen=True)
class Settings:
    root: Path
    today: date | None = None  # None: the day of each request
    language: str | None = None  # --lang; None: salescli.yaml's
    commit: bool | None = None  # --commit/--no-commit; None: git.autocommit
    read_only: bool = False
    password: str | None = None
    loopback: bool = True  # bound to a loopback address
    cookie: str = "salescli"  # the session cookie's name (cookies do not tell ports apart)


def create_app(settings: Settings) -> Flask:
    app = Flask(__name__)
    app.secret_key = secrets.token_bytes(32)  # a new server starts new sessions
    app.config.update(SESSION_COOKIE_NAME=settings.cookie, SESSION_COOKIE_SAMESITE="Strict",
                      SESSION_COOKIE_HTTPONLY=True, MAX_CONTENT_LENGTH=64 * 1024)
    app.jinja_env.add_extension("jinja2.ext.i18n")
    app.jinja_env.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]
    app.jinja_env.filters["money"] = money
    app.jinja_env.filters["shown"] = shown
    app.extensions["salescli"] = settings
    _guard(app, settings)
    _pages(app)
    if not settings.read_only:
        _writes(app)
    _serialize(app)
    return app


def _serialize(app: Flask) -> None:
    lock = threading.Lock()
    serve = app.wsgi_app

    def one_at_a_time(environ: Any, start_response: Any) -> Any:
        with lock:
            return list(serve(environ, start_response))

    app.wsgi_app = one_at_a_time  # type: ignore[method-assign]


def settings_of(app: Flask) -> Settings:
    found: Settings = app.extensions["salescli"]
    return found


def folder() -> Folder:
    """This request's view of the data folder (settings, language and today read afresh)."""
    if "folder" not in g:
        from flask import current_app

        settings = settings_of(current_app)
        g.folder = Folder(settings.root, settings.today, language=settings.language, commit=settings.commit)
    found: Folder = g.folder
    return found


def _speak(settings: Settings) -> None:
    """Every message of this request in the folder's language (salescli.yaml may have changed)."""
    try:
        i18n.use(folder().language)
    except SalesError:  # unreadable settings: the page that needs them says so, in the option's language
        i18n.use(i18n.choose(settings.language, None))


# ---- safety -----------------------------------------------------------------------------------

def _guard(app: Flask, settings: Settings) -> None:
    @app.before_request
    def checks() -> Any:
        _speak(settings)
        if settings.loopback and _hostname(request.host) not in LOOPBACK_NAMES:
            abort(400, _("This page answers only to 127.0.0.1 and localhost."))
        if request.routing_exception is not None:  # no such page (or, read-only, no write): say so first
            raise request.routing_exception
        if settings.password and not session.get("signed_in") and request.endpoint not in ("login", "static"):
            if request.method != "GET":
                abort(403, _("Sign in first."))
            return redirect(url_for("login", next=request.full_path))
        if request.method == "POST" and not _token_matches(request.form.get("csrf_token")):
            abort(403, _("The form's security token is missing or out of date; reload the page and try again. "
                         "Nothing was changed."))
        return None

    @app.after_request
    def headers(response: Response) -> Response:
        response.headers.update(_SECURITY_HEADERS)
        return response

    @app.route("/login", methods=["GET", "POST"])
    def login() -> Any:
        if not settings.password:
            return redirect(url_for("board"))
        offered = request.form.get("password") if request.method == "POST" else request.args.get("token")
        if offered is not None:
            if hmac.compare_digest(offered.encode(), settings.password.encode()):
                session["signed_in"] = True
                return redirect(_local(request.args.get("next")) or url_for("board"), 303)
            time.sleep(0.5)  # guessing is slow
            return render_template("login.html", failed=True), 403
        return render_template("login.html", failed=False)

    @app.context_processor
    def context() -> dict[str, Any]:
        return {"csrf_token": csrf_token, "read_only": settings.read_only, "signed_in": session.get("signed_in")}

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Any:
        return _error_page(error.description or error.name, error.code or 500)

    @app.errorhandler(SalesError)
    def sales_error(error: SalesError) -> Any:
        return _error_page(str(error), 400 if isinstance(error, InvalidValue) else 500)


def _hostname(host: str) -> str:
    if host.startswith("["):
        return host[:host.find("]") + 1]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def csrf_token() -> str:
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    token: str = session["csrf"]
    return token


def _token_matches(offered: str | None) -> bool:
    expected = session.get("csrf")
    return bool(offered and expected and hmac.compare_digest(offered.encode(), str(expected).encode()))


def _local(target: str | None) -> str | None:
    """A path on this site to go back to, never another site's."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return None


def _error_page(message: str, status: int) -> Any:
    try:
        common = _common(folder())
    except SalesError:  # the folder or its settings cannot be read: the page without them
        common = _common(None)
    return render_template("error.html", message=message, status=status, **common), status


# ---- the pages --------------------------------------------------------------------------------

def _pages(app: Flask) -> None:
    app.add_url_rule("/", "board", lambda: board_page())
    app.add_url_rule("/customers", "customers", customers_page)
    app.add_url_rule("/customer/<reference>", "customer", lambda reference: customer_page(reference))
    app.add_url_rule("/forecast", "forecast", forecast_page)
    app.add_url_rule("/reports", "reports", reports_page)
    app.add_url_rule("/route", "route", route_page)
    app.add_url_rule("/route.ics", "route_ics", route_calendar)


def board_page(*, error: str | None = None, status: int = 200) -> Any:
    f = folder()
    filters = pages.Filters.of(request.args)
    shown = pages.board(f.customers(), filters, today=f.today, config=f.config, language=f.language)
    query = urlencode([(name, value) for name, value in filters.items() if value])
    return render_template("board.html", board=shown, query=query, error=error, stages=list(Stage),
                           won_days=pages.WON_SHOWN_DAYS,
                           **_common(f)), status


def customers_page() -> Any:
    f = folder()
    text = request.args.get("q")
    return render_template("customers.html", listed=pages.listed(f.customers(), text), q=text or "",
                           shown_most=pages.ROWS_SHOWN, **_common(f))


def customer_page(reference: str, *, error: str | None = None, form: Mapping[str, str] | None = None,
                  status: int = 200) -> Any:
    f = folder()
    try:
        found = f.customer(reference)
    except InvalidValue as problem:
        abort(404, str(problem))
    customers = f.customers()
    groups = []
    for group in GROUPS:
        items = [(item, item_value(found, group, item)) for item in group.items]
        groups.append((group, items, sum(1 for _item, value in items if value in (None, ""))))
    return render_template(
        "customer.html", customer=found, groups=groups, people=people(found), related=network.related(found, customers),
        names={c.id: c.name for c in customers}, error=error, form=form or {}, stages=list(Stage),
        details=lambda event: _event_details(f, event),
        classification=[(name, _classified(f, name, found.get(name)))
                        for name in ("field", "size", "role", "channel", "source")],
        **_common(f)), status


def forecast_page() -> Any:
    f = folder()
    month = _month(request.args.get("month"), f.today)
    quota_text = (request.args.get("quota") or "").strip()
    view = forecast_view(f, month, quota=parse_money(quota_text) if quota_text else None)
    chart = charts.months(
        [charts.MonthColumn(str(m.month), m.won_total, m.weighted_total, m.best_case_total, m.formula.capacity)
         for m in view.ahead],
        title=_("The coming months: won, weighted pipeline and best case"), quota=view.quota, language=f.language,
        tip=_("%(month)s: won %(won)s, weighted %(weighted)s, best case %(best_case)s"))
    formula = view.month.formula
    return render_template("forecast.html", view=view, formula=formula, chart=chart, quota=quota_text,
                           window=f"{formula.start} … {formula.end}" if formula.window_days else _("no working days"),
                           previous=str(month.next(-1)), following=str(month.next()), **_common(f))


def reports_page() -> Any:
    f = folder()
    by = request.args.get("by") or "channel"
    sources_by = request.args.get("sources_by") or "source"
    if by not in WIN_DIMENSIONS:
        raise InvalidValue(_("--by takes one of: {choices}").format(choices=i18n.joined(WIN_DIMENSIONS)))
    if sources_by not in ("source", "channel"):
        raise InvalidValue(_("--by takes source or channel"))
    start, end = (request.args.get(name) or "" for name in ("from", "to"))
    found = f.reports(given(start), given(end), by=by, sources_by=sources_by,
                      parties=request.args.get("parties") == "1")
    language = f.language
    funnel_chart = charts.bars([charts.Bar(step.stage.label(language), step.deals, f"{step.deals} · {money(step.value)}")
                                for step in found.funnel], title=_("Funnel: deals that reached each stage"))
    win_chart = charts.bars([charts.Bar(_term(f, by, rate.key), rate.rate or 0.0, _percent(rate.rate))
                             for rate in found.win_rates], title=_("Win rate"))
    source_chart = charts.bars([charts.Bar(_term(f, sources_by, row.key), float(row.won_value), money(row.won_value))
                                for row in found.sources], title=_("Value won by source"))
    stale_chart = charts.bars([charts.Bar(item.customer.name, item.days_in_stage, str(item.days_in_stage),
                                          url_for("customer", reference=item.customer.id))
                               for item in found.stale[:20]], title=_("Days in stage of stale deals"))
    parties_query = urlencode({**request.args, "parties": "1"})
    return render_template("reports.html", found=found, by=by, sources_by=sources_by, start=start, end=end,
                           parties_query=parties_query,
                           dimensions=WIN_DIMENSIONS, funnel_chart=funnel_chart, win_chart=win_chart,
                           source_chart=source_chart, stale_chart=stale_chart,
                           **_common(f))


def _route_request(f: Folder) -> tuple[date, int]:
    start = f.date(given(request.args.get("from")))
    days_text = (request.args.get("days") or str(ROUTE_DAYS)).strip()
    if not days_text.isdigit() or not 1 <= int(days_text) <= 92:
        raise InvalidValue(_("Days must be a whole number from 1 to 92."))
    return start, int(days_text)


def route_page() -> Any:
    f = folder()
    start, days = _route_request(f)
    planned = f.schedule(start, days)
    query = urlencode({"from": start.isoformat(), "days": days})
    return render_template("route.html", route=planned, start=start, days=days, query=query,
                           per_day=max(1, int(f.config.visits_per_day)), **_common(f))


def route_calendar() -> Response:
    f = folder()
    start, days = _route_request(f)
    from salescli.calendar_file import ics

    return Response(ics(f.schedule(start, days).visits, today=f.today, language=f.language), mimetype="text/calendar",
                    headers={"Content-Disposition": f'attachment; filename="salescli-visits-{start}.ics"'})


# ---- the writes -------------------------------------------------------------------------------

def _writes(app: Flask) -> None:
    app.add_url_rule("/customer/<reference>/advance", "advance", advance, methods=["POST"])
    app.add_url_rule("/customer/<reference>/visit", "visit", visit, methods=["POST"])
    app.add_url_rule("/customer/<reference>/target", "target", target, methods=["POST"])


def advance(reference: str) -> Any:
    form = request.form

    def write(f: Folder) -> str:
        move = f.advance(reference, given(form.get("stage")), deal=given(form.get("deal")),
                         value=given(form.get("value")), reason=given(form.get("reason")), note=given(form.get("note")))
        after, name = move.after, move.customer.name
        stage = after.stage.label(f.language)
        if after.status is Status.WON:
            return _("%(customer)s: won %(value)s %(currency)s. Now ask for referrals: every closed customer "
                     "should bring three.") % {"customer": name, "value": money(after.won_value),
                                               "currency": f.config.currency}
        if after.status is Status.LOST:
            return _("%(customer)s: lost at %(stage)s.") % {"customer": name, "stage": stage}
        return _("%(customer)s moved to %(stage)s.") % {"customer": name, "stage": stage}

    return _write(reference, write)


def visit(reference: str) -> Any:
    form = request.form

    def write(f: Folder) -> str:
        logged = f.visit(reference, date=given(form.get("date")), goal=given(form.get("goal")),
                         note=given(form.get("note")), next=given(form.get("next")), deal=given(form.get("deal")))
        return _("Logged a visit to %(customer)s on %(date)s.") % {"customer": logged.after.name,
                                                                    "date": logged.event["date"]}

    return _write(reference, write)


def target(reference: str) -> Any:
    form = request.form

    def write(f: Folder) -> str:
        done = f.target(reference, given(form.get("value")), given(form.get("by")), note=given(form.get("note")),
                        deal=given(form.get("deal")))
        return _("%(customer)s: target %(value)s %(currency)s by %(date)s.") % {
            "customer": done.customer.name, "value": money(done.value) if done.value is not None else "?",
            "currency": f.config.currency, "date": done.date or "?"}

    return _write(reference, write)


def _write(reference: str, write: Callable[[Folder], str]) -> Any:
    """Do one write; then back to the page it came from (the board or the customer), with what was
    done, or that page again with the refusal (400 for what the CLI calls a usage error, 409 for a
    refused write)."""
    from_board = request.form.get("back") == "board"
    f = folder()
    try:
        done = write(f)
    except SalesError as problem:
        status = 400 if isinstance(problem, InvalidValue) else 409
        if from_board:
            return board_page(error=str(problem), status=status)
        return customer_page(reference, error=str(problem), form=request.form, status=status)
    flash(done)
    if from_board:
        filters: dict[str, Any] = {k: v for k, v in request.args.items() if k in pages.FILTERS}
        return redirect(url_for("board", **filters), 303)
    return redirect(url_for("customer", reference=f.customer(reference).id), 303)


# ---- shared helpers ---------------------------------------------------------------------------

def money(amount: Decimal | None) -> str:
    """An amount as the CLI's forecast shows it: to the unit, thousands separated."""
    return format_money(amount.quantize(Decimal(1)) if amount is not None else None) or "0"


def _percent(share: float | None) -> str:
    return "—" if share is None else f"{share:.0%}"


def _month(text: str | None, today: date) -> Month:
    if not text or not text.strip():
        return Month.of(today)
    try:
        return Month.parse(text)
    except ValueError:
        raise InvalidValue(_("'{text}' is not a month; write it as YYYY-MM (e.g. 2026-12)").format(text=text)) from None


def _term(f: Folder, vocabulary: str, key: Any) -> str:
    """A classification value in the page's language; none given: a dash."""
    if key in (None, ""):
        return "—"
    if vocabulary in f.config.vocabularies:
        return f.config.vocabulary(vocabulary).label(str(key), f.language)
    return str(key)


def _event_details(f: Folder, event: Event) -> list[str]:
    """What a log line says beyond its date and kind, each part in the page's language."""
    parts = [event.stage.label(f.language) if event.stage else None,
             money(event.value) if event.value is not None else None,
             _("by %(date)s") % {"date": event.by} if event.by else None,
             _("goal: %(goal)s") % {"goal": event.goal} if event.goal else None,
             _("next visit %(date)s") % {"date": event.next} if event.next else None,
             f"{event.project} ({_term(f, 'role', event.role)})" if event.project and event.role else event.project,
             event.reason, event.note]
    return [part for part in parts if part]


def _capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]


def _classified(f: Folder, vocabulary: str, key: Any) -> str:
    """As `salescli show` has it: `construction (建筑单位)` in English, `建筑单位` in Chinese."""
    if key in (None, ""):
        return "—"
    term = f.config.vocabulary(vocabulary).get(str(key))
    if term is None:
        return str(key)
    return term.zh if f.language == "zh" else f"{term.key} ({term.zh})"


def shown(value: Any) -> str:
    """A profile value as text: lists joined, nothing as nothing."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return ", ".join(map(shown, value))
    if isinstance(value, Mapping):
        return ", ".join(f"{key}: {shown(item)}" for key, item in value.items())
    return str(value)


def _category(name: str) -> str:
    return {"closed": _("closed"), "commit": _("commit"), "best_case": _("best case"),
            "pipeline": _("pipeline")}.get(name, name)


def _omitted(reason: str) -> str:
    return {OVERDUE: _("the target date has passed"), NO_DATE: _("no target date"), NO_VALUE: _("no value"),
            NO_WON_EVENT: _("at the close without a won event")}.get(reason, reason)


def _kind(name: str) -> str:
    return {"plan": _("planned"), "next": _("agreed"), "service": _("after-sales service"),
            "referral": _("ask for referrals"), "drop-in": _("drop in")}.get(name, name)


_WEEKDAYS = {"en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"), "zh": ("周一", "周二", "周三", "周四", "周五", "周六", "周日")}


def _common(f: Folder | None) -> dict[str, Any]:
    """What every template uses: the language, the labels the core has in both languages, the
    folder and the day; `f` None when the folder itself could not be read."""
    language = f.language if f is not None else "en"
    return {
        "language": language,
        "html_language": "zh-CN" if language == "zh" else "en",
        "word": lambda key: i18n.word(key, language),
        "heading": lambda key: _capitalized(i18n.word(key, language)),
        "stage_label": lambda stage: stage.label(language),
        "label": lambda thing: thing.label(language),
        "term": (lambda name, key: _term(f, name, key)) if f is not None else (lambda name, key: shown(key)),
        "most": TABLE_ROWS,
        "category": _category,
        "omitted": _omitted,
        "kind": _kind,
        "weekday": lambda day: _WEEKDAYS[language][day.weekday()],
        "folder_root": str(f.root) if f is not None else None,
        "today": f.today if f is not None else None,
        "currency": f.config.currency if f is not None else "",
        "warnings": f.warnings if f is not None else [],
    }
