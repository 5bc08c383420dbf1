"""The command line: global options, one error handler, and the commands (each in commands/).

This package is the one layer that knows Typer and Click: it puts their own words (clickwords.py) and
their help's wrapping (widewrap.py) into the language salescli speaks, which the core's i18n tells it
of (`i18n.follow`)."""

from __future__ import annotations

import os
import sys
from typing import Any, Optional

import typer
from typer.core import TyperGroup
from typer.exceptions import TyperException

from salescli import __version__, i18n
from salescli.cli import clickwords, widewrap
from salescli.errors import EXIT_DATA, EXIT_INTERRUPTED, EXIT_PIPE, EXIT_USAGE, InvalidValue, SalesError
from salescli.i18n import _, joined
from salescli.session import Session


def _speak_click(language: str) -> None:
    """Typer's words (Options, Commands, [required]) come from `gettext.gettext`, the process's default
    domain: point typer.core at salescli's catalog instead. Its copy of Click says its own (Usage:,
    Error: No such option) in English f-strings, with no gettext call to hook into: clickwords
    translates those, and widewrap wraps the help by the columns Chinese takes.

    Why `typer<0.29` (pyproject.toml): Typer 0.29 drops `typer._click.types` (the number ranges that
    clickwords says as `≥0`, `1–36500`), and checks values with pydantic, whose errors ("Input should
    be a valid integer, unable to parse string as an integer") are English sentences that come from
    neither Click nor gettext; and it imports pydantic to build a validator per option, which every run
    and every Tab pays: `list` of the sample folder took 0.27 s against 0.20 s with 0.28 (whole
    processes, median of 7 paired runs)."""
    typer.core._ = _  # type: ignore[attr-defined]
    packages: list[str] = [package for package in ("typer._click", "click") if package in sys.modules]
    clickwords.install(packages)
    widewrap.install(packages)


i18n.follow(_speak_click)


class _Group(TyperGroup):
    """The one exit point for expected errors: `Error: …` on stderr and the documented exit code."""

    def main(self, args: Any = None, *more: Any, **options: Any) -> Any:
        arguments = list(sys.argv[1:] if args is None else args)
        language = early_language(arguments)
        i18n.use(language)
        name_values(self)
        if language != "en":
            translate_help(self)
        return super().main(arguments, *more, **options)

    def invoke(self, ctx: Any) -> Any:
        from salescli import safefile

        _interruptible()
        _swallowed.clear()
        safefile.forget()  # a command starts knowing nothing of the files (tests run many in one process)
        try:
            done = super().invoke(ctx)
            if _swallowed:
                raise _swallowed.pop()
            _exit_if_not_whole(ctx)
            return done
        except SalesError as error:
            if _debugging(ctx):
                raise
            typer.echo(_("Error: {problem}").format(problem=error), err=True)
            raise typer.Exit(exit_code(error)) from None
        except KeyboardInterrupt:
            typer.echo(interrupted_message(), err=True)
            raise typer.Exit(EXIT_INTERRUPTED) from None
        except BrokenPipeError:  # `salescli list | head`: the reader has what it wanted and left
            _silence_stdout()
            raise typer.Exit(EXIT_PIPE) from None
        except (typer.Exit, typer.Abort, TyperException):  # click's own ways out: usage errors, --help
            raise
        except Exception as error:  # the last resort: one line, never a traceback (--debug shows it)
            if _debugging(ctx):
                raise
            typer.echo(_("Error: {problem}").format(problem=_unexpected(error)), err=True)
            raise typer.Exit(EXIT_DATA) from None

    def parse_args(self, ctx: Any, args: list[str]) -> Any:
        for arg in args:
            _refuse_undecodable(arg)
        return super().parse_args(ctx, _optional_values(args))

    def list_commands(self, ctx: Any) -> list[str]:
        return list(self.commands)  # in the order of a rep's day, not alphabetical


# Commands whose output is made of the whole folder: when a file could not be read it is not whole, and
# they exit 1 after showing the rest (a script must not take a forecast or an export without a customer
# for the whole). A write, or a view of one customer, is whole whatever other file is broken.
WHOLE_FOLDER_OUTPUT = {"list", "forecast", "schedule", "report", "related", "export"}


