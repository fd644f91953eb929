"""The TUI paints its first frame before it opens the database, then the rows follow; a refusal
while opening ends the app with that sentence and its exit code."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from textual.widgets import Static

from cosell_tui.app import CosellApp
from cosell_tui.config import load_config
from cosell_tui.domain.views import Tab
from cosell_tui.screens.main import MainScreen
from cosell_tui.service.errors import NotFoundError
from cosell_tui.widgets.grid import DealGrid
from tests.screens.conftest import NOW, settle

if TYPE_CHECKING:
    from cosell_tui.service import Service

SIZE = (80, 24)


async def test_first_frame_comes_before_the_database_then_the_rows(
    open_demo: Callable[..., object],
) -> None:
    release = threading.Event()
    asked: list[str] = []

    def opener(say):
        asked.append("open")
        assert release.wait(10), "the test never let the service open"
        return open_demo("ava")

    app = CosellApp(None, load_config(), opener=opener, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        main = app.screen
        assert isinstance(main, MainScreen)
        assert not main.has_service
        header = main.grid.render_line(0).text
        assert "Deal name" in header and "Customer" in header
        assert main.grid.total == 0 and not main.grid.loaded
        # The first frame composes the first tab's grid only; another's is made when shown,
        # the preview pane when first asked for.
        assert [grid.id for grid in main.query(DealGrid)] == ["grid-inbound"]
        assert not main.query("#preview")
        # Keys that need the database do nothing yet; the tabs still switch.
        await pilot.press("a", "n", "2", "1")
        assert main.tab is Tab.INBOUND
        assert app.screen is main
        release.set()
        await settle(pilot)
        assert asked == ["open"]
        assert isinstance(main, MainScreen)
        assert main.has_service and main.grid.loaded and main.grid.total > 0
        assert "Ava" in app.sub_title


async def test_another_tabs_grid_is_made_when_first_shown(
    open_demo: Callable[..., Service],
) -> None:
    app = CosellApp(None, load_config(), opener=lambda say: open_demo("ava"), animations=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main = app.screen
        assert isinstance(main, MainScreen) and main.grid.loaded
        assert [grid.id for grid in main.query(DealGrid)] == ["grid-inbound"]
        await pilot.press("2")
        await settle(pilot)
        outbound = main.grid_for(Tab.OUTBOUND)
        assert main.grid is outbound and outbound.display and outbound.has_focus
        assert outbound.loaded and outbound.total > 0
        assert not main.grid_for(Tab.INBOUND).display
        await pilot.press("4", "j")
        await settle(pilot)
        assert main.tab is Tab.CLOSED and main.grid.loaded and main.grid.total > 0
        assert main.grid.cursor == 1
        assert len(main.query(DealGrid)) == 3
        await pilot.press("1")
        await settle(pilot)
        assert main.grid.id == "grid-inbound" and main.grid.has_focus
        assert len(main.query(DealGrid)) == 3


async def test_a_refusal_while_opening_ends_the_app_with_its_sentence() -> None:
    def opener(say):
        raise NotFoundError("No user 'nobody'.")

    app = CosellApp(None, load_config(), opener=opener, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
    assert app.return_code == 4


async def test_waiting_for_another_cosells_upgrade_is_said_on_the_status_line(
    demo_db: Path, config_file: Path
) -> None:
    """Another process holds the database's exclusive lock (as a cosell upgrading or creating
    it does): the main screen says it waits, on its status line (stderr is hidden behind the
    TUI), until the lock is released; then the upgrade runs and the rows come."""
    from cosell_tui.service import open_service
    from cosell_tui.store.db import make_engine
    from cosell_tui.store.migrate import WAITING, downgrade, is_current

    engine = make_engine(f"sqlite:///{demo_db}")
    downgrade(engine, "-1")  # one revision behind: opening upgrades it
    engine.dispose()
    holder = sqlite3.connect(demo_db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    opened: list[Service] = []

    def opener(say: Callable[[str], None]) -> Service:
        opened.append(open_service(db=str(demo_db), user="ava", now=NOW, on_upgrade=say))
        return opened[-1]

    app = CosellApp(None, load_config(), opener=opener, animations=False, live_every=None)
    try:
        async with app.run_test(size=SIZE) as pilot:
            main = app.screen
            assert isinstance(main, MainScreen)
            status = main.query_one("#status-line", Static)
            for _ in range(100):  # the opener's quiet try for the lock takes 0.2 s
                await pilot.pause(0.05)
                if str(status.content) == WAITING:
                    break
            assert str(status.content) == WAITING
            assert not main.has_service
            holder.rollback()  # the other cosell is done
            await settle(pilot)
            assert main.has_service and main.grid.loaded and main.grid.total > 0
            assert "Waiting" not in str(status.content) and "sort:" in str(status.content)
    finally:
        holder.close()
        for service in opened:
            service.close()
    engine = make_engine(f"sqlite:///{demo_db}")
    assert is_current(engine)
    engine.dispose()


def test_the_first_frame_imports_no_database_and_no_other_screen() -> None:
    """What `cosell` imports before its first frame (the app and its main screen): neither
    SQLAlchemy nor the service nor the rules, pydantic or babel, and no screen but the main
    one (help, deal, wizard... load when opened). A fresh interpreter, so other tests' imports
    do not hide one."""
    import json
    import subprocess
    import sys

    script = (
        "import json, sys\n"
        "import cosell_tui.cli.tui, cosell_tui.app\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    loaded = json.loads(done.stdout)
    heavy: tuple[str, ...] = ("sqlalchemy", "pydantic", "babel", "yaml", "durable")
    heavy += ("cosell_tui.rules", "cosell_tui.service.core", "cosell_tui.store")
    assert [m for m in loaded if m.split(".")[0] in heavy or m.startswith(heavy)] == []
    screens = {m for m in loaded if m.startswith("cosell_tui.screens.")}
    # main and what it is made of (flows: the dialog contract; keys; listbox; messages)
    assert screens <= {
        "cosell_tui.screens.main",
        "cosell_tui.screens.flows",
        "cosell_tui.screens.keys",
        "cosell_tui.screens.saved_view",
        "cosell_tui.screens.listbox",
        "cosell_tui.screens.messages",
    }, screens


#: What the TUI's first frame does without (README, "Speed"): click and rich-click (the
#: console script opens the TUI without them, cli/entry.py), the database and the service, the
#: rules, pydantic, babel, and every screen but the main one.
NOT_BEFORE_THE_FIRST_FRAME = (
    "click",
    "rich_click",
    "sqlalchemy",
    "pydantic",
    "babel",
    "yaml",
    "durable",
    "cosell_tui.cli.root",
    "cosell_tui.cli.options",
    "cosell_tui.rules",
    "cosell_tui.service.core",
    "cosell_tui.store",
)

_FIRST_FRAME_SCRIPT = """
import asyncio, json, sys
import textual.app
from cosell_tui.cli import entry, tui
from cosell_tui.service.errors import NotFoundError

