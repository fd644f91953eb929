"""The main and deal screens' parts (tab bar, preview, status line; deal header, sections, stale
banner) follow their reactives whatever the speed of the keys: each test sends a burst without
waiting between keys, then checks that every part shows the same, settled state."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from textual.widgets import Static

from cosell_tui.domain.views import Tab
from cosell_tui.screens.deal import DealScreen
from cosell_tui.screens.deal_parts import DealHeader, DealSections, StaleBanner
from cosell_tui.screens.main import MainScreen
from cosell_tui.widgets.preview import DealPreview
from cosell_tui.widgets.statusline import StatusLine
from cosell_tui.widgets.tabbar import TabBar
from tests.screens.conftest import burst, settle

SIZE = (120, 40)


def body(widget: Any, selector: str) -> str:
    return str(widget.query_one(selector, Static).render())


@asynccontextmanager
async def main_screen(make_app: Any) -> AsyncIterator[tuple[Any, MainScreen]]:
    """(pilot, the main screen) of a demo app at SIZE, settled."""
    app = make_app(size=SIZE)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main = app.screen
        assert isinstance(main, MainScreen)
        yield pilot, main


async def test_a_burst_over_tabs_preview_and_cursor_settles_every_part_on_one_state(
    make_app,
) -> None:
    async with main_screen(make_app) as (pilot, main):
        await burst(pilot, "p", "j", "j", "2", "]", "[", "1", "j", "k", "j")
        grid = main.grid
        row = grid.selected
        assert row is not None and main.tab is Tab.INBOUND and grid.cursor == 3
        assert main.query_one(TabBar).active is Tab.INBOUND
        preview = main.query_one(DealPreview)
        assert preview.display and preview.deal_id == row.id
        assert row.name in body(preview, "#preview-body")
        status = main.query_one(StatusLine)
        assert str(status.content).startswith(f"4 of {grid.total:,}  ·  sort: soonest expiry")
        # p again hides the pane, which forgets its deal; cursor moves read nothing for it
        await burst(pilot, "p", "j", "j")
        assert not preview.display and preview.deal_id is None
        assert str(status.content).startswith(f"6 of {grid.total:,}")


async def test_the_status_line_says_what_opening_waits_for_until_the_service_is_ready(
    make_app,
) -> None:
    async with main_screen(make_app) as (pilot, main):
        status = main.query_one(StatusLine)
        main.say_opening("Upgrading the database\x1b[31m…")
        await pilot.pause()
        assert str(status.content) == "Upgrading the database�[31m…"  # printable, not obeyed
        main.service_ready(pilot.app.service)
        await settle(pilot)
        assert str(status.content).startswith("1 of ")


async def test_a_burst_of_next_and_previous_on_the_deal_screen_shows_one_deal_in_every_part(
    make_app,
) -> None:
    async with main_screen(make_app) as (pilot, main):
        await burst(pilot, "enter", "]", "]", "[")
        screen = pilot.app.screen
        assert isinstance(screen, DealScreen)
        detail = screen.detail
        assert detail is not None and detail.row.id == screen.deal_id
        assert detail.row.name in str(screen.query_one(DealHeader).render())
        sections = screen.query_one(DealSections)
        assert sections.detail == detail
        assert detail.row.referral_id in body(sections, "#body-details")
        assert not screen.query_one(StaleBanner).has_class("-shown")
        await burst(pilot, "escape")
        assert pilot.app.screen is main and main.grid.selected is not None
        assert main.grid.selected.id == detail.row.id
