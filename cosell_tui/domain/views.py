"""Read models: what screens and the CLI render. Plain frozen dataclasses, never ORM objects."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from cosell_tui.domain import (
    AccountKind,
    DealType,
    Direction,
    ExceptionStatus,
    HelpType,
    MarketplaceIntent,
    MicrosoftStatus,
    PartnerRole,
    RegistrationStatus,
    Role,
    SolutionCategory,
    Status,
    Substatus,
    window_over,
)
from cosell_tui.domain.tabs import (
    COLUMN_IDS,
    DEFAULT_COLUMNS,
    FAVORITE_COLUMN,
    REQUIRED_COLUMNS,
    TAB_NAMES,
    GridQuery,
    SortKey,
    Tab,
)

# The tabs, columns and grid query are defined in tabs.py (the first frame needs only them,
# not the dataclasses below); they are the read models' vocabulary too, so importable here
# (this list names only those; everything defined below is this module's own).
__all__ = [
    "COLUMN_IDS",
    "DEFAULT_COLUMNS",
    "FAVORITE_COLUMN",
    "REQUIRED_COLUMNS",
    "TAB_NAMES",
    "GridQuery",
    "SortKey",
    "Tab",
]

if TYPE_CHECKING:  # the deal's decision and checklist: only its type here, so a grid read
    # (deal list, the TUI's first rows) does not build the rule facts' dataclasses
    from cosell_tui.domain.facts import Checklist, TransitionDecision


@dataclass(frozen=True, slots=True)
class UserView:
    id: int
    username: str
    display_name: str
    email: str
    role: Role
    org_id: int
    org_name: str
    entire_company: bool
    location_ids: tuple[int, ...]
    #: The admin at the keyboard when they act as this user (`--user` on a real database):
    #: history says "operator acting as this user". None when the user acts themselves.
    operator_id: int | None = None
    operator_name: str | None = None


@dataclass(frozen=True, slots=True)
class DealRow:
    """One grid row."""

    id: int
    referral_id: str
    name: str
    customer_name: str
    deal_type: DealType
    p2p: bool
    direction: Direction
    status: Status
    substatus: Substatus
    value: Decimal
    currency: str
    close_date: date
    country: str
    created_at: datetime
    expires_at: datetime | None
    closed_at: datetime | None
    microsoft_status: MicrosoftStatus
    partner_role: PartnerRole | None
    partner_program: str | None
    crm_id: str | None
    stage_pct: int
    registration_status: RegistrationStatus | None
    favorite: bool
    version: int
    #: `value` in USD at the creation month's rate (what "Value" sorts by); None = no rate.
    value_usd: Decimal | None = None

    def as_of(self, now: datetime) -> DealRow:
        """The row as it reads at `now`: a received referral whose response window has ended
        reads Closed / Expired everywhere, even before the sweep has recorded it (§2.6)."""
        if not window_over(self.status, self.expires_at, now):
            return self
        return replace(
            self, status=Status.CLOSED, substatus=Substatus.EXPIRED, closed_at=self.expires_at
        )


@dataclass(frozen=True, slots=True)
class ReviewItem:
    """A registration waiting for a Microsoft reviewer (`cosell registration list`)."""

    deal_id: int
    name: str
    customer_name: str
    partner: str
    status: RegistrationStatus
    filed_at: datetime
    value: Decimal
    currency: str
    #: An exception request (`cosell registration exceptions`): the partner's message.
    message: str = ""

    @property
    def exception(self) -> bool:
        """An exception request (its message is required), not a registration to review."""
        return bool(self.message)


@dataclass(frozen=True, slots=True)
class NotificationView:
    """One message sent (or queued) to the signed-in user: the TUI's notification list."""

    id: int
    created_at: datetime
    kind: str
    subject: str
    body: str
    deal_id: int | None
    sent: bool  # delivered by mail
    read: bool  # seen in the notification list


@dataclass(frozen=True, slots=True)
class Page:
    rows: tuple[DealRow, ...]
    offset: int  # position of rows[0] in the whole ordered result


@dataclass(frozen=True, slots=True)
class PersonView:
    first_name: str
    last_name: str
    phone: str | None
    email: str | None

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


@dataclass(frozen=True, slots=True)
class AccountView:
    id: int
    name: str
    kind: AccountKind
    microsoft_account_id: str | None
    group_key: str | None
    duns: str | None
    federal: bool
    address: str  # one line, for display
    city: str | None
    postal_code: str | None
    country: str
    linked_count: int = 0  # other entries of the same managed customer
    match: int = 0  # how well it matched a customer search (names.name_score, 0..100)


