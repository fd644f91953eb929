"""The tables one deal in full reads, in SQLAlchemy Core: `cosell deal show` and the deal screen.

Besides the grid's tables (tables.py), reading one deal reads its location, customer account,
contacts, solutions, invitations, registration and history. They are Core `Table`s here, on
the schema's one `metadata`, and the ORM models (models.py) map onto these same objects
(`__table__`) with their relationships: one definition of each table. A module of its own, so a
grid read (`deal list`, the TUI's first rows) does not build them, and one deal read through
Core (service/detail.py) imports neither `sqlalchemy.orm` nor the models.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from cosell_tui.domain import (
    AccountKind,
    ContractTerm,
    ExceptionStatus,
    HelpType,
    PricingModel,
    RegistrationStatus,
    SolutionKind,
    TenantType,
)
from cosell_tui.store.tables import metadata
from cosell_tui.store.types import Cents, StrEnum, UTCDateTime

#: A PartnerID (MPN) location: the scope key of a referral, immutable once chosen.
location = Table(
    "location",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("org_id", Integer, ForeignKey("organization.id"), nullable=False, index=True),
    Column("partner_id", String(20), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("country", String(2), nullable=False),
)

#: A customer account as customer search finds it (Managed / Unmanaged / Other / manual).
account = Table(
    "account",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False),
    #: Cleaned name (legal suffixes and punctuation removed, lower case) for search.
    Column("search_name", String(200), nullable=False, index=True),
    Column("kind", StrEnum(AccountKind), nullable=False, index=True),
    Column("microsoft_account_id", String(40), index=True),
    Column("group_key", String(40), index=True),
    Column("duns", String(9), index=True),
    Column("federal", Boolean, nullable=False, default=False),
    #: The customer's web domain as matching compares it (`names.web_domain`: "contoso.com").
    Column("domain", String(253), index=True),
    Column("address_line1", String(200)),
    Column("address_line2", String(200)),
    Column("city", String(100)),
    Column("state", String(100)),
    Column("postal_code", String(20)),
    Column("country", String(2), nullable=False, index=True),
    Column("size", String(40)),
    #: A manual or DUNS account later matched to a Microsoft-managed one (eligibility rule 6).
    Column("matched_managed_account_id", Integer, ForeignKey("account.id")),
)

#: A catalog entry: a partner's co-sell solution, a Microsoft product or an assessment type.
solution = Table(
    "solution",
    metadata,
    Column("id", String(40), primary_key=True),  # e.g. SOL-12345-ABC
    Column("name", String(200), nullable=False, index=True),
    Column("kind", StrEnum(SolutionKind), nullable=False),
    Column("publisher_org_id", Integer, ForeignKey("organization.id")),
    Column("publisher_name", String(200), nullable=False),
    Column("co_sell_ready", Boolean, nullable=False, default=False),
    Column("azure_ip_co_sell", Boolean, nullable=False, default=False),
    Column("biz_apps_premium", Boolean, nullable=False, default=False),
    Column("biz_apps_standard", Boolean, nullable=False, default=False),
    Column("marketplace_incentivized", Boolean, nullable=False, default=False),
    #: Only solutions that have a price (e.g. Azure VMs) take price/quantity on a deal.
    Column("priced", Boolean, nullable=False, default=False),
)

customer_contact = Table(
    "customer_contact",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("referral_id", Integer, ForeignKey("referral.id"), nullable=False, index=True),
    Column("first_name", String(100), nullable=False),
    Column("last_name", String(100), nullable=False),
    Column("phone", String(40)),
    Column("email", String(254)),
)

referral_solution = Table(
    "referral_solution",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("referral_id", Integer, ForeignKey("referral.id"), nullable=False, index=True),
    Column("solution_id", ForeignKey("solution.id"), nullable=False),
    Column("price", Cents()),
    Column("quantity", Integer),
    Column("currency", String(3)),
    UniqueConstraint("referral_id", "solution_id"),
)

#: A P2P (or Microsoft) invitation: the inviter's terms, frozen once sent (D14).
invitation = Table(
    "invitation",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("engagement_id", ForeignKey("engagement.id"), nullable=False, index=True),
    Column("from_referral_id", Integer, ForeignKey("referral.id"), nullable=False, index=True),
    Column("to_org_id", Integer, ForeignKey("organization.id"), nullable=False),
    Column("to_referral_id", Integer, ForeignKey("referral.id"), index=True),
    Column("value", Cents(), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("close_date", Date, nullable=False),
    Column("notes", Text, nullable=False, default=""),
    Column("help_type", StrEnum(HelpType), nullable=False),
    #: Comma-separated solution ids the invitee should bring (at least one).
    Column("solution_ids", Text, nullable=False, default=""),
    #: The inviter's team sent with it (mapping.people_text): the invitee reads them as its
    #: contacts.
    Column("team", Text, nullable=False, default="", server_default=""),
    Column("created_at", UTCDateTime(), nullable=False),
)

#: An Azure IP co-sell registration of a won deal (domain.md §2.5, §4.4).
registration = Table(
    "registration",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("referral_id", Integer, ForeignKey("referral.id"), nullable=False, unique=True),
    Column("status", StrEnum(RegistrationStatus), nullable=False),
    Column("status_reason", Text),
    Column("is_marketplace", Boolean, nullable=False),
    Column("marketplace_date", Date),
    Column("deployed_on_azure", Boolean, nullable=False),
    Column("term", StrEnum(ContractTerm), nullable=False),
    Column("contract_value", Cents(), nullable=False),
    Column("contract_currency", String(3), nullable=False),
    Column("solution_id", ForeignKey("solution.id"), nullable=False),
    Column("solution_value", Cents(), nullable=False),
    Column("solution_currency", String(3), nullable=False),
    Column("sign_date", Date, nullable=False),
    Column("start_date", Date, nullable=False),
    Column("end_date", Date),
    Column("tenant_type", StrEnum(TenantType), nullable=False),
    Column("pricing_model", StrEnum(PricingModel), nullable=False),
    Column("registered_at", UTCDateTime(), nullable=False),
    Column("review_pending_at", UTCDateTime()),
    Column("action_required_at", UTCDateTime()),
    Column("approved_at", UTCDateTime()),
    Column("passed_at", UTCDateTime()),
    Column("failed_at", UTCDateTime()),
    Column("closed_at", UTCDateTime()),
    #: The exception request (one per referral, domain.md §2.5); None = none asked for.
    Column("exception_status", StrEnum(ExceptionStatus), index=True),
    Column("exception_message", Text),
    Column("exception_requested_at", UTCDateTime()),
    Column("exception_decided_at", UTCDateTime()),
    Column("exception_reason", Text),  # the reviewer's message
)

#: Who changed what, when and why: one row per use case applied to a referral.
history = Table(
    "history",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("referral_id", Integer, ForeignKey("referral.id"), nullable=False),
    Column("at", UTCDateTime(), nullable=False),
    Column("user_id", Integer, ForeignKey("user_account.id")),  # None = system
    #: The admin who acted as `user_id` ("X acting as Y"), else None.
    Column("operator_id", Integer),
    Column("action", String(40), nullable=False),
    Column("summary", Text, nullable=False),
    #: JSON object of changed fields {field: [old, new]} or other structured detail.
    Column("detail", Text, nullable=False, default="{}"),
    Index("ix_history_referral", "referral_id", "at", "id"),
)
