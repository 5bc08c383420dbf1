"""README stays in step with the code: every command and option it has is documented."""

import re

import typer

from salescli.cli import app
from tests.conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def _commands() -> dict:
    group = typer.main.get_command(app)
    return group.commands  # type: ignore[attr-defined,no-any-return]


def _leaves(commands: dict, prefix: str = "") -> list:
    found = []
    for name, command in commands.items():
        found.append((f"{prefix}{name}", command))
        found += _leaves(getattr(command, "commands", {}), f"{prefix}{name} ")
    return found


def test_every_command_and_option_is_in_the_readme() -> None:
    for name, command in _leaves(_commands()):
        mention = f"salescli {name}" if " " not in name else name.split(" ", 1)[1]
        assert mention in README, name
        for parameter in command.params:
            for option in parameter.opts:
                if option.startswith("--") and option != "--help":
                    assert option in README, f"{name} {option}"


def test_the_readme_test_command_is_what_ci_runs() -> None:
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()[-1]
    assert ci in README
    assert re.search(r"pip install \. && salescli --today \d{4}-\d\d-\d\d list", README)
