"""The deal screen on the real service and the seeded demo database (tests/screens/conftest.py).

These prove the screen and the service agree end to end: the rules' allowed actions and
refusals, writes that land in the store, the D7 warning, registration and conflicts between
two users. Deals are picked by what they are, never by a hard-coded id.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

from textual.widgets import Input, OptionList, Select, Static

from cosell_tui.domain import (
    Action,
    CloseReason,
    ContractTerm,
    DealType,
    Direction,
    PricingModel,
    RegistrationStatus,
    Substatus,
    TenantType,
)
from cosell_tui.domain.views import DealDetail
from cosell_tui.screens.deal import DealScreen
from cosell_tui.screens.dialogs import AcceptDialog, ConfirmDialog, WonDialog
from cosell_tui.screens.registration import RegistrationDialog
from cosell_tui.service import Service, open_service
from cosell_tui.service.errors import NotFoundError
from tests.screens.conftest import DEALS, NOW
from tests.screens.conftest import settle as settle_once
from tests.screens.test_deal_support import ScreenHost


def find(service: Service, wanted: Callable[[DealDetail], bool]) -> DealDetail:
    """The first visible deal (by id) that matches; NotFound ids are out of scope."""
    for deal_id in range(1, 2 * DEALS + 1):  # invitations add their own referrals
        try:
            detail = service.listing.deal(deal_id)
        except NotFoundError:
            continue
        if wanted(detail):
            return detail
    raise AssertionError("the demo data has no such deal")


async def settle(pilot: Any) -> None:
    """Chains of worker → dialog → worker → reload need a few rounds on a busy machine."""
    await settle_once(pilot, rounds=6)


def toasts(app: Any) -> list[str]:
    return [str(n.message) for n in app._notifications]


def received(d: DealDetail) -> bool:
    return d.row.substatus is Substatus.PENDING and Action.ACCEPT in d.decision.allowed


def open_normal(d: DealDetail) -> bool:
    return (
        d.row.deal_type is not DealType.SOLUTION_ASSESSMENT
        and d.row.direction is Direction.OUTGOING
        and len(d.decision.stages) >= 2
    )


@asynccontextmanager
async def accept_dialog(service: Service) -> AsyncIterator[tuple[Any, Any, DealDetail]]:
    """A received referral's deal screen with its accept dialog open: (app, pilot, deal)."""
    detail = find(service, received)
    app = ScreenHost(DealScreen(service, detail.row.id))
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("a")
        assert isinstance(app.screen, AcceptDialog)
        yield app, pilot, detail


async def test_accept_through_the_dialog_lands_in_the_store(open_demo: Any) -> None:
    service = open_demo("ava")
    async with accept_dialog(service) as (app, pilot, detail):
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert isinstance(app.screen, DealScreen)
        assert "Accepted" in str(app.screen.query_one("#deal-header", Static).content)
    after = service.listing.deal(detail.row.id)
    assert after.row.substatus is Substatus.ACCEPTED
    assert after.row.version > detail.row.version


async def test_decline_through_reason_and_confirmation(open_demo: Any) -> None:
    service = open_demo("ava")
    detail = find(service, received)
    app = ScreenHost(DealScreen(service, detail.row.id))
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        app.screen.query_one("#input-reason", Select).value = CloseReason.TIMELINE_TOO_SHORT
        await pilot.press("ctrl+y")
        await pilot.pause()
        assert app.screen.has_class("-confirming")  # final: confirmed inside the dialog
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert not any(a.startswith("deal(") for a in _footer(app))
    assert service.listing.deal(detail.row.id).row.substatus is Substatus.DECLINED


async def test_stage_skips_forward_on_a_normal_deal(open_demo: Any) -> None:
    service = open_demo("ava")
    detail = find(service, open_normal)
    target = detail.decision.stages[-1]
    app = ScreenHost(DealScreen(service, detail.row.id))
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("m")
        options = app.screen.query_one(OptionList)
        options.highlighted = next(i for i, o in enumerate(options.options) if o.id == str(target))
        await pilot.press("enter")
        await settle(pilot)
    assert service.listing.deal(detail.row.id).row.stage_pct == target


async def test_assessment_won_is_refused_with_the_rules_reason(open_demo: Any) -> None:
    service = open_demo("ava")
    detail = find(
        service,
        lambda d: d.row.deal_type is DealType.SOLUTION_ASSESSMENT and bool(d.decision.stages),
    )
    app = ScreenHost(DealScreen(service, detail.row.id))
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("w")
        await settle(pilot)
        assert detail.decision.why_not(Action.WON) in toasts(app)
        await pilot.press("m")
        options = app.screen.query_one(OptionList)
        assert [o.id for o in options.options if not o.disabled] == [str(detail.decision.stages[0])]
        await pilot.press("enter")
        await settle(pilot)
    assert service.listing.deal(detail.row.id).row.stage_pct == detail.decision.stages[0]


