"""Snapshots of every New Deal wizard step, and its error states, at 80×24 and 160×48.

Each case reaches its step the way a user would (tests/screens/test_wizard_support.py) on the
seeded demo database with the fixed clock, so the pictures only change when the screen does.
Regenerate with `pytest --snapshot-update` locally, look at the SVGs, and commit them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from cosell_tui.domain import HelpType, MarketplaceIntent
from tests.screens.conftest import settle
from tests.screens.test_wizard_support import (
    WizardHost,
    add_solution,
    assessment_location,
    customer_step,
    details_step,
    intent_step,
    invite_partner,
    next_step,
    search_customer,
    selling_step,
    settle_live,
    team_step,
    to_review_private,
    type_into,
)

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((160, 48), id="160x48")]

Before = Callable[..., Awaitable[None]]


async def start(pilot) -> None:
    await settle(pilot)


async def customer_results(pilot) -> None:
    await settle(pilot)
    await search_customer(pilot, "Contoso Pvt Ltd")


async def customer_linked(pilot) -> None:
    await customer_results(pilot)
    listing = pilot.app.screen.query_one("#tab-managed-list")
    listing.focus()
    await pilot.press("l")
    await settle(pilot)


async def customer_nothing_found(pilot) -> None:
    await settle(pilot)
    await search_customer(pilot, "Qqqxxzz Zzyx")


async def customer_manual(pilot) -> None:
    await settle(pilot)
    await pilot.press("ctrl+t")
    await settle(pilot)


async def customer_missing(pilot) -> None:
    await settle(pilot)
    await next_step(pilot)


async def details_empty_errors(pilot) -> None:
    await settle(pilot)
    await customer_step(pilot)
    await next_step(pilot)
    pilot.app.screen.query_one("#input-currency").value = ""
    await next_step(pilot)


async def details_filled(pilot) -> None:
    await settle(pilot)
    await customer_step(pilot)
    await next_step(pilot)
    await details_step(pilot)


async def to_intent(pilot) -> None:
    await details_filled(pilot)
    await next_step(pilot)


async def to_team(pilot) -> None:
    await to_intent(pilot)
    await next_step(pilot)


async def team_missing_phone(pilot) -> None:
    await to_team(pilot)
    await team_step(pilot, phone="")
    await next_step(pilot)


async def to_solutions(pilot) -> None:
    await to_team(pilot)
    await team_step(pilot)
    await next_step(pilot)


async def solutions_none(pilot) -> None:
    await to_solutions(pilot)
    await next_step(pilot)


async def solutions_chosen(pilot) -> None:
    await to_solutions(pilot)
    await add_solution(pilot, "Lakehouse")
    await add_solution(pilot, "Sentinel")


async def solutions_assessment_plus_other(pilot) -> None:
    await to_solutions(pilot)
    await add_solution(pilot, "Azure Foundations")
    await add_solution(pilot, "Lakehouse")
    await assessment_location(pilot)
    await next_step(pilot)


async def intent_yes_without_incentive(pilot) -> None:
    await to_intent(pilot)
    await intent_step(pilot, MarketplaceIntent.YES)
    await next_step(pilot)
    await team_step(pilot)
    await next_step(pilot)
    await add_solution(pilot, "Migration Factory")
    await next_step(pilot)


async def to_selling(pilot) -> None:
    await solutions_chosen(pilot)
    await next_step(pilot)


async def selling_co_sell_without_contact(pilot) -> None:
    await to_selling(pilot)
    await selling_step(pilot, HelpType.PROOF_OF_CONCEPT)
    await next_step(pilot)


async def selling_unanswered(pilot) -> None:
    await to_selling(pilot)
    await next_step(pilot)


async def to_partners(pilot) -> None:
    await to_selling(pilot)
    await selling_step(pilot, visible=True)
    await next_step(pilot)


async def partners_invited(pilot) -> None:
    await to_partners(pilot)
    await invite_partner(pilot, "Adatum")


async def partner_chosen(pilot) -> None:
    await to_partners(pilot)
    type_into(pilot, "#partner-text", "Litware")
    await settle(pilot)
    results = pilot.app.screen.query_one("#partner-results")
    results.focus()
    await pilot.press("enter")
    await settle(pilot)


async def review(pilot) -> None:
    await settle(pilot)
    await to_review_private(pilot)


async def discard_asked(pilot) -> None:
    await settle(pilot)
    await customer_step(pilot)
    await pilot.press("escape")
    await settle(pilot)


CASES: dict[str, Before] = {
    "1_customer_start": start,
    "1_customer_results": customer_results,
    "1_customer_linked": customer_linked,
    "1_customer_nothing_found": customer_nothing_found,
    "1_customer_manual": customer_manual,
    "1_customer_error_missing": customer_missing,
    "2_details_filled": details_filled,
    "2_details_errors": details_empty_errors,
    "3_intent": to_intent,
    "4_team": to_team,
    "4_team_error_phone": team_missing_phone,
    "5_solutions_chosen": solutions_chosen,
    "5_solutions_error_none": solutions_none,
    "5_solutions_error_assessment_plus_other": solutions_assessment_plus_other,
    "5_solutions_error_intent_yes": intent_yes_without_incentive,
    "6_selling": to_selling,
    "6_selling_error_unanswered": selling_unanswered,
    "6_selling_error_no_contact": selling_co_sell_without_contact,
    "7_partners": to_partners,
    "7_partner_form": partner_chosen,
    "7_partners_invited": partners_invited,
    "8_review": review,
    "discard_confirm": discard_asked,
}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("case", list(CASES))
def test_wizard_step(snap_compare, open_demo, case: str, size: tuple[int, int]) -> None:
    app = WizardHost(open_demo("ava"))

    async def run_before(pilot) -> None:
        await CASES[case](pilot)
        await settle_live(pilot)  # the live deal-type line answers before the picture

    assert snap_compare(app, terminal_size=size, run_before=run_before)