def _exit_if_not_whole(ctx: Any) -> None:
    if ctx.invoked_subcommand in WHOLE_FOLDER_OUTPUT and isinstance(ctx.obj, Session) and ctx.obj.problems:
        raise typer.Exit(EXIT_DATA)


def _unexpected(error: Exception) -> str:
    """An error no part of salescli foresaw, in one line: a system's (a file, the disk) or a bug's."""
    if isinstance(error, OSError):
        where = f"{error.filename}: " if error.filename else ""
        return f"{where}{error.strerror or error}"
    return _("salescli failed unexpectedly ({error}); nothing was half-written. Run the command again with --debug "
             "for the details, and report them").format(error=f"{type(error).__name__}: {error}")


def _interruptible() -> None:
    """From here on Ctrl-C raises KeyboardInterrupt, for the command to end cleanly (main.py leaves at
    once before)."""
    import signal

    try:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    except ValueError:  # not the main thread: signals are not ours to set
        return
    if not isinstance(sys.unraisablehook, _InterruptAgain):
        sys.unraisablehook = _InterruptAgain(sys.unraisablehook)


class _InterruptAgain:
    """Ctrl-C can come while Python runs code whose exceptions it only prints, as "Exception ignored in …"
    with a traceback (a weak reference's callback, such as the import system's module locks: any import
    during a command), and the command carries on as if it had not been interrupted. That KeyboardInterrupt
    is noted instead, and raised when the command's own work ends (see _Group.invoke): Ctrl-C then ends it
    as any other, without a traceback. (Raising it here, or delivering the signal again, would only raise
    it inside this hook, where it is printed and lost just the same.)"""

    def __init__(self, hook: Any) -> None:
        self.hook = hook

    def __call__(self, unraisable: Any) -> None:
        if isinstance(unraisable.exc_value, KeyboardInterrupt):
            _swallowed.append(unraisable.exc_value)
            return
        self.hook(unraisable)


_swallowed: list[KeyboardInterrupt] = []  # Ctrl-C that Python would have printed and dropped (see _InterruptAgain)


def interrupted_message() -> str:
    """What Ctrl-C leaves: nothing half-written, and the files written before it, so that a retry
    does not repeat them."""
    from salescli.errors import display_path
    from salescli.safefile import landed

    written = list(dict.fromkeys(display_path(path) for path in landed()))
    if not written:
        return _("Interrupted; nothing was half-written.")
    return _("Interrupted; nothing was half-written, and the change to {files} was saved.").format(
        files=joined(written))


def _refuse_undecodable(arg: str) -> None:
    """Bytes that are not UTF-8 reach Python as lone surrogates: refuse them here, in one line, before
    they reach a file (a terminal or script set to another encoding: GBK, Latin-1)."""
    try:
        arg.encode("utf-8")
    except UnicodeEncodeError:
        try:  # the bytes as typed (\xff), as far as they came from the command line
            shown = arg.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        except UnicodeEncodeError:
            shown = arg.encode("utf-8", "backslashreplace").decode("utf-8")
        typer.echo(_("Error: {problem}").format(problem=_(
            "the argument '{argument}' is not UTF-8 text; set the terminal (or the script) to UTF-8 and type it again"
        ).format(argument=shown)), err=True)
        raise typer.Exit(EXIT_USAGE) from None


# Options whose value may be left out (`forecast --month` means this month); click has no such thing.
_OPTIONAL_VALUES = {"--month": "current"}


def _optional_values(args: list[str]) -> list[str]:
    filled: list[str] = []
    for index, arg in enumerate(args):
        filled.append(arg)
        following = args[index + 1] if index + 1 < len(args) else None
        if arg in _OPTIONAL_VALUES and (following is None or following.startswith("-")):
            filled.append(_OPTIONAL_VALUES[arg])
    return filled


def exit_code(error: SalesError) -> int:
    """The documented exit code of an expected problem: 2 for a value the command cannot take (or that
    names nothing, or several things), 1 for data that cannot be used (a broken file, a refused write)."""
    return EXIT_USAGE if isinstance(error, InvalidValue) else EXIT_DATA