@dataclass(frozen=True, slots=True)
class SolutionView:
    id: str
    name: str
    publisher_name: str
    category: SolutionCategory
    co_sell_ready: bool
    azure_ip_co_sell: bool
    biz_apps_premium: bool
    biz_apps_standard: bool
    marketplace_incentivized: bool
    priced: bool


@dataclass(frozen=True, slots=True)
class SolutionLine:
    solution: SolutionView
    price: Decimal | None = None
    quantity: int | None = None
    currency: str | None = None


@dataclass(frozen=True, slots=True)
class InvitationView:
    id: int
    to_org_name: str
    value: Decimal
    currency: str
    close_date: date
    notes: str
    help_type: HelpType
    solution_ids: tuple[str, ...]
    created_at: datetime
    invitee_status: Substatus | None  # the invitee's referral state, once it exists


@dataclass(frozen=True, slots=True)
class MicrosoftCard:
    status: MicrosoftStatus
    requested_at: datetime | None
    seller: PersonView | None  # only once Microsoft accepted (domain.md §2.3)
    msx_id: str | None
    decline_reason: str | None
    expires_at: datetime | None  # Microsoft's 14-day window (D9)


@dataclass(frozen=True, slots=True)
class HistoryView:
    at: datetime
    who: str  # display name, or "system"
    action: str
    summary: str


@dataclass(frozen=True, slots=True)
class RegistrationView:
    status: RegistrationStatus
    status_reason: str | None
    is_marketplace: bool
    deployed_on_azure: bool
    perpetual: bool
    contract_value: Decimal
    contract_currency: str
    solution_id: str
    solution_value: Decimal
    solution_currency: str
    sign_date: date
    start_date: date
    end_date: date | None
    tenant_type: str
    pricing_model: str
    registered_at: datetime
    #: The exception request (one per referral): its state, the partner's message, when it
    #: was sent, and the reviewer's message.
    exception_status: ExceptionStatus | None = None
    exception_message: str | None = None
    exception_requested_at: datetime | None = None
    exception_reason: str | None = None
    marketplace_date: date | None = None


@dataclass(frozen=True, slots=True)
class DealDetail:
    """Everything the deal screen and `cosell deal show` render, and what the user may do now."""

    row: DealRow
    location_name: str
    location_partner_id: str
    org_name: str
    invited_by: str | None
    invite_notes: str | None
    help_type: HelpType
    visible_to_microsoft: bool
    marketplace_intent: MarketplaceIntent
    notes: str
    campaign_id: str | None
    status_reason: str | None  # decline/lost/error reason in words, with notes
    accepted_at: datetime | None
    updated_at: datetime
    customer: AccountView
    contacts: tuple[PersonView, ...]
    team: tuple[PersonView, ...]
    solutions: tuple[SolutionLine, ...]
    invitations: tuple[InvitationView, ...]
    microsoft: MicrosoftCard
    decision: TransitionDecision
    checklist: Checklist | None  # None when registration does not apply (not won, or SA)
    registration: RegistrationView | None
    history: tuple[HistoryView, ...] = field(default_factory=tuple)
    #: Stages a mark jumped over (D6 lets a normal deal skip forward): not done, skipped.
    skipped_stages: frozenset[int] = frozenset()
    #: Microsoft's referral: the routing rule that placed it at its location, in words (D18).
    routed_by: str | None = None
    #: On an invitee's referral: the inviter's team sent with the invitation (its contacts).
    inviter_contacts: tuple[PersonView, ...] = ()


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a use case did: the deal after the change, and anything the user should be told."""

    deal: DealRow
    message: str
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class WonPreview:
    """What the user should read before confirming Won."""

    warnings: tuple[str, ...]  # the rules' advisories (the 72-hour gap, D7) and the ISV note
    registrable: bool  # once won, it could be registered (no eligibility criterion fails)


@dataclass(frozen=True, slots=True)
class BulkResult:
    """Per-deal results of a bulk action: some may be refused, each with its reason, and some
    already as asked (a favourite starred again), which is neither."""

    done: tuple[DealRow, ...]
    refused: tuple[tuple[int, str, str], ...]  # (deal id, deal name, reason)
    unchanged: tuple[tuple[int, str, str], ...] = ()  # (deal id, deal name, why nothing to do)

    def summary(self, verb: str) -> str:
        """'Decline: 3 done, 2 not done (…)', for a toast and the results screen's title."""
        parts = [f"{len(self.done)} done"]
        if self.unchanged:
            parts.append(f"{len(self.unchanged)} already so")
        if self.refused:
            parts.append(f"{len(self.refused)} not done")
        return f"{verb}: " + ", ".join(parts)
