"""`cosell` without a command, and `cosell demo`: the TUI, opened through `cosell_tui.app` only
(Textual loads here, never on a command's path)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from cosell_tui.cli.errors import EXIT_OK
from cosell_tui.cli.options import command, option, pass_runtime
from cosell_tui.cli.runtime import Runtime

if TYPE_CHECKING:
    from cosell_tui.service import Service

DEMO_USER = "ava"


def open_tui(service: Service, mouse: bool) -> None:
    from cosell_tui.app import run

    run(service, mouse=mouse)


def run_tui(rt: Runtime) -> int:
    """No subcommand: the TUI on the user's database."""
    open_tui(rt.service(), mouse=rt.mouse())
    return EXIT_OK


@command("demo", help="Open the TUI on a fresh seeded database as ava.")
@option("--deals", type=int, default=500, metavar="N", help="Deals (default 500).")
@option("--seed", type=int, default=7, metavar="S", help="Random seed (default 7).")
@pass_runtime
def demo(rt: Runtime, deals: int, seed: int) -> int:
    """A fresh temporary SQLite database, seeded, opened as ava; deleted on exit."""
    from cosell_tui.cli.parse import check_deal_count
    from cosell_tui.domain.clock import Clock
    from cosell_tui.service import admin, open_service

    check_deal_count(deals)
    with tempfile.TemporaryDirectory(prefix="cosell-demo-") as folder:
        url = f"sqlite:///{Path(folder) / 'demo.db'}"
        admin.seed_database(url, deals, seed, Clock.from_env(rt.now).now())
        service = open_service(db=url, user=DEMO_USER, now=rt.now)
        try:
            open_tui(service, mouse=rt.mouse())
        finally:
            service.close()
    return EXIT_OK
