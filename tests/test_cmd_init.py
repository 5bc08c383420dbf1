import re
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
    template = (target / "templates" / "customer.yaml").read_text(encoding="utf-8")  # a Chinese folder's: in Chinese
    assert template == (REPO / "salescli" / "templates" / "customer.zh.yaml").read_text(encoding="utf-8")
    config = (target / "salescli.yaml").read_text(encoding="utf-8")
    assert config.startswith("# salescli 设置：业务员设一次就好的东西。")
    assert "user: 李明 " in config and "language: zh " in config  # filled in, comments kept
    assert yaml.safe_load(config)["probabilities"]["demo"] == 0.5
    english = tmp_path / "english"
    assert CliRunner().invoke(app, ["init", str(english), "--language", "en", "--no-git"]).exit_code == 0
    assert (english / "templates" / "customer.yaml").read_text() == (REPO / "templates" / "customer.yaml").read_text()
    assert (english / "salescli.yaml").read_text(encoding="utf-8").startswith("# salescli settings")


def test_the_chinese_templates_are_the_english_ones_with_chinese_comments() -> None:
    """The same keys, values and layout: only the comments differ (a template's keys are what salescli writes)."""
    for name in ("customer", "salescli"):
        english = (REPO / "salescli" / "templates" / f"{name}.yaml").read_text(encoding="utf-8")
        chinese = (REPO / "salescli" / "templates" / f"{name}.zh.yaml").read_text(encoding="utf-8")
        assert yaml.safe_load(chinese) == {**yaml.safe_load(english),
                                           **({"language": "zh"} if name == "salescli" else {})}
        keys = [line.split("#")[0].rstrip() for line in english.splitlines() if line.split("#")[0].strip()]
        assert keys == [line.split("#")[0].rstrip().replace("language: zh", "language: en")
                        for line in chinese.splitlines() if line.split("#")[0].strip()]
        words = {word for line in chinese.splitlines() if "#" in line
                 for word in re.findall(r"[A-Za-z]{2,}", line.split("#", 1)[1])}
        assert words <= ENGLISH_IN_CHINESE_COMMENTS, words - ENGLISH_IN_CHINESE_COMMENTS


# The words a Chinese template's comments may hold: the keys and values the file takes, and names.
ENGLISH_IN_CHINESE_COMMENTS = {
    "salescli", "log", "field", "real", "estate", "bank", "construction", "military", "telecom", "finance", "power",
    "petrochemical", "railway", "pharma", "metallurgy", "highway", "aviation", "municipal", "industrial", "college",
    "system", "small", "individual", "owner", "intermediary", "contractor", "supervisor", "designer", "cold",
    "acquaintance", "referral", "street", "statistics", "directory", "press", "web", "site", "sign", "board",
    "passing", "other", "show", "name", "title", "mobile", "office", "email", "wq", "example", "com", "hobbies",
    "birthday", "family", "friends", "date", "event", "added", "stage", "demo", "visit", "goal", "note", "next",
    "target", "value", "by", "won", "lost", "reason", "reopen", "open", "deal", "en", "zh", "report", "stale", "git",
    "commit", "best_case", "best", "case", "pipeline", "closed", "water", "exhibition", "team", "manager", "import",
    "TEAM", "csv", "yaml", "CNY",
}


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
