"""Tables in a real terminal (a pseudo-terminal of a set width): they fit it; piped output is whole."""

import fcntl
import os
import pty
import struct
import termios
from pathlib import Path

import pytest

from salescli.render import text_width
from tests.conftest import REPO, SAMPLE_TODAY
from tests.test_entry_point import SALESCLI, salescli

pytestmark = pytest.mark.skipif(not Path(SALESCLI).exists(), reason="salescli is not installed")


def in_terminal(columns: int, *args: str) -> list[str]:
    """The lines `salescli ARGS` shows in a terminal `columns` wide, in the repository's sample folder."""
    pid, descriptor = pty.fork()
    if pid == 0:  # the child: salescli on the terminal's side
        os.chdir(REPO)
        environment = {key: value for key, value in os.environ.items() if not key.startswith("SALESCLI_")}
        os.execve(SALESCLI, [SALESCLI, "--today", SAMPLE_TODAY, *args], environment)
    fcntl.ioctl(descriptor, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
    output = b""
    while True:
        try:
            chunk = os.read(descriptor, 65536)
        except OSError:  # the child has gone: the terminal is closed
            break
        if not chunk:
            break
        output += chunk
    os.waitpid(pid, 0)
    return output.decode("utf-8").replace("\r\n", "\n").splitlines()


@pytest.mark.parametrize("columns", [80, 120])
def test_list_fits_the_terminal_and_says_what_it_left_out(columns: int) -> None:
    lines = in_terminal(columns, "list")
    assert max(map(text_width, lines)) <= columns
    hidden = [line for line in lines if " hidden: " in line]
    assert len(hidden) == 1 and hidden[0].endswith("--wide shows all)")
    assert lines[0].split()[:2] == (["name", "stage"] if columns == 80 else ["id", "name"])
    start = next(index for index, line in enumerate(lines) if line.startswith("35 customers"))
    summary = " | ".join(lines[start:start + 4] if columns == 80 else lines[start:start + 2])  # broken where it must be
    assert len(lines) == start + (4 if columns == 80 else 2)
    assert summary.startswith("35 customers | prospect 4") and summary.endswith(
        "open pipeline 2,170,500 CNY | their other deals: won 2 (290,000)")
    assert "城建职业学院造价教研室" in "\n".join(lines)


def test_wide_and_piped_output_are_whole() -> None:
    wide = in_terminal(80, "list", "--wide")
    piped = salescli("--today", SAMPLE_TODAY, "list", cwd=REPO).stdout.splitlines()
    assert wide == piped and max(map(text_width, piped)) > 120
    assert piped[0].split()[:3] == ["id", "name", "stage"]


def test_a_long_route_is_cut_not_wrapped() -> None:
    lines = in_terminal(80, "schedule", "--week")
    assert max(map(text_width, lines)) <= 80
    assert any(line.endswith("…") for line in lines)
