import subprocess
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from salescli.cli import app
from tests.conftest import REPO, without_git_identity


def test_init_makes_a_data_folder_with_git(tmp_path: Path) -> None:
    target = tmp_path / "sales"
    result = CliRunner().invoke(app, ["init", str(target), "--user", "李明", "--language", "zh"])
    assert result.exit_code == 0, result.output
    assert result.stdout == (f"Made in {target}: customers/, templates/, templates/customer.yaml, salescli.yaml, "
                             ".gitignore, a git repository, the merge driver for customers/*.yaml.\n"
                             "First commit: .gitattributes, .gitignore, customers/.gitkeep, salescli.yaml, "
                             "templates/customer.yaml.\n"
                             "Next: salescli add NAME  (salescli add --help lists the fields)\n")
    log = subprocess.run(["git", "log", "--format=%s", "--name-only"], cwd=target, capture_output=True, text=True)
    assert log.stdout.split() == ["salescli", "init:", "settings", "and", "template", ".gitattributes", ".gitignore",
                                  "customers/.gitkeep", "salescli.yaml", "templates/customer.yaml"]
    assert subprocess.run(["git", "status", "--porcelain"], cwd=target, capture_output=True, text=True).stdout == ""
    assert (target / ".gitattributes").read_text() == "customers/*.yaml merge=salescli\n"
    assert (target / ".gitignore").read_text() == \
        "# salescli: temporary files of writes in progress (or killed), never data\n.*.tmp\n"
    assert (target / "customers").is_dir() and (target / ".git").is_dir()
    assert (target / "templates" / "customer.yaml").read_text() == (REPO / "templates" / "customer.yaml").read_text()
    config = (target / "salescli.yaml").read_text(encoding="utf-8")
    assert config.startswith("# salescli settings")
    assert "user: 李明 " in config and "language: zh " in config  # filled in, comments kept
    assert yaml.safe_load(config)["probabilities"]["demo"] == 0.5


def test_init_again_changes_nothing(tmp_path: Path) -> None:
    CliRunner().invoke(app, ["init", str(tmp_path), "--no-git"])
    (tmp_path / "salescli.yaml").write_text("user: me\n")
    result = CliRunner().invoke(app, ["init", str(tmp_path), "--no-git"])
    assert result.stdout.startswith(f"{tmp_path} is already a salescli data folder; nothing to do.")
    assert (tmp_path / "salescli.yaml").read_text() == "user: me\n"
    assert not (tmp_path / ".git").exists()


def test_init_inside_a_git_repository_makes_no_new_one(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    result = CliRunner().invoke(app, ["init", str(tmp_path / "sales")])
    assert "a git repository" not in result.stdout
    assert not (tmp_path / "sales" / ".git").exists()


def test_init_refuses_an_unknown_language(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["init", str(tmp_path), "--language", "fr"])
    assert (result.exit_code, result.stderr) == (2, "Error: --language must be one of en, zh\n")


def test_the_bundled_templates_are_the_package_defaults() -> None:
    assert (REPO / "templates" / "customer.yaml").read_text() == \
        (REPO / "salescli" / "templates" / "customer.yaml").read_text()


def test_init_without_a_git_identity_says_how_to_set_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    without_git_identity(monkeypatch, tmp_path)
    target = tmp_path / "sales"
    result = CliRunner().invoke(app, ["init", str(target)])
    assert result.exit_code == 0
    assert "First commit" not in result.stdout
    assert result.stderr == ("git does not know who you are yet, so nothing was committed: run `git config --global "
                             "user.name \"李明\"` and `git config --global user.email you@example.com`; then "
                             "`git add -A && git commit -m 'salescli init'`.\n")
    assert (target / "salescli.yaml").exists()
