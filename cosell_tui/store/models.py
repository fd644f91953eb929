"""SQLAlchemy 2.0 typed models: the whole co-sell schema (domain.md §1 and its decisions).

One referral per organisation per engagement, as the Partner Center API models it (D12):
Microsoft and other partners are organisations in the same database, so every flow runs
end to end on one machine. Times are UTC, money is exact (integer cents) with an ISO 4217
currency, and every referral carries a version for optimistic concurrency.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    delete,
    event,
    insert,
    inspect,
    text,
)
from sqlalchemy.engine import Connection
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from cosell_tui.domain import (
    AccountKind,
    ContractTerm,
    DealType,
    Direction,
    ExceptionStatus,
    HelpType,
    MarketplaceIntent,
    MicrosoftStatus,
    OrgKind,
    PartnerRole,
    PricingModel,
    RegistrationStatus,
    Role,
    SolutionKind,
    Status,
    Substatus,
    TenantType,
)
from cosell_tui.domain.names import name_keys
from cosell_tui.store import tables, tables_deal
from cosell_tui.store.types import UTCDateTime
from cosell_tui.store.valuation import in_usd, usd_rate


class Base(DeclarativeBase):
    #: One metadata for the whole schema: the Core tables of tables.py and the models' own.
    metadata = tables.metadata


# --- organisations, locations, users ------------------------------------------------------


class Organization(Base):
    """A partner company or Microsoft."""

    __table__ = tables.organization

    id: Mapped[int]
    name: Mapped[str]
    kind: Mapped[OrgKind]
    assessment_vetted: Mapped[bool]
    co_sell_ecosystem: Mapped[bool]

    locations: Mapped[list[Location]] = relationship(back_populates="organization")


class Location(Base):
    """A PartnerID (MPN) location: the scope key of a referral, immutable once chosen."""

    __table__ = tables_deal.location

    id: Mapped[int]
    org_id: Mapped[int]
    partner_id: Mapped[str]
    name: Mapped[str]
    country: Mapped[str]

    organization: Mapped[Organization] = relationship(back_populates="locations")


class User(Base):
    """A Partner Center user: Referrals admin or user, scoped to the company or to locations."""

    __table__ = tables.user_account

    id: Mapped[int]
    org_id: Mapped[int]
    username: Mapped[str]
    display_name: Mapped[str]
    email: Mapped[str]
    phone: Mapped[str | None]
    role: Mapped[Role]
    entire_company: Mapped[bool]
    active: Mapped[bool]

    organization: Mapped[Organization] = relationship()
    locations: Mapped[list[Location]] = relationship(secondary="user_location")


class UserLocation(Base):
    __table__ = tables.user_location

    user_id: Mapped[int]
    location_id: Mapped[int]


class RoutingRuleRow(Base):
    """One routing rule of an organisation: (market, solution) → location, `*` for all (D18).

    Edited by the organisation's entire-company Referrals admins; each change is in the admin
    log. The rules are compiled into durable-rules by the rule book (rules/routing.py).
    """

    __tablename__ = "routing_rule"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    market: Mapped[str] = mapped_column(String(2))  # ISO alpha-2, or "*"
    solution: Mapped[str] = mapped_column(String(40))  # a solution id, or "*"
    location_id: Mapped[int] = mapped_column(ForeignKey("location.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_by: Mapped[int | None] = mapped_column(Integer)

    __table_args__ = (UniqueConstraint("org_id", "market", "solution"),)


# --- customers and catalog --------------------------------------------------------------------


class Account(Base):
    """A customer account as customer search finds it (Managed / Unmanaged / Other / manual).

    Several managed entries of one customer share `group_key` ("show linked accounts").
    """

    __table__ = tables_deal.account

    id: Mapped[int]
    name: Mapped[str]
    #: Cleaned name (legal suffixes and punctuation removed, lower case) for search.
    search_name: Mapped[str]
    kind: Mapped[AccountKind]
    microsoft_account_id: Mapped[str | None]
    group_key: Mapped[str | None]
    duns: Mapped[str | None]
    federal: Mapped[bool]
    #: The customer's web domain as matching compares it (`names.web_domain`: "contoso.com").
    domain: Mapped[str | None]
    address_line1: Mapped[str | None]
    address_line2: Mapped[str | None]
    city: Mapped[str | None]
    state: Mapped[str | None]
    postal_code: Mapped[str | None]
    country: Mapped[str]
    size: Mapped[str | None]
    #: A manual or DUNS account later matched to a Microsoft-managed one (eligibility rule 6).
    matched_managed_account_id: Mapped[int | None]


class AccountKey(Base):
    """The keys customer search finds an account by (`names.name_keys` of its cleaned name):
    an exact index look-up per typed word instead of a scan of the account table."""

    __tablename__ = "account_key"

    key: Mapped[str] = mapped_column(String(48), primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"), primary_key=True)

    __table_args__ = (Index("ix_account_key_account", "account_id"),)


def account_key_rows(account_id: int, search_name: str) -> list[dict[str, Any]]:
    """The `account_key` rows of one account."""
    return [{"key": k, "account_id": account_id} for k in sorted(name_keys(search_name))]


# The keys follow the account's cleaned name through mapper events, so every ORM write keeps
# them (bulk loads write them with the accounts: demo/seed.py).


@event.listens_for(Account, "after_insert")
def _account_keys_on_insert(_mapper: Any, conn: Connection, target: Account) -> None:
    conn.execute(insert(AccountKey), account_key_rows(target.id, target.search_name))


@event.listens_for(Account, "after_update")
def _account_keys_on_update(_mapper: Any, conn: Connection, target: Account) -> None:
    if inspect(target).attrs.search_name.history.has_changes():
        conn.execute(delete(AccountKey).where(AccountKey.account_id == target.id))
        conn.execute(insert(AccountKey), account_key_rows(target.id, target.search_name))


@event.listens_for(Account, "before_delete")
def _account_keys_on_delete(_mapper: Any, conn: Connection, target: Account) -> None:
    conn.execute(delete(AccountKey).where(AccountKey.account_id == target.id))


class Solution(Base):
    """A catalog entry: a partner's co-sell solution, a Microsoft product or an assessment type."""

    __table__ = tables_deal.solution

    id: Mapped[str]  # e.g. SOL-12345-ABC
    name: Mapped[str]
    kind: Mapped[SolutionKind]
    publisher_org_id: Mapped[int | None]
    publisher_name: Mapped[str]
    co_sell_ready: Mapped[bool]
    azure_ip_co_sell: Mapped[bool]
    biz_apps_premium: Mapped[bool]
    biz_apps_standard: Mapped[bool]
    marketplace_incentivized: Mapped[bool]
    #: Only solutions that have a price (e.g. Azure VMs) take price/quantity on a deal.
    priced: Mapped[bool]


