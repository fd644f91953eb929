"""Small, exact test data: a handful of organisations, users, accounts and solutions whose every
property a test can name, plus helpers that build deals through the service itself.

The cast (decision D10 scopes): ava = Fabrikam admin, entire company; ben = Fabrikam admin,
London only; cara = Fabrikam Referrals user, Seattle only; jordan = Microsoft seller; dan =
Adatum admin; lee = Litware admin (Litware is outside the co-sell ecosystem).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from cosell_tui.domain import AccountKind, HelpType, OrgKind, Role, SolutionKind
from cosell_tui.service.forms import (
    AcceptForm,
    DealDraft,
    InvitationDraft,
    PersonInput,
    ReferralDraft,
    RegistrationForm,
    SolutionInput,
)
from cosell_tui.store.models import (
    Account,
    ExchangeRate,
    Location,
    Organization,
    Solution,
    User,
    UserLocation,
)
from cosell_tui.store.tables import mark_database

FABRIKAM, MICROSOFT, ADATUM, LITWARE = 1, 2, 3, 4
SEATTLE, LONDON, REDMOND, TORONTO, MUNICH = 1, 2, 3, 4, 5
AVA, BEN, CARA, JORDAN, DAN, LEE = 1, 2, 3, 4, 5, 6
CONTOSO_IN, CONTOSO_IN_2, NORTHWIND, TAILSPIN_FED, TAILSPIN_FED_MANAGED, FOURTH_COFFEE = (
    1, 2, 3, 4, 5, 6,
)  # fmt: skip

AZURE_IP = "SOL-1-LKH"  # Fabrikam's, Azure IP co-sell, marketplace incentivised
PLAIN = "SOL-1-MIG"  # Fabrikam's, no incentive tags
PRICED = "SOL-MS-AVM"  # Microsoft, priced
ADATUM_IP = "SOL-3-INS"  # Adatum's, Azure IP co-sell
BIZ_APPS = "SOL-1-FLD"  # Fabrikam's, Biz apps standard
ASSESSMENT = "SOL-SA-DIM"  # a solution-assessment type
ASSESSMENT_2 = "SOL-SA-APM"

NOW = "2026-11-20T12:00:00Z"
TODAY = date(2026, 11, 20)

AVA_PERSON = PersonInput("Ava", "Lindqvist", "+12065550101", "ava@fabrikam.example")
CARA_PERSON = PersonInput("Cara", "Nguyen", "+12065550103", "cara@fabrikam.example")
CONTACT = PersonInput("Ravi", "Kumar", "+919876543210", "ravi@contoso.example")


def reference(engine: Engine) -> None:
    """Insert the cast into a migrated, empty database."""
    with Session(engine) as s:
        s.add_all(
            [
                Organization(
                    id=FABRIKAM, name="Fabrikam", kind=OrgKind.PARTNER, assessment_vetted=True
                ),
                Organization(id=MICROSOFT, name="Microsoft", kind=OrgKind.MICROSOFT),
                Organization(id=ADATUM, name="Adatum", kind=OrgKind.PARTNER),
                Organization(
                    id=LITWARE, name="Litware", kind=OrgKind.PARTNER, co_sell_ecosystem=False
                ),
            ]
        )
        s.flush()
        s.add_all(
            [
                Location(
                    id=SEATTLE, org_id=FABRIKAM, partner_id="100", name="Seattle", country="US"
                ),
                Location(id=LONDON, org_id=FABRIKAM, partner_id="101", name="London", country="GB"),
                Location(
                    id=REDMOND, org_id=MICROSOFT, partner_id="200", name="Redmond", country="US"
                ),
                Location(id=TORONTO, org_id=ADATUM, partner_id="300", name="Toronto", country="CA"),
                Location(id=MUNICH, org_id=LITWARE, partner_id="400", name="Munich", country="DE"),
            ]
        )
        s.flush()
        users = [
            (AVA, FABRIKAM, "ava", "Ava Lindqvist", "ava@fabrikam.example", Role.ADMIN, True),
            (BEN, FABRIKAM, "ben", "Ben Okafor", "ben@fabrikam.example", Role.ADMIN, False),
            (CARA, FABRIKAM, "cara", "Cara Nguyen", "cara@fabrikam.example", Role.USER, False),
            (JORDAN, MICROSOFT, "jordan", "Jordan Ellis", "jordan@microsoft.example",
             Role.MICROSOFT_SELLER, True),
            (DAN, ADATUM, "dan", "Dan Reyes", "dan@adatum.example", Role.ADMIN, True),
            (LEE, LITWARE, "lee", "Lee Hartmann", "lee@litware.example", Role.ADMIN, True),
        ]  # fmt: skip
        for uid, org, name, display, email, role, entire in users:
            s.add(
                User(
                    id=uid, org_id=org, username=name, display_name=display, email=email,
                    phone="+12065550100", role=role, entire_company=entire,
                )
            )  # fmt: skip
        s.flush()
        s.add_all(
            [
                UserLocation(user_id=BEN, location_id=LONDON),
                UserLocation(user_id=CARA, location_id=SEATTLE),
            ]
        )
        accounts = [
            (
                CONTOSO_IN,
                "Contoso Private Limited",
                "contoso",
                AccountKind.MANAGED,
                "G1",
                False,
                "IN",
            ),
            (
                CONTOSO_IN_2,
                "Contoso Pvt Ltd (Pune)",
                "contoso pune",
                AccountKind.MANAGED,
                "G1",
                False,
                "IN",
            ),
            (
                NORTHWIND,
                "Northwind Traders Inc.",
                "northwind traders",
                AccountKind.UNMANAGED,
                None,
                False,
                "US",
            ),
            (
                TAILSPIN_FED,
                "Tailspin Federal",
                "tailspin federal",
                AccountKind.OTHER,
                None,
                True,
                "US",
            ),
            (
                TAILSPIN_FED_MANAGED,
                "Tailspin Federal Agency",
                "tailspin federal agency",
                AccountKind.MANAGED,
                "G2",
                True,
                "US",
            ),
            (
                FOURTH_COFFEE,
                "Fourth Coffee GmbH",
                "fourth coffee",
                AccountKind.OTHER,
                None,
                False,
                "DE",
            ),
        ]
        for aid, name, key, kind, group, federal, country in accounts:
            s.add(
                Account(
                    id=aid, name=name, search_name=key, kind=kind, group_key=group,
                    federal=federal, country=country, city="City",
                    duns="123456789" if kind is AccountKind.OTHER else None,
                )
            )  # fmt: skip
        solutions = [
            (
                AZURE_IP,
                "Fabrikam Lakehouse",
                SolutionKind.PARTNER,
                FABRIKAM,
                dict(azure_ip_co_sell=True, marketplace_incentivized=True, co_sell_ready=True),
            ),
            (PLAIN, "Fabrikam Migration Factory", SolutionKind.PARTNER, FABRIKAM, {}),
            (
                BIZ_APPS,
                "Fabrikam Field Service",
                SolutionKind.PARTNER,
                FABRIKAM,
                dict(biz_apps_standard=True),
            ),
            (
                PRICED,
                "Azure Virtual Machines",
                SolutionKind.MICROSOFT,
                MICROSOFT,
                dict(priced=True),
            ),
            (
                ADATUM_IP,
                "Adatum Insight",
                SolutionKind.PARTNER,
                ADATUM,
                dict(azure_ip_co_sell=True),
            ),
            (
                ASSESSMENT,
                "Data and Infrastructure Migration",
                SolutionKind.ASSESSMENT,
                MICROSOFT,
                {},
            ),
            (ASSESSMENT_2, "Application Modernization", SolutionKind.ASSESSMENT, MICROSOFT, {}),
        ]
        for sid, name, solution_kind, publisher, flags in solutions:
            s.add(
                Solution(
                    id=sid, name=name, kind=solution_kind, publisher_org_id=publisher,
                    publisher_name={1: "Fabrikam", 2: "Microsoft", 3: "Adatum"}[publisher],
                    **flags,
                )
            )  # fmt: skip
        month = date(2025, 1, 1)
        while month <= date(2027, 12, 1):
            s.add(ExchangeRate(month=month, currency="EUR", usd_per_unit="1.10"))
            s.add(ExchangeRate(month=month, currency="INR", usd_per_unit="0.012"))
            month = (month + timedelta(days=32)).replace(day=1)
        mark_database(s, "test")  # --now and --user are free on a test database
        s.commit()
        if engine.dialect.name == "postgresql":
            # Explicit ids do not move PostgreSQL's sequences; later inserts must not collide.
            for table in ("organization", "location", "user_account", "account"):
                s.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT max(id) FROM {table}))"
                    )
                )
            s.commit()


def draft(**overrides: Any) -> DealDraft:
    """A valid private deal for Seattle, Contoso, one Azure IP solution, ava on the team."""
    base = DealDraft(
        name="Lakehouse for Contoso",
        location_id=SEATTLE,
        value="50000",
        currency="USD",
        close_date="2027-03-31",
        notes="Customer wants a lakehouse.",
        account_id=CONTOSO_IN,
        contact=None,
        consent=False,
        marketplace_intent="No",
        team=(AVA_PERSON,),
        solutions=(SolutionInput(AZURE_IP),),
        help_type=HelpType.NONE,
        visible_to_microsoft=False,
    )
    return replace(base, **overrides)


def co_sell_draft(**overrides: Any) -> DealDraft:
    values: dict[str, Any] = {
        "help_type": HelpType.TECHNICAL_ARCHITECTURE,
        "help_notes": "Architecture review",
        "contact": CONTACT,
        "consent": True,
        "visible_to_microsoft": None,
    }
    values.update(overrides)
    return draft(**values)


def invitation(**overrides: Any) -> InvitationDraft:
    base = InvitationDraft(
        org_id=ADATUM,
        value="10000",
        currency="USD",
        close_date="2027-02-28",
        notes="Bring Insight",
        help_type=HelpType.GENERAL,
        solution_ids=(ADATUM_IP,),
    )
    return replace(base, **overrides)


def referral(**overrides: Any) -> ReferralDraft:
    """A referral to Fabrikam (routed to Seattle for a US customer)."""
    base = ReferralDraft(
        to_org_id=FABRIKAM,
        name="Northwind data platform",
        value="80000",
        currency="USD",
        close_date="2027-01-31",
        notes="Customer asked for a partner.",
        account_id=NORTHWIND,
        help_type=HelpType.GENERAL,
    )
    return replace(base, **overrides)


def accept_form(**overrides: Any) -> AcceptForm:
    base = AcceptForm(
        name="Northwind data platform",
        value="80000",
        currency="USD",
        close_date="2027-01-31",
        notes="We take it.",
    )
    return replace(base, **overrides)


def registration_form(**overrides: Any) -> RegistrationForm:
    """Valid against a deal created at NOW and registered ten days later."""
    base = RegistrationForm(
        is_marketplace="no",
        deployed_on_azure="yes",
        term="Finite",
        contract_value="300000",
        contract_currency="USD",
        solution_id=AZURE_IP,
        solution_value="200000",
        solution_currency="USD",
        sign_date=(TODAY + timedelta(days=5)).isoformat(),
        start_date=(TODAY + timedelta(days=6)).isoformat(),
        end_date=(TODAY + timedelta(days=6 + 3 * 365)).isoformat(),
        tenant_type="Customer",
        pricing_model="Other",
    )
    return replace(base, **overrides)


__all__ = ["Decimal"]
