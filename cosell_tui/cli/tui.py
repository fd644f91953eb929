"""`cosell` without a command, and `cosell demo`: the TUI, opened through `cosell_tui.app` only
(Textual loads here, never on a command's path)."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cosell_tui.cli.options import command, option, pass_runtime
from cosell_tui.cli.runtime import Runtime

if TYPE_CHECKING:
    from cosell_tui.service import Service

DEMO_USER = "ava"


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


@command("demo", help="Open the TUI on a fresh seeded database as ava.")
@option("--deals", type=int, default=500, metavar="N", help="Deals (default 500).")
@option("--seed", type=int, default=7, metavar="S", help="Random seed (default 7).")
@pass_runtime
def demo(rt: Runtime, deals: int, seed: int) -> int:
    """A fresh temporary SQLite database, seeded, opened as ava (or `--user`: any of the demo's
    users, e.g. ben, cara or the Microsoft seller ms-jordan); deleted on exit."""
    from cosell_tui.cli.parse import check_deal_count
    from cosell_tui.domain.clock import Clock
    from cosell_tui.service import admin, open_service

    check_deal_count(deals)
    with tempfile.TemporaryDirectory(prefix="cosell-demo-") as folder:
        url = f"sqlite:///{Path(folder) / 'demo.db'}"
        admin.seed_database(url, deals, seed, Clock.from_env(rt.now).now())
        opened: list[Service] = []
        user = rt.user or DEMO_USER

        def opener(say: Callable[[str], None]) -> Service:
            opened.append(open_service(db=url, user=user, now=rt.now, on_upgrade=say))
            return opened[-1]

        try:
            return open_tui(opener, mouse=rt.mouse())
        finally:
            for service in opened:
                service.close()
