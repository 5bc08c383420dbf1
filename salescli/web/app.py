"""The web app: Flask routes over the Python API's Folder, Jinja2 templates, and the rules that keep it safe.

- Requests are served one at a time (a lock around the app): the core, the parse cache and the
  repository were written for one command at a time. The customers are kept between requests
  (data.Snapshot): a request reads again only the files changed since the last one.
- A request must name a host (an empty or missing Host is refused); bound to a loopback address, a
  loopback host (no DNS rebinding).
- Every POST carries the session's token (CSRF), and its Origin (or else its Referer) is this site;
  without them: 403, nothing changed.
- With a password, every page but the login asks for it first; wrong passwords from one client make
  it wait, longer after each (`Throttle`).
- `read_only`: no write route exists and no form is shown.
- Jinja2 escapes every value in the templates; the charts escape their own text.
- A form field the parsers refuse is a 400 naming the field, in the page's language.
"""

from __future__ import annotations

import hmac
import math
import os
import secrets
import threading
import time
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence, TypeVar
from urllib.parse import urlencode, urlsplit

from flask import Flask, Response, abort, current_app, flash, g, redirect, render_template, request, session, url_for
from markupsafe import Markup
from werkzeug.exceptions import HTTPException

from salescli import cardview, forecastwords, i18n
from salescli.api import (
    CARD_FIELDS,
    CARD_MOST_MEGABYTES,
    GROUPS,
    HISTORY,
    MODELS,
    NO_DATE,
    NO_VALUE,
    NO_WON_EVENT,
    OVERDUE,
    TARGET,
    Card,
    CardReading,
    Customer,
    DealLine,
    Event,
    Month,
    MonthForecast,
    Stage,
    Status,
    Written,
    accuracy,
    card_reader,
    card_reader_missing,
    choose_deal,
    event_name,
    forget,
    format_money,
    item_value,
    parse_money,
    parse_target,
)
from salescli.errors import InvalidValue, SalesError
from salescli.web import charts, pages
from salescli.web.data import Folder, HeldPhotos, Snapshot, forecast_view, given
from salescli.web.text import _, gettext, ngettext

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1", "[::1]")
WIN_DIMENSIONS = ("channel", "field", "size", "role", "owner", "source", "area")
ROUTE_DAYS = 7
CARD_UPLOAD = (CARD_MOST_MEGABYTES << 20) + 64 * 1024  # a card's photo and the form's other fields
BACKTEST_MONTHS = 6  # the forecast's accuracy page: the months before the one shown
TABLE_ROWS = 200  # a longer list of deals is cut (the command line's csv has them all)
FETCHED = "X-Salescli"  # the board's script asks with this header: the answer is the board alone, not a page
_SECURITY_HEADERS = {
    "Content-Security-Policy": ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
                                "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",  # (so that a POST's Origin is sent: with no-referrer it would be "null")
    "Cache-Control": "no-store",
}
T = TypeVar("T")


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


@dataclass
class Throttle:
    """Sign-in attempts per client: after FREE wrong passwords, each further attempt must wait
    2, 4, 8 … seconds (at most LONGEST) since the last wrong one; a right password clears it."""

    FREE = 3
    LONGEST = 300.0
    KEPT = 10_000  # clients remembered (the oldest forgotten first)
    clock: Callable[[], float] = time.monotonic
    failures: dict[str, tuple[int, float]] = field(default_factory=dict)

    def wait(self, client: str) -> float:
        """Seconds `client` must still wait before its next attempt (0: none)."""
        count, last = self.failures.get(client, (0, 0.0))
        if count < self.FREE:
            return 0.0
        return max(0.0, last + min(self.LONGEST, 2.0 ** (count - self.FREE + 1)) - self.clock())

    def failed(self, client: str) -> None:
        count = self.failures.pop(client, (0, 0.0))[0]
        if len(self.failures) >= self.KEPT:
            del self.failures[next(iter(self.failures))]
        self.failures[client] = (count + 1, self.clock())

    def passed(self, client: str) -> None:
        self.failures.pop(client, None)


