"""The upgrade dialogs on an open deal: share, ask for help, invite — each runs its use case and
dismisses with the Outcome, or keeps the dialog open with the service's message next to the field.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.app import App
from textual.screen import Screen
from textual.widgets import Input, OptionList, Select, SelectionList, Static

from cosell_tui.domain import DealType, HelpType
from cosell_tui.domain.views import DealDetail, Outcome
from cosell_tui.screens.upgrade import HelpDialog, InviteDialog, ShareDialog
from cosell_tui.service import Service
from cosell_tui.service.forms import DealDraft, PersonInput, SolutionInput
from cosell_tui.widgets.form import FormField
from cosell_tui.widgets.toggles import Tick
from tests.screens.conftest import settle
from tests.screens.test_deal_support import fill_first_contact
from tests.screens.test_wizard_support import LAKEHOUSE, SEATTLE

SIZE = (120, 40)


class DialogHost(App[None]):
    """Opens one dialog over an empty screen and keeps what it dismissed with."""

    def __init__(self, make: Callable[[], Screen[Any]]) -> None:
        super().__init__()
        self.make = make
        self.animation_level = "none"
        self.result: Any = "open"

    def on_mount(self) -> None:
        self.push_screen(self.make(), self._dismissed_with)

    def _dismissed_with(self, result: Any) -> None:
        self.result = result


def private_deal(service: Service, account_id: int) -> DealDetail:
    """A private deal of ava's, created through the service (no customer contact)."""
    outcome = service.creation.create_deal(
        DealDraft(
            name="Upgrade me",
            location_id=SEATTLE,
            value="30000",
            currency="USD",
            close_date="2027-01-31",
            notes="Started private.",
            account_id=account_id,
            team=(
                PersonInput("Ava", "Lindqvist", "+12065550101", "ava.lindqvist@fabrikam.example"),
            ),
            solutions=(SolutionInput(LAKEHOUSE),),
            visible_to_microsoft=False,
        )
    )
    return service.listing.deal(outcome.deal.id)


def contoso(service: Service) -> int:
    found = service.catalog.search_accounts("Contoso Private Limited")
    return next(a.id for accounts in found.values() for a in accounts)


async def test_share_makes_a_private_deal_partner_led(open_demo: Callable) -> None:
    service = open_demo("ava")
    detail = private_deal(service, contoso(service))
    assert detail.row.deal_type is DealType.PRIVATE
    app = DialogHost(lambda: ShareDialog(service, detail))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "cannot be undone" in str(app.screen.query_one(".warning", Static).content)
        await pilot.press("y")
        await settle(pilot)
    assert isinstance(app.result, Outcome)
    assert service.listing.deal(detail.row.id).row.deal_type is DealType.PARTNER_LED


async def test_share_cancelled_changes_nothing(open_demo: Callable) -> None:
    service = open_demo("ava")
    detail = private_deal(service, contoso(service))
    app = DialogHost(lambda: ShareDialog(service, detail))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
    assert app.result is None
    assert service.listing.deal(detail.row.id).row.deal_type is DealType.PRIVATE


async def test_help_asks_for_the_missing_contact_then_makes_co_sell(open_demo: Callable) -> None:
    service = open_demo("ava")
    detail = private_deal(service, contoso(service))
    app = DialogHost(lambda: HelpDialog(service, detail))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        screen.query_one("#input-help_type", Select).value = HelpType.QUOTES_LICENSING
        # notes are optional, as in the wizard
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert app.result == "open"  # the contact is required: the dialog stays
        assert screen.query_one("#field-contact_phone", FormField).error
        for name, value in (
            ("first_name", "Asha"),
            ("last_name", "Rao"),
            ("phone", "not a phone"),
            ("email", "asha.rao@contoso.example"),
        ):
            screen.query_one(f"#input-contact_{name}", Input).value = value
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert app.result == "open"  # the service refuses the phone, next to the field
        assert screen.query_one("#field-contact_phone", FormField).error
        screen.query_one("#input-contact_phone", Input).value = "+912240001234"
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert app.result == "open"  # as in the wizard: the customer's consent is ticked
        assert "must consent" in screen.query_one("#field-consent", FormField).error
        screen.query_one("#input-consent", Tick).value = True
        await pilot.press("ctrl+y")
        await settle(pilot)
    assert isinstance(app.result, Outcome)
    after = service.listing.deal(detail.row.id)
    assert after.row.deal_type is DealType.CO_SELL
    assert after.help_type is HelpType.QUOTES_LICENSING
    assert [c.email for c in after.contacts] == ["asha.rao@contoso.example"]


def litware_id(service: Any) -> int:
    return next(i for i, name in service.catalog.search_partners("Litware") if "Security" in name)


async def test_invite_adds_a_partner_to_an_open_deal(open_demo: Callable) -> None:
    service = open_demo("ava")
    detail = private_deal(service, contoso(service))
    app = DialogHost(lambda: InviteDialog(service, detail))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert screen.query_one("#input-inv_value", Input).value == "30000.00"
        screen.query_one("#partner-text", Input).value = "Litware"
        await settle(pilot)
        results = screen.query_one("#partner-results", OptionList)
        results.focus()
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert app.result == "open"  # no solution to bring yet: refused next to the picker
        assert screen.query_one("#field-inv_solution_ids", FormField).error
        picker = screen.query_one("#inv-solutions", SelectionList)
        offered = [picker.get_option_at_index(i).value for i in range(picker.option_count)]
        litware = {sid for sid, _name in service.catalog.partner_solutions(litware_id(service))}
        assert offered and set(offered) == litware  # Litware's own, from the catalog
        assert LAKEHOUSE not in offered
        picker.select(offered[0])
        await pilot.press("ctrl+y")
        await settle(pilot)
    assert isinstance(app.result, Outcome)
    after = service.listing.deal(detail.row.id)
    assert after.row.p2p
    assert [i.to_org_name for i in after.invitations] == ["Litware Security"]


async def test_invite_microsoft_adds_the_missing_contact_from_the_refusal(
    open_demo: Callable,
) -> None:
    """Inviting Microsoft to a deal without a customer contact is refused, and ctrl+o opens
    the contacts over the invitation: the contact saved, the same invitation goes through."""
    from cosell_tui.screens.dialogs_edit import ContactsDialog

    service = open_demo("ava")
    detail = private_deal(service, contoso(service))
    app = DialogHost(lambda: InviteDialog(service, detail))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        invite = app.screen
        invite.query_one("#partner-text", Input).value = "Microsoft"
        await settle(pilot)
        invite.query_one("#partner-results", OptionList).focus()
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert app.result == "open"
        said = str(invite.query_one("#general-error", Static).content)
        assert "needs a customer contact" in said
        await pilot.press("ctrl+o")
        await settle(pilot)
        contacts = app.screen
        assert isinstance(contacts, ContactsDialog)
        fill_first_contact(contacts, "Asha", "Rao", "asha.rao@contoso.example")
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert app.screen is invite
        assert "contacts saved" in str(invite.query_one("#general-error", Static).content)
        await pilot.press("ctrl+y")
        await settle(pilot)
    assert isinstance(app.result, Outcome), app.result
    after = service.listing.deal(detail.row.id)
    assert [c.email for c in after.contacts] == ["asha.rao@contoso.example"]
    assert after.help_type is not HelpType.NONE
