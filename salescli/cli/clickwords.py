"""Click's own words in the current language.

Typer (≥ 0.26) carries its own copy of Click, `typer._click`, whose messages are English f-strings,
not gettext calls: `Usage: `, `Try '… -h' for help.`, `Error: No such option: --x`, `Missing
argument 'CUSTOMER'.`, `Show this message and exit.`. `install()` (run by the command line whenever
it speaks a language other than English: salescli.cli._speak_click) routes them through the catalog:
the help formatter's usage prefix and headings, the help option's text, and the errors Click shows —
their text matched against the patterns below, each an English message of Click with its variable
parts named.
"""

from __future__ import annotations

import importlib
import re
from typing import IO, Any, Callable

from salescli.i18n import N_, _, joined

# Click's messages, longest pattern first where one is the start of another.
_PATTERNS = [(re.compile(pattern), message) for pattern, message in (
    (r"No such option: (?P<name>\S+)", N_("No such option: {name}")),
    (r" \(Possible options: (?P<names>[^)]*)\)", N_(" (Possible options: {names})")),
    (r"Missing argument (?P<name>'[^']*'(?: / '[^']*')*)\.", N_("Missing argument {name}.")),
    (r"Missing option (?P<name>'[^']*'(?: / '[^']*')*)\.", N_("Missing option {name}.")),
    (r"Missing parameter (?P<name>'[^']*'(?: / '[^']*')*)\.", N_("Missing parameter {name}.")),
    (r"Missing command\.", N_("Missing command.")),
    (r"No such command (?P<name>'[^']*')\.", N_("No such command {name}.")),
    (r"Got unexpected extra argument(?:s|\(s\))? \((?P<arguments>.*)\)",
     N_("Got unexpected extra arguments ({arguments})")),
    (r"Option (?P<name>'[^']*') requires an argument\.", N_("Option {name} requires an argument.")),
    (r"Option (?P<name>'[^']*') requires (?P<count>\d+) arguments\.", N_("Option {name} requires {count} arguments.")),
    (r"Option (?P<name>'[^']*') does not take a value\.", N_("Option {name} does not take a value.")),
    (r"Invalid value for (?P<name>.+?): ", N_("Invalid value for {name}: ")),
    (r"(?P<value>'[^']*') is not a valid (?:integer|int range|int)\.", N_("{value} is not a whole number.")),
    (r"(?P<value>'[^']*') is not a valid (?:float|float range)\.", N_("{value} is not a number.")),
    (r"(?P<value>'[^']*') is not a valid boolean\.", N_("{value} is not a valid yes/no value.")),
    (r"(?P<value>\S+) is not in the range (?P<range>\S+)\.", N_("{value} is not in the range {range}.")),
    (r"(?P<value>'[^']*') is not one of (?P<choices>.+)\.", N_("{value} is not one of {choices}.")),
    (r"(?P<value>'[^']*') is not (?P<choice>'[^']*')\.", N_("{value} is not {choice}.")),
)]


# Typer's suggestion after an unknown command (`No such command 'lsit'. Did you mean 'site', 'list'?`), and
# Click's after an unknown option: the full stop before it is consumed, the catalog's sentence brings its own.
_SUGGESTION = re.compile(r"[.。]?\.? ?Did you mean (?P<names>'[^']*'(?:, '[^']*')*|\S+)\?")


def translate(message: str) -> str:
    """Click's English `message` with every part it recognises in the current language."""
    for pattern, english in _PATTERNS:
        message = pattern.sub(_saying(english), message)
    return _SUGGESTION.sub(_suggesting, message)


def _suggesting(match: re.Match[str]) -> str:
    names = re.findall(r"'[^']*'", match.group("names")) or [match.group("names")]
    if len(names) == 1:
        return _(". Did you mean {name}?").format(name=names[0])
    return _(". Did you mean one of {names}?").format(names=joined(names))


