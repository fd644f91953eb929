"""The New Deal wizard end to end: every deal type created from the keyboard, every refusal shown
at its step with its reason, and customer search that forgives how names are written.

Each test runs on its own copy of the seeded demo database (tests/screens/conftest.py) and checks
what the service stored: the deal, its type, its history and the notifications it queued.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session
from textual.widgets import Input, OptionList, Select, SelectionList, Static, TabbedContent

from cosell_tui.domain import AccountKind, DealType, HelpType, MarketplaceIntent, SolutionKind
from cosell_tui.domain.views import Outcome
from cosell_tui.screens.wizard import NewDealScreen
from cosell_tui.screens.wizard_customer import CustomerStep
from cosell_tui.screens.wizard_partners import PartnersStep
from cosell_tui.screens.wizard_solutions import SolutionsStep
from cosell_tui.screens.wizard_team import TeamStep
from cosell_tui.service.forms import DealDraft
from cosell_tui.store.models import Notification, Solution
from cosell_tui.widgets.customer_search import CustomerSearch
from cosell_tui.widgets.form import FormField
from tests.screens.conftest import settle
from tests.screens.test_wizard_support import (
    ADATUM,
    AZURE_FOUNDATIONS,
    LAKEHOUSE,
    SEATTLE,
    WizardHost,
    add_solution,
    assessment_location,
    choose_result,
    customer_step,
    details_step,
    intent_step,
    invite_partner,
    next_step,
    press_button,
    search_customer,
    selling_step,
    settle_live,
    team_step,
    to_review_private,
    type_into,
)

SIZE = (160, 48)


def notifications(db: Path, referral_ids: set[int] | None = None) -> list[Notification]:
    """The outbox rows (what the service queued), optionally only about some referrals."""
    engine = create_engine(f"sqlite:///{db}")
    try:
        with Session(engine) as session:
            rows = session.scalars(select(Notification).order_by(Notification.id)).all()
            session.expunge_all()
    finally:
        engine.dispose()
    return [r for r in rows if referral_ids is None or r.referral_id in referral_ids]


def error_of(screen: NewDealScreen, field: str) -> str:
    return screen.query_one(f"#field-{field}", FormField).error


def summary_of(screen: NewDealScreen) -> str:
    return str(screen.step.query_one(".step-errors", Static).content)


async def create(pilot) -> Outcome:
    app: WizardHost = pilot.app
    assert app.wizard.step.key == "review"
    await pilot.press("ctrl+y")
    await settle(pilot)
    assert isinstance(app.result, Outcome), app.result
    return app.result


# --- every deal type, end to end -------------------------------------------------------------


async def test_private_deal_is_created_and_recorded(open_demo: Callable, demo_db: Path) -> None:
    service = open_demo("ava")
    before = len(notifications(demo_db))
    app = WizardHost(service)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await to_review_private(pilot)
        assert "Private" in str(app.wizard.query_one("#deal-type", Static).content)
        outcome = await create(pilot)
    detail = service.listing.deal(outcome.deal.id)
    assert detail.row.deal_type is DealType.PRIVATE
    assert not detail.visible_to_microsoft
    assert detail.row.name == "Contoso data"
    assert detail.customer.name == "Contoso Private Limited"
    assert detail.location_name == "Fabrikam Seattle"
    assert [s.solution.id for s in detail.solutions] == [LAKEHOUSE]
    assert [p.email for p in detail.team] == ["ava.lindqvist@fabrikam.example"]
    assert detail.history and detail.history[0].who == service.user.display_name
    # D11: no email to the creator of their own new deal, and nobody else is asked.
    assert len(notifications(demo_db)) == before


async def test_partner_led_deal(open_demo: Callable) -> None:
    service = open_demo("ava")
    app = WizardHost(service)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await to_review_private(pilot)
        await pilot.press("ctrl+g", "ctrl+g")  # back to the selling type
        await settle(pilot)
        assert app.wizard.step.key == "selling"
        await selling_step(pilot, visible=True)
        assert "Partner-led" in str(app.wizard.query_one("#deal-type", Static).content)
        await next_step(pilot)
        await next_step(pilot)
        outcome = await create(pilot)
    detail = service.listing.deal(outcome.deal.id)
    assert detail.row.deal_type is DealType.PARTNER_LED
    assert detail.visible_to_microsoft


async def test_partner_role_and_program_are_asked_at_creation(open_demo: Callable) -> None:
    """The details step asks the partner role and program, as `deal create` reads them."""
    from cosell_tui.domain import PartnerRole

    service = open_demo("ava")
    app = WizardHost(service)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)

        async def role_and_program(pilot: Any) -> None:
            app.screen.query_one("#input-partner_role", Select).value = PartnerRole.DEPLOYMENT
            type_into(pilot, "#input-partner_program", "Azure Migrate and Modernize")

        await to_review_private(pilot, role_and_program)
        review = "\n".join(str(s.content) for s in app.screen.query(Static))
        assert "Partner role: Deployment services · Partner program: Azure Migrate" in review
        outcome = await create(pilot)
    row = service.listing.row(outcome.deal.id)
    assert row.partner_role is PartnerRole.DEPLOYMENT
    assert row.partner_program == "Azure Migrate and Modernize"


async def test_a_priced_solution_takes_price_and_quantity(open_demo: Callable) -> None:
    """Step 5 asks a priced solution's unit price, quantity and currency while it is
    highlighted, as the CLI document takes them; an unpriced one is asked nothing."""
    from decimal import Decimal

    service = open_demo("ava")
    app = WizardHost(service)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)

        async def priced(pilot: Any) -> None:
            await add_solution(pilot, "Azure SQL Database")
            step = app.screen.query_one(SolutionsStep)
            chosen = step.query_one("#solution-chosen", OptionList)
            chosen.highlighted = 0
            await settle(pilot)
            assert not step.has_class("-priced")  # Lakehouse has no price
            chosen.highlighted = 1
            await settle(pilot)
            assert step.has_class("-priced")
            type_into(pilot, "#input-line_price", "910")
            type_into(pilot, "#input-line_quantity", "12")
            type_into(pilot, "#input-line_currency", "usd")
            await settle(pilot)

        await to_review_private(pilot, more_solutions=priced)
        outcome = await create(pilot)
    lines = {line.solution.id: line for line in service.listing.deal(outcome.deal.id).solutions}
    sql = lines["SOL-10002-SQL"]
    assert (sql.price, sql.quantity, sql.currency) == (Decimal("910.00"), 12, "USD")
    assert lines[LAKEHOUSE].price is None


async def test_co_sell_deal_notifies_microsoft(open_demo: Callable, demo_db: Path) -> None:
    service = open_demo("ava")
    app = WizardHost(service)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await customer_step(pilot, contact=True)
        await next_step(pilot)
        await details_step(pilot)
        await next_step(pilot)
        await next_step(pilot)
        await team_step(pilot)
        await next_step(pilot)
        await add_solution(pilot, "Lakehouse")
        await next_step(pilot)
        await selling_step(pilot, HelpType.TECHNICAL_ARCHITECTURE)
        assert "Co-sell" in str(app.wizard.query_one("#deal-type", Static).content)
        await next_step(pilot)
        await next_step(pilot)
        review = str(app.wizard.query_one("#review-next", Static).content)
        assert "14 days" in review
        outcome = await create(pilot)
    detail = service.listing.deal(outcome.deal.id)
    assert detail.row.deal_type is DealType.CO_SELL
    assert detail.help_type is HelpType.TECHNICAL_ARCHITECTURE
    assert [c.email for c in detail.contacts] == ["asha.rao@contoso.example"]
    sent = notifications(demo_db)
    assert any(n.recipient_email.endswith("@microsoft.example") for n in sent[-5:])


async def test_p2p_deal_invites_a_partner(open_demo: Callable, demo_db: Path) -> None:
    service = open_demo("ava")
    app = WizardHost(service)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await to_review_private(pilot)
        await pilot.press("ctrl+g")
        await settle(pilot)
        assert app.wizard.step.key == "partners"
        await invite_partner(pilot, "Adatum")
        step = app.wizard.step
        assert isinstance(step, PartnersStep)
        assert [name for name, _draft in step.invitations] == ["Adatum Analytics"]
        draft = step.invitations[0][1]
        assert draft.org_id == ADATUM and draft.value == "48000" and draft.solution_ids
        assert "partner-to-partner" in str(app.wizard.query_one("#deal-type", Static).content)
        await next_step(pilot)
        outcome = await create(pilot)
    detail = service.listing.deal(outcome.deal.id)
    assert detail.row.p2p
    assert [i.to_org_name for i in detail.invitations] == ["Adatum Analytics"]
    assert any(n.recipient_email.endswith("@adatum.example") for n in notifications(demo_db))


async def test_a_second_invitation_starts_from_the_deals_terms(open_demo: Callable) -> None:
    """Terms changed for the first partner are that partner's: the next starts from the deal's."""
    app = WizardHost(open_demo("ava"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await to_review_private(pilot)
        await pilot.press("ctrl+g")
        await settle(pilot)
        screen = app.screen
        type_into(pilot, "#partner-text", "Adatum")
        await settle(pilot)
        results = screen.query_one("#partner-results", OptionList)
        results.focus()
        results.highlighted = 0
        await pilot.press("enter")
        await settle(pilot)
        value = screen.query_one("#input-inv_value", Input)
        assert value.value == "48000"
        value.value = "12000"  # this partner's share
        screen.query_one("#inv-solutions", SelectionList).select_all()
        await settle_live(pilot)
        await press_button(pilot, "#invite-add")
        await settle(pilot)
        step = app.wizard.step
        assert isinstance(step, PartnersStep) and step.invitations[0][1].value == "12000"
        assert screen.query_one("#input-inv_value", Input).value == "48000"


async def test_solution_assessment_skips_the_selling_type(open_demo: Callable) -> None:
    service = open_demo("ava")  # Fabrikam is vetted for assessments
    app = WizardHost(service)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await customer_step(pilot)
        await next_step(pilot)
        await details_step(pilot)
        await next_step(pilot)
        await next_step(pilot)
        await team_step(pilot)
        await next_step(pilot)
        await add_solution(pilot, "Azure Foundations")
        await assessment_location(pilot, SEATTLE)
        await next_step(pilot)
        assert app.wizard.step.key == "partners"  # step 6 is not offered for assessments
        assert "Solution assessment" in str(app.wizard.query_one("#deal-type", Static).content)
        await next_step(pilot)
        outcome = await create(pilot)
    detail = service.listing.deal(outcome.deal.id)
    assert detail.row.deal_type is DealType.SOLUTION_ASSESSMENT
    assert [s.solution.id for s in detail.solutions] == [AZURE_FOUNDATIONS]


# --- refusals, each at its step with its reason ------------------------------------------------


async def _to_solutions(pilot, intent: MarketplaceIntent = MarketplaceIntent.UNDECIDED) -> None:
    await customer_step(pilot)
    await next_step(pilot)
    await details_step(pilot)
    await next_step(pilot)
    await intent_step(pilot, intent)
    await next_step(pilot)
    await team_step(pilot)
    await next_step(pilot)
    assert pilot.app.wizard.step.key == "solutions"


async def test_no_solution_is_refused_at_the_solutions_step(open_demo: Callable) -> None:
    app = WizardHost(open_demo("ava"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _to_solutions(pilot)
        await next_step(pilot)
        assert app.wizard.step.key == "solutions"
        assert error_of(app.wizard, "solutions")


@pytest.mark.usefixtures("many_solutions")
async def test_51_solutions_are_refused(open_demo: Callable) -> None:
    service = open_demo("ava")
    app = WizardHost(service)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _to_solutions(pilot)
        step = app.wizard.step
        assert isinstance(step, SolutionsStep)
        catalog = service.catalog.search_solutions("", None, limit=500)
        sellable = [s for s in catalog if s.category.value != "Assessment"]
        assert len(sellable) >= 51, "the test database carries extra catalog entries"
        for solution in sellable[:51]:
            step.add(solution)
        await settle(pilot)
        await next_step(pilot)
        assert app.wizard.step.key == "solutions"
        assert "50" in error_of(app.wizard, "solutions")


async def test_assessment_with_another_solution_is_refused(open_demo: Callable) -> None:
    app = WizardHost(open_demo("ava"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _to_solutions(pilot)
        await add_solution(pilot, "Azure Foundations")
        await add_solution(pilot, "Lakehouse")
        await assessment_location(pilot)
        await next_step(pilot)
        assert app.wizard.step.key == "solutions"
        assert error_of(app.wizard, "solutions")


async def test_intent_yes_needs_an_incentivised_solution(open_demo: Callable) -> None:
    app = WizardHost(open_demo("ava"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _to_solutions(pilot, MarketplaceIntent.YES)
        await add_solution(pilot, "Migration Factory")
        await next_step(pilot)
        wizard = app.wizard
        assert wizard.step.key == "solutions"
        shown = error_of(wizard, "solutions") + summary_of(wizard)
        assert "incentiv" in shown.lower()


async def test_co_sell_without_contact_is_refused_at_the_selling_step(open_demo: Callable) -> None:
    app = WizardHost(open_demo("ava"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _to_solutions(pilot)
        await add_solution(pilot, "Lakehouse")
        await next_step(pilot)
        await selling_step(pilot, HelpType.PROOF_OF_CONCEPT)
        await next_step(pilot)
        wizard = app.wizard
        assert wizard.step.key == "selling"
        assert "contact" in summary_of(wizard).lower()


async def test_member_without_phone_is_refused_next_to_the_phone(open_demo: Callable) -> None:
    app = WizardHost(open_demo("ava"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await customer_step(pilot)
        await next_step(pilot)
        await details_step(pilot)
        await next_step(pilot)
        await next_step(pilot)
        await team_step(pilot, phone="")
        await next_step(pilot)
        wizard = app.wizard
        assert wizard.step.key == "team"
        assert error_of(wizard, "member_phone")
        assert isinstance(wizard.step, TeamStep) and wizard.step.members == []


async def test_only_the_users_locations_are_offered(open_demo: Callable) -> None:
    """ben is a London admin, cara a Seattle user: neither can pick the other's location."""
    for user, own, other in (("ben", 2, SEATTLE), ("cara", SEATTLE, 2)):
        service = open_demo(user)
        app = WizardHost(service)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            select_ = app.wizard.query_one("#input-location_id", Select)
            offered = [value for _label, value in select_._options]
            assert own in offered and other not in offered
        refused = service.creation.validate_draft(DealDraft(location_id=other), "details")
        assert "location_id" in refused


