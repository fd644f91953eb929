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


async def _send_dialog(pilot, app):
    from cosell_tui.screens.send import SendReferralDialog

    await pilot.press("n")
    await settle(pilot)
    dialog = app.screen
    assert isinstance(dialog, SendReferralDialog)
    return dialog


async def test_a_microsoft_seller_sends_a_referral_to_a_partner(make_app) -> None:
    """`n` is the TUI's `deal send`: the receiving partner, the customer and the deal; the
    partner's routing rules place it, and a refusal stays next to its field."""
    from textual.widgets import Input

    from cosell_tui.demo.reference import FABRIKAM
    from cosell_tui.domain import HelpType

    app = make_app(user="ms-jordan", size=SIZE)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main = app.screen
        dialog = await _send_dialog(pilot, app)
        assert FABRIKAM in [org_id for org_id, _name in dialog.partners]
        assert all(name != "Microsoft" for _id, name in dialog.partners)  # asked, not sent to
        dialog.query_one("#input-to_org_id", Select).value = FABRIKAM
        for name, value in (
            ("name", "Woodgrove analytics"),
            ("customer_name", "Woodgrove Bank"),
            ("country", "US"),
            ("value", "120000"),
            ("close_date", "2027-03-31"),
            ("notes", "The customer asked for a data partner."),
            ("solutions", "NOT-A-SOLUTION"),
        ):
            dialog.query_one(f"#input-{name}", Input).value = value
        dialog.query_one("#input-help_type", Select).value = HelpType.TECHNICAL_ARCHITECTURE
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert app.screen is dialog  # the service refuses the unknown solution, in the form
        assert "NOT-A-SOLUTION" in dialog.field("solutions").error
        dialog.query_one("#input-solutions", Input).value = "SOL-41001-LKH"
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert app.screen is main
    with app.service._ctx.shared.engine.connect() as conn:
        sent = conn.execute(
            text(
                "SELECT org_id, direction, status, help_type FROM referral "
                "WHERE name = 'Woodgrove analytics' ORDER BY direction"
            )
        ).all()
    assert [(r[0], r[1], r[2]) for r in sent if r[1] == "Incoming"] == [
        (FABRIKAM, "Incoming", "New")
    ]
    assert {r[3] for r in sent} == {HelpType.TECHNICAL_ARCHITECTURE.value}


async def test_the_send_dialog_survives_a_key_burst_and_cancels_cleanly(make_app) -> None:
    app = make_app(user="ms-jordan", size=(80, 24))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        main = app.screen
        await pilot.press("n", *"Quick deal", "tab", "tab", "escape")  # no waiting in between
        await settle(pilot)
        assert app.screen is main
        with app.service._ctx.shared.engine.connect() as conn:
            assert not conn.execute(text("SELECT 1 FROM referral WHERE name LIKE 'Quick%'")).all()