def headless(self, **_options):  # App.run without a terminal: the same app, the same frames
    asyncio.run(self.run_async(headless=True, size=(80, 24)))

textual.app.App.run = headless

def opener(rt):
    def first(say):  # called once the first frame is painted (app.py)
        with open(sys.argv[1], "w") as out:
            json.dump(sorted(sys.modules), out)
        raise NotFoundError("seen")
    return first

tui.service_opener = opener
sys.exit(entry.main(sys.argv[2:]))
"""


def test_the_console_script_reaches_the_first_frame_with_textual_and_the_main_screen_only(
    demo_db: Path, config_file: Path, tmp_path: Path
) -> None:
    """`cosell --db FILE` through the console script's own entry, in a fresh interpreter, up
    to the moment the app asks for the database (its first frame painted): what it imported."""
    import json
    import os
    import subprocess
    import sys

    seen = tmp_path / "modules.json"
    argv = ["--db", str(demo_db), "--now", NOW, "--no-mouse"]
    env = {**os.environ, "COSELL_CONFIG_FILE": str(config_file)}
    done = subprocess.run(
        [sys.executable, "-c", _FIRST_FRAME_SCRIPT, str(seen), *argv],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 4, done.stderr  # the opener's refusal ends the app
    loaded = json.loads(seen.read_text())
    heavy = NOT_BEFORE_THE_FIRST_FRAME
    assert [m for m in loaded if m in heavy or m.startswith(tuple(h + "." for h in heavy))] == []
    assert "cosell_tui.screens.main" in loaded
    screens = {m for m in loaded if m.startswith("cosell_tui.screens.")}
    assert screens <= {
        "cosell_tui.screens.main",
        "cosell_tui.screens.flows",
        "cosell_tui.screens.keys",
        "cosell_tui.screens.listbox",
        "cosell_tui.screens.messages",
        "cosell_tui.screens.saved_view",  # the view the main screen saves: config and tab ids
    }, screens


async def test_the_footer_greys_its_keys_in_place(open_demo: Callable[..., Service]) -> None:
    """The database opening and the rows arriving change which keys apply, not which keys the
    footer shows: it greys or lights them without composing itself again (widgets/footer.py),
    and shows what Textual's footer would (the snapshots hold its look)."""
    from textual.widgets._footer import FooterKey

    from cosell_tui.widgets.footer import MainFooter

    release = threading.Event()

    def opener(say):
        assert release.wait(10), "the test never let the service open"
        return open_demo("ava")

    app = CosellApp(None, load_config(), opener=opener, animations=False, live_every=None)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        main = app.screen
        assert isinstance(main, MainScreen)
        footer = main.query_one(MainFooter)

        def keys() -> dict[str, FooterKey]:
            return {key.action: key for key in footer.query_children(FooterKey)}

        before = keys()
        assert before["accept"].has_class("-disabled") and before["filter"].has_class("-disabled")
        release.set()
        await settle(pilot)
        after = keys()
        assert after == before  # the same widgets: greyed or lit in place
        for action, key in after.items():
            applies = main.check_action(action, ()) if action != "command_palette" else True
            assert key.has_class("-disabled") is (not applies), action
        assert not after["filter"].has_class("-disabled")
        await pilot.press("4")  # Closed: nothing to accept
        await settle(pilot)
        assert keys() == before and keys()["accept"].has_class("-disabled")
