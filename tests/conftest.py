from __future__ import annotations

import shutil
from pathlib import Path
from typing import Callable

import pytest
from typer.testing import CliRunner

from salescli import i18n
from salescli.cli import app

REPO = Path(__file__).resolve().parent.parent
TODAY = "2026-11-26"
# The bundled sample is set at this date; the README's commands pass it as --today.
SAMPLE_TODAY = "2026-11-26"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """An empty data folder with the default templates."""
    root = tmp_path / "sales"
    (root / "customers").mkdir(parents=True)
    shutil.copytree(REPO / "templates", root / "templates")
    return root


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    """A copy of the bundled sample folder."""
    root = tmp_path / "sample"
    root.mkdir()
    for name in ("customers", "templates"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "salescli.yaml", root / "salescli.yaml")
    return root


Run = Callable[..., "Result"]


class Result:
    def __init__(self, exit_code: int, stdout: str, stderr: str) -> None:
        self.exit_code, self.stdout, self.stderr = exit_code, stdout, stderr

    def __repr__(self) -> str:
        return f"Result(exit={self.exit_code}, stdout={self.stdout!r}, stderr={self.stderr!r})"


@pytest.fixture(scope="module")
def bundled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the repository's own data folder: the sample customers, templates and settings (one a
    test module)."""
    root = tmp_path_factory.mktemp("bundled")
    for name in ("customers", "templates"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "salescli.yaml", root / "salescli.yaml")
    return root


def invoke(root: Path, *args: str, today: str = TODAY, input: str | None = None) -> Result:
    result = CliRunner().invoke(app, ["--dir", str(root), "--today", today, *args], input=input)
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Result(result.exit_code, result.stdout, result.stderr)


@pytest.fixture
def run(folder: Path) -> Callable[..., Result]:
    """Run salescli on the `folder` fixture; asserts nothing, returns exit code and both streams."""
    return lambda *args, **kwargs: invoke(folder, *args, **kwargs)


def steps(run: Callable[..., Result], *, today: str) -> Callable[..., Result]:
    """A `run` that must succeed: for building a folder through the commands."""
    def step(*args: str) -> Result:
        result = run(*args, today=today)
        assert result.exit_code == 0, result
        return result

    return step


def customer_file(root: Path, customer_id: str) -> Path:
    return root / "customers" / f"{customer_id}.yaml"


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test's parse cache in a temporary folder, never the user's."""
    folder = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("SALESCLI_CACHE_DIR", str(folder))
    monkeypatch.setenv("XDG_CACHE_HOME", str(folder))


@pytest.fixture(autouse=True)
def _english(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests speak English unless they ask otherwise, whatever the machine's locale and whatever
    language the test before spoke (the language is the process's: a test of the core alone opens no
    folder that would choose it again)."""
    for name in ("SALESCLI_LANG", "LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        monkeypatch.delenv(name, raising=False)
    i18n.use("en")


GIT_IDENTITY = {"GIT_AUTHOR_NAME": "测试", "GIT_AUTHOR_EMAIL": "test@example.com",
                "GIT_COMMITTER_NAME": "测试", "GIT_COMMITTER_EMAIL": "test@example.com"}


@pytest.fixture(autouse=True)
def _git_identity(monkeypatch: pytest.MonkeyPatch) -> None:
    """Commits made by tests have an author, as on a machine where git was never set up they would not."""
    for key, value in GIT_IDENTITY.items():
        monkeypatch.setenv(key, value)


def without_git_identity(monkeypatch: pytest.MonkeyPatch, home: Path) -> None:
    """Git as on a fresh machine: no identity configured anywhere, and none guessed."""
    for key in GIT_IDENTITY:
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(home / "no-gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_COUNT", "1")  # git would otherwise guess one from the user and host names
    monkeypatch.setenv("GIT_CONFIG_KEY_0", "user.useConfigOnly")
    monkeypatch.setenv("GIT_CONFIG_VALUE_0", "true")