async def test_won_within_72_hours_warns_first(demo_db: Any, config_file: Any) -> None:
    probe = open_service(db=str(demo_db), user="ava", now=NOW)
    try:
        detail = find(  # the advisory is for a deal that could be registered (D7)
            probe,
            lambda d: (
                Action.WON in d.decision.allowed
                and d.row.deal_type is DealType.CO_SELL
                and probe.lifecycle.won_preview(d.row.id).registrable
            ),
        )
    finally:
        probe.close()
    early = (detail.row.created_at + timedelta(hours=5)).isoformat()
    service = open_service(db=str(demo_db), user="ava", now=early)
    try:
        app = ScreenHost(DealScreen(service, detail.row.id))
        async with app.run_test(size=(100, 40)) as pilot:
            await settle(pilot)
            await pilot.press("w")
            await settle(pilot)
            assert isinstance(app.screen, WonDialog)
            shown = " ".join(str(w.content) for w in app.screen.query(".warning").results(Static))
            assert "72 hours" in shown
            await pilot.press("y")
            await settle(pilot)
        assert service.listing.deal(detail.row.id).row.substatus is Substatus.WON
    finally:
        service.close()


async def test_register_refusal_inline_then_success(open_demo: Any) -> None:
    service = open_demo("ava")
    detail = find(service, lambda d: Action.REGISTER in d.decision.allowed)
    app = ScreenHost(DealScreen(service, detail.row.id))
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("R")
        dialog = app.screen
        assert isinstance(dialog, RegistrationDialog)
        for selector, value in {
            "#input-is_marketplace": False,
            "#input-deployed_on_azure": True,
            "#input-term": ContractTerm.FINITE,
            "#input-tenant_type": TenantType.CUSTOMER,
            "#input-pricing_model": PricingModel.OTHER,
        }.items():
            dialog.query_one(selector, Select).value = value
        for name, text in (
            ("contract_value", "3000"),
            ("solution_value", "2000"),
            ("sign_date", "2026-11-20"),
            ("start_date", "2026-12-01"),
            ("end_date", "2027-11-30"),
        ):
            dialog.query_one(f"#input-{name}", Input).value = text
        await pilot.press("ctrl+y")
        await settle(pilot)
        reopened = app.screen
        assert isinstance(reopened, RegistrationDialog)
        assert "25,000" in str(reopened.query_one("#error-contract_value", Static).content)
        reopened.query_one("#input-contract_value", Input).value = "300000"
        reopened.query_one("#input-solution_value", Input).value = "200000"
        reopened.query_one("#input-end_date", Input).value = "2029-11-30"
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert isinstance(app.screen, DealScreen)
    registration = service.listing.deal(detail.row.id).registration
    assert registration is not None and registration.contract_value == 300000


async def test_a_change_by_someone_else_is_a_conflict_with_reload(open_demo: Any) -> None:
    service = open_demo("ava")
    detail = find(service, open_normal)
    app = ScreenHost(DealScreen(service, detail.row.id))
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        other = open_demo("ava")
        other.lifecycle.mark_stage(detail.row.id, detail.row.version, detail.decision.stages[0])
        await pilot.press("enter")
        await settle(pilot)
        assert "Changed by" in str(app.screen.query_one("#general-error").render())
        assert service.listing.deal(detail.row.id).row.stage_pct == detail.decision.stages[0]
        await pilot.press("escape")
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, DealScreen)
        shown = app.screen.detail
        assert shown is not None
        assert shown.row.stage_pct == detail.decision.stages[0]


def _footer(app: Any) -> set[str]:
    return {b.binding.action for b in app.screen.active_bindings.values() if b.enabled}


async def test_share_opens_the_upgrade_dialog_and_the_deal_becomes_partner_led(
    open_demo: Any,
) -> None:
    service = open_demo("ava")
    detail = find(service, lambda d: Action.SHARE_WITH_MICROSOFT in d.decision.allowed)
    app = ScreenHost(DealScreen(service, detail.row.id))
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, DealScreen)
        assert "Partner-led" in str(app.screen.query_one("#deal-header", Static).content)
    assert service.listing.deal(detail.row.id).row.deal_type is DealType.PARTNER_LED


async def test_from_the_grid_prev_next_and_back_in_the_real_app(make_app: Any) -> None:
    app = make_app(user="ava", size=(120, 40))
    async with app.run_test(size=app.test_size) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DealScreen)
        first = screen.deal_id
        await pilot.press("]")
        await settle(pilot)
        second = screen.deal_id
        assert second != first
        assert screen.detail is not None and screen.detail.row.id == second
        await pilot.press("[")
        await settle(pilot)
        assert screen.deal_id == first
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, DealScreen)


