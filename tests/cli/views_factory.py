"""Read models built by hand, to test the JSON mapping and the rendering without a database."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from cosell_tui.domain import (
    AccountKind,
    Action,
    DealType,
    Direction,
    HelpType,
    MarketplaceIntent,
    MicrosoftStatus,
    RegistrationStatus,
    SolutionCategory,
    Status,
    Substatus,
)
from cosell_tui.domain.facts import Checklist, Criterion, Outcome, TransitionDecision
from cosell_tui.domain.views import (
    AccountView,
    DealDetail,
    DealRow,
    HistoryView,
    InvitationView,
    MicrosoftCard,
    PersonView,
    RegistrationView,
    SolutionLine,
    SolutionView,
)

CREATED = datetime(2026, 11, 1, 9, 30, tzinfo=UTC)


def row(**changes: Any) -> DealRow:
    base = DealRow(
        id=42,
        referral_id="6f1c0000-0000-4000-8000-000000000042",
        name="Fabrikam – SOC modernisation",
        customer_name="Fabrikam Inc",
        deal_type=DealType.CO_SELL,
        p2p=True,
        direction=Direction.OUTGOING,
        status=Status.CLOSED,
        substatus=Substatus.WON,
        value=Decimal("120000.50"),
        currency="USD",
        close_date=date(2026, 12, 15),
        country="US",
        created_at=CREATED,
        expires_at=None,
        closed_at=datetime(2026, 11, 20, 10, 0, tzinfo=UTC),
        microsoft_status=MicrosoftStatus.ACCEPTED,
        partner_role=None,
        partner_program=None,
        crm_id="CRM-7",
        stage_pct=100,
        registration_status=RegistrationStatus.APPROVED,
        favorite=True,
        version=5,
    )
    return replace(base, **changes)


def detail(**changes: Any) -> DealDetail:
    solution = SolutionView(
        id="SOL-30002-XYZ",
        name="Contoso Sentinel Pack",
        publisher_name="Contoso",
        category=SolutionCategory.MINE,
        co_sell_ready=True,
        azure_ip_co_sell=True,
        biz_apps_premium=False,
        biz_apps_standard=False,
        marketplace_incentivized=True,
        priced=False,
    )
    person = PersonView("Mia", "Chen", "+14255550123", "mia.chen@partner.example")
    base = DealDetail(
        row=row(),
        location_name="Contoso Seattle",
        location_partner_id="4100001",
        org_name="Contoso",
        invited_by=None,
        invite_notes="Need an architecture review.",
        help_type=HelpType.TECHNICAL_ARCHITECTURE,
        visible_to_microsoft=True,
        marketplace_intent=MarketplaceIntent.YES,
        notes="SOC modernisation for 4 sites.",
        campaign_id=None,
        status_reason=None,
        accepted_at=CREATED,
        updated_at=CREATED,
        customer=AccountView(
            id=7,
            name="Fabrikam Inc",
            kind=AccountKind.MANAGED,
            microsoft_account_id="1-ABC123",
            group_key="g7",
            duns="123456789",
            federal=False,
            address="1 Main St",
            city="Redmond",
            postal_code="98052",
            country="US",
        ),
        contacts=(PersonView("Ana", "Silva", None, "ana@fabrikam.example"),),
        team=(person,),
        solutions=(SolutionLine(solution),),
        invitations=(
            InvitationView(
                id=3,
                to_org_name="Litware",
                value=Decimal("20000"),
                currency="USD",
                close_date=date(2026, 12, 1),
                notes="Bring deployment.",
                help_type=HelpType.GENERAL,
                solution_ids=("SOL-40000-LIT",),
                created_at=CREATED,
                invitee_status=Substatus.ACCEPTED,
            ),
        ),
        microsoft=MicrosoftCard(
            status=MicrosoftStatus.ACCEPTED,
            requested_at=CREATED,
            seller=PersonView("Sam", "Seller", None, "sam@microsoft.example"),
            msx_id="MSX-1",
            decline_reason=None,
            expires_at=None,
        ),
        decision=TransitionDecision(
            allowed=frozenset({Action.REGISTER}),
            refusals={Action.EDIT_DETAILS: "The deal is won: a closed deal cannot change."},
        ),
        checklist=Checklist(
            (
                Criterion("won", "Deal is won", Outcome.MET, "The deal is won."),
                Criterion(
                    "value",
                    "Value at least USD 25,000",
                    Outcome.UNDECIDABLE,
                    "No exchange rate for the month.",
                    ("value_usd",),
                ),
            )
        ),
        registration=RegistrationView(
            status=RegistrationStatus.APPROVED,
            status_reason=None,
            is_marketplace=False,
            deployed_on_azure=True,
            perpetual=False,
            contract_value=Decimal("90000"),
            contract_currency="USD",
            solution_id="SOL-30002-XYZ",
            solution_value=Decimal("80000"),
            solution_currency="USD",
            sign_date=date(2026, 11, 2),
            start_date=date(2026, 11, 1),
            end_date=date(2029, 10, 31),
            tenant_type="Customer",
            pricing_model="Other",
            registered_at=CREATED,
        ),
        history=(HistoryView(CREATED, "Mia Chen", "create", "Created the deal."),),
    )
    return replace(base, **changes)
