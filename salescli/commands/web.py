"""`salescli web`: the pipeline board, customer pages, forecast, reports and route in the browser."""

from __future__ import annotations

import ipaddress
from importlib.util import find_spec
from typing import Optional

import typer

from salescli.commands import session
from salescli.errors import InvalidValue
from salescli.i18n import _


def register(app: typer.Typer) -> None:
    app.command("web")(web)


def web(
    ctx: typer.Context,
    host: str = typer.Option("127.0.0.1", "--host", help="The address to listen on; another than this machine's "
                                                          "own (127.0.0.1) asks for a password (0.0.0.0: prints "
                                                          "the addresses a phone can open, and a QR code)."),
    port: int = typer.Option(8765, "--port", help="The port (0: any free one)."),
    read_only: bool = typer.Option(False, "--read-only", help="Show, never write: no form, no write route."),
    no_open: bool = typer.Option(False, "--no-open", help="Do not open the browser."),
    password: Optional[str] = typer.Option(
        None, "--password", envvar="SALESCLI_WEB_PASSWORD", metavar="TEXT",
        help="Ask for TEXT before showing anything (without it, a --host other than 127.0.0.1 gets a token "
             "printed at start).",
    ),
) -> None:
    """Open the pipeline in the browser, on a laptop or a phone: the board (deals as cards in the
    eight stages, moved with a tap or a drag), customer pages, the month's forecast, reports and the
    week's route, over the same files as every command. Stop it with Ctrl-C.

    Each write (a card moved, a visit logged, a target set) appends one event to the customer's
    log, as `advance`, `visit` and `target` do, and can be undone on the page; --commit commits it.

    Needs the web extra: pip install 'salescli[web]' (in a clone: pip install '.[web]').

    Examples:

    \b
      salescli web
      salescli --lang zh web --read-only --port 8800
      salescli web --host 0.0.0.0 --password 换个密码
    """
    s = session(ctx)
    if find_spec("flask") is None:
        raise InvalidValue(_("`salescli web` needs Flask, which is not installed; install it with: pip install "
                             "'salescli[web]' (in a clone of salescli: pip install '.[web]')"))
    if not 0 <= port <= 65535:
        raise InvalidValue(_("--port must be from 0 to 65535"))
    s.language  # noqa: B018 - a wrong --lang or a broken salescli.yaml is reported now, not on the page
    from salescli.web.serve import Options, serve

    loopback = _loopback(host)
    token = None
    if not loopback and not password:
        import secrets

        token = password = secrets.token_urlsafe(12)
    fixed_today = s.today if s.today_text or _today_from_environment() else None
    serve(Options(root=s.folder.root, host=host, port=port, today=fixed_today, language=s.language_option,
                  commit=s.commit_option, read_only=read_only, password=password, token=token, loopback=loopback,
                  open_browser=not no_open))


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _today_from_environment() -> bool:
    import os

    from salescli.session import TODAY_VARIABLE

    return bool(os.environ.get(TODAY_VARIABLE))
