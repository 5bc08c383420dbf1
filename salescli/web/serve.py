"""Running the web app: bind, read the folder once, say where (and, for other machines, the
addresses they can reach and a QR code of the sign-in link), open the browser, serve until Ctrl-C.

The server is Waitress: a production WSGI server in pure Python that runs the same on the reps'
Windows laptops as on Linux (Gunicorn is Unix-only), reads each request whole before the app sees
it, and serves from a fixed pool of threads: a phone on a slow network, or a team's eight browsers
at once, neither hold the app nor make a thread each (Werkzeug's own server is for development).
The app itself answers one request at a time (see app.py): the threads wait their turn, cheaply.
"""

from __future__ import annotations

import io
import os
import socket
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote

from salescli.errors import InvalidValue
from salescli.web.text import _

THREADS = 8
ANY_ADDRESS = ("0.0.0.0", "::", "[::]", "")


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
    """Serve until interrupted."""
    import gc
    import secrets

    from salescli.web.app import Settings, create_app

    gc.enable()  # the CLI runs without the cycle collector; a server lives long
    app = create_app(Settings(root=options.root, today=options.today, language=options.language,
                              commit=options.commit, read_only=options.read_only, password=options.password,
                              loopback=options.loopback, cookie=f"salescli-{secrets.token_hex(4)}"))
    listening = _listen(options.host, options.port)
    port = listening.getsockname()[1]
    _say(_("Reading the customer files (the first time in a big folder this takes a while)…"))
    _warm(app)
    server = _server(app, listening)
    urls = [f"http://{_bracketed(address)}:{port}/" for address in reachable(options.host)]
    _say(_("salescli web: the pipeline of %(folder)s at %(url)s (Ctrl-C stops it).")
         % {"folder": options.root, "url": urls[0]})
    for url in urls[1:]:
        _say(_("  also at %(url)s") % {"url": url})
    if options.read_only:
        _say(_("Read-only: the page shows the files and writes nothing."))
    sign_in = urls[0]
    if not options.loopback:
        _say(_("Other machines can reach %(host)s: every page asks for the password first.") % {"host": options.host})
    if options.token:
        sign_in = f"{urls[0]}login?token={quote(options.token)}"
        _say(_("No --password was given, so the password is this token: %(token)s (or open %(url)s).")
             % {"token": options.token, "url": sign_in})
    if not options.loopback:
        _say(_("Scan this with the phone's camera to open %(url)s:") % {"url": sign_in})
        _say(qr_code(sign_in))
    if options.open_browser:
        import webbrowser

        webbrowser.open(sign_in)
    try:
        server.run()  # returns at Ctrl-C
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
    _say(_("Stopped."))


def _server(app: Any, listening: socket.socket) -> Any:
    import logging

    from waitress.server import create_server

    logging.getLogger("waitress").setLevel(logging.ERROR)  # no line per request, nor for a queue of them
    return create_server(app, sockets=[listening], threads=THREADS, ident="salescli",
                         clear_untrusted_proxy_headers=True)


def _warm(app: Any) -> None:
    """Read the folder and draw the board once before serving (the parse cache is built where it is
    missing, the templates compiled), so that the first page comes at once; a folder that cannot be
    read is said by the page."""
    client = app.test_client()
    with client.session_transaction(base_url="http://127.0.0.1/") as session:
        session["signed_in"] = True  # (a password's page would be the login's)
    client.get("/", base_url="http://127.0.0.1/")


def reachable(host: str) -> list[str]:
    """The addresses to print for `host`: itself, or for any address (0.0.0.0, ::) this machine's
    addresses on its networks, which a phone on the same Wi-Fi can open (0.0.0.0 it cannot)."""
    if host not in ANY_ADDRESS:
        return [host.strip("[]")]
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    found: list[str] = []
    for candidate in (_routed(family), *(_named() if family == socket.AF_INET else [])):
        if candidate and candidate not in found and not candidate.startswith(("127.", "::1")):
            found.append(candidate)
    return found or ["127.0.0.1" if family == socket.AF_INET else "::1"]


def _routed(family: int) -> str | None:
    """The address this machine sends from on its default route (a UDP socket connects without sending)."""
    probe = "192.0.2.1" if family == socket.AF_INET else "2001:db8::1"
    try:
        with socket.socket(family, socket.SOCK_DGRAM) as udp:
            udp.connect((probe, 9))
            address: str = udp.getsockname()[0]
            return address
    except OSError:
        return None


def _named() -> list[str]:
    try:
        infos = socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET, socket.SOCK_STREAM)
    except OSError:
        return []
    return [str(info[4][0]) for info in infos]


def _bracketed(address: str) -> str:
    return f"[{address}]" if ":" in address else address


def qr_code(url: str) -> str:
    """`url` as a QR code drawn with block characters, for a phone's camera to open."""
    import segno

    out = io.StringIO()
    segno.make(url, error="m", micro=False).terminal(out=out, compact=True)
    return out.getvalue().rstrip("\n")


def _listen(host: str, port: int) -> socket.socket:
    """The listening socket (made here, not by the server, whose own error would exit with its message)."""
    try:
        return socket.create_server((host.strip("[]"), port), family=socket.AF_INET6 if ":" in host else socket.AF_INET)
    except OSError as error:
        reason = os.strerror(error.errno) if error.errno else str(error)
        raise InvalidValue(_("cannot listen on {host} port {port} ({reason}); choose another with --port").format(
            host=host, port=port, reason=reason)) from None


def _say(line: str) -> None:
    print(line, flush=True)
