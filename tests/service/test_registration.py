"""Azure IP co-sell registration (domain.md §2.5, §4.2, §4.4; D3, D8, D11)."""

from __future__ import annotations

import pytest

from cosell_tui.domain import RegistrationStatus
from cosell_tui.domain.views import DealRow
from cosell_tui.service import Service
from cosell_tui.service.errors import NotFoundError, RuleRefusal, ValidationError
from cosell_tui.service.forms import SolutionInput
from tests import factories as f
from tests.service.conftest import advance, dump, rows


def won_registrable(svc: Service, **overrides: object) -> DealRow:
    """A co-sell deal Microsoft accepted, won after 4 days; the clock then stands at day 10."""
    row = svc.creation.create_deal(f.co_sell_draft(**overrides)).deal
    svc.as_user("jordan").microsoft.microsoft_answer(row.id, True)
    advance(svc, days=4)
    row = svc.listing.row(row.id)
    out = svc.lifecycle.won(row.id, row.version)
    advance(svc, days=6)
    return out.deal


def test_auto_approved(svc: Service) -> None:
    row = won_registrable(svc)
    out = svc.registration.register(row.id, row.version, f.registration_form())
    assert out.deal.registration_status is RegistrationStatus.APPROVED
    reg = svc.listing.deal(row.id).registration
    assert reg is not None and reg.contract_value == f.Decimal("300000.00")
    assert ("ava@fabrikam.example", "registration") in rows(
        svc, "SELECT recipient_email, kind FROM notification"
    )


@pytest.mark.parametrize(
    ("overrides", "status"),
    [
        ({"contract_value": "3600000"}, RegistrationStatus.REVIEW_PENDING),  # ACV > USD 1M
        ({"pricing_model": "PayAsYouGo"}, RegistrationStatus.REVIEW_PENDING),
        (
            {"is_marketplace": "yes", "marketplace_date": "2026-12-01"},
            RegistrationStatus.MARKETPLACE_PENDING,
        ),
    ],
)
def test_auto_approval_exclusions(
    svc: Service, overrides: dict[str, object], status: RegistrationStatus
) -> None:
    row = won_registrable(svc)
    out = svc.registration.register(row.id, row.version, f.registration_form(**overrides))
    assert out.deal.registration_status is status


def test_p2p_registration_goes_to_review(svc: Service) -> None:
    row = won_registrable(svc, invitations=(f.invitation(),))
    out = svc.registration.register(row.id, row.version, f.registration_form())
    assert out.deal.registration_status is RegistrationStatus.REVIEW_PENDING


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"contract_value": "75000"}, "contract_value"),  # ACV 25,000 over 3 years: not above
        ({"term": "Perpetual", "end_date": None, "contract_value": "150000"}, "contract_value"),
        ({"solution_value": "300000.01"}, "solution_value"),
        ({"sign_date": "2026-12-01"}, "sign_date"),  # future (today is 2026-11-30)
        ({"sign_date": "2026-11-19"}, "sign_date"),  # before the deal was created
        ({"start_date": "2026-08-01"}, "start_date"),  # more than 90 days ago
        ({"end_date": "2026-11-01"}, "end_date"),  # before start
        ({"end_date": None}, "end_date"),  # finite needs an end
        ({"deployed_on_azure": "no"}, "deployed_on_azure"),
        ({"is_marketplace": "yes"}, "marketplace_date"),
        ({"solution_id": f.PLAIN}, "solution_id"),
        ({"contract_currency": "ZZZ"}, "contract_currency"),
        ({"tenant_type": "Nobody"}, "tenant_type"),
        ({"pricing_model": ""}, "pricing_model"),
    ],
)
def test_form_validation(svc: Service, overrides: dict[str, object], field: str) -> None:
    row = won_registrable(svc)
    before = dump(svc)
    with pytest.raises(ValidationError) as err:
        svc.registration.register(row.id, row.version, f.registration_form(**overrides))
    assert field in err.value.fields
    assert dump(svc) == before


def test_sign_date_at_most_60_days_ago(svc: Service) -> None:
    row = won_registrable(svc)
    advance(svc, days=60)
    with pytest.raises(ValidationError) as err:
        svc.registration.register(row.id, row.version, f.registration_form())
    assert "sign_date" in err.value.fields


