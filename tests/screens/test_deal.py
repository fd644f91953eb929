"""Pilot tests of the deal screen: the keys the rules allow, each action's dialog and service
call, refusals, conflicts, registration, and previous/next."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Select, Static

from cosell_tui.domain import (
    Action,
    CloseReason,
    ContractTerm,
    Direction,
    ErrorReason,
    PricingModel,
    Substatus,
    TenantType,
)
from cosell_tui.domain.facts import TransitionDecision
from cosell_tui.domain.views import GridQuery, Tab
from cosell_tui.screens.deal import DealScreen
from cosell_tui.screens.dialogs import (
    AcceptDialog,
    DeclineDialog,
    ErrorDialog,
    LostDialog,
    WonDialog,
)
from cosell_tui.screens.dialogs_edit import ContactsDialog, DetailsDialog, StageDialog, TeamDialog
from cosell_tui.screens.dialogs_solutions import SolutionsDialog
from cosell_tui.screens.registration import RegistrationDialog
from cosell_tui.service.errors import ConflictError, NotFoundError, ValidationError
from cosell_tui.service.forms import DetailsEdit, PersonInput, SolutionInput
from cosell_tui.widgets.checklist import checklist_content
from cosell_tui.widgets.stagebar import StageBar, stage_cells
from tests.screens.conftest import settle as settle_quiet
from tests.screens.test_deal_support import (
    RecordingService,
    ScreenHost,
    active_cosell,
    assessment_deal,
    fill_first_contact,
    make_detail,
    won_eligible,
    won_not_eligible,
)


def host(*details: Any, grid: GridQuery | None = None) -> tuple[ScreenHost, RecordingService]:
    service = RecordingService(*details)
    screen = DealScreen(service, details[0].row.id, grid)  # type: ignore[arg-type]  # fake Service
    return ScreenHost(screen), service


async def settle(pilot: Pilot[Any]) -> None:
    """Let workers finish and their messages land."""
    await settle_quiet(pilot, rounds=3)


def footer_actions(app: ScreenHost) -> set[str]:
    return {b.binding.action for b in app.screen.active_bindings.values() if b.enabled}


def toasts(app: ScreenHost) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def test_footer_offers_only_the_actions_the_rules_allow() -> None:
    app, _ = host(make_detail())
    async with app.run_test() as pilot:
        await settle(pilot)
        actions = footer_actions(app)
        assert {"deal('accept')", "deal('decline')", "deal('close_as_error')"} <= actions
        assert "deal('won')" not in actions and "deal('mark_stage')" not in actions
        header = str(app.screen.query_one("#deal-header", Static).content)
        assert "Contoso data platform" in header and "expires in 11d 0h" in header


async def test_a_refused_key_shows_the_rules_reason() -> None:
    app, service = host(make_detail())
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("w")
        await settle(pilot)
        assert "Accept the referral first: only accepted deals can be won." in toasts(app)
        assert isinstance(app.screen, DealScreen)
        assert service.called("won") == []


async def test_accept_happy_path_saves_and_reloads() -> None:
    app, service = host(make_detail())
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("a")
        assert isinstance(app.screen, AcceptDialog)
        app.screen.query_one("#input-crm_id", Input).value = "CRM-77"
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert isinstance(app.screen, DealScreen)
        [(deal, version, form)] = service.called("accept")
        assert (deal, version, form.crm_id, form.name) == (7, 1, "CRM-77", "Contoso data platform")
        assert "Accept done." in toasts(app)
        assert "Accepted" in str(app.screen.query_one("#deal-header", Static).content)


async def test_accept_refused_by_the_service_reopens_with_messages_next_to_fields() -> None:
    app, service = host(make_detail())
    service.fail["accept"] = ValidationError(
        "Check the form.", {"close_date": "The close date must be in the future."}
    )
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("a")
        app.screen.query_one("#input-notes", Input).value = "Edited need"
        await pilot.press("ctrl+y")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, AcceptDialog)
        error = str(dialog.query_one("#error-close_date", Static).content)
        assert error == "The close date must be in the future."
        assert dialog.query_one("#input-notes", Input).value == "Edited need"
        dialog.query_one("#input-close_date", Input).value = "2027-06-30"
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert [f.close_date for _, _, f in service.called("accept")] == [
            "2027-03-31",
            "2027-06-30",
        ]


async def test_decline_asks_reason_then_confirmation() -> None:
    app, service = host(make_detail())
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, DeclineDialog)
        app.screen.query_one("#input-reason", Select).value = CloseReason.NOT_A_CUSTOMER
        await pilot.press("ctrl+y")
        await pilot.pause()
        assert app.screen.has_class("-confirming") and service.called("decline") == []
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert service.called("decline") == [(7, 1, CloseReason.NOT_A_CUSTOMER, "")]


async def test_declining_the_confirmation_changes_nothing() -> None:
    app, service = host(make_detail())
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        app.screen.query_one("#input-reason", Select).value = CloseReason.BUDGET
        await pilot.press("ctrl+y")
        await pilot.pause()
        await pilot.press("escape")  # back from the confirmation to the form
        await pilot.pause()
        assert isinstance(app.screen, DeclineDialog) and not app.screen.has_class("-confirming")
        await pilot.press("escape")
        await settle(pilot)
        assert service.called("decline") == []
        assert isinstance(app.screen, DealScreen)


async def test_lost_and_close_as_error() -> None:
    app, service = host(active_cosell())
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        assert isinstance(app.screen, LostDialog)
        app.screen.query_one("#input-reason", Select).value = CloseReason.OTHER_VENDOR
        app.screen.query_one("#input-notes", Input).value = "In-house build"
        await pilot.press("ctrl+y", "ctrl+y")
        await settle(pilot)
        assert service.called("lost") == [(11, 4, CloseReason.OTHER_VENDOR, "In-house build")]
    app, service = host(active_cosell())
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, ErrorDialog)
        app.screen.query_one("#input-reason", Select).value = ErrorReason.TEST_REFERRAL
        await pilot.press("ctrl+y", "ctrl+y")
        await settle(pilot)
        assert service.called("close_as_error") == [(11, 4, ErrorReason.TEST_REFERRAL, "")]


async def test_won_shows_the_72_hour_warning_when_the_service_gives_one() -> None:
    app, service = host(active_cosell())
    service.warnings = ("Created 20 hours ago: registration may be rejected before 72 hours.",)
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("w")
        await settle(pilot)
        assert isinstance(app.screen, WonDialog)
        warnings = [str(w.content) for w in app.screen.query(".warning").results(Static)]
        assert warnings == [f"⚠ {service.warnings[0]}"]
        await pilot.press("y")
        await settle(pilot)
        assert service.called("won") == [(11, 4)]
        assert [c.state for c in app.screen.query_one(StageBar).cells][-1] == "done"


async def test_won_without_warning_and_cancelled() -> None:
    app, service = host(active_cosell())
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("w")
        await settle(pilot)
        assert isinstance(app.screen, WonDialog)
        assert len(app.screen.query(".warning")) == 0
        await pilot.press("n")
        await settle(pilot)
        assert service.called("won") == []


async def test_stage_may_skip_forward_on_a_normal_deal() -> None:
    app, service = host(active_cosell())
    async with app.run_test() as pilot:
        await settle(pilot)
        cells = {c.pct: c.state for c in app.screen.query_one(StageBar).cells}
        assert (cells[20], cells[40], cells[60], cells[80]) == ("done", "current", "next", "next")
        await pilot.press("m")
        assert isinstance(app.screen, StageDialog)
        options = app.screen.query_one(OptionList)
        enabled = [o.id for o in options.options if not o.disabled]
        assert enabled == ["60", "80"]
        await pilot.press("down", "enter")  # skip Proposed, mark Negotiated
        await settle(pilot)
        assert service.called("mark_stage") == [(11, 4, 80)]


async def test_assessment_stages_go_in_order_and_won_waits_for_all_four() -> None:
    app, service = host(assessment_deal())
    async with app.run_test() as pilot:
        await settle(pilot)
        names = [c.title for c in app.screen.query_one(StageBar).cells]
        assert "Secure customer LOE" in names and "Present to customer" in names
        await pilot.press("w")
        await settle(pilot)
        assert "Solution assessments are won only after all four stages are marked." in toasts(app)
        await pilot.press("m")
        options = app.screen.query_one(OptionList)
        assert [o.id for o in options.options if not o.disabled] == ["40"]
        await pilot.press("enter")
        await settle(pilot)
        assert service.called("mark_stage") == [(12, 4, 40)]


async def test_a_conflict_keeps_the_dialog_open_and_says_who_changed_what() -> None:
    app, service = host(active_cosell())
    service.fail["mark_stage"] = ConflictError("Ben Okafor changed this deal at 09:02.")
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, StageDialog)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is dialog  # nothing lost: the user picks again on the fresh deal
        latest = service.deals[11].history[0]
        said = str(dialog.query_one("#general-error", Static).render())
        assert f"Changed by {latest.who}" in said
        await pilot.press("escape")
        await settle(pilot)
        reads = len(service.called("deal"))
        await pilot.press("r")
        await settle(pilot)
        assert len(service.called("deal")) == reads + 1


async def test_stale_version_is_a_conflict_not_an_overwrite() -> None:
    app, service = host(active_cosell())
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        # someone else saves first: the store's version moves on under the open dialog
        other = service.deals[11]
        service.deals[11] = replace(other, row=replace(other.row, version=5))
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, StageDialog)
        assert "Changed by" in str(app.screen.query_one("#general-error", Static).render())
        assert service.deals[11].row.stage_pct == 40


async def test_register_happy_path() -> None:
    app, service = host(won_eligible())
    async with app.run_test() as pilot:
        await settle(pilot)
        assert "deal('register')" in footer_actions(app)
        await pilot.press("R")
        dialog = app.screen
        assert isinstance(dialog, RegistrationDialog)
        values = {
            "#input-is_marketplace": False,
            "#input-deployed_on_azure": True,
            "#input-term": ContractTerm.FINITE,
            "#input-tenant_type": TenantType.CUSTOMER,
            "#input-pricing_model": PricingModel.OTHER,
        }
        for selector, value in values.items():
            dialog.query_one(selector, Select).value = value
        for name, text in (
            ("solution_value", "40000"),
            ("sign_date", "2026-11-18"),
            ("start_date", "2026-12-01"),
            ("end_date", "2029-11-30"),
        ):
            dialog.query_one(f"#input-{name}", Input).value = text
        await pilot.press("ctrl+y")
        await settle(pilot)
        [(deal, version, form)] = service.called("register")
        assert (deal, version) == (11, 4)
        assert (form.solution_id, form.contract_value, form.term) == (
            "SOL-1",
            "48000.00",
            ContractTerm.FINITE,
        )
        assert form.marketplace_date is None and form.end_date == "2029-11-30"


async def test_register_validation_inline_then_service_refusal() -> None:
    app, service = host(won_eligible())
    service.fail["register"] = ValidationError(
        "Check the form.", {"contract_value": "ACV must be over USD 25,000 (is USD 8,000)."}
    )
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("R")
        dialog = app.screen
        dialog.query_one("#input-is_marketplace", Select).value = True
        dialog.query_one("#input-term", Select).value = ContractTerm.FINITE
        await pilot.press("ctrl+y")
        await pilot.pause()
        assert app.screen is dialog
        error = str(dialog.query_one("#error-marketplace_date", Static).content)
        assert error == "Required for a marketplace transaction."
        assert str(dialog.query_one("#error-sign_date", Static).content) == "Required."
        assert "perpetual" in str(dialog.query_one("#error-end_date", Static).content)
        assert service.called("register") == []
        for selector, value in {
            "#input-deployed_on_azure": True,
            "#input-term": ContractTerm.PERPETUAL,
            "#input-tenant_type": TenantType.PARTNER,
            "#input-pricing_model": PricingModel.OTHER,
        }.items():
            dialog.query_one(selector, Select).value = value
        for name, text in (
            ("marketplace_date", "2026-12-15"),
            ("contract_value", "48000"),
            ("solution_value", "40000"),
            ("sign_date", "2026-11-18"),
            ("start_date", "2026-12-01"),
        ):
            dialog.query_one(f"#input-{name}", Input).value = text
        await pilot.press("ctrl+y")
        await settle(pilot)
        reopened = app.screen
        assert isinstance(reopened, RegistrationDialog)
        assert "ACV must be over" in str(
            reopened.query_one("#error-contract_value", Static).content
        )
        assert reopened.query_one("#input-sign_date", Input).value == "2026-11-18"


async def test_previous_and_next_deal_follow_the_grid_order() -> None:
    grid = GridQuery(Tab.OUTBOUND)
    app, service = host(make_detail(), active_cosell(), assessment_deal(), grid=grid)
    service.order = [7, 11, 12]
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("]")
        await settle(pilot)
        assert "Northwind retail analytics" in str(
            app.screen.query_one("#deal-header", Static).content
        )
        await pilot.press("ctrl+right")
        await settle(pilot)
        assert isinstance(app.screen, DealScreen) and app.screen.deal_id == 12
        await pilot.press("]")
        await settle(pilot)
        assert "This is the last deal in the list." in toasts(app)
        await pilot.press("[", "[")
        await settle(pilot)
        assert "Contoso data platform" in str(app.screen.query_one("#deal-header", Static).content)


async def test_favourite_toggles_and_shows_the_heart() -> None:
    app, service = host(make_detail())
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        assert service.deals[7].row.favorite
        assert "♥" in str(app.screen.query_one("#deal-header", Static).content)
        assert "♥ Added “Contoso data platform” to favourites." in toasts(app)


async def test_edit_details_sends_only_what_changed() -> None:
    app, service = host(active_cosell())
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("c")
        dialog = app.screen
        assert isinstance(dialog, DetailsDialog)
        await pilot.press("ctrl+y")
        await pilot.pause()
        assert "Nothing changed" in str(dialog.query_one("#error-name", Static).content)
        dialog.query_one("#input-value", Input).value = "52000"
        dialog.query_one("#input-crm_id", Input).value = ""
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert service.called("edit_details") == [(11, 4, DetailsEdit(value="52000", crm_id=""))]


async def test_edit_team_drops_empty_rows_and_checks_required() -> None:
    app, service = host(active_cosell())
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("t")
        dialog = app.screen
        assert isinstance(dialog, TeamDialog)
        dialog.query_one("#input-team_2_first_name", Input).value = "Dan"
        await pilot.press("ctrl+y")
        await pilot.pause()
        assert str(dialog.query_one("#error-team_2_email", Static).content) == "Required."
        dialog.query_one("#input-team_2_first_name", Input).value = ""
        dialog.query_one("#input-team_0_phone", Input).value = "+44 20 7946 0001"
        await pilot.press("ctrl+y")
        await settle(pilot)
        [(_, _, team)] = service.called("set_team")
        assert team == (
            PersonInput("Ben", "Okafor", "+44 20 7946 0001", "ben@fabrikam.example"),
            PersonInput("Cara", "Lind", "+44 7700 900123", "cara@fabrikam.example"),
        )


async def test_edit_contacts_asks_the_customers_consent() -> None:
    """`u` edits the customer contacts (read-only once shared: the rules' decision); the
    consent tick goes with them."""
    base = active_cosell()
    allowed = base.decision.allowed | {Action.EDIT_CONTACTS}
    app, service = host(replace(base, decision=replace(base.decision, allowed=allowed)))
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("u")
        dialog = app.screen
        assert isinstance(dialog, ContactsDialog)
        fill_first_contact(dialog, "Asha", "Rao", "asha@northwind.example")
        await pilot.press("ctrl+y")
        await settle(pilot)
        [(_, _, contacts, consent)] = service.called("set_contacts")
        assert contacts == (
            PersonInput("Asha", "Rao", "+44 20 7946 0000", "asha@northwind.example"),
        )  # the fake deal's one contact, renamed
        assert consent is True


async def test_edit_solutions_search_add_and_remove() -> None:
    detail = replace(active_cosell(), solutions=active_cosell().solutions[:1])
    app, service = host(detail)
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("o")
        dialog = app.screen
        assert isinstance(dialog, SolutionsDialog)
        dialog.query_one("#search", Input).value = "ops"
        await settle(pilot)
        await pilot.press("enter")  # adds the highlighted hit
        await settle(pilot)
        dialog.query_one("#input-sol_1_price", Input).value = "900"
        dialog.query_one("#input-sol_1_quantity", Input).value = "3"
        await pilot.press("ctrl+y")
        await settle(pilot)
        [(_, _, lines)] = service.called("set_solutions")
        assert lines == (
            SolutionInput("SOL-1"),
            SolutionInput("SOL-2", price="900", quantity="3", currency="USD"),
        )


async def test_nothing_is_offered_on_a_closed_deal_and_keys_explain_why() -> None:
    detail = won_eligible(registered=True)
    app, service = host(detail)
    async with app.run_test() as pilot:
        await settle(pilot)
        assert not any(a.startswith("deal(") for a in footer_actions(app))
        await pilot.press("c")
        await settle(pilot)
        assert "The deal is closed: closed deals cannot be changed." in toasts(app)
        assert service.calls == [("deal", (11,))]


async def test_escape_and_q_go_back() -> None:
    app, _ = host(make_detail())
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("q")
        assert not isinstance(app.screen, DealScreen)


def test_refusals_default_to_a_sentence() -> None:
    decision = TransitionDecision(allowed=frozenset())
    assert decision.why_not(Action.INVITE) == (
        "Invite a partner or Microsoft is not possible for this deal now."
    )


async def test_the_command_palette_offers_the_allowed_actions_only() -> None:
    app, service = host(active_cosell())
    async with app.run_test() as pilot:
        await settle(pilot)
        from cosell_tui.commands import live_commands

        titles = [title for title, _help, _action in live_commands(app.screen)]
        assert "Deal: Mark won" in titles and "Deal: Mark sales stage" in titles
        assert "Deal: Accept" not in titles
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"mark won")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, WonDialog)
        assert service.called("won_preview") == [(11,)]


def test_stage_cells_for_closed_and_received_deals() -> None:
    declined = stage_cells(
        direction=Direction.INCOMING,
        substatus=Substatus.DECLINED,
        stage_pct=10,
        assessment=False,
    )
    assert (declined[0].title, declined[0].state) == ("Received", "done")
    assert (declined[-1].title, declined[-1].state) == ("Declined", "closed")
    assert all(c.state == "todo" for c in declined[1:-1])
    received = stage_cells(
        direction=Direction.INCOMING, substatus=Substatus.PENDING, stage_pct=0, assessment=False
    )
    assert received[0].state == "current" and received[1].title == "Accepted"
    created = stage_cells(
        direction=Direction.OUTGOING,
        substatus=Substatus.ACCEPTED,
        stage_pct=10,
        assessment=True,
        markable=(20,),
    )
    assert [(c.pct, c.state) for c in created][:3] == [(10, "current"), (20, "next"), (40, "todo")]


def test_a_stage_jumped_over_reads_skipped_not_done() -> None:
    cells = stage_cells(
        direction=Direction.OUTGOING,
        substatus=Substatus.ACCEPTED,
        stage_pct=60,
        assessment=False,
        skipped=(40,),
    )
    assert [(c.pct, c.state) for c in cells][:4] == [
        (10, "done"),
        (20, "done"),
        (40, "skipped"),
        (60, "current"),
    ]


def test_checklist_says_why_each_criterion_fails() -> None:
    text = checklist_content(won_not_eligible().checklist).plain
    assert text.splitlines()[0] == "Not eligible for Azure IP co-sell registration"
    assert "✗ Value at least USD 25,000  USD 12,000 is below USD 25,000" in text
    assert "✓ Deal is won" in text
    assert "does not apply" in checklist_content(None).plain


async def test_a_deal_that_cannot_be_read_says_why() -> None:
    app, service = host(make_detail())
    service.fail["deal"] = NotFoundError("Deal 7 does not exist or is not visible to you.")
    async with app.run_test() as pilot:
        await settle(pilot)
        header = str(app.screen.query_one("#deal-header", Static).content)
        assert header == "Deal 7 does not exist or is not visible to you."
        assert not any(a.startswith("deal(") for a in footer_actions(app))
