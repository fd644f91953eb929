"""Creating deals (T1): the wizard's rules, the engagement model (D12) and notifications (D11)."""

from __future__ import annotations

import pytest

from cosell_tui.domain import (
    AccountKind,
    DealType,
    Direction,
    HelpType,
    MicrosoftStatus,
    Status,
    Substatus,
)
from cosell_tui.service import Service
from cosell_tui.service.errors import RuleRefusal, ValidationError
from cosell_tui.service.forms import AccountInput, PersonInput, SolutionInput
from tests import factories as f
from tests.service.conftest import dump, rows, scalar


def test_private_deal_starts_created_at_ten_percent(svc: Service) -> None:
    out = svc.creation.create_deal(f.draft())
    row = out.deal
    assert (row.direction, row.status, row.substatus) == (
        Direction.OUTGOING,
        Status.ACTIVE,
        Substatus.ACCEPTED,
    )
    assert row.deal_type is DealType.PRIVATE and row.stage_pct == 10
    assert row.value == f.Decimal("50000.00") and row.currency == "USD"
    detail = svc.listing.deal(row.id)
    assert detail.accepted_at == row.created_at
    assert [p.email for p in detail.team] == ["ava@fabrikam.example"]


def test_d11_no_email_to_the_creator_of_a_new_deal(svc: Service) -> None:
    svc.creation.create_deal(f.draft())
    assert scalar(svc, "SELECT count(*) FROM notification") == 0


def test_partner_led_when_visible_to_microsoft(svc: Service) -> None:
    row = svc.creation.create_deal(f.draft(visible_to_microsoft=True)).deal
    assert row.deal_type is DealType.PARTNER_LED
    assert svc.listing.deal(row.id).visible_to_microsoft


def test_d12_co_sell_creates_microsofts_pending_referral(svc: Service) -> None:
    row = svc.creation.create_deal(f.co_sell_draft()).deal
    assert row.deal_type is DealType.CO_SELL and row.microsoft_status is MicrosoftStatus.PENDING
    ms = rows(
        svc,
        "SELECT status, substatus, direction, expires_at FROM referral WHERE org_id = :o",
        o=f.MICROSOFT,
    )
    assert len(ms) == 1 and ms[0][:3] == ("New", "Pending", "Incoming")
    sent = rows(svc, "SELECT recipient_email, kind FROM notification")
    assert sent == [("jordan@microsoft.example", "new_inbound")]


def test_co_sell_needs_a_customer_contact(svc: Service) -> None:
    """deal_type.yaml's help-needs-customer-contact, said next to the contact."""
    with pytest.raises(ValidationError) as err:
        svc.creation.create_deal(f.co_sell_draft(contact=None, consent=False))
    assert "needs a customer contact" in err.value.fields["contact"]


def test_contact_needs_consent(svc: Service) -> None:
    with pytest.raises(ValidationError) as err:
        svc.creation.create_deal(f.co_sell_draft(consent=False))
    assert "consent" in err.value.fields


def test_no_help_needs_the_visibility_answer(svc: Service) -> None:
    with pytest.raises(ValidationError) as err:
        svc.creation.create_deal(f.draft(visible_to_microsoft=None))
    assert "visible_to_microsoft" in err.value.fields


def test_p2p_invitation_creates_the_invitees_inbound_referral(svc: Service) -> None:
    row = svc.creation.create_deal(f.draft(invitations=(f.invitation(),))).deal
    assert row.p2p
    invitee = rows(
        svc,
        "SELECT status, substatus, value, currency, location_id, p2p FROM referral "
        "WHERE org_id = :o",
        o=f.ADATUM,
    )
    assert invitee == [("New", "Pending", 1000000, "USD", f.TORONTO, True)]
    assert rows(svc, "SELECT recipient_email, kind FROM notification") == [
        ("dan@adatum.example", "invitation")
    ]
    invitation = svc.listing.deal(row.id).invitations[0]
    assert invitation.to_org_name == "Adatum" and invitation.solution_ids == (f.ADATUM_IP,)
    assert invitation.invitee_status is Substatus.PENDING


@pytest.mark.parametrize(
    ("org", "field"),
    [
        (f.FABRIKAM, "invitations[0].org_id"),
        (f.LITWARE, "invitations[0].org_id"),
        (999, "invitations[0].org_id"),
    ],
)
def test_only_ecosystem_partners_can_be_invited(svc: Service, org: int, field: str) -> None:
    with pytest.raises(ValidationError) as err:
        svc.creation.create_deal(f.draft(invitations=(f.invitation(org_id=org),)))
    assert field in err.value.fields


def test_invitation_needs_a_solution(svc: Service) -> None:
    with pytest.raises(ValidationError) as err:
        svc.creation.create_deal(f.draft(invitations=(f.invitation(solution_ids=()),)))
    assert "invitations[0].solution_ids" in err.value.fields


def test_invite_microsoft_in_the_wizard_makes_a_co_sell(svc: Service) -> None:
    inv = f.invitation(org_id="microsoft", help_type=HelpType.PROOF_OF_CONCEPT, solution_ids=())
    row = svc.creation.create_deal(
        f.draft(contact=f.CONTACT, consent=True, invitations=(inv,))
    ).deal
    assert row.deal_type is DealType.CO_SELL
    assert row.microsoft_status is MicrosoftStatus.PENDING
    assert svc.listing.deal(row.id).invitations[0].help_type is HelpType.PROOF_OF_CONCEPT