# --- engagements and referrals ----------------------------------------------------------------


class Engagement(Base):
    """One customer pursuit shared by several organisations, each with its own referral."""

    __tablename__ = "engagement"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Referral(Base):
    """One organisation's deal in an engagement: what the grids list and the service changes."""

    __table__ = tables.referral

    id: Mapped[int]
    referral_id: Mapped[str]
    engagement_id: Mapped[str]
    org_id: Mapped[int]
    location_id: Mapped[int]
    direction: Mapped[Direction]
    status: Mapped[Status]
    substatus: Mapped[Substatus]
    deal_type: Mapped[DealType]
    p2p: Mapped[bool]
    help_type: Mapped[HelpType]
    visible_to_microsoft: Mapped[bool]
    marketplace_intent: Mapped[MarketplaceIntent]
    name: Mapped[str]
    value: Mapped[Decimal]
    currency: Mapped[str]
    value_usd: Mapped[Decimal | None]
    close_date: Mapped[date]
    notes: Mapped[str]
    crm_id: Mapped[str | None]
    campaign_id: Mapped[str | None]
    stage_pct: Mapped[int]
    partner_role: Mapped[PartnerRole | None]
    partner_program: Mapped[str | None]
    customer_account_id: Mapped[int]
    customer_name: Mapped[str]
    country: Mapped[str]
    consent_share_contact: Mapped[bool]
    consent_to_contact: Mapped[bool]
    invited_by_org_id: Mapped[int | None]
    invited_by_user_id: Mapped[int | None]
    invite_notes: Mapped[str | None]
    microsoft_status: Mapped[MicrosoftStatus]
    microsoft_requested_at: Mapped[datetime | None]
    microsoft_seller_id: Mapped[int | None]
    microsoft_msx_id: Mapped[str | None]
    microsoft_decline_reason: Mapped[str | None]
    status_reason_code: Mapped[str | None]
    status_reason_notes: Mapped[str | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    accepted_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]
    reminder_sent_at: Mapped[datetime | None]
    registration_status: Mapped[RegistrationStatus | None]
    registration_eligible: Mapped[bool | None]
    grid_tab: Mapped[str]
    version: Mapped[int]

    __mapper_args__ = {"version_id_col": tables.referral.c.version}

    customer: Mapped[Account] = relationship(foreign_keys=[tables.referral.c.customer_account_id])
    location: Mapped[Location] = relationship()
    organization: Mapped[Organization] = relationship(foreign_keys=[tables.referral.c.org_id])
    contacts: Mapped[list[CustomerContact]] = relationship(
        back_populates="referral", cascade="all, delete-orphan", order_by="CustomerContact.id"
    )
    team: Mapped[list[TeamMember]] = relationship(
        back_populates="referral", cascade="all, delete-orphan", order_by="TeamMember.id"
    )
    solutions: Mapped[list[ReferralSolution]] = relationship(
        back_populates="referral", cascade="all, delete-orphan", order_by="ReferralSolution.id"
    )


