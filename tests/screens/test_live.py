"""The live shared queue: what another user (another process) changes shows up on its own.

The other user works through a second service on the same database file, as another `cosell`
would; the app notices through the change counter (widgets/live.py).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from cosell_tui.domain import Substatus
from cosell_tui.domain.views import Tab
from cosell_tui.screens.deal import DealScreen
from cosell_tui.service import Service
from tests import factories
from tests.factories import accept_form
from tests.screens.conftest import settle
from tests.screens.test_main import first_row, notices, row_at, start

SIZE = (160, 48)
LIVE = 0.05  # seconds between looks: fast, so the tests do not wait


async def until(pilot, condition: Callable[[], bool], timeout: float = 20.0) -> None:
    """Pause until `condition` holds (the watcher runs on its own clock)."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the screen did not follow the change"
        await pilot.pause(LIVE)
    await settle(pilot)


async def test_a_change_elsewhere_reaches_the_open_grid(make_app, open_demo) -> None:
    app = make_app(live_every=LIVE)
    async with app.run_test(size=SIZE) as pilot:
        main = await start(pilot)
        index = first_row(main, lambda r: r.substatus in (Substatus.PENDING, Substatus.RECEIVED))
        row = row_at(main, index)
        other: Service = open_demo("ava")  # the same user in another terminal
        other.lifecycle.accept(row.id, row.version, accept_form())
        await until(
            pilot,
            lambda: (
                main.grid.selected is not None
                and main.grid.selected.substatus is Substatus.ACCEPTED
            ),
        )
        assert main.grid.selected is not None and main.grid.selected.id == row.id
        assert not notices(app), "a change that brings no new referral is not announced"


async def test_the_cursor_stays_on_its_deal_when_rows_arrive_above(make_app, open_demo) -> None:
    app = make_app(live_every=LIVE)
    async with app.run_test(size=SIZE) as pilot:
        main = await start(pilot)
        main.grid.move_to(5)
        await settle(pilot)
        chosen = row_at(main, 5)
        inbound_before = main.counts[Tab.INBOUND]
        microsoft: Service = open_demo("ms-jordan")
        microsoft.creation.send_referral(factories.referral(name="Arrived while you looked"))
        await until(pilot, lambda: main.counts.get(Tab.INBOUND, 0) > inbound_before)
        assert main.grid.selected is not None and main.grid.selected.id == chosen.id
        assert any("1 new inbound referral" in n for n in notices(app))


async def test_the_deal_screen_says_when_someone_else_changed_the_deal(make_app, open_demo) -> None:
    app = make_app("ben", live_every=LIVE)
    async with app.run_test(size=SIZE) as pilot:
        main = await start(pilot)
        first_row(main, lambda r: r.substatus in (Substatus.PENDING, Substatus.RECEIVED))
        row = main.grid.selected
        assert row is not None
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DealScreen)
        ava: Service = open_demo("ava")  # the company-wide admin, in her own terminal
        ava.lifecycle.accept(row.id, row.version, accept_form())
        banner = screen.query_one("#deal-stale")
        await until(pilot, lambda: banner.has_class("-shown"))
        assert "Changed by Ava Lindqvist" in str(banner.render())
        assert "r to reload" in str(banner.render())
        assert screen.detail is not None and screen.detail.row.version == row.version
        await pilot.press("r")
        await settle(pilot)
        assert not banner.has_class("-shown")
        assert screen.detail is not None
        assert screen.detail.row.substatus is Substatus.ACCEPTED


async def test_one_write_of_this_app_reloads_the_grid_once(make_app, open_demo) -> None:
    """The reload after the user's own write takes the change counter as seen before it reads
    the rows: the looks that follow find nothing new, so the write is not reloaded again. A
    change by someone else afterwards still is, once."""
    app = make_app(live_every=LIVE)
    async with app.run_test(size=SIZE) as pilot:
        main = await start(pilot)
        grid = main.grid
        reloads: list[bool] = []
        real = grid.reload

        def counted(**kwargs) -> None:
            reloads.append(True)
            real(**kwargs)

        grid.reload = counted  # type: ignore[method-assign]  # counts the reloads
        before = app._changes_seen
        await pilot.press("f")  # a favourite: a write through a flow
        await settle(pilot)
        await pilot.pause(10 * LIVE)  # ten looks
        await settle(pilot)
        assert app._changes_seen is not None and before is not None
        assert app._changes_seen > before  # the write moved the counter, and it was adopted
        assert len(reloads) == 1

        row = main.grid.selected
        assert row is not None
        other: Service = open_demo("ava")  # the same user in another terminal
        other.listing.toggle_favorite(row.id)
        await until(pilot, lambda: len(reloads) >= 2)
        await pilot.pause(10 * LIVE)
        await settle(pilot)
        assert len(reloads) == 2
