"""`salescli web` as a command: its options, what it says at start, and the installed process."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import invoke
from tests.test_entry_point import SALESCLI

pytest.importorskip("flask", reason="the web extra is not installed: pip install 'salescli[web]'")

from salescli.web import serve as serving  # noqa: E402


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[serving.Options]:
    """What `salescli web` would serve with, instead of serving."""
    found: list[serving.Options] = []
    monkeypatch.setattr(serving, "serve", found.append)
    return found


def test_the_defaults_are_local_and_writable(sample: Path, started: list[serving.Options]) -> None:
    result = invoke(sample, "web", "--no-open")
    assert result.exit_code == 0, result
    (options,) = started
    assert (options.root, options.host, options.port, options.read_only, options.password, options.token,
            options.loopback, options.open_browser) == (sample, "127.0.0.1", 8765, False, None, None, True, False)
    assert options.today == date(2026, 11, 26)  # --today holds for the whole run


def test_global_options_reach_the_page(sample: Path, started: list[serving.Options]) -> None:
    assert invoke(sample, "--lang", "zh", "--commit", "web", "--read-only", "--port", "0").exit_code == 0
    (options,) = started
    assert (options.language, options.commit, options.read_only, options.port, options.open_browser) == \
        ("zh", True, True, 0, True)


def test_another_host_needs_a_password_and_gets_a_token_without_one(sample: Path,
                                                                   started: list[serving.Options]) -> None:
    assert invoke(sample, "web", "--host", "0.0.0.0").exit_code == 0
    assert invoke(sample, "web", "--host", "192.0.2.7", "--password", "换个密码").exit_code == 0
    assert invoke(sample, "web", "--host", "::1").exit_code == 0
    made_up, given, loopback = started
    assert not made_up.loopback and made_up.token and made_up.password == made_up.token
    assert len(made_up.token) >= 16
    assert (given.loopback, given.password, given.token) == (False, "换个密码", None)
    assert (loopback.loopback, loopback.password) == (True, None)


def test_without_flask_it_says_how_to_install_it(sample: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from salescli.commands import web

    monkeypatch.setattr(web, "find_spec", lambda name: None)
    result = invoke(sample, "web")
    assert (result.exit_code, result.stderr) == (
        2, "Error: `salescli web` needs Flask, which is not installed; install it with: pip install 'salescli[web]' "
           "(in a clone of salescli: pip install '.[web]')\n")


def test_a_wrong_language_is_refused_before_serving(sample: Path, started: list[serving.Options]) -> None:
    result = invoke(sample, "--lang", "fr", "web")
    assert (result.exit_code, result.stderr, started) == (2, "Error: --lang must be one of en, zh, not 'fr'\n", [])


class _Server:
    def run(self) -> None:
        raise KeyboardInterrupt

    def close(self) -> None:
        pass


def test_what_it_says_at_start(sample: Path, monkeypatch: pytest.MonkeyPatch,
                               capsys: pytest.CaptureFixture[str]) -> None:
    """Bound to any address, it prints the addresses a phone can open (not 0.0.0.0) and a QR code of
    the sign-in link."""
    import webbrowser

    served: list[Any] = []
    opened: list[str] = []
    monkeypatch.setattr(serving, "_listen", lambda host, port: socket.create_server(("127.0.0.1", 0)))
    monkeypatch.setattr(serving, "_server", lambda app, listening: served.append(listening.getsockname()) or _Server())
    monkeypatch.setattr(serving, "_routed", lambda family: "192.168.1.23")
    monkeypatch.setattr(serving, "_named", lambda: ["127.0.1.1", "10.0.0.5", "192.168.1.23"])
    monkeypatch.setattr(webbrowser, "open", opened.append)
    serving.serve(serving.Options(root=sample, host="0.0.0.0", port=0, read_only=True, password="t0ken",
                                  token="t0ken", loopback=False))
    port = served[0][1]
    link = f"http://192.168.1.23:{port}/login?token=t0ken"
    assert capsys.readouterr().out == (
        "Reading the customer files (the first time in a big folder this takes a while)…\n"
        f"salescli web: the pipeline of {sample} at http://192.168.1.23:{port}/ (Ctrl-C stops it).\n"
        f"  also at http://10.0.0.5:{port}/\n"
        "Read-only: the page shows the files and writes nothing.\n"
        "Other machines can reach 0.0.0.0: every page asks for the password first.\n"
        f"No --password was given, so the password is this token: t0ken (or open {link}).\n"
        f"Scan this with the phone's camera to open {link}:\n"
        f"{serving.qr_code(link)}\n"
        "Stopped.\n")
    assert opened == [link]


def test_the_qr_code_holds_the_link() -> None:
    import segno

    code = serving.qr_code("http://192.168.1.23:8765/login?token=abc")
    rows = code.splitlines()
    expected = segno.make("http://192.168.1.23:8765/login?token=abc", error="m", micro=False)
    width, height = expected.symbol_size(border=4)
    assert len(rows) == (height + 1) // 2 and all(len(row) == width for row in rows)  # two modules a character
    assert set(code) <= {"█", "▀", "▄", " ", "\n"}


def test_a_loopback_host_is_printed_as_it_is() -> None:
    assert serving.reachable("127.0.0.1") == ["127.0.0.1"]
    assert serving.reachable("::1") == ["::1"]
    assert serving.reachable("192.0.2.7") == ["192.0.2.7"]


def test_a_port_in_use_is_a_clear_error(sample: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = invoke(sample, "web", "--no-open", "--port", str(port))
    assert result.exit_code == 2
    assert result.stderr == (f"Error: cannot listen on 127.0.0.1 port {port} (Address already in use); "
                             "choose another with --port\n")


def test_other_commands_never_import_flask() -> None:
    script = ("import sys\nfrom salescli.cli import make_app\nmake_app('list')\nmake_app(None)\n"
              "print(sorted(name for name in sys.modules if name.split('.')[0] in ('flask', 'jinja2', 'werkzeug')))")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout == "[]\n"


def _installed_server(sample: Path) -> subprocess.Popen[str]:
    """`salescli web` as a rep starts it, in the sample folder, on any free port."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith("SALESCLI_")}
    environment["SALESCLI_CACHE_DIR"] = os.environ["SALESCLI_CACHE_DIR"]
    return subprocess.Popen([SALESCLI, "--today", "2026-11-26", "web", "--no-open", "--port", "0"], cwd=sample,
                            env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.skipif(not Path(SALESCLI).exists(), reason="salescli is not installed")
def test_the_installed_command_serves_the_board(sample: Path) -> None:
    server = _installed_server(sample)
    try:
        assert server.stdout is not None
        assert server.stdout.readline().startswith("Reading the customer files")
        first = server.stdout.readline()
        found = re.fullmatch(r"salescli web: the pipeline of (.+) at (http://127\.0\.0\.1:\d+/) "
                             r"\(Ctrl-C stops it\)\.\n", first)
        assert found, first
        assert Path(found.group(1)) == sample.resolve()
        with urllib.request.urlopen(found.group(2), timeout=20) as response:
            html = response.read().decode()
        assert response.status == 200 and html.count('<section class="column"') == 8
        assert "鼎盛房地产开发有限公司" in html
        before = (sample / "customers" / "dingshengfangdichankaifa.yaml").read_bytes()
        request = urllib.request.Request(found.group(2) + "customer/dingshengfangdichankaifa/advance",
                                         data=b"stage=objections", method="POST")
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=20)
        assert refused.value.code == 403
        assert (sample / "customers" / "dingshengfangdichankaifa.yaml").read_bytes() == before
    finally:
        server.send_signal(signal.SIGINT)
        out, err = server.communicate(timeout=20)
    assert (server.returncode, out, err) == (0, "Stopped.\n", "")


@pytest.mark.skipif(not Path(SALESCLI).exists(), reason="salescli is not installed")
def test_the_installed_command_refuses_a_request_without_a_host(sample: Path) -> None:
    server = _installed_server(sample)
    try:
        assert server.stdout is not None
        server.stdout.readline()
        found = re.search(r"http://127\.0\.0\.1:(\d+)/", server.stdout.readline())
        assert found
        for request in (b"GET / HTTP/1.1\r\nHost: \r\nConnection: close\r\n\r\n",
                        b"GET / HTTP/1.0\r\n\r\n"):
            with socket.create_connection(("127.0.0.1", int(found.group(1))), timeout=20) as connection:
                connection.sendall(request)
                answer = b""
                while chunk := connection.recv(65536):
                    answer += chunk
            assert answer.split(b"\r\n")[0].upper().endswith(b"400 BAD REQUEST"), answer[:200]
            assert b"The request names no host" in answer
    finally:
        server.send_signal(signal.SIGINT)
        server.communicate(timeout=20)