#: ix_insights_registered: creation time and what the insights filters and scopes read.
INSIGHTS_REGISTERED_COLUMNS = (
    "org_id", "created_at", "registration_status", "location_id", "deal_type", "direction",
    "substatus", "partner_role", "country", "marketplace_intent", "partner_program",
)  # fmt: skip
#: After the time a deal was accepted / closed: what "from before the range" reads at the
#: range's edges when the kept aggregates answer the rest (store/insights.py past_groups).
INSIGHTS_ACTED_COLUMNS = (
    "created_at", "location_id", "deal_type", "direction", "substatus", "partner_role",
    "value_usd",
)  # fmt: skip

# Insights' registration figures (store/insights.py registration_groups): only the deals with a
# registration, so that query reads those, not every deal of the range. One of the referral
# table's indexes (tables.py has the others), declared here because its dialect options load
# SQLAlchemy's PostgreSQL dialect, which the Core reads of tables.py should not pay for.
Index(
    "ix_insights_registered",
    *(tables.referral.c[name] for name in INSIGHTS_REGISTERED_COLUMNS),
    sqlite_where=text("registration_status IS NOT NULL"),
    postgresql_where=text("registration_status IS NOT NULL"),
)
# "From before the range" at the range's edges (store/insights.py past_groups): the deals
# accepted / closed in a slice of a month, without reading the table (partial, as above).
for _acted in ("accepted_at", "closed_at"):
    Index(
        f"ix_insights_{_acted.removesuffix('_at')}",
        tables.referral.c.org_id,
        tables.referral.c[_acted],
        *(tables.referral.c[name] for name in INSIGHTS_ACTED_COLUMNS),
        sqlite_where=text(f"{_acted} IS NOT NULL"),
        postgresql_where=text(f"{_acted} IS NOT NULL"),
    )