def create_app(settings: Settings) -> Flask:
    app = Flask(__name__)
    app.secret_key = secrets.token_bytes(32)  # a new server starts new sessions
    app.config.update(SESSION_COOKIE_NAME=settings.cookie, SESSION_COOKIE_SAMESITE="Strict",
                      SESSION_COOKIE_HTTPONLY=True, MAX_CONTENT_LENGTH=64 * 1024)
    app.jinja_env.add_extension("jinja2.ext.i18n")
    app.jinja_env.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]
    app.jinja_env.filters["money"] = money
    app.jinja_env.filters["shown"] = shown
    app.jinja_env.filters["capitalized"] = _capitalized
    app.extensions["salescli"] = settings
    app.extensions["salescli.snapshot"] = Snapshot()
    app.extensions["salescli.throttle"] = Throttle()
    app.extensions["salescli.photos"] = HeldPhotos()
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
        environ["salescli.asked"] = time.monotonic_ns()  # (a look at the files begun after this saw every change)
        with lock:
            forget()  # a request starts knowing nothing of the files, as a command does
            return list(serve(environ, start_response))

    app.wsgi_app = one_at_a_time  # type: ignore[method-assign]


def settings_of(app: Flask) -> Settings:
    found: Settings = app.extensions["salescli"]
    return found


def folder() -> Folder:
    """This request's view of the data folder (settings, language and today read afresh; the
    customers from the server's snapshot)."""
    if "folder" not in g:
        settings = settings_of(current_app)
        g.folder = Folder(current_app.extensions["salescli.snapshot"], settings.root, settings.today,
                          language=settings.language, commit=settings.commit,
                          asked=request.environ.get("salescli.asked"))
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
    """Every request checked before it is served (host, origin, sign-in, token), the pages' security
    headers, the sign-in page and the error pages."""
    _check_requests(app, settings)
    _sign_in(app, settings)
    _error_pages(app)


def _check_requests(app: Flask, settings: Settings) -> None:
    @app.before_request
    def checks() -> Any:
        _speak(settings)
        host = (request.environ.get("HTTP_HOST") or "").strip()
        if not host:
            abort(400, _("The request names no host (its Host header is missing or empty)."))
        if settings.loopback and _hostname(request.host) not in LOOPBACK_NAMES:
            abort(400, _("This page answers only to 127.0.0.1 and localhost."))
        if request.routing_exception is not None:  # no such page (or, read-only, no write): say so first
            raise request.routing_exception
        if request.endpoint == "read_card":
            request.max_content_length = CARD_UPLOAD  # (every other form is small: 64 KiB)
        if request.method == "POST" and not _from_this_site():
            abort(403, _("The form was not sent from this site's own page; nothing was changed."))
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

    @app.context_processor
    def context() -> dict[str, Any]:
        return {"csrf_token": csrf_token, "read_only": settings.read_only, "signed_in": session.get("signed_in"),
                "undoable": bool(session.get("undo")) and not settings.read_only}


def _sign_in(app: Flask, settings: Settings) -> None:
    """The sign-in page: the password from the form or the link's token, slowed after failures."""
    throttle: Throttle = app.extensions["salescli.throttle"]

    @app.route("/login", methods=["GET", "POST"])
    def login() -> Any:
        if not settings.password:
            return redirect(url_for("board"))
        offered = request.form.get("password") if request.method == "POST" else request.args.get("token")
        if offered is None:
            return render_template("login.html", failed=False, **_common(None))
        client = request.remote_addr or "?"
        waiting = throttle.wait(client)
        if waiting:
            seconds = math.ceil(waiting)
            response = Response(render_template("login.html", failed=False, wait=seconds, **_common(None)), 429)
            response.headers["Retry-After"] = str(seconds)
            return response
        if hmac.compare_digest(offered.encode(), settings.password.encode()):
            throttle.passed(client)
            session["signed_in"] = True
            return redirect(_local(request.args.get("next")) or url_for("board"), 303)
        throttle.failed(client)
        return render_template("login.html", failed=True, **_common(None)), 403