async def test_location_outside_scope_is_shown_at_the_details_step(open_demo: Callable) -> None:
    service = open_demo("ben")
    app = WizardHost(service)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await customer_step(pilot)
        await next_step(pilot)
        await details_step(pilot, location=2)
        wizard = app.wizard
        # What the service says when a draft names a location outside ben's scope lands on the
        # location field of this step (the picker itself never offers one).
        errors = service.creation.validate_draft(
            replace(wizard.draft(), location_id=SEATTLE), "details"
        )
        wizard.step.show_errors(errors, {})
        await settle(pilot)
        assert error_of(wizard, "location_id")


# --- customer search -----------------------------------------------------------------------


async def test_search_forgives_legal_suffixes(open_demo: Callable) -> None:
    app = WizardHost(open_demo("ava"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await search_customer(pilot, "Contoso Pvt Ltd", "IN")
        found = app.wizard.query_one(CustomerSearch).results
        assert [a.name for a in found[AccountKind.MANAGED]] == ["Contoso Private Limited"]


async def test_search_forgives_a_typo(open_demo: Callable) -> None:
    app = WizardHost(open_demo("ava"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await search_customer(pilot, "Contsoo Private Limited", "IN")
        await choose_result(pilot)
        step = app.wizard.step
        assert isinstance(step, CustomerStep) and step.account is not None
        assert step.account.name == "Contoso Private Limited"


async def test_results_open_on_the_tab_holding_the_exact_name(open_demo: Callable) -> None:
    """A federal DUNS account typed exactly: the DUNS tab opens with it first, not the Managed
    tab's look-alikes, and Enter picks it (keys sent without waiting too)."""
    app = WizardHost(open_demo("ava"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await search_customer(pilot, "Gray Holdings Federal")
        assert app.wizard.query_one("#customer-tabs", TabbedContent).active == "tab-other"
        found = app.wizard.query_one(CustomerSearch).results[AccountKind.OTHER]
        assert found[0].name == "Gray Holdings Federal" and found[0].match == 100
        await pilot.press("enter")
        await settle(pilot)
        step = app.wizard.step
        assert isinstance(step, CustomerStep) and step.account is not None
        assert step.account.name == "Gray Holdings Federal"


async def test_a_typo_in_the_first_letters_still_finds_the_customer(open_demo: Callable) -> None:
    app = WizardHost(open_demo("ava"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        type_into(pilot, "#customer-name", "Kontoso")
        app.wizard.query_one("#customer-name", Input).focus()
        await pilot.press("enter", "enter")  # search, then pick the first result, unwaited
        await settle(pilot)
        step = app.wizard.step
        assert isinstance(step, CustomerStep) and step.account is not None
        assert step.account.name.startswith("Contoso")


async def test_linked_accounts_collapse_and_expand(open_demo: Callable) -> None:
    app = WizardHost(open_demo("ava"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await search_customer(pilot, "Contoso Pvt Ltd")
        search = app.wizard.query_one(CustomerSearch)
        managed = search.results[AccountKind.MANAGED]
        head = next(a for a in managed if a.linked_count)
        listing = app.wizard.query_one("#tab-managed-list", OptionList)
        before = listing.option_count
        listing.focus()
        listing.highlighted = list(managed).index(head)
        await pilot.press("l")
        await settle(pilot)
        assert listing.option_count == before + head.linked_count
        await pilot.press("l")
        await settle(pilot)
        assert listing.option_count == before


async def test_nothing_found_shows_the_tips(open_demo: Callable) -> None:
    app = WizardHost(open_demo("ava"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await search_customer(pilot, "Qqqxxzz Zzyx")
        assert app.wizard.query_one("#customer-tips").display


async def test_manual_entry_is_marked(open_demo: Callable) -> None:
    app = WizardHost(open_demo("ava"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+t")
        await settle(pilot)
        step = app.wizard.step
        assert isinstance(step, CustomerStep) and step.manual
        assert "manually" in " ".join(step.summary())


# --- leaving -----------------------------------------------------------------------------------


async def test_leaving_a_half_filled_wizard_asks_first(open_demo: Callable) -> None:
    app = WizardHost(open_demo("ava"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await customer_step(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen.__class__.__name__ == "DiscardDialog"
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, NewDealScreen)
        app.screen.query_one("#wizard-next").focus()
        await pilot.press("q")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert app.result is None


async def test_leaving_an_empty_wizard_does_not_ask(open_demo: Callable) -> None:
    app = WizardHost(open_demo("ava"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert app.result is None


@pytest.fixture
def many_solutions(demo_db: Path) -> None:
    """Extra catalog entries so 51 distinct solutions exist (the seed has about 20)."""
    engine = create_engine(f"sqlite:///{demo_db}")
    try:
        with Session(engine) as session:
            for n in range(40):
                session.add(
                    Solution(
                        id=f"SOL-77{n:03d}-TST",
                        name=f"Extra Catalog Entry {n:02d}",
                        kind=SolutionKind.MICROSOFT,
                        publisher_org_id=2,
                        publisher_name="Microsoft",
                        co_sell_ready=True,
                    )
                )
            session.commit()
    finally:
        engine.dispose()


async def test_intent_yes_after_the_solutions_is_no_dead_end(open_demo: Callable) -> None:
    """Back to step 3 with a non-incentivised solution chosen: Yes does not block step 3 (the
    fix is on step 5); the user is told, and the solutions step refuses until it is fixed."""
    app = WizardHost(open_demo("ava"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _to_solutions(pilot)
        await add_solution(pilot, "Migration Factory")
        wizard = app.wizard
        for _ in range(2):
            await pilot.press("ctrl+g")
            await settle(pilot)
        assert wizard.step.key == "intent"
        await intent_step(pilot, MarketplaceIntent.YES)
        await next_step(pilot)
        assert wizard.step.key == "team"
        assert any("Solutions step" in n.message for n in app._notifications)
        await next_step(pilot)
        await next_step(pilot)
        assert wizard.step.key == "solutions"
        assert "incentiv" in (error_of(wizard, "solutions") + summary_of(wizard)).lower()


def test_what_happens_next_never_contradicts_itself() -> None:
    from cosell_tui.domain.facts import DealTypeDecision
    from cosell_tui.screens.wizard import next_steps_text

    private = DealTypeDecision(deal_type=DealType.PRIVATE, p2p=True, rule="private", reason="")
    alone = " ".join(next_steps_text(private, 0))
    invited = " ".join(next_steps_text(private, 2))
    assert "Nobody outside your company sees it" in alone
    assert "Nobody outside" not in invited and "only the partners you invite" in invited
    assert "2 invited organisation(s) are notified" in invited
