"""The `Service` facade: one object the CLI, the TUI and the wizard call for every read and change.

The use cases live in small modules (reads, accounts, writes, registration, sweep); this module
only assembles them. Each method opens its own Session, so one Service is safe to share between
the TUI's worker threads.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from cosell_tui.clock import Clock
from cosell_tui.domain import (
    AccountKind,
    CloseReason,
    ErrorReason,
    HelpType,
    RegistrationStatus,
    SolutionCategory,
)
from cosell_tui.rules.facts import DealTypeDecision
from cosell_tui.service.forms import (
    AcceptForm,
    DealDraft,
    DetailsEdit,
    InvitationDraft,
    PersonInput,
    ReferralDraft,
    RegistrationForm,
    SolutionInput,
    SweepReport,
)
from cosell_tui.service.views import (
    AccountView,
    BulkResult,
    DealDetail,
    DealRow,
    GridQuery,
    Outcome,
    Page,
    PersonView,
    SolutionView,
    Tab,
    UserView,
)

_LATER = "implemented in the service layer's next commit"


class Service:
    """Every use case of cosell; see docs/service.md."""

    user: UserView
    clock: Clock

    def as_user(self, username: str) -> Service:
        raise NotImplementedError(_LATER)

    def close(self) -> None:
        raise NotImplementedError(_LATER)

    # ---- reads -------------------------------------------------------------------------------
    def tab_counts(self) -> dict[Tab, int]:
        raise NotImplementedError(_LATER)

    def count(self, q: GridQuery) -> int:
        raise NotImplementedError(_LATER)

    def page(self, q: GridQuery, offset: int, limit: int) -> Page:
        raise NotImplementedError(_LATER)

    def check_filter(self, text: str) -> str | None:
        raise NotImplementedError(_LATER)

    def deal(self, deal: int | str) -> DealDetail:
        raise NotImplementedError(_LATER)

    def row(self, deal: int | str) -> DealRow:
        raise NotImplementedError(_LATER)

    def find_deals(self, text: str, limit: int = 20) -> tuple[DealRow, ...]:
        raise NotImplementedError(_LATER)

    def search_accounts(
        self, name: str, country: str | None = None, wider: bool = False
    ) -> dict[AccountKind, tuple[AccountView, ...]]:
        raise NotImplementedError(_LATER)

    def linked_accounts(self, group_key: str) -> tuple[AccountView, ...]:
        raise NotImplementedError(_LATER)

    def search_solutions(
        self, text: str = "", category: SolutionCategory | None = None, limit: int = 50
    ) -> tuple[SolutionView, ...]:
        raise NotImplementedError(_LATER)

    def search_partners(self, text: str = "") -> tuple[tuple[int, str], ...]:
        raise NotImplementedError(_LATER)

    def scope_locations(self) -> tuple[tuple[int, str, str], ...]:
        raise NotImplementedError(_LATER)

    def recent_team_members(self, limit: int = 10) -> tuple[PersonView, ...]:
        raise NotImplementedError(_LATER)

    def preview_deal_type(self, draft: DealDraft) -> DealTypeDecision:
        raise NotImplementedError(_LATER)

    def validate_draft(self, draft: DealDraft, step: str | None = None) -> dict[str, str]:
        raise NotImplementedError(_LATER)

    # ---- writes ------------------------------------------------------------------------------
    def create_deal(self, draft: DealDraft) -> Outcome:
        raise NotImplementedError(_LATER)

    def send_referral(self, draft: ReferralDraft) -> Outcome:
        raise NotImplementedError(_LATER)

    def accept(self, deal: int, version: int, form: AcceptForm) -> Outcome:
        raise NotImplementedError(_LATER)

    def decline(self, deal: int, version: int, reason: CloseReason, notes: str = "") -> Outcome:
        raise NotImplementedError(_LATER)

    def sweep(self) -> SweepReport:
        raise NotImplementedError(_LATER)

    def edit_details(self, deal: int, version: int, edit: DetailsEdit) -> Outcome:
        raise NotImplementedError(_LATER)

    def set_team(self, deal: int, version: int, team: Sequence[PersonInput]) -> Outcome:
        raise NotImplementedError(_LATER)

    def set_solutions(self, deal: int, version: int, lines: Sequence[SolutionInput]) -> Outcome:
        raise NotImplementedError(_LATER)

    def mark_stage(self, deal: int, version: int, pct: int) -> Outcome:
        raise NotImplementedError(_LATER)

    def won_warnings(self, deal: int) -> tuple[str, ...]:
        raise NotImplementedError(_LATER)

    def won(self, deal: int, version: int) -> Outcome:
        raise NotImplementedError(_LATER)

    def lost(self, deal: int, version: int, reason: CloseReason, notes: str = "") -> Outcome:
        raise NotImplementedError(_LATER)

    def close_as_error(
        self, deal: int, version: int, reason: ErrorReason, notes: str = ""
    ) -> Outcome:
        raise NotImplementedError(_LATER)

    def share_with_microsoft(self, deal: int, version: int) -> Outcome:
        raise NotImplementedError(_LATER)

    def request_help(
        self,
        deal: int,
        version: int,
        help_type: HelpType,
        notes: str,
        contact: PersonInput | None = None,
    ) -> Outcome:
        raise NotImplementedError(_LATER)

    def invite(self, deal: int, version: int, invitation: InvitationDraft) -> Outcome:
        raise NotImplementedError(_LATER)

    def edit_invitation_terms(
        self,
        deal: int,
        version: int,
        value: str | Decimal,
        currency: str,
        close_date: str | date,
    ) -> Outcome:
        raise NotImplementedError(_LATER)

    def microsoft_answer(self, deal: int, accept: bool, reason: str = "") -> Outcome:
        raise NotImplementedError(_LATER)

    def set_favorite(self, deal: int, on: bool) -> bool:
        raise NotImplementedError(_LATER)

    def toggle_favorite(self, deal: int) -> bool:
        raise NotImplementedError(_LATER)

    def register(self, deal: int, version: int, form: RegistrationForm) -> Outcome:
        raise NotImplementedError(_LATER)

    def review_registration(
        self, deal: int, status: RegistrationStatus, reason: str = ""
    ) -> Outcome:
        raise NotImplementedError(_LATER)

    def bulk_accept(self, deals: Sequence[int]) -> BulkResult:
        raise NotImplementedError(_LATER)

    def bulk_decline(
        self, deals: Sequence[int], reason: CloseReason, notes: str = ""
    ) -> BulkResult:
        raise NotImplementedError(_LATER)

    def bulk_favorite(self, deals: Sequence[int], on: bool = True) -> BulkResult:
        raise NotImplementedError(_LATER)


def open_service(
    db: str | None = None, user: str | None = None, now: str | None = None, rules: object = None
) -> Service:
    """Open the database (migrated), load the rules, fix the clock and resolve the user."""
    raise NotImplementedError(_LATER)
