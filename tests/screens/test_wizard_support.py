"""Driving the New Deal wizard in tests: a host app and one helper per step.

The helpers type through `input.value` (not a key per character) and pick rows with Enter, so
pilot and snapshot tests reach any step in the state a user would leave it. They live here so
the pilot tests (tests/screens) and the snapshots (tests/snapshots) drive the wizard the same
way.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from textual.app import App
from textual.pilot import Pilot
from textual.widgets import (
    Checkbox,
    Input,
    OptionList,
    RadioButton,
    Select,
    SelectionList,
    TabbedContent,
)

from cosell_tui.domain import HelpType, MarketplaceIntent
from cosell_tui.screens.wizard import LIVE_DELAY, NewDealScreen
from cosell_tui.service import Service
from tests.screens.conftest import settle

#: Seeded reference ids (cosell_tui/demo/reference.py, a contract for tests).
SEATTLE, LONDON = 1, 2
ADATUM = 3
LAKEHOUSE = "SOL-41001-LKH"  # Fabrikam's, IP co-sell and marketplace incentivised
MIGRATION = "SOL-41003-MIG"  # Fabrikam's, neither
AZURE_FOUNDATIONS = "SOL-90003-AZF"  # a solution assessment type


async def settle_live(pilot: Pilot) -> None:
    """Let typing's debounce (the live deal-type line) fire, then the workers finish."""
    await pilot.pause(LIVE_DELAY + 0.05)
    await settle(pilot)


class WizardHost(App[None]):
    """Opens the wizard on start and keeps what it dismissed with."""

    def __init__(self, service: Service) -> None:
        super().__init__()
        self.service = service
        self.animation_level = "none"
        self.result: Any = "open"

    def on_mount(self) -> None:
        self.push_screen(NewDealScreen(self.service), self._dismissed_with)

    def _dismissed_with(self, result: Any) -> None:
        self.result = result

    @property
    def wizard(self) -> NewDealScreen:
        screen = self.screen
        assert isinstance(screen, NewDealScreen), screen
        return screen


def type_into(pilot: Pilot, selector: str, text: str) -> None:
    pilot.app.screen.query_one(selector, Input).value = text


async def press_button(pilot: Pilot, selector: str) -> None:
    """Focus a button and press Enter on it (works wherever the step is scrolled)."""
    pilot.app.screen.query_one(selector).focus()
    await pilot.press("enter")
    await settle(pilot)


async def next_step(pilot: Pilot) -> None:
    await pilot.press("ctrl+n")
    await settle(pilot)


async def search_customer(pilot: Pilot, name: str, country: str = "") -> None:
    type_into(pilot, "#customer-name", name)
    type_into(pilot, "#customer-country", country)
    pilot.app.screen.query_one("#customer-name", Input).focus()
    await pilot.press("enter")
    await settle(pilot)


async def choose_result(pilot: Pilot, tab: str = "tab-managed", index: int = 0) -> None:
    screen = pilot.app.screen
    screen.query_one("#customer-tabs", TabbedContent).active = tab
    results = screen.query_one(f"#{tab}-list", OptionList)
    results.focus()
    results.highlighted = index
    await pilot.press("enter")
    await settle(pilot)


async def customer_step(
    pilot: Pilot, name: str = "Contoso Pvt Ltd", contact: bool = False, country: str = "IN"
) -> None:
    await search_customer(pilot, name, country)
    await choose_result(pilot)
    if contact:
        type_into(pilot, "#input-contact_first_name", "Asha")
        type_into(pilot, "#input-contact_last_name", "Rao")
        type_into(pilot, "#input-contact_phone", "+912240001234")
        type_into(pilot, "#input-contact_email", "asha.rao@contoso.example")
        pilot.app.screen.query_one("#input-consent", Checkbox).value = True
    await settle_live(pilot)


async def details_step(pilot: Pilot, location: int = SEATTLE, name: str = "Contoso data") -> None:
    type_into(pilot, "#input-name", name)
    pilot.app.screen.query_one("#input-location_id", Select).value = location
    type_into(pilot, "#input-value", "48000")
    type_into(pilot, "#input-currency", "USD")
    type_into(pilot, "#input-notes", "Customer wants its BI on Azure; budget approved for Q1.")
    await settle_live(pilot)


async def intent_step(
    pilot: Pilot, intent: MarketplaceIntent = MarketplaceIntent.UNDECIDED
) -> None:
    button = pilot.app.screen.query_one(f"#intent-{intent.value}", RadioButton)
    button.value = True
    await settle_live(pilot)


async def team_step(pilot: Pilot, phone: str = "+12065550101") -> None:
    type_into(pilot, "#input-member_first_name", "Ava")
    type_into(pilot, "#input-member_last_name", "Lindqvist")
    type_into(pilot, "#input-member_phone", phone)
    type_into(pilot, "#input-member_email", "ava.lindqvist@fabrikam.example")
    await settle_live(pilot)


async def add_solution(pilot: Pilot, text: str) -> None:
    """Search the catalog and add the first hit with Enter."""
    type_into(pilot, "#solution-text", text)
    await settle(pilot)
    results = pilot.app.screen.query_one("#solution-results", OptionList)
    results.focus()
    results.highlighted = 0
    await pilot.press("enter")
    await settle(pilot)


async def assessment_location(pilot: Pilot, location: int = SEATTLE) -> None:
    pilot.app.screen.query_one("#input-assessment_location_id", Select).value = location
    await settle_live(pilot)


async def selling_step(
    pilot: Pilot, help_type: HelpType = HelpType.NONE, visible: bool | None = False
) -> None:
    screen = pilot.app.screen
    screen.query_one("#input-help_type", Select).value = help_type
    if help_type is not HelpType.NONE:
        type_into(pilot, "#input-help_notes", "Need an architecture review with the account team.")
    elif visible is not None:
        screen.query_one(f"#visible-{'yes' if visible else 'no'}", RadioButton).value = True
    await settle_live(pilot)


async def invite_partner(pilot: Pilot, name: str = "Adatum", solutions: int = 1) -> None:
    screen = pilot.app.screen
    type_into(pilot, "#partner-text", name)
    await settle(pilot)
    results = screen.query_one("#partner-results", OptionList)
    results.focus()
    results.highlighted = 0
    await pilot.press("enter")
    await settle(pilot)
    picker = screen.query_one("#inv-solutions", SelectionList)
    for index in range(solutions):
        picker.select(picker.get_option_at_index(index).value)
    type_into(pilot, "#input-inv_notes", "They run the data platform side.")
    await settle_live(pilot)
    await press_button(pilot, "#invite-add")


async def to_review_private(
    pilot: Pilot,
    more_details: Callable[[Pilot], Awaitable[None]] | None = None,
    more_solutions: Callable[[Pilot], Awaitable[None]] | None = None,
) -> None:
    """Steps 1–7 answered for a plain private deal; ends on Review. `more_details` and
    `more_solutions` answer more of steps 2 and 5."""
    await customer_step(pilot)
    await next_step(pilot)
    await details_step(pilot)
    if more_details is not None:
        await more_details(pilot)
    await next_step(pilot)
    await next_step(pilot)  # intent: Have not decided
    await team_step(pilot)
    await next_step(pilot)
    await add_solution(pilot, "Lakehouse")
    if more_solutions is not None:
        await more_solutions(pilot)
    await next_step(pilot)
    await selling_step(pilot, visible=False)
    await next_step(pilot)
    await next_step(pilot)  # no invitations