def _saying(english: str) -> Callable[[re.Match[str]], str]:
    """The match said from the catalog; a list (`names`) joined as the language joins one."""
    return lambda match: _(english).format(**{key: joined(value.split(", ")) if key == "names" else value
                                              for key, value in match.groupdict().items()})


def install(packages: list[str]) -> None:
    """Put the Click copies in `packages` (`typer._click`, `click`) into the current language."""
    for package in packages:
        try:
            core = importlib.import_module(f"{package}.core")
            exceptions = importlib.import_module(f"{package}.exceptions")
            formatting = importlib.import_module(f"{package}.formatting")
        except ImportError:  # pragma: no cover - a Click laid out otherwise
            continue
        _describe_ranges(importlib.import_module(f"{package}.types"))
        _translate_formatter(formatting.HelpFormatter)
        _translate_help_option(core.Command)
        exceptions.ClickException.show = _show_error
        exceptions.UsageError.show = _show_usage_error


def _describe_ranges(types: Any) -> None:
    """A range as `≤120`, `≥1`, `0–36500` rather than Click's `x<=120` (in a language other than English):
    no English letter, and one word wherever a message puts it."""
    from salescli import i18n

    base = getattr(types, "_NumberRangeBase", None)
    if base is None or getattr(base, "_salescli", False):
        return
    english = base._describe_range

    def describe(self: Any) -> str:
        if i18n.language() == "en":
            return english(self)  # type: ignore[no-any-return]
        if self.min is None:
            return f"{'<' if self.max_open else '≤'}{self.max}"
        if self.max is None:
            return f"{'>' if self.min_open else '≥'}{self.min}"
        if self.min_open or self.max_open:
            return f"{self.min}{'<' if self.min_open else '≤'}x{'<' if self.max_open else '≤'}{self.max}"
        return f"{self.min}–{self.max}"

    base._describe_range, base._salescli = describe, True


def _translate_formatter(formatter: Any) -> None:
    if getattr(formatter, "_salescli", False):
        return
    write_usage = formatter.write_usage

    def usage(self: Any, prog: str, args: str = "", prefix: str | None = None) -> None:
        write_usage(self, prog, args, _("Usage: ") if prefix is None else prefix)

    def heading(self: Any, heading: str) -> None:
        self.write(" " * self.current_indent + _("{heading}:").format(heading=heading) + "\n")

    write_dl = formatter.write_dl

    def definitions(self: Any, rows: Any, *args: Any, **kwargs: Any) -> None:
        write_dl(self, [(term, _EXTRAS.sub(_joined_extras, text)) for term, text in rows], *args, **kwargs)

    formatter.write_usage, formatter.write_heading, formatter._salescli = usage, heading, True
    formatter.write_dl = definitions


_EXTRAS = re.compile(r"\[([^\[\]]*; [^\[\]]*)\]$")  # an option's `[default: 60; x<=36500]`, as Click joins them


def _joined_extras(match: re.Match[str]) -> str:
    return "[" + _("; ").join(match.group(1).split("; ")) + "]"


def _translate_help_option(command: Any) -> None:
    if getattr(command, "_salescli", False):
        return
    get_help_option: Callable[..., Any] = command.get_help_option

    def help_option(self: Any, ctx: Any) -> Any:
        option = get_help_option(self, ctx)
        if option is not None and option.help == "Show this message and exit.":
            option.help = _("Show this message and exit.")
        return option

    command.get_help_option, command._salescli = help_option, True


def _show_error(self: Any, file: IO[Any] | None = None) -> None:
    import sys

    print(_("Error: {problem}").format(problem=translate(self.format_message())), file=file or sys.stderr)


def _show_usage_error(self: Any, file: IO[Any] | None = None) -> None:
    import sys

    stream = file or sys.stderr
    ctx = self.ctx
    if ctx is not None:
        hint = ""
        if ctx.command.get_help_option(ctx) is not None:
            hint = _("Try '{command} {option}' for help.").format(
                command=ctx.command_path, option=ctx.help_option_names[0]) + "\n"
        print(f"{ctx.get_usage()}\n{hint}", file=stream)
    _show_error(self, stream)
