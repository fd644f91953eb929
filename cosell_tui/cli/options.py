"""The building blocks every `cosell` command is declared with: its classes, the global options
(accepted before or after the subcommand), and the options several commands share.

Light on purpose: click and rich-click only (rich-click loads rich when help is drawn), so
declaring commands costs nothing; each command imports what it runs inside its body.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click
import rich_click

from cosell_tui.cli.lazy import Lazy, LazyGroup
from cosell_tui.cli.runtime import Runtime

F = TypeVar("F", bound=Callable[..., Any])

GLOBAL_PANEL = "Global options"
#: `-h` as well as `--help`, everywhere (subcommands inherit it from the root's context).
CONTEXT_SETTINGS: dict[str, Any] = {"help_option_names": ["-h", "--help"]}


def _panels(commands: bool) -> list[Any]:
    """The help's sections, in this order: commands, arguments, options, global options."""
    options = [rich_click.RichOptionPanel(name) for name in ("Arguments", "Options", GLOBAL_PANEL)]
    return [rich_click.RichCommandPanel("Commands"), *options] if commands else options


#: The runtime, for a command's callback: `@pass_runtime def run(rt: Runtime, ...)`.
pass_runtime = click.make_pass_decorator(Runtime)


def runtime(ctx: click.Context) -> Runtime:
    found = ctx.find_object(Runtime)
    if found is None:  # every context descends from `main`, which sets it
        raise RuntimeError("cosell command run without its Runtime")
    return found


class Command(rich_click.RichCommand):
    """A command that runs a use case: `--now`/COSELL_NOW is checked before it does anything."""

    def invoke(self, ctx: click.Context) -> Any:
        runtime(ctx).check_clock()
        return super().invoke(ctx)


class Group(LazyGroup):
    """A group of commands; `cosell deal` alone is a usage error (exit 2), not its help."""

    command_class = Command

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("no_args_is_help", False)
        super().__init__(*args, **kwargs)


def _remember(ctx: click.Context, param: click.Parameter, value: Any) -> None:
    """Keep a global option that was given; a later (inner) one wins over an earlier one."""
    if value is None or value is False or param.name is None:
        return
    setattr(runtime(ctx), param.name, value)


def _remember_flag(ctx: click.Context, param: click.Parameter, value: bool | None) -> None:
    """An on/off flag given (False included); None when not given."""
    if value is not None and param.name is not None:
        setattr(runtime(ctx), param.name, value)


def options_of(*decorators: Callable[[F], F]) -> Callable[[F], F]:
    """Several options as one decorator, applied in the order written (top first)."""

    def decorate(f: F) -> F:
        for decorator in reversed(decorators):
            f = decorator(f)
        return f

    return decorate


def global_options(f: F) -> F:
    """--db/--user/--now/--mouse, on the root and on every group and command, so
    `cosell --db x deal list` and `cosell deal list --db x` are the same."""
    decorators = [
        rich_click.option(
            "--db",
            metavar="URL",
            expose_value=False,
            callback=_remember,
            panel=GLOBAL_PANEL,
            help="Database URL or SQLite path (env COSELL_DB; default: the user data dir).",
        ),
        rich_click.option(
            "--user",
            metavar="NAME",
            expose_value=False,
            callback=_remember,
            panel=GLOBAL_PANEL,
            help="Act as this user: admins only, on a real database (env COSELL_USER; default: "
            "the user whose login is yours).",
        ),
        rich_click.option(
            "--now",
            metavar="ISO-8601",
            expose_value=False,
            callback=_remember,
            panel=GLOBAL_PANEL,
            help="Fix the clock, e.g. 2025-06-01T09:00:00Z (env COSELL_NOW).",
        ),
        rich_click.option(
            "--mouse/--no-mouse",
            "mouse_flag",
            default=None,
            expose_value=False,
            callback=_remember_flag,
            panel=GLOBAL_PANEL,
            help="TUI: capture the mouse or leave it to the terminal (default: on, off over SSH).",
        ),
    ]
    for decorator in reversed(decorators):
        f = decorator(f)
    return f


def command(name: str, help: str, **attrs: Any) -> Callable[[Callable[..., Any]], Command]:
    """A leaf command with the global options."""

    def decorator(f: Callable[..., Any]) -> Command:
        make = rich_click.command(name, cls=Command, help=help, panels=_panels(False), **attrs)
        return make(global_options(f))

    return decorator


def group(
    name: str,
    help: str,
    lazy: dict[str, Lazy] | None = None,
    cls: type[Group] | None = None,
    **attrs: Any,
) -> Callable[[Callable[..., Any]], Group]:
    """A group with the global options; `lazy` lists subcommands that live in other modules."""

    def decorator(f: Callable[..., Any]) -> Group:
        make = rich_click.group(
            name, cls=cls or Group, help=help, lazy=lazy, panels=_panels(True), **attrs
        )
        return make(global_options(f))

    return decorator


# --- options several commands share ----------------------------------------------------------