class CustomerContact(Base):
    __table__ = tables_deal.customer_contact

    id: Mapped[int]
    referral_id: Mapped[int]
    first_name: Mapped[str]
    last_name: Mapped[str]
    phone: Mapped[str | None]
    email: Mapped[str | None]

    referral: Mapped[Referral] = relationship(back_populates="contacts")


class TeamMember(Base):
    """A member of the deal team; a Referrals user is 'on the team' when the email matches."""

    __table__ = tables.team_member

    id: Mapped[int]
    referral_id: Mapped[int]
    first_name: Mapped[str]
    last_name: Mapped[str]
    phone: Mapped[str]
    email: Mapped[str]

    referral: Mapped[Referral] = relationship(back_populates="team")


class ReferralSolution(Base):
    __table__ = tables_deal.referral_solution

    id: Mapped[int]
    referral_id: Mapped[int]
    solution_id: Mapped[str]
    price: Mapped[Decimal | None]
    quantity: Mapped[int | None]
    currency: Mapped[str | None]

    referral: Mapped[Referral] = relationship(back_populates="solutions")
    solution: Mapped[Solution] = relationship()


class Invitation(Base):
    """A P2P (or Microsoft) invitation: the inviter's terms, frozen once sent (D14).

    The invitee's own referral carries the copy that the invitee may edit after accepting.
    """

    __table__ = tables_deal.invitation

    id: Mapped[int]
    engagement_id: Mapped[str]
    from_referral_id: Mapped[int]
    to_org_id: Mapped[int]
    to_referral_id: Mapped[int | None]
    value: Mapped[Decimal]
    currency: Mapped[str]
    close_date: Mapped[date]
    notes: Mapped[str]
    help_type: Mapped[HelpType]
    #: Comma-separated solution ids the invitee should bring (at least one).
    solution_ids: Mapped[str]
    #: The inviter's team sent with it, one "First|Last|phone|email" line each: the invitee
    #: reads them as its contacts.
    team: Mapped[str]
    created_at: Mapped[datetime]


class Favorite(Base):
    """A per-user star (the heart icon)."""

    __table__ = tables.favorite

    user_id: Mapped[int]
    referral_id: Mapped[int]
    created_at: Mapped[datetime]


class ExchangeRate(Base):
    """Monthly rate: 1 unit of `currency` is worth `usd_per_unit` USD (Reuters monthly, D8)."""

    __tablename__ = "exchange_rate"

    month: Mapped[date] = mapped_column(Date, primary_key=True)  # first day of the month
    currency: Mapped[str] = mapped_column(String(3), primary_key=True)
    usd_per_unit: Mapped[str] = mapped_column(String(40))  # exact decimal as text


class Registration(Base):
    """An Azure IP co-sell registration of a won deal (domain.md §2.5, §4.4)."""

    __table__ = tables_deal.registration

    id: Mapped[int]
    referral_id: Mapped[int]
    status: Mapped[RegistrationStatus]
    status_reason: Mapped[str | None]
    is_marketplace: Mapped[bool]
    marketplace_date: Mapped[date | None]
    deployed_on_azure: Mapped[bool]
    term: Mapped[ContractTerm]
    contract_value: Mapped[Decimal]
    contract_currency: Mapped[str]
    solution_id: Mapped[str]
    solution_value: Mapped[Decimal]
    solution_currency: Mapped[str]
    sign_date: Mapped[date]
    start_date: Mapped[date]
    end_date: Mapped[date | None]
    tenant_type: Mapped[TenantType]
    pricing_model: Mapped[PricingModel]
    registered_at: Mapped[datetime]
    review_pending_at: Mapped[datetime | None]
    action_required_at: Mapped[datetime | None]
    approved_at: Mapped[datetime | None]
    passed_at: Mapped[datetime | None]
    failed_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    #: The exception request (one per referral, domain.md §2.5); None = none asked for.
    exception_status: Mapped[ExceptionStatus | None]
    exception_message: Mapped[str | None]
    exception_requested_at: Mapped[datetime | None]
    exception_decided_at: Mapped[datetime | None]
    exception_reason: Mapped[str | None]  # the reviewer's message


