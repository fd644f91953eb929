"""The `cosell` command: its table of subcommands, and `main()`, which runs one and turns
whatever happens into an exit code.

Exit codes (docs/cli.md): 0 done, 1 refused or invalid input, 2 usage, 3 conflict or lock,
4 not found or not visible, 70 internal error (a bug in cosell: one line, COSELL_DEBUG=1 for
the traceback). Every other failure is one or more `cosell: ` lines on stderr.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Sequence
from typing import Any, TextIO

import click

from cosell_tui.cli.errors import (
    DEBUG_ENV,
    EXIT_BROKEN_PIPE,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_REFUSED,
    EXIT_USAGE,
    exit_code_for,
)
from cosell_tui.cli.lazy import Lazy
from cosell_tui.cli.options import CONTEXT_SETTINGS, Group, group, pass_runtime
from cosell_tui.cli.output import Output
from cosell_tui.cli.runtime import Runtime, not_utf8

_ADMIN = "cosell_tui.cli.admin"
#: pydantic's switch for its plugins (`__all__`: none is looked for).
PYDANTIC_PLUGINS_ENV = "PYDANTIC_DISABLE_PLUGINS"

#: Every command, in the order `cosell --help` lists them, with its one-line summary.
COMMANDS = {
    "init": Lazy(f"{_ADMIN}:init", "Create or migrate the database."),
    "setup": Lazy("cosell_tui.cli.setup:setup", "Set up an empty database for your team."),
    "seed": Lazy(f"{_ADMIN}:seed", "Fill the database with deterministic demo data."),
    "demo": Lazy("cosell_tui.cli.demo:demo", "Open the TUI on a fresh seeded database as ava."),
    "deal": Lazy("cosell_tui.cli.deal:deal", "List, show, create and change deals."),
    "sweep": Lazy(f"{_ADMIN}:sweep", "Expire overdue referrals, send 48h reminders."),
    "rules": Lazy("cosell_tui.cli.rules:rules", "Rule files."),
    "catalog": Lazy("cosell_tui.cli.catalog:catalog", "Customer accounts, solutions and partners."),
    "users": Lazy(f"{_ADMIN}:users", "Users you can act as (--user)."),
    "db": Lazy("cosell_tui.cli.db:db", "Check the database, or back it up."),
    "locate": Lazy(f"{_ADMIN}:locate", "Print where the config or the database is."),
    "insights": Lazy("cosell_tui.cli.insights:insights", "Co-sell insights: figures and rows."),
    "admin": Lazy(
        "cosell_tui.cli.administration:admin",
        "Users, locations, rates, solutions, accounts, partners (admins).",
    ),
    "routing": Lazy(
        "cosell_tui.cli.routing:routing", "Routing rules: where Microsoft's referrals land."
    ),
    "mail": Lazy("cosell_tui.cli.mail:mail", "Deliver queued notifications over SMTP."),
    "registration": Lazy(
        "cosell_tui.cli.registration:registration",
        "Review Azure IP co-sell registrations (Microsoft).",
    ),
}

DESCRIPTION = (
    "Co-sell referrals with Microsoft and partners: a keyboard-first TUI (no command) and "
    "scriptable commands."
)
EPILOG = (
    "Exit codes: 0 done, 1 refused or invalid input, 2 usage, 3 conflict with another change "
    "or a locked database, 4 not found or not visible, 70 internal error "
    f"(set {DEBUG_ENV}=1 for the traceback). See docs/cli.md."
)


class Root(Group):
    """The `cosell` group; run as a console script or by click's CliRunner, it goes through
    `run()`, so both see the same exit codes and messages."""

    def main(  # type: ignore[override]  # click's overloads; this one always returns the code
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> int:
        code = run(args, sys.stdout, sys.stderr)
        if standalone_mode:
            sys.exit(code)
        return code


@group(
    "cosell",
    help=DESCRIPTION,
    lazy=COMMANDS,
    cls=Root,
    epilog=EPILOG,
    invoke_without_command=True,
    context_settings=CONTEXT_SETTINGS,
)
@pass_runtime
def cosell(rt: Runtime) -> int:
    """Without a command: the TUI. With one, nothing to do before it runs."""
    ctx = click.get_current_context()
    if ctx.invoked_subcommand is not None:
        return EXIT_OK
    rt.check_clock()
    from cosell_tui.cli.tui import run_tui

    return run_tui(rt)


def _usage_error(exc: click.UsageError, output: Output) -> int:
    """The command's usage line and one `cosell: ` line saying what is wrong: exit 2."""
    ctx = exc.ctx
    if ctx is not None:
        pieces = " ".join(ctx.command.collect_usage_pieces(ctx))
        print(f"Usage: {ctx.command_path} {pieces}".rstrip(), file=output.err)
        print(f"Try '{ctx.command_path} --help' for help.", file=output.err)
    output.warn(exc.format_message())
    return EXIT_USAGE


def _silence_stdout() -> None:
    """Point stdout at /dev/null so Python's exit-time flush cannot fail on the closed pipe."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def _invoke(argv: list[str], rt: Runtime) -> int:
    # click writes help to sys.stdout: send it where the caller wants the output.
    to_out = (
        contextlib.redirect_stdout(rt.output.out)
        if rt.output.out is not sys.stdout
        else contextlib.nullcontext()
    )
    try:
        with to_out, cosell.make_context("cosell", argv, obj=rt) as ctx:
            result = cosell.invoke(ctx)
    except click.exceptions.Exit as exc:  # --help, -h
        return exc.exit_code
    return result if isinstance(result, int) else EXIT_OK


def run(argv: Sequence[str] | None, out: TextIO, err: TextIO) -> int:
    """Run the command line and return its exit code; never raises (but for SystemExit)."""
    output = Output(out, err)
    rt = Runtime(output)
    args = list(argv) if argv is not None else sys.argv[1:]
    for position, arg in enumerate(args, 1):
        if not_utf8(arg):  # bytes that are not UTF-8, or a lone surrogate: no command reads it
            output.warn(f"argument {position} is not valid UTF-8 text")
            return EXIT_REFUSED
        if "\x00" in arg:  # no shell can pass one; a file name with it is no file (exit 70 once)
            output.warn(f"argument {position} holds a NUL character, which no command reads")
            return EXIT_REFUSED
    try:
        return _invoke(args, rt)
    except click.UsageError as exc:
        return _usage_error(exc, output)
    except click.ClickException as exc:
        output.warn(exc.format_message())
        return exc.exit_code
    except (KeyboardInterrupt, click.exceptions.Abort):
        output.warn("interrupted")
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # `cosell deal list | head`: the reader left; not an error of ours
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    except Exception as exc:
        return exit_code_for(exc, output, rt.database)
    finally:
        rt.close_or_warn()


def main(
    argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    """Run `cosell ARGV...` and return its exit code (the console script exits with it)."""
    # pydantic searches every installed distribution's entry points for its plugins the first
    # time it builds a validator (the rule files, a form): 20-130 ms, more than a deal's SQL.
    # cosell's models use no plugin, so the search is skipped unless the environment says
    # otherwise (PYDANTIC_DISABLE_PLUGINS set to anything, even empty, is left as it is).
    os.environ.setdefault(PYDANTIC_PLUGINS_ENV, "__all__")
    return run(argv, out or sys.stdout, err or sys.stderr)