def test_solution_assessment_deal(svc: Service) -> None:
    row = svc.creation.create_deal(
        f.draft(
            solutions=(SolutionInput(f.ASSESSMENT),),
            assessment_location_id=f.SEATTLE,
            visible_to_microsoft=None,
        )
    ).deal
    assert row.deal_type is DealType.SOLUTION_ASSESSMENT


def test_solution_assessment_allows_exactly_one_solution(svc: Service) -> None:
    before = dump(svc)
    with pytest.raises((ValidationError, RuleRefusal)):
        svc.creation.create_deal(
            f.draft(
                solutions=(SolutionInput(f.ASSESSMENT), SolutionInput(f.AZURE_IP)),
                assessment_location_id=f.SEATTLE,
            )
        )
    assert dump(svc) == before


def test_solution_assessment_needs_its_location(svc: Service) -> None:
    with pytest.raises(ValidationError) as err:
        svc.creation.create_deal(f.draft(solutions=(SolutionInput(f.ASSESSMENT),)))
    assert "assessment_location_id" in err.value.fields


def test_solution_assessment_only_for_vetted_partners(svc: Service) -> None:
    with pytest.raises((ValidationError, RuleRefusal)):
        svc.as_user("dan").creation.create_deal(
            f.draft(
                location_id=f.TORONTO,
                team=(PersonInput("Dan", "Reyes", "+14165550104", "dan@adatum.example"),),
                solutions=(SolutionInput(f.ASSESSMENT),),
                assessment_location_id=f.TORONTO,
            )
        )


def test_d2_location_must_be_in_scope(svc: Service) -> None:
    with pytest.raises(ValidationError) as err:
        svc.as_user("ben").creation.create_deal(f.draft(location_id=f.SEATTLE))
    assert "location_id" in err.value.fields
    assert svc.as_user("ben").creation.create_deal(f.draft(location_id=f.LONDON)).deal.id


def test_d2_referrals_user_creates_for_their_location(svc: Service) -> None:
    cara = svc.as_user("cara")
    assert cara.creation.create_deal(f.draft(team=(f.CARA_PERSON,))).deal.id
    with pytest.raises(ValidationError):
        cara.creation.create_deal(f.draft(location_id=f.LONDON, team=(f.CARA_PERSON,)))


def test_microsoft_sellers_do_not_create_partner_deals(svc: Service) -> None:
    with pytest.raises(RuleRefusal):
        svc.as_user("jordan").creation.create_deal(f.draft())


def test_federal_customers_come_from_the_duns_list(svc: Service) -> None:
    with pytest.raises(ValidationError) as err:
        svc.creation.create_deal(f.draft(account_id=f.TAILSPIN_FED_MANAGED))
    assert "account_id" in err.value.fields
    assert svc.creation.create_deal(f.draft(account_id=f.TAILSPIN_FED)).deal.id


def test_manual_customer_becomes_a_manual_account(svc: Service) -> None:
    row = svc.creation.create_deal(
        f.draft(account_id=None, account=AccountInput("Wide World Importers Ltd", "gb"))
    ).deal
    customer = svc.listing.deal(row.id).customer
    assert customer.kind is AccountKind.MANUAL and customer.country == "GB"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name": "  "}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"value": "-5"}, "value"),
        ({"value": "12.345"}, "value"),
        ({"currency": "XYZ"}, "currency"),
        ({"close_date": "31/12/2026"}, "close_date"),
        ({"notes": ""}, "notes"),
        ({"notes": "n" * 5001}, "notes"),
        ({"team": (PersonInput("A", "B", "12", "a@b.example"),)}, "team[0].phone"),
        ({"team": (PersonInput("A", "B", "+12065550101", "not-an-email"),)}, "team[0].email"),
        (
            {
                "team": tuple(
                    PersonInput("A", str(i), "+12065550101", f"a{i}@b.example") for i in range(51)
                )
            },
            "team",
        ),
        ({"solutions": (SolutionInput("NOPE"),)}, "solutions[0].solution_id"),
        (
            {"solutions": (SolutionInput(f.AZURE_IP), SolutionInput(f.AZURE_IP))},
            "solutions[1].solution_id",
        ),
        ({"solutions": (SolutionInput(f.AZURE_IP, price="10"),)}, "solutions[0].price"),
        (
            {"marketplace_intent": "Yes", "solutions": (SolutionInput(f.PLAIN),)},
            "marketplace_intent",
        ),
        ({"crm_id": "c" * 101}, "crm_id"),
    ],
)
def test_invalid_wizard_input_is_refused_and_writes_nothing(
    svc: Service, overrides: dict[str, object], field: str
) -> None:
    before = dump(svc)
    with pytest.raises(ValidationError) as err:
        svc.creation.create_deal(f.draft(**overrides))
    assert field in err.value.fields
    assert dump(svc) == before


def test_priced_solution_takes_price_and_quantity(svc: Service) -> None:
    row = svc.creation.create_deal(
        f.draft(solutions=(SolutionInput(f.AZURE_IP), SolutionInput(f.PRICED, "420", "3", "usd")))
    ).deal
    line = svc.listing.deal(row.id).solutions[1]
    assert (line.price, line.quantity, line.currency) == (f.Decimal("420.00"), 3, "USD")


def test_phone_numbers_are_stored_in_e164(svc: Service) -> None:
    row = svc.creation.create_deal(
        f.draft(team=(PersonInput("Ava", "L", "(206) 555-0101", "AVA@Fabrikam.example"),))
    ).deal
    member = svc.listing.deal(row.id).team[0]
    assert member.phone == "+12065550101" and member.email == "ava@fabrikam.example"