# --- history and notifications ----------------------------------------------------------------


class GridVersion(Base):
    """A change counter bumped by database triggers on every referral, team or favourite write.

    The grid caches the ordered ids of a filtered tab; comparing this number tells it, in one
    primary-key read, whether the cache still holds (also for writes from other processes).
    """

    __tablename__ = "grid_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    n: Mapped[int] = mapped_column(BigInteger, default=0)


class GridCount(Base):
    """Deals per (organisation, location, tab), and favourites per user: the tab labels.

    Kept by database triggers (store/counts.py) in the writing transaction, so a tab count
    is a sum over a few rows at any deal count. `tab` is the referral's grid_tab ('I', 'O',
    'C') with user_id 0, or 'F' with the user whose favourites these are.
    """

    __tablename__ = "grid_count"

    org_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    location_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tab: Mapped[str] = mapped_column(String(1), primary_key=True)
    user_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    n: Mapped[int] = mapped_column(BigInteger, default=0)


class HistoryEntry(Base):
    """Who changed what, when and why: one row per use case applied to a referral."""

    __table__ = tables_deal.history

    id: Mapped[int]
    referral_id: Mapped[int]
    at: Mapped[datetime]
    user_id: Mapped[int | None]  # None = system
    #: The admin who acted as `user_id` ("X acting as Y"), else None.
    operator_id: Mapped[int | None]
    action: Mapped[str]
    summary: Mapped[str]
    #: JSON object of changed fields {field: [old, new]} or other structured detail.
    detail: Mapped[str]


class AdminLogEntry(Base):
    """A change to the organisation's reference data (set-up, users, locations, rates): who
    (and, acting for them, which admin), when, what."""

    __tablename__ = "admin_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    user_id: Mapped[int | None] = mapped_column(Integer)  # None = set-up, before any user
    operator_id: Mapped[int | None] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(40))
    #: What was changed, as a user reads it: a login, a PartnerID, "EUR 2026-12".
    subject: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text)
    detail: Mapped[str] = mapped_column(Text, default="{}")

    __table_args__ = (Index("ix_admin_log_at", "at", "id"),)


class DatabaseInfo(Base):
    """Facts about the database itself (tables.database_purpose)."""

    __table__ = tables.database_info

    key: Mapped[str]
    value: Mapped[str]


class Notification(Base):
    """The outbox (D11): written in the deal's transaction, delivered later over SMTP."""

    __tablename__ = "notification"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    kind: Mapped[str] = mapped_column(String(40))
    referral_id: Mapped[int | None] = mapped_column(ForeignKey("referral.id"), index=True)
    recipient_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    recipient_email: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    error: Mapped[str | None] = mapped_column(Text)
    #: Delivery attempts that failed, and when the next may be made (backoff); None = now.
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: When the recipient read it in the TUI's notification list (None = unread).
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (
        Index("ix_notification_due", "sent_at", "next_attempt_at", "id"),
        Index("ix_notification_recipient", "recipient_user_id", "id"),
    )


# The USD value (valuation.py) is kept by mapper events, registered here with the model so
# every session that can write a referral has them.


def _value_changed(target: Referral) -> bool:
    state = inspect(target)
    return any(
        state.attrs[name].history.has_changes() for name in ("value", "currency", "created_at")
    )


@event.listens_for(Referral, "before_insert")
def _value_usd_on_insert(_mapper: Any, conn: Connection, target: Referral) -> None:
    target.value_usd = in_usd(target.value, usd_rate(conn, target.currency, target.created_at))


@event.listens_for(Referral, "before_update")
def _value_usd_on_update(_mapper: Any, conn: Connection, target: Referral) -> None:
    if _value_changed(target):
        target.value_usd = in_usd(target.value, usd_rate(conn, target.currency, target.created_at))