def test_perpetual_spreads_over_six_years(svc: Service) -> None:
    row = won_registrable(svc)
    form = f.registration_form(
        term="Perpetual", end_date=None, contract_value="150006", solution_value="100000"
    )
    assert svc.registration.register(row.id, row.version, form).deal.registration_status is (
        RegistrationStatus.APPROVED
    )


def test_d8_other_currencies_use_the_months_rate(svc: Service) -> None:
    row = won_registrable(svc)
    # EUR 70,000 over 3 years at 1.10 = USD 25,666 a year: above the line.
    form = f.registration_form(
        contract_value="70000", contract_currency="eur", solution_value="1", solution_currency="EUR"
    )
    assert svc.registration.register(row.id, row.version, form).deal.registration_status is (
        RegistrationStatus.APPROVED
    )


def test_d8_missing_rate_is_a_clear_refusal(svc: Service) -> None:
    row = won_registrable(svc)
    before = dump(svc)
    with pytest.raises(RuleRefusal, match="No exchange rate for BRL"):
        svc.registration.register(row.id, row.version, f.registration_form(contract_currency="BRL"))
    assert dump(svc) == before


def test_register_only_eligible_won_deals(svc: Service) -> None:
    private = svc.creation.create_deal(f.draft()).deal
    private = svc.lifecycle.won(private.id, private.version).deal
    with pytest.raises(RuleRefusal):
        svc.registration.register(private.id, private.version, f.registration_form())
    open_deal = svc.creation.create_deal(f.co_sell_draft()).deal
    with pytest.raises(RuleRefusal):
        svc.registration.register(open_deal.id, open_deal.version, f.registration_form())


def test_eligibility_needs_microsoft_acceptance_for_co_sell(svc: Service) -> None:
    row = svc.creation.create_deal(f.co_sell_draft()).deal
    row = svc.lifecycle.won(row.id, row.version).deal
    checklist = svc.listing.deal(row.id).checklist
    assert checklist is not None and not checklist.eligible


def test_eligibility_value_and_solution_criteria(svc: Service) -> None:
    small = svc.creation.create_deal(f.draft(visible_to_microsoft=True, value="24999.99")).deal
    no_ip = svc.creation.create_deal(
        f.draft(visible_to_microsoft=True, solutions=(SolutionInput(f.PLAIN),))
    ).deal
    unmanaged = svc.creation.create_deal(
        f.draft(visible_to_microsoft=True, account_id=f.NORTHWIND)
    ).deal
    for row in (small, no_ip, unmanaged):
        svc.lifecycle.won(row.id, row.version)
        checklist = svc.listing.deal(row.id).checklist
        assert checklist is not None and not checklist.eligible and not checklist.undecidable
    big = svc.creation.create_deal(f.draft(visible_to_microsoft=True, value="25000")).deal
    svc.lifecycle.won(big.id, big.version)
    checklist = svc.listing.deal(big.id).checklist
    assert checklist is not None and checklist.eligible


def test_register_once(svc: Service) -> None:
    row = won_registrable(svc)
    row = svc.registration.register(row.id, row.version, f.registration_form()).deal
    with pytest.raises(RuleRefusal):
        svc.registration.register(row.id, row.version, f.registration_form())


def test_d3_user_on_the_team_may_register(svc: Service) -> None:
    row = won_registrable(svc, team=(f.AVA_PERSON, f.CARA_PERSON))
    out = svc.as_user("cara").registration.register(row.id, row.version, f.registration_form())
    assert out.deal.registration_status is RegistrationStatus.APPROVED