def early_language(args: list[str]) -> str:
    """The language to speak before the command runs (its help, Click's errors): --lang among the
    global options, else $SALESCLI_LANG, salescli.yaml's, the locale's. A folder or settings that
    cannot be read here are said by the command itself."""
    option = _global_value(args, ("--lang",))
    if option or os.environ.get("SALESCLI_LANG"):
        return i18n.choose(option, None)
    configured = None
    try:
        from salescli import datafolder

        configured = datafolder.load_config(datafolder.find_data_folder(_global_value(args, ("--dir", "-C")))).language
    except Exception:  # (never fatal here: the command reports it in the chosen language)
        pass
    return i18n.choose(None, configured)


def _global_value(args: list[str], names: tuple[str, ...]) -> str | None:
    """The value of a global option (one of `names`, before the command) in `args`, if given."""
    skip = False
    for index, arg in enumerate(args):
        if skip:
            skip = False
        elif arg in names:
            return args[index + 1] if index + 1 < len(args) else None
        elif "=" in arg and arg.split("=", 1)[0] in names:
            return arg.split("=", 1)[1]
        elif arg in _GLOBAL_WITH_VALUE:
            skip = True
        elif not arg.startswith("-"):
            return None  # the command: what follows is its own
    return None


def name_values(command: Any) -> None:
    """Each option's value named after the option (`--date DATE`, `--format FORMAT`) where the command
    gives no name: Typer would show the Python type (`--date <str>`), which says nothing in any language."""
    for parameter in command.params:
        if parameter.param_type_name == "option" and not parameter.is_flag and parameter.metavar is None:
            parameter.metavar = max(parameter.opts, key=len).lstrip("-").upper().replace("-", "_")
    for child in getattr(command, "commands", {}).values():
        name_values(child)


def translate_help(command: Any) -> None:
    """Put the command's help texts — its own, its options', its subcommands' — into the current
    language (the catalog has them: the extractor takes docstrings and `help=` arguments)."""
    if getattr(command, "help", None):
        command.help = _(command.help)
    if getattr(command, "short_help", None):
        command.short_help = _(command.short_help)
    elif getattr(command, "help", None):
        command.short_help = widewrap.summary(command.help)
    for parameter in command.params:
        if getattr(parameter, "help", None):
            parameter.help = _(parameter.help)
    for child in getattr(command, "commands", {}).values():
        translate_help(child)


