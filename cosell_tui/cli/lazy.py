"""A click group whose subcommands are imported only when one of them runs or shows its help.

click's documented LazyGroup pattern: the group holds, for each subcommand, the `module:attr`
where it lives and its one-line summary. Running `cosell deal list` imports the module of
`deal` and then the module of `list`, nothing else; `cosell --help` and `cosell deal --help`
list the summaries without importing any subcommand module at all.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import click
import rich_click

#: ctx.meta key set while a group draws its help, so listing its commands imports nothing.
_LISTING = "cosell.listing"


@dataclass(frozen=True, slots=True)
class Lazy:
    """Where a subcommand lives (`package.module:attribute`) and its one-line summary."""

    target: str
    summary: str


class LazyGroup(rich_click.RichGroup):
    """A RichGroup that imports a subcommand's module the first time the subcommand is asked
    for, except while its own help lists the commands (then a summary stands in)."""

    def __init__(self, *args: Any, lazy: Mapping[str, Lazy] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy: dict[str, Lazy] = dict(lazy or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Commands in the order the table gives them (the order of the help), eager ones
        first."""
        return [*super().list_commands(ctx), *self.lazy]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        entry = self.lazy.get(cmd_name)
        if entry is None:
            return super().get_command(ctx, cmd_name)
        if ctx.meta.get(_LISTING):
            return click.Command(cmd_name, short_help=entry.summary, help=entry.summary)
        return self._load(cmd_name, entry)

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        ctx.meta[_LISTING] = True
        try:
            super().format_help(ctx, formatter)  # type: ignore[arg-type]  # a RichHelpFormatter
        finally:
            ctx.meta.pop(_LISTING, None)

    def _load(self, cmd_name: str, entry: Lazy) -> click.Command:
        module_name, _, attribute = entry.target.partition(":")
        command = getattr(importlib.import_module(module_name), attribute)
        if not isinstance(command, click.Command):
            raise TypeError(f"{entry.target} is not a click command")
        if command.short_help is None:
            command.short_help = entry.summary
        return command
