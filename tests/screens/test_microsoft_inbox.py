"""A Microsoft seller's Inbound: the co-sell requests sent to Microsoft, accepted (a
confirmation) or declined (a coded reason) in the TUI; the partner's Microsoft card follows."""

from __future__ import annotations

from sqlalchemy import text
from textual.widgets import Select

from cosell_tui.domain import CloseReason, Direction, MicrosoftStatus, Status, Substatus
from cosell_tui.screens.dialogs import ConfirmDialog, DeclineDialog
from cosell_tui.screens.main import MainScreen
from tests.screens.conftest import burst, settle
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
    """`n` is the TUI's `deal send`: the receiving partner, the customer found with the
    wizard's search, the partner's own solutions picked from the catalog; the partner's
    routing rules place it, and a refusal stays next to its field."""
    from textual.widgets import Input

    from cosell_tui.demo.reference import FABRIKAM
    from cosell_tui.domain import HelpType
    from cosell_tui.widgets.partner_solutions import PartnerSolutions

    app = make_app(user="ms-jordan", size=SIZE)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main = app.screen
        dialog = await _send_dialog(pilot, app)
        assert FABRIKAM in [org_id for org_id, _name in dialog.partners]
        assert all(name != "Microsoft" for _id, name in dialog.partners)  # asked, not sent to
        picker = dialog.query_one(PartnerSolutions)
        assert picker.option_count == 0  # no partner yet: nothing to pick from
        dialog.query_one("#input-to_org_id", Select).value = FABRIKAM
        await settle(pilot)
        offered = dict(picker.solutions)
        assert "SOL-41001-LKH" in offered and all(i.startswith("SOL-4100") for i in offered)
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert app.screen is dialog  # nothing chosen: required fields say so
        assert dialog.field("customer").error == "Required."
        dialog.query_one("#customer-name", Input).focus()
        await pilot.press(*"Contoso", "enter")
        await settle(pilot)
        await pilot.press("enter")  # the best match, in the tab that opened
        await settle(pilot)
        assert dialog.account is not None and "Contoso" in dialog.account.name
        assert dialog.field("customer").error == ""
        assert dialog.account.name in str(dialog.query_one("#chosen-customer").content)
        for name, value in (
            ("name", "Woodgrove analytics"),
            ("value", "120000"),
            ("close_date", "2027-03-31"),
            ("notes", "The customer asked for a data partner."),
        ):
            dialog.query_one(f"#input-{name}", Input).value = value
        dialog.query_one("#input-help_type", Select).value = HelpType.TECHNICAL_ARCHITECTURE
        picker.focus()
        index = [sid for sid, _name in picker.solutions].index("SOL-41001-LKH")
        picker.highlighted = index
        await pilot.press("space")
        assert picker.selected == ["SOL-41001-LKH"]
        dialog.query_one("#input-contact_email", Input).value = "not an address"
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert app.screen is dialog  # the service refuses the e-mail, next to its field
        assert dialog.field("contact_email").error
        dialog.query_one("#input-contact_email", Input).value = ""
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert app.screen is main
        account_id = dialog.account.id
    with app.service._ctx.shared.engine.connect() as conn:
        sent = conn.execute(
            text(
                "SELECT org_id, direction, status, help_type, customer_account_id FROM referral "
                "WHERE name = 'Woodgrove analytics' ORDER BY direction"
            )
        ).all()
        lines = conn.execute(
            text(
                "SELECT DISTINCT s.solution_id FROM referral_solution s JOIN referral r "
                "ON r.id = s.referral_id WHERE r.name = 'Woodgrove analytics'"
            )
        ).all()
    assert [(r[0], r[1], r[2]) for r in sent if r[1] == "Incoming"] == [
        (FABRIKAM, "Incoming", "New")
    ]
    assert {r[3] for r in sent} == {HelpType.TECHNICAL_ARCHITECTURE.value}
    assert {r[4] for r in sent} == {account_id}
    assert [tuple(r) for r in lines] == [("SOL-41001-LKH",)]


async def test_the_send_dialog_takes_a_customer_typed_in(make_app) -> None:
    """ctrl+t types the customer in (company and country) when the search has no match; the
    service's refusal of the country lands on that field."""
    from textual.widgets import Input

    from cosell_tui.demo.reference import FABRIKAM

    app = make_app(user="ms-jordan", size=(80, 24))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        main = app.screen
        dialog = await _send_dialog(pilot, app)
        dialog.query_one("#customer-name", Input).focus()
        await pilot.press(*"Northwind Zeta", "ctrl+t")
        await settle(pilot)
        assert dialog.manual and dialog.focused is dialog.query_one("#input-customer_name")
        assert dialog.text("customer_name") == "Northwind Zeta"  # carried over from the search
        dialog.query_one("#input-to_org_id", Select).value = FABRIKAM
        for name, value in (
            ("name", "Typed-in customer"),
            ("country", "ZZ"),
            ("value", "5000"),
            ("close_date", "2027-03-31"),
            ("notes", "From a conference."),
        ):
            dialog.query_one(f"#input-{name}", Input).value = value
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert app.screen is dialog
        assert "ZZ" in dialog.field("country").error
        dialog.query_one("#input-country", Input).value = "GB"
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert app.screen is main
    with app.service._ctx.shared.engine.connect() as conn:
        (row,) = conn.execute(
            text(
                "SELECT customer_name, country FROM referral WHERE name = 'Typed-in customer' "
                "AND direction = 'Incoming'"
            )
        ).all()
    assert tuple(row) == ("Northwind Zeta", "GB")


async def test_the_send_dialog_search_typed_in_one_burst(make_app) -> None:
    """`n`, the deal name, tab to the search, a customer name and Enter twice, all typed
    without waiting: the search runs and the best match is picked."""
    app = make_app(user="ms-jordan", size=(80, 24))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await burst(pilot, "n")
        dialog = app.screen
        dialog.query_one("#input-name").focus()
        await burst(pilot, *"Burst deal", "tab", *"Contoso", "enter")
        await burst(pilot, "enter")
        assert dialog.text("name") == "Burst deal"
        assert dialog.account is not None and "Contoso" in dialog.account.name


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
