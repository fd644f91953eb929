"""Snapshots of every dialog the deal screen and the main screen open, clean and in an error
state, over the deal screen, at 80×24 and 160×48."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from typing import Any

import pytest
from textual.screen import Screen
from textual.widgets import Input, Select

from cosell_tui.domain import ErrorReason, ExceptionStatus, RegistrationStatus
from cosell_tui.domain.views import DealDetail
from cosell_tui.rules import RuleBook
from cosell_tui.screens.deal import DealScreen
from cosell_tui.screens.dialogs import (
    AcceptDialog,
    ConfirmDialog,
    DeclineDialog,
    ErrorDialog,
    LostDialog,
    WonDialog,
)
from cosell_tui.screens.dialogs_edit import (
    ContactsDialog,
    DetailsDialog,
    InvitationTermsDialog,
    StageDialog,
    TeamDialog,
)
from cosell_tui.screens.dialogs_solutions import SolutionsDialog
from cosell_tui.screens.registration import ExceptionDialog, RegistrationDialog
from cosell_tui.screens.upgrade import HelpDialog, InviteDialog
from tests.screens.conftest import settle
from tests.screens.test_deal_support import (
    RecordingService,
    ScreenHost,
    active_cosell,
    assessment_deal,
    make_detail,
    registration_rejected,
    won_eligible,
)

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((160, 48), id="160x48")]
WARNING = (
    "This deal was created 5 hours ago. Registration may be rejected when a deal is marked won "
    "less than 72 hours after it was created."
)

Step = Callable[[Screen[Any]], None]


@dataclass
class Case:
    detail: Callable[[], DealDetail]
    dialog: Callable[[DealDetail, RecordingService], Screen[Any]]
    values: dict[str, Any] = field(default_factory=dict)  # widget id -> value, before `keys`
    keys: tuple[str, ...] = ()


def registration_reopened() -> DealDetail:
    """A rejected registration whose exception Microsoft approved: the team files it again."""
    detail = registration_rejected()
    assert detail.registration is not None
    return replace(
        detail,
        registration=replace(
            detail.registration,
            status=RegistrationStatus.ACTION_REQUIRED,
            status_reason="Exception approved: file the registration again.",
            exception_status=ExceptionStatus.APPROVED,
        ),
    )


CASES: dict[str, Case] = {
    "accept": Case(make_detail, lambda d, s: AcceptDialog(d)),
    "accept_errors": Case(
        make_detail,
        lambda d, s: AcceptDialog(d),
        {"input-name": "", "input-close_date": "31/03/2027", "input-value": "lots"},
        ("ctrl+y",),
    ),
    "accept_service_errors": Case(
        make_detail,
        lambda d, s: AcceptDialog(
            d,
            errors={"close_date": "The close date must be after today (2026-11-23)."},
            message="The accept form is not valid.",
        ),
    ),
    "decline": Case(make_detail, lambda d, s: DeclineDialog()),
    "decline_errors": Case(make_detail, lambda d, s: DeclineDialog(), keys=("ctrl+y",)),
    "bulk_decline": Case(make_detail, lambda d, s: DeclineDialog(count=12)),
    "lost": Case(active_cosell, lambda d, s: LostDialog()),
    "close_as_error_errors": Case(
        active_cosell,
        lambda d, s: ErrorDialog(),
        {"input-reason": ErrorReason.OTHERS},
        ("ctrl+y",),
    ),
    "won_with_warning": Case(active_cosell, lambda d, s: WonDialog(d, (WARNING,))),
    "won": Case(active_cosell, lambda d, s: WonDialog(d, ())),
    "bulk_confirm": Case(
        make_detail,
        lambda d, s: ConfirmDialog(
            "Accept 3 deals?", "Each is accepted with the referral's own values."
        ),
    ),
    "stage": Case(active_cosell, lambda d, s: StageDialog(d)),
    "stage_assessment": Case(assessment_deal, lambda d, s: StageDialog(d)),
    "details": Case(active_cosell, lambda d, s: DetailsDialog(d)),
    "details_errors": Case(
        active_cosell,
        lambda d, s: DetailsDialog(d),
        {"input-value": "-5", "input-notes": ""},
        ("ctrl+y",),
    ),
    "team": Case(active_cosell, lambda d, s: TeamDialog(d)),
    "contacts": Case(active_cosell, lambda d, s: ContactsDialog(d)),
    "team_errors": Case(
        active_cosell,
        lambda d, s: TeamDialog(d),
        {"input-team_2_first_name": "Dan"},
        ("ctrl+y",),
    ),
    "invitation_terms_errors": Case(
        active_cosell,
        lambda d, s: InvitationTermsDialog(d),
        {"input-close_date": "soon"},
        ("ctrl+y",),
    ),
    "solutions": Case(
        active_cosell,
        lambda d, s: SolutionsDialog(s, d),  # type: ignore[arg-type]  # s: the fake Service
    ),
    "invite": Case(
        active_cosell,
        lambda d, s: InviteDialog(s, d),  # type: ignore[arg-type]  # s: the fake Service
    ),
    "help": Case(
        make_detail,
        lambda d, s: HelpDialog(s, d),  # type: ignore[arg-type]  # s: the fake Service
    ),
    "registration": Case(won_eligible, lambda d, s: RegistrationDialog(d)),
    "registration_errors": Case(
        won_eligible,
        lambda d, s: RegistrationDialog(d),
        {"input-is_marketplace": True, "input-term": "Finite"},
        ("ctrl+y",),
    ),
    "registration_after_exception": Case(
        registration_reopened,
        lambda d, s: RegistrationDialog(d, kept=RuleBook.load().kept_after_exception()),
    ),
    "exception": Case(registration_rejected, lambda d, s: ExceptionDialog(d)),
    "exception_errors": Case(
        registration_rejected, lambda d, s: ExceptionDialog(d), keys=("ctrl+y",)
    ),
    "exception_confirm": Case(
        registration_rejected,
        lambda d, s: ExceptionDialog(d, run=lambda _text, _deal: None),
        {"input-message": "The customer signed twice; the proof of execution is attached."},
        ("ctrl+y",),
    ),
}


def run_case(case: Case, service: RecordingService) -> Callable[[Any], Awaitable[None]]:
    async def run_before(pilot: Any) -> None:
        await settle(pilot, rounds=5)
        detail = service.deals[next(iter(service.deals))]
        pilot.app.push_screen(case.dialog(detail, service))
        await settle(pilot, rounds=5)
        screen = pilot.app.screen
        for widget in screen.query(Input):
            widget.cursor_blink = False
        for widget_id, value in case.values.items():
            widget = screen.query_one(f"#{widget_id}")
            if isinstance(widget, Select) and isinstance(value, str):
                value = next(v for _label, v in widget._options if str(v) == value)
            widget.value = value
        for key in case.keys:
            await pilot.press(key)
        await settle(pilot, rounds=5)

    return run_before


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("name", list(CASES))
def test_dialog(snap_compare: Any, size: tuple[int, int], name: str) -> None:
    case = CASES[name]
    detail = case.detail()
    service = RecordingService(detail)
    app = ScreenHost(DealScreen(service, detail.row.id))  # type: ignore[arg-type]  # fake Service
    assert snap_compare(app, terminal_size=size, run_before=run_case(case, service))
