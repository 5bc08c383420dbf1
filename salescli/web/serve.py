"""Running the web app: bind, say where, open the browser, serve until Ctrl-C."""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import quote

from salescli.errors import InvalidValue
from salescli.web.text import _


@dataclass(frozen=True)
class Options:
    root: Path
    host: str = "127.0.0.1"
    port: int = 8765
    today: date | None = None
    language: str | None = None
    commit: bool | None = None
    read_only: bool = False
    password: str | None = None
    token: str | None = None  # the password made up at start (and printed), when none was given
    loopback: bool = True
    open_browser: bool = True


def serve(options: Options) -> None:
    """Serve until interrupted; requests run in threads, one at a time through the app."""
    import gc
    import logging
    import secrets

    from werkzeug.serving import make_server

    from salescli.web.app import Settings, create_app

    gc.enable()  # the CLI runs without the cycle collector; a server lives long
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
    app = create_app(Settings(root=options.root, today=options.today, language=options.language,
                              commit=options.commit, read_only=options.read_only, password=options.password,
                              loopback=options.loopback, cookie=f"salescli-{secrets.token_hex(4)}"))
    listening = _listen(options.host, options.port)
    with listening:
        server = make_server(options.host, listening.getsockname()[1], app, threaded=True, fd=listening.fileno())
    address = f"[{options.host}]" if ":" in options.host else options.host
    url = f"http://{address}:{server.port}/"
    _say(_("salescli web: the pipeline of %(folder)s at %(url)s (Ctrl-C stops it).")
         % {"folder": options.root, "url": url})
    if options.read_only:
        _say(_("Read-only: the page shows the files and writes nothing."))
    if not options.loopback:
        _say(_("Other machines can reach %(host)s: every page asks for the password first.") % {"host": options.host})
    if options.token:
        url = f"{url}login?token={quote(options.token)}"
        _say(_("No --password was given, so the password is this token: %(token)s (or open %(url)s).")
             % {"token": options.token, "url": url})
    if options.open_browser:
        import webbrowser

        webbrowser.open(url)
    try:
        server.serve_forever()  # returns at Ctrl-C
    except KeyboardInterrupt:  # one that came before serving began
        pass
    finally:
        server.server_close()
    _say(_("Stopped."))


def _listen(host: str, port: int) -> socket.socket:
    """The listening socket (made here, not by Werkzeug, whose own error would exit with its message)."""
    try:
        return socket.create_server((host.strip("[]"), port), family=socket.AF_INET6 if ":" in host else socket.AF_INET)
    except OSError as error:
        reason = os.strerror(error.errno) if error.errno else str(error)
        raise InvalidValue(_("cannot listen on {host} port {port} ({reason}); choose another with --port").format(
            host=host, port=port, reason=reason)) from None


def _say(line: str) -> None:
    print(line, flush=True)
