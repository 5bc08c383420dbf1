"""The documentation stays true: the command reference is `--help` as it is now and has every command and
option; the README's examples run on the bundled sample and print what it shows; every relative link
in the README and docs/ leads to a file and a heading that exist; the code's citations of the domain
name its sections; the docs build as a site."""

from __future__ import annotations

import contextlib
import importlib.util
import io
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from typer.testing import CliRunner

from salescli.cli import app
from tests.conftest import REPO

DOCS = REPO / "docs"
README = (REPO / "README.md").read_text(encoding="utf-8")


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("docs_generate", DOCS / "generate.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


generate = _generator()


# The command reference ---------------------------------------------------------------------------------


def test_the_reference_is_what_help_says_now() -> None:
    for language, text in generate.pages().items():
        assert generate.PAGES[language].read_text(encoding="utf-8") == text, \
            f"{generate.PAGES[language].name} is out of date: run python docs/generate.py"


def _section(page: str, path: str) -> str:
    heading = f"\n## {generate._title(path)}\n"
    assert heading in page, f"no section for `salescli {path}`"
    return page.split(heading, 1)[1].split("\n## ", 1)[0]


def test_every_command_and_option_is_in_the_reference() -> None:
    commands = generate.commands()
    assert len(commands) > 30 and {"", "add", "forecast", "report funnel", "web"} <= {path for path, _ in commands}
    for path in generate.PAGES.values():
        page = path.read_text(encoding="utf-8")
        for name, command in commands:
            section = _section(page, name)
            for parameter in command.params:
                if getattr(parameter, "hidden", False):
                    continue
                for option in (*parameter.opts, *parameter.secondary_opts):
                    if option.startswith("--"):
                        assert option in section, f"{path.name}: salescli {name} {option}"


# The README ---------------------------------------------------------------------------------------------


def test_the_readme_is_short() -> None:
    assert len(README.splitlines()) <= 200


def test_the_readme_test_command_is_what_ci_runs() -> None:
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()[-1]
    assert ci in README
    assert re.search(r"pip install \. && salescli --today \d{4}-\d\d-\d\d list", README)


def _blocks(text: str, language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", text, re.S | re.M)


def _is_newcomers(block: str) -> bool:
    """The two commands of a fresh machine: `.ci/run` runs the test one, and so the install."""
    return "python3 -m venv" in block


def _is_first_day(block: str) -> bool:
    """A folder of one's own, from `salescli init`: tests/test_entry_point.py runs it as processes."""
    return block.startswith("salescli init ")


def _on_the_sample(text: str) -> list[str]:
    return [block for block in _blocks(text, "sh") if not _is_newcomers(block) and not _is_first_day(block)]


def test_every_readme_block_is_run_by_a_test() -> None:
    blocks = _blocks(README, "sh")
    assert sum(map(_is_newcomers, blocks)) == 1 and sum(map(_is_first_day, blocks)) == 1
    assert len(_on_the_sample(README)) >= 3  # the rest: test_the_readme_examples_run_on_the_sample
    assert len(_blocks(README, "python")) == 1  # test_the_readme_python_example_runs
    assert set(re.findall(r"^```(\w*)", README, re.M)) <= {"sh", "python", ""}


def _steps(block: str) -> list[tuple[str, list[str]]]:
    """A block's commands, each with the output lines it shows: a `$ ` block is a terminal session (a command,
    then what it printed, `…` for lines left out); any other block is commands alone, with comments."""
    steps: list[tuple[str, list[str]]] = []
    session = any(line.startswith("$ ") for line in block.splitlines())
    for line in block.replace("\\\n", " ").splitlines():
        if session and not line.startswith("$ "):
            steps[-1][1].append(line)
            continue
        command = line.removeprefix("$ ").split(" #", 1)[0].strip() if not session else line[2:]
        if command and not command.startswith("#"):
            steps.append((command, []))
    return steps


def _shown_in(shown: list[str], printed: list[str]) -> bool:
    """Every line shown is printed, in that order; `…` stands for any lines."""
    lines = iter(line.rstrip() for line in printed)
    return all(line == "…" or any(found == line.rstrip() for found in lines) for line in shown)


def test_the_readme_examples_run_on_the_sample(sample: Path) -> None:
    """The blocks in order, as one shell in the repository root: an `export` holds for the blocks after it."""
    environment: dict[str, str | None] = {key: None for key in os.environ if key.startswith("SALESCLI_")}
    for command, shown in [step for block in _on_the_sample(README) for step in _steps(block)]:
        words = shlex.split(command)
        if words[0] == "export":
            name, value = words[1].split("=", 1)
            environment[name] = value
            continue
        assert words[0] == "salescli", command
        result = CliRunner().invoke(app, ["--dir", str(sample), *words[1:]], env=environment)
        assert (result.exit_code, result.stderr) == (0, ""), (command, result.stdout, result.stderr)
        assert _shown_in(shown, result.stdout.splitlines()), (command, result.stdout)


def test_the_readme_python_example_runs(sample: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code = _blocks(README, "python")[0]
    monkeypatch.chdir(sample)  # "the sample, in the repository root"
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(code, {})  # noqa: S102 - the README's own example
    shown = re.search(r"^print\(.*\)\s+# (.*)$", code, re.M)
    assert shown and printed.getvalue() == shown.group(1) + "\n"


# Links --------------------------------------------------------------------------------------------------


def _pages() -> list[Path]:
    return [REPO / "README.md", *sorted(DOCS.glob("*.md"))]


def _slug(heading: str) -> str:
    """A heading's anchor as GitHub makes it: lower case, punctuation dropped, each space a hyphen."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def _anchors(page: Path) -> set[str]:
    text = re.sub(r"^```.*?^```", "", page.read_text(encoding="utf-8"), flags=re.S | re.M)
    return {_slug(line.lstrip("#")) for line in text.splitlines() if re.match(r"#{1,6} ", line)}


def _links(page: Path) -> list[str]:
    text = re.sub(r"^```.*?^```", "", page.read_text(encoding="utf-8"), flags=re.S | re.M)
    text = re.sub(r"`[^`\n]*`", "", text)
    return re.findall(r"\]\(([^)\s]+)\)", text) + re.findall(r'<img src="([^"]+)"', text)


def test_every_relative_link_leads_to_a_file_and_heading() -> None:
    broken = []
    for page in _pages():
        for link in _links(page):
            if re.match(r"[a-z]+:", link):
                continue
            target, _, anchor = link.partition("#")
            path = (page.parent / target).resolve() if target else page
            if not path.exists():
                broken.append((page.name, link))
            elif anchor and path.suffix == ".md" and anchor not in _anchors(path):
                broken.append((page.name, link))
    assert broken == []
    assert len([link for page in _pages() for link in _links(page)]) > 50


def test_every_page_is_linked_from_the_index_and_the_readme_links_the_index() -> None:
    index = (DOCS / "index.md").read_text(encoding="utf-8")
    pages = {path.name for path in DOCS.glob("*.md")} - {"index.md"}
    assert pages == {link.partition("#")[0] for link in _links(DOCS / "index.md") if not link.startswith("http")}
    assert "(docs/index.md)" in README and index


def test_the_code_s_domain_citations_name_its_sections() -> None:
    domain = (DOCS / "domain.md").read_text(encoding="utf-8")
    cited = []
    for path in (REPO / "salescli").rglob("*.py"):
        for citation in re.findall(r"docs/domain\.md (§[\d.,§ –-]+)", path.read_text(encoding="utf-8")):
            cited += [(path.name, number) for number in re.findall(r"\d+(?:\.\d+)?", citation)]
    assert len(cited) >= 10
    missing = [(name, number) for name, number in cited
               if not re.search(rf"^(#+ |- \*\*)§{re.escape(number)} ", domain, re.M)]
    assert missing == []


# The site -----------------------------------------------------------------------------------------------


def test_the_docs_build_as_a_site(tmp_path: Path) -> None:
    pytest.importorskip("mkdocs", reason="MkDocs comes with the test extra: pip install -e '.[test]'")
    built = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
                           cwd=REPO, capture_output=True, text=True, timeout=120)
    assert built.returncode == 0, built.stderr
    assert (tmp_path / "site" / "guide.zh" / "index.html").exists()
