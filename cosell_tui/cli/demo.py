"""`cosell demo`: the TUI on a fresh seeded database (cli/tui.py opens it)."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from cosell_tui.cli import tui
from cosell_tui.cli.options import command, option, pass_runtime
from cosell_tui.cli.runtime import Runtime

if TYPE_CHECKING:
    from cosell_tui.service import Service

DEMO_USER = "ava"


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
            return tui.open_tui(opener, mouse=rt.mouse())
        finally:
            for service in opened:
                service.close()