def _silence_stdout() -> None:
    """What is still buffered for a reader that has gone goes nowhere (else the exit's flush fails too)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # (a stdout without a file descriptor: a test's)
        pass


def _debugging(ctx: Any) -> bool:
    session = ctx.obj
    return isinstance(session, Session) and session.debug


def _typer() -> typer.Typer:
    return typer.Typer(
        cls=_Group,
        name="salescli",
        help=(
            "A sales pipeline in plain YAML files, one per customer, built on the eight steps of "
            "selling (销售的八个流程).\n\n"
            "Works on the customers/ folder here or in the nearest parent (like git), or --dir.\n\n"
            "Examples:\n\n\b\n"
            "  salescli init ~/sales --user 李明\n"
            "  salescli add 中建三局 --field 建筑 --area 洪山\n"
            "  salescli advance 中建三局 close --value 5万\n"
            "  salescli list --stage demo\n"
            "  salescli show zhongjiansanju\n\n"
            "Exit codes: 0 ok, 1 a data problem (unreadable file, refused write), 2 a usage error, "
            "130 interrupted."
        ),
        no_args_is_help=True,
        add_completion=True,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
        # color: Click would strip escape sequences from what is printed to a file or a pipe, so CSV and
        # JSON would lose bytes of the data (`A\x1b[31mB` → `AB`); a terminal's stream shows them written
        # out instead (_Terminal), and a table shows them so wherever it goes (render).
        context_settings={"help_option_names": ["-h", "--help"], "color": True},
    )


def _version(value: bool) -> None:
    if value:
        print(f"salescli {__version__}")
        raise typer.Exit()


def _global_options(
    ctx: typer.Context,
    directory: Optional[str] = typer.Option(
        None, "--dir", "-C", envvar="SALESCLI_DIR", metavar="PATH",
        help="The data folder (holding customers/); default: here or the nearest parent with one.",
    ),
    today: Optional[str] = typer.Option(
        None, "--today", envvar="SALESCLI_TODAY", metavar="DATE",
        help="Take DATE as today, for reproducible results (e.g. 2026-11-26).",
    ),
    language: Optional[str] = typer.Option(
        None, "--lang", envvar="SALESCLI_LANG", metavar="en|zh", help="Output language (default: salescli.yaml's).",
    ),
    commit: Optional[bool] = typer.Option(
        None, "--commit/--no-commit", help="Commit each write to git (default: git.autocommit in salescli.yaml).",
    ),
    debug: bool = typer.Option(False, "--debug", help="Show a traceback for errors."),
    version: bool = typer.Option(False, "--version", "-V", callback=_version, is_eager=True,
                                 help="Print the version and exit."),
) -> None:
    ctx.obj = Session(directory, today, language, debug, commit_option=commit)


# Each command's module, so that a run imports and builds only the command it runs: building all
# of them costs a tenth of a second, which shell completion and quick lookups would pay every time.
COMMAND_MODULES = {
    "init": "init", "add": "add", "advance": "advance", "visit": "visit", "target": "target",
    "set": "set_profile", "person": "person", "edit": "edit",
    "list": "list_customers", "show": "show", "forecast": "forecast", "schedule": "schedule", "prep": "prep",
    "site": "network", "board": "network", "refer": "network", "related": "network", "report": "report",
    "check": "check", "import": "importer", "export": "export", "sync": "sync", "merge-file": "merge",
    "git-setup": "merge", "web": "web", "price": "price",
}
_GLOBAL_WITH_VALUE = {"--dir", "-C", "--today", "--lang"}


def make_app(command: str | None = None) -> typer.Typer:
    """The CLI with every command, or with just `command` (and what shares its module)."""
    from importlib import import_module

    application = _typer()
    application.callback()(_global_options)
    wanted = [COMMAND_MODULES[command]] if command in COMMAND_MODULES else list(dict.fromkeys(COMMAND_MODULES.values()))
    for name in wanted:
        import_module(f"salescli.commands.{name}").register(application)
    return application


def command_in(args: list[str]) -> str | None:
    """The command named in `args`, skipping the global options before it."""
    skip = False
    for arg in args:
        if skip:
            skip = False
        elif arg in _GLOBAL_WITH_VALUE:
            skip = True
        elif not arg.startswith("-"):
            return arg
    return None


def __getattr__(name: str) -> typer.Typer:
    """`salescli.cli.app`: the whole CLI, built on first use (tests, documentation tools)."""
    if name == "app":
        application = make_app()
        globals()["app"] = application
        return application
    raise AttributeError(name)


class _Terminal:
    """A terminal's stream that shows control characters written out: a name or a note holding ESC
    or BEL cannot recolour, retitle or beep the terminal it is printed in."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        from salescli.render import CONTROL_CHARACTERS, shown_controls

        self._stream.write(shown_controls(text) if CONTROL_CHARACTERS.search(text) else text)
        return len(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def _guard_output() -> None:
    """Output never fails on text the terminal's encoding cannot show, and terminals get no control
    characters."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is None:
            continue
        try:
            stream.reconfigure(errors="backslashreplace")
        except (AttributeError, ValueError):
            pass
        if stream.isatty():
            setattr(sys, name, _Terminal(stream))


def main() -> None:
    """The console entry point."""
    _guard_output()
    completing = any(key.endswith("_COMPLETE") for key in os.environ)
    command = None if completing or "--help" in sys.argv or "-h" in sys.argv else command_in(sys.argv[1:])
    try:
        make_app(command)()
    except KeyboardInterrupt:  # outside a command (e.g. while parsing): still no traceback
        print(_("Interrupted."), file=sys.stderr)
        sys.exit(EXIT_INTERRUPTED)