async def test_invitee_edits_the_invitation_terms(open_demo: Any) -> None:
    service = open_demo("ava")
    detail = find(service, lambda d: Action.EDIT_INVITATION_TERMS in d.decision.allowed)
    app = ScreenHost(DealScreen(service, detail.row.id))
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("v")
        dialog = app.screen
        dialog.query_one("#input-value", Input).value = "abc"
        await pilot.press("ctrl+y")
        await pilot.pause()
        assert "number" in str(dialog.query_one("#error-value", Static).content)
        dialog.query_one("#input-value", Input).value = "61000"
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert isinstance(app.screen, DealScreen)
    assert service.listing.deal(detail.row.id).row.value == 61000


def rejected_registration(open_demo: Any) -> int:
    """A deal whose registration, filed in the last 30 days, Microsoft has just rejected."""
    reviewer = open_demo("ms-jordan")
    since = reviewer.clock.now() - timedelta(days=30)
    recent = [i for i in reviewer.registration.awaiting_review() if i.filed_at > since]
    reviewer.registration.review(recent[0].deal_id, "reject", "A duplicate of another deal")
    return recent[0].deal_id


async def test_request_exception_on_a_rejected_registration(open_demo: Any) -> None:
    """`x` on a won deal whose registration Microsoft rejected: the message is required, the
    request is confirmed first, and a second request is refused with the rule's reason."""
    from cosell_tui.domain import ExceptionStatus
    from cosell_tui.screens.registration import ExceptionDialog

    service = open_demo("ava")
    deal_id = rejected_registration(open_demo)
    assert Action.REQUEST_EXCEPTION in service.listing.deal(deal_id).decision.allowed
    app = ScreenHost(DealScreen(service, deal_id))
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ExceptionDialog)
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert app.screen is dialog  # the message is required
        assert str(dialog.query_one("#error-message", Static).content)
        dialog.query_one("#input-message", Input).value = "The customer signed twice."
        await pilot.press("ctrl+y")  # shows what will happen
        await settle(pilot)
        assert app.screen is dialog
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert isinstance(app.screen, DealScreen)
        registration = service.listing.deal(deal_id).registration
        assert registration is not None
        assert registration.exception_status is ExceptionStatus.PENDING
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, DealScreen)
        assert any("one request per referral" in t for t in toasts(app))


async def test_exception_keys_sent_without_waiting(open_demo: Any) -> None:
    """`x`, the message and both confirmations typed at once still send one request."""
    from cosell_tui.domain import ExceptionStatus

    service = open_demo("ava")
    deal_id = rejected_registration(open_demo)
    app = ScreenHost(DealScreen(service, deal_id))
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("x", *"Signed twice", "ctrl+y", "ctrl+y")
        await settle(pilot)
        assert isinstance(app.screen, DealScreen)
    registration = service.listing.deal(deal_id).registration
    assert registration is not None and registration.exception_status is ExceptionStatus.PENDING
    assert registration.exception_message == "Signed twice"


def exception_approved(open_demo: Any) -> int:
    """A rejected registration whose exception request Microsoft approved: Action required."""
    deal_id = rejected_registration(open_demo)
    partner = open_demo("ava")
    row = partner.listing.row(deal_id)
    partner.registration.request_exception(row.id, row.version, "The customer signed twice.")
    open_demo("ms-jordan").registration.review_exception(deal_id, "approve")
    return deal_id


async def test_filing_again_after_an_approved_exception(open_demo: Any) -> None:
    """`R` on a registration reopened by an approved exception (D19): the answers Partner
    Center keeps are read-only and the dialog says why; a new contract value files it."""
    service = open_demo("ava")
    deal_id = exception_approved(open_demo)
    before = service.listing.deal(deal_id)
    assert before.row.registration_status is RegistrationStatus.ACTION_REQUIRED
    assert Action.REGISTER in before.decision.allowed
    app = ScreenHost(DealScreen(service, deal_id))
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, RegistrationDialog)
        subtitle = str(dialog.query_one(".dialog-subtitle", Static).content)
        assert "only the term, the contract value and the contract dates" in subtitle
        assert "Tenant type" in subtitle
        for name in ("tenant_type", "pricing_model", "solution_value", "is_marketplace"):
            assert dialog.field(name).control.disabled, name
        assert not dialog.field("contract_value").control.disabled
        assert before.registration is not None
        bigger = f"{before.registration.contract_value * 2:.2f}"
        dialog.query_one("#input-contract_value", Input).value = bigger
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert isinstance(app.screen, DealScreen), [str(e) for e in dialog.query(Static)][-3:]
    after = service.listing.deal(deal_id).registration
    assert after is not None and after.contract_value == before.registration.contract_value * 2
    assert after.tenant_type == before.registration.tenant_type
