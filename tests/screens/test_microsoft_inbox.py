"""A Microsoft seller's Inbound: the co-sell requests sent to Microsoft, accepted (a
confirmation) or declined (a coded reason) in the TUI; the partner's Microsoft card follows."""

from __future__ import annotations

from sqlalchemy import text
from textual.widgets import Select

from cosell_tui.domain import CloseReason, Direction, MicrosoftStatus, Status, Substatus
from cosell_tui.screens.dialogs import ConfirmDialog, DeclineDialog
from cosell_tui.screens.main import MainScreen
from tests.screens.conftest import settle
from tests.screens.test_main import first_row, row_at

SIZE = (160, 48)


def received(row) -> bool:
    return row.status is Status.NEW and row.direction is Direction.INCOMING


async def test_a_microsoft_seller_accepts_a_co_sell_request(make_app) -> None:
    app = make_app(user="ms-jordan", size=SIZE)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main = app.screen
        assert isinstance(main, MainScreen)
        rows = [main.grid.row_at(i) for i in range(main.grid.total)]
        assert rows and all(r is not None and r.direction is Direction.INCOMING for r in rows)
        row = row_at(main, first_row(main, received))
        await pilot.press("a")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)
        assert app.screen is main
        assert app.service.listing.row(row.id).substatus is Substatus.ACCEPTED
        with app.service._ctx.shared.engine.connect() as conn:  # the partner's deal follows
            partner = conn.execute(
                text(
                    "SELECT microsoft_status FROM referral WHERE id != :i AND engagement_id = "
                    "(SELECT engagement_id FROM referral WHERE id = :i) AND direction = 'Outgoing'"
                ),
                {"i": row.id},
            ).all()
        assert (MicrosoftStatus.ACCEPTED.value,) in [tuple(r) for r in partner]


async def test_a_microsoft_seller_declines_with_a_reason(make_app) -> None:
    app = make_app(user="ms-jordan", size=SIZE)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main = app.screen
        assert isinstance(main, MainScreen)
        row = row_at(main, first_row(main, received))
        await pilot.press("d")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, DeclineDialog)
        dialog.query_one("#input-reason", Select).value = CloseReason.TIMELINE_TOO_SHORT
        await pilot.press("ctrl+y")
        await settle(pilot)
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert app.screen is main
        assert app.service.listing.row(row.id).substatus is Substatus.DECLINED


async def test_the_deal_screen_offers_only_accept_and_decline(make_app) -> None:
    app = make_app(user="ms-jordan", size=SIZE)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main = app.screen
        assert isinstance(main, MainScreen)
        first_row(main, received)
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        allowed = screen.detail.decision.allowed
        assert {a.value for a in allowed} == {"accept", "decline"}