def _error_pages(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Any:
        if error.code == 413 and request.endpoint == "read_card" and request.view_args:
            return customer_page(request.view_args["reference"], status=413, error=_too_large(
                _("the photo"), request.content_length or CARD_UPLOAD))
        return _error_page(_http_message(error), error.code or 500)

    @app.errorhandler(SalesError)
    def sales_error(error: SalesError) -> Any:
        return _error_page(str(error), 400 if isinstance(error, InvalidValue) else 500)


def _http_message(error: HTTPException) -> str:
    """What went wrong, in the page's language (Werkzeug's own descriptions are English)."""
    if error.description and error.description != type(error).description:
        return error.description
    return {404: _("There is no such page here."), 405: _("This page does not take that kind of request."),
            413: _("What was sent is too large."), 400: _("The request could not be read.")}.get(
        error.code or 500, _("Something went wrong (HTTP %(code)s).") % {"code": error.code})


def _hostname(host: str) -> str:
    if host.startswith("["):
        return host[:host.find("]") + 1]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def _from_this_site() -> bool:
    """Whether a POST came from a page of this site: its Origin, or without one its Referer, names
    this host (a browser sends one of them with every form; "null" is no site)."""
    sent = request.headers.get("Origin") or request.headers.get("Referer")
    if not sent or sent == "null":
        return False
    return urlsplit(sent).netloc.casefold() == request.host.casefold()


def csrf_token() -> str:
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    token: str = session["csrf"]
    return token


def _token_matches(offered: str | None) -> bool:
    expected = session.get("csrf")
    return bool(offered and expected and hmac.compare_digest(offered.encode(), str(expected).encode()))


def _local(target: str | None) -> str | None:
    """A path on this site to go back to, never another site's: no scheme, no host, and nothing a
    browser would drop or turn into one (control characters, spaces, backslashes)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if any(character <= " " or character in "\\\x7f" for character in target):
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None


def _error_page(message: str, status: int) -> Any:
    try:
        common = _common(folder())
    except SalesError:  # the folder or its settings cannot be read: the page without them
        common = _common(None)
    return render_template("error.html", message=message, status=status, **common), status


# ---- form fields ------------------------------------------------------------------------------

def _field(label: str, text: str | None, parse: Callable[[str], T]) -> T | None:
    """A form field read with `parse` (None when left empty); what it refuses — or any value it
    cannot hold — is an InvalidValue naming the field."""
    value = given(text)
    if value is None:
        return None
    try:
        return parse(value)
    except InvalidValue as problem:
        raise _about(label, str(problem)) from None
    except (ValueError, OverflowError, ArithmeticError):
        raise _about(label, _("'%(text)s' cannot be read") % {"text": value}) from None


def _about(label: str, problem: str) -> InvalidValue:
    return InvalidValue(_("%(field)s: %(problem)s") % {"field": label, "problem": problem})


def _day(f: Folder, label: str, text: str | None) -> date | None:
    return _field(label, text, f.date)


def _amount(label: str, text: str | None) -> Decimal | None:
    return _field(label, text, parse_money)


# ---- the pages --------------------------------------------------------------------------------

def _pages(app: Flask) -> None:
    app.add_url_rule("/", "board", lambda: board_page())
    app.add_url_rule("/customers", "customers", customers_page)
    app.add_url_rule("/customer/<reference>", "customer", lambda reference: customer_page(reference))
    app.add_url_rule("/forecast", "forecast", forecast_page)
    app.add_url_rule("/forecast/accuracy", "forecast_accuracy", forecast_accuracy)
    app.add_url_rule("/reports", "reports", reports_page)
    app.add_url_rule("/route", "route", route_page)
    app.add_url_rule("/route.ics", "route_ics", route_calendar)


def _settings_key(f: Folder) -> tuple[Any, ...]:
    """What a page worked out from the customers depends on beyond them: the day, the language and salescli.yaml."""
    return (f.today, f.language, f.settings_stamp())


def _board(f: Folder, args: Mapping[str, str], more: list[str]) -> tuple[pages.Board, tuple[Any, ...]]:
    """The board the query asks for, and the key it is kept under until a file changes."""
    key = _settings_key(f)
    entries = [one for one in f.each(("entry", f.today), lambda customer: pages.entry(customer, today=f.today)) if one]
    own = f.derived(("own", key), lambda: pages.default_owner(entries, f.settings.user))
    filters = pages.filters_of(args, owner=own)
    shown = {stage: pages.CARDS_SHOWN + pages.MORE_SHOWN * more.count(stage.value) for stage in Stage
             if stage.value in more}
    narrowed = own if filters.owner == own and "owner" not in args else None
    key = ("board", key, filters, tuple(sorted(shown.items())), narrowed)
    return f.derived(key, lambda: pages.board(entries, filters, today=f.today, settings=f.settings, language=f.language,
                                             shown=shown, own=narrowed)), key


def board_page(*, error: str | None = None, status: int = 200, fragment: bool = False) -> Any:
    f = folder()
    more = [value for value in request.args.getlist("more") if value in {stage.value for stage in Stage}]
    shown, key = _board(f, request.args, more)
    query = urlencode([(name, request.args[name]) for name in pages.FILTERS if name in request.args])
    settings = settings_of(current_app)
    common = {**_common(f), "read_only": settings.read_only}
    card_template = current_app.jinja_env.get_template("card.html")

    def card_html(card: pages.Card) -> Markup:
        """A card drawn once, and again only when it changes (a move redraws one card, not a board's)."""
        stale = card.stale and (card.stale.days_in_stage, card.stale.limit, card.stale.visit_overdue_days)
        drawn: Markup = f.snapshot.drawn((id(card.customer), card.deal.name, card.days_in_stage, stale, query,
                                          f.language, f.today, settings.read_only), card.customer,
                                         lambda: Markup(card_template.render(card=card, query=query, **common)))
        return drawn

    columns = f.derived(("columns", key, query, tuple(more), settings.read_only), lambda: Markup(render_template(
        "columns.html", board=shown, query=query, more=more, won_days=pages.WON_SHOWN_DAYS, card_html=card_html,
        **common)))
    return render_template("board_body.html" if fragment else "board.html", board=shown, query=query, error=error,
                           columns=columns, stages=list(Stage), on_board=True, cards_shown=pages.CARDS_SHOWN,
                           **common), status


def customers_page() -> Any:
    f = folder()
    text = request.args.get("q")
    found = f.derived(("listed", _settings_key(f), text), lambda: pages.listed(f.search(text, names=True)))
    return render_template("customers.html", listed=found, q=text or "", shown_most=pages.ROWS_SHOWN, **_common(f))


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
        "customer.html", customer=found, groups=groups, people=f.people(found), related=f.related(found),
        names={c.id: c.name for c in customers}, error=error, form=form or {}, stages=list(Stage),
        details=lambda event: _event_details(f, event), event_name=event_name,
        contact=_contact(found), classification=[(name, _classified(f, name, found.get(name)))
                                                 for name in ("field", "size", "role", "channel", "source")],
        card_reader=card_reader(), card_missing=card_reader_missing(), card_most=CARD_MOST_MEGABYTES,
        **_common(f)), status


def _contact(customer: Customer) -> dict[str, str]:
    """The main contact's phone and address, for a tap-to-call and a map link."""
    return {key: str(value) for key in ("phone", "address", "person")
            if (value := customer.get(f"contact.{key}")) not in (None, "")}


def move_page(reference: str) -> Any:
    """The Move form of one card, for a board without JavaScript."""
    f = folder()
    try:
        found = f.customer(reference)
    except InvalidValue as problem:
        abort(404, str(problem))
    deal = found.deal(request.args.get("deal") or "") or found.current_deal
    if deal is None:
        abort(404, _("%(customer)s has no deal to move.") % {"customer": found.name})
    query = urlencode([(name, value) for name, value in request.args.items() if name in pages.FILTERS])
    return render_template("move.html", customer=found, deal=deal, stages=list(Stage), query=query,
                           wanted=request.args.get("stage") or "", **_common(f))


def forecast_page() -> Any:
    f = folder()
    month = _field(_("Month"), request.args.get("month"), _month) or Month.of(f.today)
    quota_text = (request.args.get("quota") or "").strip()
    quota = _amount(_("Quota"), quota_text)
    model = _model(f)
    view = f.derived(("forecast", _settings_key(f), str(month), quota, model),
                     lambda: forecast_view(f, month, quota=quota, model=model))
    history = view.month.model == HISTORY
    chart = charts.months(
        [charts.MonthColumn(str(m.month), m.won_total, m.weighted_total, m.best_case_total, m.formula.capacity, m.new)
         for m in view.ahead],
        title=_("The coming months: won, weighted pipeline and best case"), quota=view.quota, language=f.language,
        tip=_("%(month)s: won %(won)s, weighted %(weighted)s, not in the pipeline yet %(new)s, best case %(best_case)s")
        if history else _("%(month)s: won %(won)s, weighted %(weighted)s, best case %(best_case)s"))
    formula = view.month.formula
    return render_template("forecast.html", view=view, formula=formula, chart=chart, quota=quota_text, model=model,
                           models=_model_choices(), history=history, parts=view.month.parts(),
                           said=_forecast_words(view.month, f.settings.currency), backtest_months=BACKTEST_MONTHS,
                           valued=_valued, source=forecastwords.source,
                           window=f"{formula.start} … {formula.end}" if formula.window_days else _("no working days"),
                           previous=str(month.next(-1)), following=str(month.next()), **_common(f))


def _model(f: Folder) -> str | None:
    """The model the address asks for (None: salescli.yaml's)."""
    model = given(request.args.get("model"))
    if model is not None and model not in MODELS:
        raise _about(_("Model"), _("choose one of: %(choices)s") % {"choices": i18n.joined(
            name for _key, name in _model_choices())})
    return model


def _model_choices() -> list[tuple[str, str]]:
    return [("auto", _("the better of the two by your own backtest")),
            *((key, _capitalized(_(name))) for key, name in forecastwords.MODELS.items())]


def _forecast_words(month: MonthForecast, currency: str) -> dict[str, str | None]:
    """What the command line says of the month beside its tables (forecastwords), for the page."""
    said: dict[str, str | None] = {"model": forecastwords.model_line(month),
                                   "capacity": (forecastwords.capacity_sentence(month, currency) or "").strip() or None}
    if month.model == HISTORY:
        said.update(due=forecastwords.due_line(month).strip(), undated_title=ngettext(
            "{title}: {count} deal", "{title}: {count} deals", len(month.undated)).format(
                title=forecastwords.undated_title(month), count=len(month.undated)),
                    undated=forecastwords.undated_line(month).strip(), new=forecastwords.new_line(month),
                    expected=forecastwords.expected_line(month, currency))
    return said


def _valued(lines: Sequence[DealLine]) -> bool:
    """Whether some of these deals take their value from elsewhere than their target (a "value from" column)."""
    return any(line.source not in (None, TARGET) for line in lines)


def forecast_accuracy() -> Any:
    """The forecast's backtest: loaded on demand (at 10,000 customers it takes a second or two)."""
    f = folder()
    month = _field(_("Month"), request.args.get("month"), _month) or Month.of(f.today)
    model = _model(f)
    rows = f.derived(("backtest", _settings_key(f), str(month), model),
                     lambda: f.backtest(month, BACKTEST_MONTHS, model=model))
    return render_template("accuracy.html", month=month, model=model, rows=rows, accuracy=accuracy(rows),
                           partial=sum(row.partial for row in rows), words=forecastwords,
                           backtest_months=BACKTEST_MONTHS, **_common(f))


def reports_page() -> Any:
    f = folder()
    by = request.args.get("by") or "channel"
    sources_by = request.args.get("sources_by") or "source"
    if by not in WIN_DIMENSIONS:
        raise _about(_("Win rate by"), _("choose one of: %(choices)s") % {
            "choices": i18n.joined(i18n.word(name, f.language) for name in WIN_DIMENSIONS)})
    if sources_by not in ("source", "channel"):
        raise _about(_("Sources by"), _("choose one of: %(choices)s") % {
            "choices": i18n.joined(i18n.word(name, f.language) for name in ("source", "channel"))})
    start, end = (request.args.get(name) or "" for name in ("from", "to"))
    since, until = _day(f, _("From"), start), _day(f, _("To"), end)
    parties = request.args.get("parties") == "1"
    found = f.derived(("reports", _settings_key(f), since, until, by, sources_by, parties),
                      lambda: f.reports(since, until, by=by, sources_by=sources_by, parties=parties))
    language = f.language
    funnel_chart = charts.bars([charts.Bar(step.stage.label(language), step.deals,
                                           f"{step.deals} · {money(step.value)}")
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
    start = _day(f, _("From"), request.args.get("from")) or f.today
    days_text = (request.args.get("days") or str(ROUTE_DAYS)).strip()
    if not days_text.isdigit() or not 1 <= int(days_text) <= 92:
        raise _about(_("Days"), _("a whole number from 1 to 92"))
    return start, int(days_text)


def route_page() -> Any:
    f = folder()
    start, days = _route_request(f)
    planned = f.derived(("route", _settings_key(f), start, days), lambda: f.schedule(start, days))
    query = urlencode({"from": start.isoformat(), "days": days})
    return render_template("route.html", route=planned, start=start, days=days, query=query, contact=_contact,
                           per_day=max(1, int(f.settings.visits_per_day)), **_common(f))


def route_calendar() -> Response:
    f = folder()
    start, days = _route_request(f)
    return Response(f.calendar(f.schedule(start, days).visits), mimetype="text/calendar",
                    headers={"Content-Disposition": f'attachment; filename="salescli-visits-{start}.ics"'})


# ---- the writes -------------------------------------------------------------------------------

def _writes(app: Flask) -> None:
    app.add_url_rule("/customer/<reference>/move", "move", move_page)
    app.add_url_rule("/customer/<reference>/advance", "advance", advance, methods=["POST"])
    app.add_url_rule("/customer/<reference>/visit", "visit", visit, methods=["POST"])
    app.add_url_rule("/customer/<reference>/target", "target", target, methods=["POST"])
    app.add_url_rule("/customer/<reference>/card", "read_card", read_card, methods=["POST"])
    app.add_url_rule("/customer/<reference>/card/save", "save_card", save_card, methods=["POST"])
    app.add_url_rule("/undo", "undo", undo, methods=["POST"])


def _asked(name: str) -> str | None:
    """A field of the form, or else of the address (a card's one-tap button sends its stage there)."""
    return given(request.form.get(name)) or given(request.args.get(name))


def advance(reference: str) -> Any:
    def write(f: Folder) -> tuple[str, int]:
        wanted = _field(_("To stage"), _asked("stage"), parse_target)
        value = _amount(_("Value won"), _asked("value"))
        reason, deal = _asked("reason"), _asked("deal")
        current = f.customer(reference)
        chosen = _deal(current, deal)
        if wanted == "lost" and not reason:
            raise _about(_("Why it was lost"), _("say why the deal was lost"))
        closing = wanted is Stage.CLOSE or (wanted is Stage.SERVICE and chosen is not None and chosen.is_open)
        if closing and value is None and (chosen is None or chosen.target_value is None):
            raise _about(_("Value won"), _("give the value won (the deal has no target to take it from)"))
        move = f.advance(reference, wanted, deal=deal, value=value, reason=reason, note=_asked("note"))
        after, name = move.after, move.customer.name
        stage = after.stage.label(f.language)
        if after.status is Status.WON and move.won:
            said = _("%(customer)s: won %(value)s %(currency)s. Now ask for referrals: every closed customer "
                     "should bring three.") % {"customer": name, "value": money(after.won_value),
                                               "currency": f.settings.currency}
        elif after.status is Status.LOST:
            said = _("%(customer)s: lost at %(stage)s.") % {"customer": name, "stage": stage}
        elif move.before is not None and after.stage.number < move.before.stage.number:
            said = _("%(customer)s moved back to %(stage)s.") % {"customer": name, "stage": stage}
        else:
            said = _("%(customer)s moved to %(stage)s.") % {"customer": name, "stage": stage}
        return said, len(move.events)

    return _write(reference, write)


def _deal(customer: Customer, name: str | None) -> Any:
    if name is None and len(customer.open_deals) > 1:
        raise _about(i18n.word("deal", i18n.language()).capitalize(),
                     _("%(customer)s has several open deals; choose one") % {"customer": customer.name})
    try:
        return choose_deal(customer, name)
    except InvalidValue as problem:
        raise _about(i18n.word("deal", i18n.language()).capitalize(), str(problem)) from None


def visit(reference: str) -> Any:
    form = request.form

    def write(f: Folder) -> tuple[str, int]:
        day = _day(f, _("Date"), form.get("date"))
        following = _day(f, _("Next visit"), form.get("next"))
        if day is not None and day > f.today:
            raise _about(_("Date"), _("%(date)s is after today (%(today)s): the log records what has happened; "
                                      "put a planned visit under Next visit") % {"date": day, "today": f.today})
        current = f.customer(reference)
        _deal(current, given(form.get("deal")))
        logged = f.visit(reference, date=day, goal=given(form.get("goal")), note=given(form.get("note")),
                         next=following, deal=given(form.get("deal")))
        return _("Logged a visit to %(customer)s on %(date)s.") % {"customer": logged.after.name,
                                                                    "date": logged.event["date"]}, 1

    return _write(reference, write)


def target(reference: str) -> Any:
    form = request.form

    def write(f: Folder) -> tuple[str, int]:
        value, by = _amount(_("Value"), form.get("value")), _day(f, _("Close by"), form.get("by"))
        if value is None and by is None:
            raise _about(_("Value"), _("give a value, a date to close by, or both"))
        current = f.customer(reference)
        _deal(current, given(form.get("deal")))
        done = f.target(reference, value, by, note=given(form.get("note")), deal=given(form.get("deal")))
        return _("%(customer)s: target %(value)s %(currency)s by %(date)s.") % {
            "customer": done.customer.name, "value": money(done.value) if done.value is not None else "?",
            "currency": f.settings.currency, "date": done.date or "?"}, 1

    return _write(reference, write)


def _write(reference: str, write: Callable[[Folder], tuple[str, int | None]],
           refused: Callable[[SalesError], Any] | None = None) -> Any:
    """Do one write; then back to the page it came from (the board or the customer), with what was
    done and a way to undo it, or that page again with the refusal (400 for what the CLI calls a usage
    error, 409 for a refused write; `refused` draws another page). The board's script gets the board
    alone. `write` says what it did and the lines it put in the file (None: no undo for it)."""
    f = folder()
    try:
        customer_id = f.path_of(f.customer(reference)).stem
        before = f.file_text(customer_id)
        done, lines = write(f)
    except SalesError as problem:
        return refused(problem) if refused else _refused(reference, problem)
    after = f.file_text(customer_id)
    written = Written.between(customer_id, before, after) if before is not None and after is not None else None
    if written is not None and written.text.count("\n") == lines:  # (no other program's change among it)
        session["undo"] = {"customer": written.customer, "at": written.at, "text": written.text,
                           "digest": written.digest, "said": done}
    else:
        session.pop("undo", None)
    flash(done)
    return _back(reference)


# ---- a business card (名片) --------------------------------------------------------------------

def read_card(reference: str) -> Any:
    """A photo of a business card read: a page with what it says, each field to check and correct
    before it is written (nothing is written yet). The photo is held for the write only when the rep
    asked to keep it."""
    f = folder()
    try:
        customer = f.customer(reference)
        photo, name = _uploaded_photo()
        reading = f.read_card(photo, customer=customer.id, file=name)
    except _TooLarge as problem:
        return customer_page(reference, error=str(problem), status=413)
    except SalesError as problem:
        return _refused(reference, problem)
    held = _photos().hold(csrf_token(), photo) if request.form.get("keep_photo") else None
    return _card_page(f, reading.customer or customer, reading.card, name, held=held)


class _TooLarge(InvalidValue):
    pass


def _too_large(name: str, size: int) -> str:
    return _("{file} is {size:.0f} MB; a card's photo can be at most {most} MB (take it again at a lower "
             "resolution)").format(file=name, size=size / 1024 / 1024, most=CARD_MOST_MEGABYTES)


def _uploaded_photo() -> tuple[bytes, str]:
    """The photo sent (its bytes, and its name as the phone gave it), refused when none was chosen or
    when it is larger than a card's photo can be, before it is read whole."""
    upload = request.files.get("card")
    if upload is None or not upload.filename:
        raise _about(_("Photo of the card"), _("choose a photo of the card, or take one"))
    name = upload.filename.replace("\\", "/").rsplit("/", 1)[-1][:80] or _("the photo")
    upload.stream.seek(0, os.SEEK_END)
    size = upload.stream.tell()
    if size > CARD_MOST_MEGABYTES << 20:
        raise _TooLarge(_too_large(name, size))
    upload.stream.seek(0)
    return upload.stream.read(), name


def _photos() -> HeldPhotos:
    held: HeldPhotos = current_app.extensions["salescli.photos"]
    return held


def _card_page(f: Folder, customer: Customer, card: Card, file: str, *, held: str | None,
               error: str | None = None, status: int = 200) -> Any:
    """The card read, as a form: each field filled in with what was read (empty where the card has
    none), the unsure ones marked; sent, it writes the key person."""
    reading = CardReading(card, b"", file, customer)
    fields = [(key, cardview.label(key, f.language), getattr(card, key) or "", key in card.unsure)
              for key in CARD_FIELDS]
    return render_template("namecard.html", customer=customer, fields=fields, file=file, held=held, error=error,
                           headline=cardview.preview(reading, f.language)[0] if card.name else None,
                           check=cardview.check_sentence(card, f.language), unsure=" ".join(card.unsure),
                           **_common(f)), status


def save_card(reference: str) -> Any:
    """The key person of a card, as the rep checked it, written in one transaction (and the photo
    kept beside the customer file when asked). A new person without a kept photo can be undone."""
    form = request.form
    unsure = tuple(key for key in (form.get("unsure") or "").split() if key in CARD_FIELDS)
    card = Card(**{key: given(form.get(key)) for key in CARD_FIELDS}, unsure=unsure)  # type: ignore[arg-type]
    file, token, keep = form.get("file") or _("the photo"), given(form.get("photo")), form.get("keep_photo") == "1"

    def write(f: Folder) -> tuple[str, int | None]:
        customer = f.customer(reference)
        photo = _photos().get(token, csrf_token()) if keep and token else None
        if keep and photo is None:
            raise InvalidValue(_("The photo is no longer here (the page keeps the last few for an hour): read the "
                                 "card again, or untick Keep the photo."))
        saved = f.save_card(CardReading(card, photo or b"", file, customer), keep_photo=keep)
        if token:
            _photos().drop(token)
        said = cardview.written(saved, f.language)
        if saved.photo is not None:
            said += " " + cardview.photo_kept(f"{saved.photo.parent.name}/{saved.photo.name}")
            return said, None  # (two writes: the file and the photo; no undo)
        return said, 1 if saved.added_person else 0

    def refused(problem: SalesError) -> Any:
        f = folder()
        return _card_page(f, f.customer(reference), card, file, held=token if keep else None, error=str(problem),
                          status=400 if isinstance(problem, InvalidValue) else 409)

    return _write(reference, write, refused)


def _refused(reference: str, problem: SalesError, *, said: str | None = None) -> Any:
    status = 400 if isinstance(problem, InvalidValue) else 409
    error = said or str(problem)
    if request.form.get("back") == "board" or reference == "":
        return board_page(error=error, status=status, fragment=bool(request.headers.get(FETCHED)))
    return customer_page(reference, error=error, form=request.form, status=status)


def _back(reference: str) -> Any:
    if request.headers.get(FETCHED):
        return board_page(fragment=True)
    if request.form.get("back") == "board":
        filters: dict[str, Any] = {k: v for k, v in request.args.items() if k in pages.FILTERS}
        return redirect(url_for("board", **filters), 303)
    return redirect(url_for("customer", reference=folder().customer(reference).id), 303)


def undo() -> Any:
    """Take back the page's last write, while its file is as that write left it."""
    kept = session.pop("undo", None)
    f = folder()
    if not kept:
        return _refused(request.form.get("customer") or "", InvalidValue(_("There is no write to undo.")))
    try:
        f.undo(Written(kept["customer"], kept["at"], kept["text"], kept["digest"]))
    except SalesError as problem:
        return _refused(kept["customer"], problem, said=_("Cannot undo: %(problem)s") % {"problem": problem})
    flash(_("Undone: %(what)s") % {"what": kept["said"]})
    return _back(kept["customer"])


# ---- shared helpers ---------------------------------------------------------------------------

def money(amount: Decimal | None) -> str:
    """An amount as the CLI's forecast shows it: to the unit, thousands separated."""
    return format_money(amount.quantize(Decimal(1)) if amount is not None else None) or "0"


def _percent(share: float | None) -> str:
    return "—" if share is None else f"{share:.0%}"


def _month(text: str) -> Month:
    try:
        return Month.parse(text)
    except ValueError:
        raise InvalidValue(_("'{text}' is not a month; write it as YYYY-MM (e.g. 2026-12)").format(text=text)) from None


def _term(f: Folder, vocabulary: str, key: Any) -> str:
    """A classification value in the page's language; none given: a dash."""
    if key in (None, ""):
        return "—"
    if vocabulary in f.settings.vocabularies:
        return f.settings.vocabulary(vocabulary).label(str(key), f.language)
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
    term = f.settings.vocabulary(vocabulary).get(str(key))
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


def _omitted(reason: str) -> str:
    return {OVERDUE: _("the target date has passed"), NO_DATE: _("no target date"), NO_VALUE: _("no value"),
            NO_WON_EVENT: _("at the close without a won event")}.get(reason, reason)


def _kind(name: str) -> str:
    return {"plan": _("planned"), "next": _("agreed"), "service": _("after-sales service"),
            "referral": _("ask for referrals"), "drop-in": _("drop in")}.get(name, name)


_WEEKDAYS = {"en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
             "zh": ("周一", "周二", "周三", "周四", "周五", "周六", "周日")}


def _common(f: Folder | None) -> dict[str, Any]:
    """What every template uses: the language, the labels the core has in both languages, the
    folder and the day; `f` None when the folder itself could not be read (or is not needed)."""
    language = f.language if f is not None else i18n.language()
    return {
        "language": language,
        "html_language": "zh-CN" if language == "zh" else "en",
        "word": lambda key: i18n.word(key, language),
        "heading": lambda key: _capitalized(i18n.word(key, language)),
        "stage_label": lambda stage: stage.label(language),
        "stage_title": lambda stage: stage.zh if language == "zh" else stage.en,
        "label": lambda thing: thing.label(language),
        "term": (lambda name, key: _term(f, name, key)) if f is not None else (lambda name, key: shown(key)),
        "most": TABLE_ROWS,
        "category": forecastwords.category,
        "omitted": _omitted,
        "kind": _kind,
        "weekday": lambda day: _WEEKDAYS[language][day.weekday()],
        "folder_root": str(f.root) if f is not None else None,
        "today": f.today if f is not None else None,
        "currency": f.settings.currency if f is not None else "",
        "warnings": f.warnings if f is not None else [],
    }
