"""The tables the quick reads need, in SQLAlchemy Core: a grid page, a count, who is acting.

`cosell deal list`, the tab counts and the grid's pages read these tables and nothing else, so
they are defined here as Core `Table`s, and the ORM models (models.py) map onto the same
objects (`__table__`) with their relationships and events: one definition of each table. A
read that needs only these never imports `sqlalchemy.orm` nor builds and configures the two
dozen mappers, which was a third of such a command's start-up (benchmarks/README.md). The
other tables stay declared on their models; all of them share `metadata`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean,
    Column,
    Computed,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    delete,
    insert,
    select,
    true,
)
from sqlalchemy.engine import Connection

from cosell_tui.domain import (
    DealType,
    Direction,
    HelpType,
    MarketplaceIntent,
    MicrosoftStatus,
    OrgKind,
    PartnerRole,
    RegistrationStatus,
    Role,
    Status,
    Substatus,
)
from cosell_tui.store.types import Cents, StrEnum, UTCDateTime

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

#: Every table of the schema: these, and the models' own (models.Base uses this metadata).
metadata = MetaData()

organization = Table(
    "organization",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("kind", StrEnum(OrgKind), nullable=False),
    #: Vetted to run solution assessments (only these may create SA deals).
    Column("assessment_vetted", Boolean, nullable=False, default=False),
    #: In the co-sell ecosystem: can be found and invited for P2P.
    Column("co_sell_ecosystem", Boolean, nullable=False, default=True),
)

user_account = Table(
    "user_account",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("org_id", Integer, ForeignKey("organization.id"), nullable=False, index=True),
    Column("username", String(80), nullable=False, unique=True),
    Column("display_name", String(200), nullable=False),
    Column("email", String(254), nullable=False, index=True),
    Column("phone", String(40)),
    Column("role", StrEnum(Role), nullable=False),
    Column("entire_company", Boolean, nullable=False, default=False),
    #: A deactivated user cannot act and is offered nowhere; their deals and history stay.
    Column("active", Boolean, nullable=False, default=True, server_default=true()),
)

user_location = Table(
    "user_location",
    metadata,
    Column("user_id", Integer, ForeignKey("user_account.id"), primary_key=True),
    Column("location_id", Integer, ForeignKey("location.id"), primary_key=True),
)

#: The values of referral.grid_tab: inbound open, outbound open, closed.
GRID_TABS = ("I", "O", "C")

referral = Table(
    "referral",
    metadata,
    Column("id", Integer, primary_key=True),
    #: The public Referral ID (API `id`), a GUID.
    Column("referral_id", String(36), nullable=False, unique=True),
    Column("engagement_id", String(36), ForeignKey("engagement.id"), nullable=False, index=True),
    Column("org_id", Integer, ForeignKey("organization.id"), nullable=False),
    Column("location_id", Integer, ForeignKey("location.id"), nullable=False),
    Column("direction", StrEnum(Direction), nullable=False),
    Column("status", StrEnum(Status), nullable=False),
    Column("substatus", StrEnum(Substatus), nullable=False),
    Column("deal_type", StrEnum(DealType), nullable=False),
    Column("p2p", Boolean, nullable=False, default=False),
    Column("help_type", StrEnum(HelpType), nullable=False, default=HelpType.NONE),
    Column("visible_to_microsoft", Boolean, nullable=False, default=False),
    Column(
        "marketplace_intent",
        StrEnum(MarketplaceIntent),
        nullable=False,
        default=MarketplaceIntent.UNDECIDED,
    ),
    Column("name", String(200), nullable=False),
    Column("value", Cents(), nullable=False),
    Column("currency", String(3), nullable=False),
    #: `value` in USD at the rate of the creation month (store/valuation.py keeps it); None
    #: when that month has no rate for the currency. The grid sorts "Value" by it.
    Column("value_usd", Cents()),
    Column("close_date", Date, nullable=False),
    Column("notes", Text, nullable=False, default=""),
    Column("crm_id", String(100)),
    Column("campaign_id", String(100)),
    Column("stage_pct", Integer, nullable=False, default=10),
    Column("partner_role", StrEnum(PartnerRole)),
    Column("partner_program", String(100)),
    Column("customer_account_id", Integer, ForeignKey("account.id"), nullable=False, index=True),
    #: Denormalised from the account for the grid (sort/filter without a join).
    Column("customer_name", String(200), nullable=False),
    Column("country", String(2), nullable=False),
    Column("consent_share_contact", Boolean, nullable=False, default=False),
    Column("consent_to_contact", Boolean, nullable=False, default=False),
    #: Who invited us (inbound): the sending organisation and its notes / help wanted.
    Column("invited_by_org_id", Integer, ForeignKey("organization.id")),
    Column("invited_by_user_id", Integer, ForeignKey("user_account.id")),
    Column("invite_notes", Text),
    #: Microsoft's side (D9), denormalised from Microsoft's referral in the engagement.
    Column(
        "microsoft_status",
        StrEnum(MicrosoftStatus),
        nullable=False,
        default=MicrosoftStatus.NONE,
    ),
    Column("microsoft_requested_at", UTCDateTime()),
    Column("microsoft_seller_id", Integer, ForeignKey("user_account.id")),
    Column("microsoft_msx_id", String(40)),
    Column("microsoft_decline_reason", String(200)),
    Column("status_reason_code", String(4)),
    Column("status_reason_notes", Text),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    Column("accepted_at", UTCDateTime()),
    Column("closed_at", UTCDateTime()),
    Column("expires_at", UTCDateTime()),
    Column("reminder_sent_at", UTCDateTime()),
    #: Registration roll-up for the Closed grid and the `registration:` filter.
    Column("registration_status", StrEnum(RegistrationStatus)),
    #: Meets every Azure IP co-sell criterion (domain.md §4.2) as of the last change; None =
    #: not decided (not won, or a missing rate). Kept by the service; the
    #: `registration:eligible` filter reads it so the grid never evaluates rules per row.
    Column("registration_eligible", Boolean),
    #: Which grid tab the row belongs to (D1), computed by the database so no writer can forget
    #: it and every tab is one index range: 'I' inbound, 'O' outbound, 'C' closed (GRID_TABS).
    Column(
        "grid_tab",
        String(1),
        Computed(
            "CASE WHEN status = 'Closed' THEN 'C' "
            "WHEN direction = 'Incoming' THEN 'I' ELSE 'O' END",
            persisted=True,
        ),
        nullable=False,
    ),
    #: Optimistic concurrency: the ORM's version counter (models.Referral).
    Column("version", Integer, nullable=False, default=1),
    Index("ix_referral_location", "location_id"),
    Index("ix_referral_expiry_sweep", "status", "expires_at"),
    # One range per (org, tab) in each grid sort order, so a page is an index walk.
    Index("ix_referral_tab_expires", "org_id", "grid_tab", "expires_at", "id"),
    Index("ix_referral_tab_created", "org_id", "grid_tab", "created_at", "id"),
    Index("ix_referral_tab_closed", "org_id", "grid_tab", "closed_at", "id"),
    Index("ix_referral_tab_name", "org_id", "grid_tab", "name", "id"),
    Index("ix_referral_tab_customer", "org_id", "grid_tab", "customer_name", "id"),
    Index("ix_referral_tab_value", "org_id", "grid_tab", "value_usd", "id"),
    Index("ix_referral_tab_close_date", "org_id", "grid_tab", "close_date", "id"),
    Index("ix_referral_tab_location", "org_id", "grid_tab", "location_id", "id"),
    Index("ix_referral_tab_referral_id", "org_id", "grid_tab", "referral_id", "id"),
    Index("ix_referral_tab_crm_id", "org_id", "grid_tab", "crm_id", "id"),
    # Counts under any filter term scan only this index (SQLite cannot cover a query from
    # an index on the generated grid_tab, so counts name the tab by status/direction).
    # The first page sorted by a short-valued column (type, status, country, Microsoft
    # status, partner role, partner program) is a scan of it too, with a top-N sort.
    Index(
        "ix_referral_filter",
        "org_id",
        "status",
        "direction",
        "substatus",
        "deal_type",
        "p2p",
        "country",
        "microsoft_status",
        "stage_pct",
        "registration_eligible",
        "registration_status",
        "location_id",
        "value",
        "expires_at",
        "partner_role",
        "partner_program",
        "id",
    ),
    # Insights (store/insights.py): a range of creation times holding every column the
    # figures group or filter by, so each figure is one index range scan.
    Index(
        "ix_referral_insights",
        "org_id",
        "created_at",
        "deal_type",
        "direction",
        "substatus",
        "partner_role",
        "country",
        "marketplace_intent",
        "partner_program",
        "status_reason_code",
        "registration_status",
        "value_usd",
        "accepted_at",
        "closed_at",
        "location_id",
    ),
    # ix_insights_registered, a partial index, is declared with the models (models.py): its
    # `postgresql_where` makes SQLAlchemy import its PostgreSQL dialect (~20 ms) the moment the
    # index is built, which every quick read on SQLite would pay.
)

#: A member of the deal team; a Referrals user is "on the team" when the email matches.
team_member = Table(
    "team_member",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("referral_id", Integer, ForeignKey("referral.id"), nullable=False, index=True),
    Column("first_name", String(100), nullable=False),
    Column("last_name", String(100), nullable=False),
    Column("phone", String(40), nullable=False),
    #: Stored lower-case, so team-scope checks are an index lookup.
    Column("email", String(254), nullable=False),
    Index("ix_team_member_email", "email", "referral_id"),
)

#: A per-user star (the heart icon).
favorite = Table(
    "favorite",
    metadata,
    Column("user_id", Integer, ForeignKey("user_account.id"), primary_key=True),
    Column("referral_id", Integer, ForeignKey("referral.id"), primary_key=True),
    Column("created_at", UTCDateTime(), nullable=False),
    Index("ix_favorite_referral", "referral_id"),
)

#: Facts about the database itself; `purpose` = `demo` or `test` (see PURPOSES).
database_info = Table(
    "database_info",
    metadata,
    Column("key", String(40), primary_key=True),
    Column("value", String(200), nullable=False),
)

#: The `purpose` values on which `--now` and `--user` are free for anyone.
PURPOSES = ("demo", "test")


def database_purpose(conn: Connection | Session) -> str | None:
    """`demo` or `test` for a database made by the seeder or the tests; None for a real one."""
    d = database_info.c
    return conn.execute(select(d.value).where(d.key == "purpose")).scalar_one_or_none()


def mark_database(conn: Connection | Session, purpose: str) -> None:
    """Mark the database as made for `purpose` (one of PURPOSES)."""
    if purpose not in PURPOSES:
        raise ValueError(f"unknown database purpose {purpose!r}")
    conn.execute(delete(database_info).where(database_info.c.key == "purpose"))
    conn.execute(insert(database_info).values(key="purpose", value=purpose))