def grid_options(default_tab: str) -> Callable[[F], F]:
    """--tab, --filter, --sort and --desc: which grid, as the TUI shows it (`deal list`,
    `deal export`); `default_tab` is the tab's value when --tab is not given."""
    from cosell_tui.domain.views import SortKey, Tab

    def decorate(f: F) -> F:
        for decorator in reversed(
            (
                option(
                    "--tab",
                    type=click.Choice([tab.value for tab in Tab]),
                    default=default_tab,
                    help=f"The tab (default {default_tab}).",
                ),
                option(
                    "--filter",
                    "text",
                    default="",
                    metavar="Q",
                    help="Filter query (docs/filter.md).",
                ),
                option(
                    "--sort",
                    type=click.Choice([key.value for key in SortKey]),
                    help="Sort key (default: the tab's).",
                ),
                option("--desc", is_flag=True, help="Descending order."),
            )
        ):
            f = decorator(f)
        return f

    return decorate


def json_option(f: F) -> F:
    return rich_click.option(
        "--json",
        "as_json",
        is_flag=True,
        help="Print JSON (documented in docs/deal-format.md).",
    )(f)


def deal_argument(f: F) -> F:
    return rich_click.argument("deal", metavar="ID", help="Deal number or referral ID (GUID).")(f)


def version_option(f: F) -> F:
    return rich_click.option(
        "--version",
        "expect_version",
        type=int,
        metavar="N",
        help="Fail with exit 3 unless the deal is still at version N (default: as just read).",
    )(f)


def write_options(f: F) -> F:
    """What every change of a deal takes: the deal, `--version N` and `--json`."""
    return deal_argument(version_option(json_option(f)))


class ManyValues(rich_click.RichOption):
    """An option that takes one or more values (`--solutions A B C`), like argparse's
    nargs="+": after the first value it also takes every following argument that is not an
    option. click's options take a fixed number of values, so this hooks its parser."""

    def add_to_parser(self, parser: Any, ctx: click.Context) -> None:
        super().add_to_parser(parser, ctx)
        for name in self.opts:
            handler = parser._long_opt.get(name) or parser._short_opt.get(name)
            if handler is None:
                continue
            process = handler.process

            def greedy(value: Any, state: Any, process: Any = process) -> None:
                process(value, state)
                while state.rargs and not state.rargs[0].startswith("-"):
                    process(state.rargs.pop(0), state)

            handler.process = greedy


#: Option and argument decorators with rich-click's extras (help on arguments, panels).
option = rich_click.option
argument = rich_click.argument


def subgroup(name: str, help: str) -> Group:
    """A group whose subcommands do all the work (`cosell admin user …`)."""

    @group(name, help=help)
    def nothing_first() -> None:
        """Nothing to do before a subcommand runs."""

    return nothing_first


#: An import's file (`cosell admin … import FILE`): a path, or `-` for standard input.
file_argument = argument(
    "file",
    type=click.Path(dir_okay=False, allow_dash=True),
    metavar="FILE",
    help="A CSV file (docs/admin.md has its columns), or - for standard input.",
)
max_rows_option = option(
    "--max-rows",
    type=click.IntRange(1),
    default=10_000,
    metavar="N",
    help="Largest file (default 10,000 rows).",
)


def file_name(file: str) -> str:
    """How the log names an imported file: its name, or standard input."""
    return "standard input" if file == "-" else file.replace("\\", "/").rsplit("/", 1)[-1]


dry_run_option = option(
    "--dry-run",
    is_flag=True,
    help="Check the whole file and say what it would add, change and refuse; write nothing.",
)


def imported_json(done: Any) -> dict[str, Any]:
    """An import's result (service/sheets.Imported) as JSON."""
    found: dict[str, Any] = {
        "dryRun": done.dry_run,
        "added": done.added,
        "changed": done.changed,
        "unchanged": done.unchanged,
        "addedKeys": list(done.added_keys),
        "changedKeys": list(done.changed_keys),
    }
    if done.what == "rates":
        found.update(revalued=done.revalued, decided=done.decided)
    return found


def import_command(help: str, use_case: Callable[[Any], Callable[..., Any]]) -> Command:
    """`cosell admin … import FILE [--dry-run] [--max-rows N] [--json]`: `use_case(service)`
    is the service's import (all or nothing, service/sheets.py), called with the file's bytes,
    its name, the most rows and whether it is a dry run; it says what it did or would do."""

    @command("import", help=help)
    @file_argument
    @dry_run_option
    @max_rows_option
    @json_option
    @pass_runtime
    def run_import(rt: Runtime, file: str, dry_run: bool, max_rows: int, as_json: bool) -> int:
        from cosell_tui.cli.errors import EXIT_OK
        from cosell_tui.cli.parse import read_input

        run = use_case(rt.service())
        done = run(read_input(file), file_name(file), max_rows, dry_run)
        if as_json:
            rt.output.json(imported_json(done))
        else:
            rt.output.line(done.said())
        return EXIT_OK

    return run_import


def page_options(search: str) -> Any:
    """--search TEXT, --limit N and --offset N: a page of a listing read from the database."""
    return options_of(
        option("--search", default="", metavar="TEXT", help=search),
        option("--limit", type=click.IntRange(1, 1000), default=50, metavar="N", help="Rows (50)."),
        option(  # bounded: a database integer (a 30-digit offset was exit 70 on SQLite)
            "--offset",
            type=click.IntRange(0, 2**31 - 1),
            default=0,
            metavar="N",
            help="Skip N rows.",
        ),
    )
