"""`cosell` without a command (and `cosell demo`, cli/demo.py): the TUI, opened through
`cosell_tui.app` only (Textual loads here, never on a command's path). No click here: the
console script comes here straight for a command line of global options (cli/entry.py)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cosell_tui.cli.runtime import Runtime
    from cosell_tui.service import Service


#: Opens the service, telling `say` what it waits for (an upgrade, another process's upgrade).
Opener = Callable[[Callable[[str], None]], "Service"]


def open_tui(
    opener: Opener,
    mouse: bool,
    setup: Callable[[Mapping[str, Any]], Any] | None = None,
) -> int:
    """The TUI, which calls `opener` for its service once its first frame is painted (and
    offers `setup` when the database is empty); what the opener says is shown on its screen."""
    from cosell_tui.app import run  # Textual loads only here

    return run(opener, mouse=mouse, setup=setup)


def service_opener(rt: Runtime) -> Opener:
    """`rt.service`, with a database that cannot be used told as a refusal (a sentence and the
    exit code the TUI ends with) rather than a traceback from inside the app, and the upgrade's
    progress (or the wait for another cosell's) told to `say`, not to the hidden stderr."""

    def open_service(say: Callable[[str], None]) -> Service:
        try:
            return rt.service(on_upgrade=say)
        except Exception as exc:
            from cosell_tui.service.environment import refusal

            problem = refusal(exc, rt.database)
            if problem is None:
                raise
            raise problem from exc

    return open_service


def setup_runner(rt: Runtime) -> Callable[[Mapping[str, Any]], Any]:
    """The setup screen's use case: `cosell setup` on the user's database."""

    def run_setup(values: Mapping[str, Any]) -> Any:
        from cosell_tui.domain.clock import Clock
        from cosell_tui.service.setup import setup_database

        return setup_database(rt.db_url(), values, Clock().now())

    return run_setup


def run_tui(rt: Runtime) -> int:
    """No subcommand: the TUI on the user's database (opened after its first frame); on an
    empty database, the setup screen first."""
    return open_tui(service_opener(rt), mouse=rt.mouse(), setup=setup_runner(rt))
