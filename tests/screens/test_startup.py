"""The TUI paints its first frame before it opens the database, then the rows follow; a refusal
while opening ends the app with that sentence and its exit code."""

from __future__ import annotations

import threading
from collections.abc import Callable

from cosell_tui.app import CosellApp
from cosell_tui.config import load_config
from cosell_tui.domain.views import Tab
from cosell_tui.screens.main import MainScreen
from cosell_tui.service.errors import NotFoundError
from tests.screens.conftest import settle

SIZE = (80, 24)


async def test_first_frame_comes_before_the_database_then_the_rows(
    open_demo: Callable[..., object],
) -> None:
    release = threading.Event()
    asked: list[str] = []

    def opener():
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


async def test_a_refusal_while_opening_ends_the_app_with_its_sentence() -> None:
    def opener():
        raise NotFoundError("No user 'nobody'.")

    app = CosellApp(None, load_config(), opener=opener, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
    assert app.return_code == 4
