"""Rows before counts: a filtered count that takes long never holds up the first rows."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable

import pytest
from textual.widgets import Static

from cosell_tui.domain.views import GridQuery, Tab
from cosell_tui.widgets import grid as grid_module
from cosell_tui.widgets.filterline import FilterLine
from tests.screens.conftest import settle
from tests.screens.test_main import main_of

SIZE = (80, 24)


async def until(condition: Callable[[], bool], seconds: float = 5.0) -> bool:
    """Poll with plain asyncio sleeps: `pilot.pause` would wait for the held worker itself."""
    for _ in range(int(seconds / 0.02)):
        if condition():
            return True
        await asyncio.sleep(0.02)
    return condition()


async def test_a_slow_count_shows_rows_first_then_the_exact_total(
    make_app, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Small pages, so the 120-deal demo's Closed tab is longer than the first pages fetched.
    monkeypatch.setattr(grid_module, "PAGE_SIZE", 5)
    app = make_app(size=SIZE)
    held, release = threading.Event(), threading.Event()
    real_count = app.service.listing.count

    def held_count(q: GridQuery) -> int:
        if held.is_set():
            assert release.wait(10), "the test never released the count"
        return real_count(q)

    monkeypatch.setattr(app.service.listing, "count", held_count)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main = main_of(app)
        await pilot.press("4")  # Closed
        await settle(pilot)
        held.set()
        await pilot.press("slash")
        main.query_one(FilterLine).input.value = "value:>=0"
        grid = main.grid
        seen: list[tuple[int, bool, str]] = []

        def counting_shown() -> bool:
            # One synchronous look (no await in between), so a later reload cannot interleave.
            status = str(main.query_one("#status-line", Static).content)
            if grid.counting and "counting" in status and grid.row_at(0) is not None:
                seen.append((grid.total, grid.grid_query.text == "value:>=0", status))
                return True
            return False

        assert await until(counting_shown), "the rows should show while the count is held"
        shown, filtered, status = seen[0]
        assert filtered
        assert f"1 of {shown}+ (counting…)" in status  # a lower bound: the rows fetched so far

        release.set()
        assert await until(lambda: not grid.counting)
        held.clear()
        await settle(pilot)  # the count's message reaches the status line
        expected = real_count(GridQuery(Tab.CLOSED, "value:>=0"))
        assert 0 < shown < expected
        assert grid.total == expected
        status = str(main.query_one("#status-line", Static).content)
        assert f"1 of {expected}  ·" in status and "counting" not in status