def test_review_sub_lifecycle(svc: Service) -> None:
    row = won_registrable(svc)
    svc.registration.register(row.id, row.version, f.registration_form(pricing_model="PayAsYouGo"))
    jordan = svc.as_user("jordan")
    with pytest.raises(RuleRefusal):
        svc.registration.review_registration(
            row.id, RegistrationStatus.PASSED
        )  # partners do not review
    with pytest.raises(RuleRefusal):
        jordan.registration.review_registration(
            row.id, RegistrationStatus.CLOSED
        )  # not from review
    with pytest.raises(ValidationError):
        jordan.registration.review_registration(
            row.id, RegistrationStatus.ACTION_REQUIRED
        )  # needs reason
    jordan.registration.review_registration(
        row.id, RegistrationStatus.ACTION_REQUIRED, "Send the POE"
    )
    resubmit = svc.listing.row(row.id)
    out = svc.registration.register(
        resubmit.id, resubmit.version, f.registration_form(pricing_model="PayAsYouGo")
    )
    assert out.deal.registration_status is RegistrationStatus.REVIEW_PENDING
    jordan.registration.review_registration(row.id, RegistrationStatus.FAILED, "Duplicate")
    out = jordan.registration.review_registration(row.id, RegistrationStatus.CLOSED)
    assert out.deal.registration_status is RegistrationStatus.CLOSED
    stamps = rows(
        svc,
        "SELECT review_pending_at, action_required_at, failed_at, closed_at FROM registration",
    )[0]
    assert all(stamps)
    kinds = rows(svc, "SELECT count(*) FROM notification WHERE kind = 'registration'")
    assert kinds == [(5,)]  # filed, action required, filed again, failed, closed
    registration = svc.listing.deal(row.id).registration
    assert registration is not None and registration.status_reason is None


def test_a_resubmission_after_send_back_goes_to_review_never_approved(svc: Service) -> None:
    """An auto-approvable filing (no review needed at first) that Microsoft sent back comes
    back as Review (Pending) when the team files it again."""
    row = won_registrable(svc)
    out = svc.registration.register(row.id, row.version, f.registration_form())
    assert out.deal.registration_status is RegistrationStatus.APPROVED
    jordan = svc.as_user("jordan")
    jordan.registration.review_registration(row.id, RegistrationStatus.REVIEW_PENDING)
    jordan.registration.review(row.id, "send-back", "Attach the proof of execution")
    again = svc.listing.row(row.id)
    assert again.registration_status is RegistrationStatus.ACTION_REQUIRED
    out = svc.registration.register(again.id, again.version, f.registration_form())
    assert out.deal.registration_status is RegistrationStatus.REVIEW_PENDING


@pytest.mark.parametrize(
    ("decision", "message", "status"),
    [
        ("approve", "", RegistrationStatus.PASSED),
        ("send-back", "Attach the POE", RegistrationStatus.ACTION_REQUIRED),
        ("reject", "A duplicate of deal 12", RegistrationStatus.FAILED),
    ],
)
def test_review_decisions(
    svc: Service, decision: str, message: str, status: RegistrationStatus
) -> None:
    row = won_registrable(svc)
    svc.registration.register(row.id, row.version, f.registration_form(pricing_model="PayAsYouGo"))
    jordan = svc.as_user("jordan")
    assert [i.deal_id for i in jordan.registration.awaiting_review()] == [row.id]
    out = jordan.registration.review(row.id, decision, message)
    assert out.deal.registration_status is status
    assert jordan.registration.awaiting_review() == ()
    told = rows(svc, "SELECT body FROM notification WHERE kind = 'registration' ORDER BY id")
    assert status.label in str(told[-1][0]) and message in str(told[-1][0])


def test_review_refusals(svc: Service) -> None:
    row = won_registrable(svc)
    svc.registration.register(row.id, row.version, f.registration_form(pricing_model="PayAsYouGo"))
    jordan = svc.as_user("jordan")
    with pytest.raises(RuleRefusal, match="reviewed by Microsoft"):
        svc.registration.review(row.id, "approve")
    with pytest.raises(RuleRefusal, match="reviewed by Microsoft"):
        svc.registration.awaiting_review()
    with pytest.raises(ValidationError, match="message to the team is required"):
        jordan.registration.review(row.id, "reject")
    with pytest.raises(ValidationError, match="not a review decision"):
        jordan.registration.review(row.id, "maybe")
    with pytest.raises(NotFoundError):
        jordan.registration.review(row.id + 1000, "approve")
    jordan.registration.review(row.id, "approve")
    with pytest.raises(RuleRefusal, match="Only a registration under review"):
        jordan.registration.review(row.id, "reject", "Too late")
