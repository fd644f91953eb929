"""The exception request on a rejected registration (domain.md §2.5): one per referral, at most
5,000 characters, within 60 days of the first registration, reviewed by Microsoft."""

from __future__ import annotations

from datetime import timedelta

import pytest

from cosell_tui.domain import Action, ExceptionStatus, RegistrationStatus
from cosell_tui.domain.views import DealRow
from cosell_tui.service import Service
from cosell_tui.service.errors import NotFoundError, RuleRefusal, ValidationError
from cosell_tui.service.forms import RegistrationForm
from tests import factories as f
from tests.service.conftest import advance, dump, rows
from tests.service.test_registration import won_registrable


def rejected(svc: Service, row: DealRow | None = None) -> DealRow:
    """A won deal whose registration Microsoft rejected (filed at day 10, rejected at once)."""
    row = row or won_registrable(svc)
    svc.registration.register(row.id, row.version, f.registration_form(pricing_model="PayAsYouGo"))
    svc.as_user("jordan").registration.review(row.id, "reject", "A duplicate of deal 12")
    return svc.listing.row(row.id)


def test_allowed_only_on_a_rejected_registration_with_the_reason_otherwise(svc: Service) -> None:
    row = won_registrable(svc)
    detail = svc.listing.deal(row.id)
    assert Action.REQUEST_EXCEPTION not in detail.decision.allowed
    assert "only on a registration Microsoft rejected" in detail.decision.why_not(
        Action.REQUEST_EXCEPTION
    )
    with pytest.raises(RuleRefusal, match="only on a registration Microsoft rejected"):
        svc.registration.request_exception(row.id, row.version, "Please")
    row = rejected(svc, row)
    assert Action.REQUEST_EXCEPTION in svc.listing.deal(row.id).decision.allowed


def test_request_is_recorded_and_microsoft_told(svc: Service) -> None:
    row = rejected(svc)
    out = svc.registration.request_exception(row.id, row.version, "  The customer signed twice. ")
    assert "Microsoft reviews it" in out.message
    reg = svc.listing.deal(row.id).registration
    assert reg is not None and reg.exception_status is ExceptionStatus.PENDING
    assert reg.exception_message == "The customer signed twice."
    history = svc.listing.deal(row.id).history
    assert any(h.action == "exception_requested" for h in history)
    told = rows(svc, "SELECT recipient_email FROM notification WHERE kind = 'exception'")
    assert told == [("jordan@microsoft.example",)]


def test_one_request_per_referral(svc: Service) -> None:
    row = rejected(svc)
    out = svc.registration.request_exception(row.id, row.version, "Please reconsider.")
    before = dump(svc)
    with pytest.raises(RuleRefusal, match=r"one\s+request per referral"):
        svc.registration.request_exception(out.deal.id, out.deal.version, "Again")
    assert dump(svc) == before


def test_message_required_and_at_most_5000_characters(svc: Service) -> None:
    row = rejected(svc)
    before = dump(svc)
    for text in ("", "   ", "x" * 5001):
        with pytest.raises(ValidationError):
            svc.registration.request_exception(row.id, row.version, text)
    assert dump(svc) == before
    out = svc.registration.request_exception(row.id, row.version, "x" * 5000)
    assert out.deal.id == row.id


def test_within_60_days_of_the_first_registration(svc: Service) -> None:
    row = rejected(svc)
    advance(svc, days=59, hours=23)
    assert Action.REQUEST_EXCEPTION in svc.listing.deal(row.id).decision.allowed
    advance(svc, hours=1)
    why = svc.listing.deal(row.id).decision.why_not(Action.REQUEST_EXCEPTION)
    assert "filed 60 days ago" in why and "within 60 days" in why
    with pytest.raises(RuleRefusal, match="within 60 days"):
        svc.registration.request_exception(row.id, row.version, "Late")


def test_microsoft_cannot_request_on_a_partners_deal(svc: Service) -> None:
    row = rejected(svc)
    with pytest.raises(NotFoundError):  # a partner's deal is not Microsoft's to see (D10)
        svc.as_user("jordan").registration.request_exception(row.id, row.version, "Please")


@pytest.mark.parametrize(
    ("decision", "message", "status", "registration"),
    [
        ("approve", "", ExceptionStatus.APPROVED, RegistrationStatus.ACTION_REQUIRED),
        ("send-back", "Attach the POE", ExceptionStatus.ACTION_REQUIRED, RegistrationStatus.FAILED),
        ("reject", "No grounds", ExceptionStatus.REJECTED, RegistrationStatus.FAILED),
    ],
)
def test_review_decisions(
    svc: Service,
    decision: str,
    message: str,
    status: ExceptionStatus,
    registration: RegistrationStatus,
) -> None:
    row = rejected(svc)
    svc.registration.request_exception(row.id, row.version, "Please reconsider.")
    jordan = svc.as_user("jordan")
    queue = jordan.registration.awaiting_exceptions()
    assert [(i.deal_id, i.message) for i in queue] == [(row.id, "Please reconsider.")]
    out = jordan.registration.review_exception(row.id, decision, message)
    assert out.deal.registration_status is registration
    reg = svc.listing.deal(row.id).registration
    assert reg is not None and reg.exception_status is status
    assert jordan.registration.awaiting_exceptions() == ()
    told = rows(svc, "SELECT body FROM notification WHERE kind = 'registration' ORDER BY id")
    assert status.label in str(told[-1][0]) and message in str(told[-1][0])
    history = svc.listing.deal(row.id).history
    assert any(h.action == "exception_review" for h in history)


def test_sent_back_request_is_corrected_and_sent_again(svc: Service) -> None:
    row = rejected(svc)
    svc.registration.request_exception(row.id, row.version, "Please reconsider.")
    svc.as_user("jordan").registration.review_exception(row.id, "send-back", "Attach the POE")
    again = svc.listing.row(row.id)
    out = svc.registration.request_exception(again.id, again.version, "POE attached.")
    reg = svc.listing.deal(out.deal.id).registration
    assert reg is not None and reg.exception_status is ExceptionStatus.PENDING


def test_approved_exception_lets_the_team_file_again(svc: Service) -> None:
    row = rejected(svc)
    svc.registration.request_exception(row.id, row.version, "Please reconsider.")
    svc.as_user("jordan").registration.review_exception(row.id, "approve")
    again = svc.listing.row(row.id)
    out = svc.registration.register(again.id, again.version, refiled())
    assert out.deal.registration_status is RegistrationStatus.REVIEW_PENDING


def refiled(**overrides: str) -> RegistrationForm:
    """The form `rejected` filed, corrected: what an approved exception lets change."""
    return f.registration_form(**{"pricing_model": "PayAsYouGo", **overrides})


def test_filed_again_after_an_exception_keeps_what_partner_center_freezes(svc: Service) -> None:
    """D19 (transitions.yaml, `kept after an approved exception`): only the term, the contract
    value and the contract dates change; every other answer stays as Microsoft rejected it,
    each refusal naming its field and why, and nothing is written."""
    row = rejected(svc)
    svc.registration.request_exception(row.id, row.version, "Please reconsider.")
    svc.as_user("jordan").registration.review_exception(row.id, "approve")
    again = svc.listing.row(row.id)
    before = dump(svc)
    changed = refiled(pricing_model="Other", tenant_type="Partner", solution_value="150000")
    with pytest.raises(ValidationError) as refused:
        svc.registration.register(again.id, again.version, changed)
    fields = refused.value.fields
    assert set(fields) == {"pricing_model", "tenant_type", "solution_value"}
    assert fields["pricing_model"].startswith("Pricing model stays 'Pay-as-you-go' as Microsoft")
    assert "only the term, the contract value and the contract dates" in fields["tenant_type"]
    assert "200,000.00" in fields["solution_value"]
    assert dump(svc) == before
    out = svc.registration.register(
        again.id,
        again.version,
        refiled(term="Perpetual", end_date="", contract_value="400000"),
    )
    reg = svc.listing.deal(out.deal.id).registration
    assert reg is not None and reg.perpetual and reg.contract_value == 400000


def test_a_plain_send_back_keeps_nothing(svc: Service) -> None:
    """Without an exception, the team corrects any answer of a registration sent back."""
    row = won_registrable(svc)
    svc.registration.register(row.id, row.version, refiled())
    svc.as_user("jordan").registration.review(row.id, "send-back", "Wrong tenant")
    again = svc.listing.row(row.id)
    out = svc.registration.register(again.id, again.version, refiled(tenant_type="Partner"))
    assert out.deal.registration_status is RegistrationStatus.REVIEW_PENDING


def test_review_refusals(svc: Service) -> None:
    row = rejected(svc)
    jordan = svc.as_user("jordan")
    with pytest.raises(NotFoundError):
        jordan.registration.review_exception(row.id, "approve")
    svc.registration.request_exception(row.id, row.version, "Please reconsider.")
    with pytest.raises(RuleRefusal, match="reviewed by Microsoft"):
        svc.registration.review_exception(row.id, "approve")
    with pytest.raises(RuleRefusal, match="reviewed by Microsoft"):
        svc.registration.awaiting_exceptions()
    before = dump(svc)
    with pytest.raises(ValidationError, match="message to the team is required"):
        jordan.registration.review_exception(row.id, "reject")
    with pytest.raises(ValidationError, match="not a review decision"):
        jordan.registration.review_exception(row.id, "maybe")
    assert dump(svc) == before
    jordan.registration.review_exception(row.id, "reject", "No grounds")
    with pytest.raises(RuleRefusal, match="Only a pending exception request"):
        jordan.registration.review_exception(row.id, "approve")


def _filed_late(svc: Service, row: DealRow) -> DealRow:
    """100 days on: the form's sign date (day 5) and start date (day 6) lie beyond the
    60- and 90-day windows of transitions.yaml."""
    advance(svc, days=100)
    return svc.listing.row(row.id)


def test_after_an_approved_exception_the_date_windows_are_relaxed(svc: Service) -> None:
    """D19: the corrected form of an approved exception is checked with relaxed dates (the
    sign and start windows do not apply); what never relaxes still holds."""
    row = rejected(svc)
    svc.registration.request_exception(row.id, row.version, "Signed late by the customer.")
    svc.as_user("jordan").registration.review_exception(row.id, "approve")
    again = _filed_late(svc, row)
    before = dump(svc)
    tomorrow = (svc.clock.now().date() + timedelta(days=1)).isoformat()
    with pytest.raises(ValidationError, match="cannot be in the future"):
        svc.registration.register(again.id, again.version, refiled(sign_date=tomorrow))
    assert dump(svc) == before
    out = svc.registration.register(again.id, again.version, refiled())
    assert out.deal.registration_status is RegistrationStatus.REVIEW_PENDING


def test_without_an_approved_exception_the_date_windows_hold(svc: Service) -> None:
    """A registration sent back (no exception) is filed again against the 60/90-day windows."""
    row = won_registrable(svc)
    svc.registration.register(row.id, row.version, f.registration_form(pricing_model="PayAsYouGo"))
    svc.as_user("jordan").registration.review(row.id, "send-back", "Check the dates")
    again = _filed_late(svc, row)
    before = dump(svc)
    with pytest.raises(ValidationError, match="within 60 days of the contract signature"):
        svc.registration.register(again.id, again.version, f.registration_form())
    assert dump(svc) == before
    late_start = f.registration_form(sign_date=(f.TODAY + timedelta(days=60)).isoformat())
    with pytest.raises(ValidationError, match="more than 90 days ago"):
        svc.registration.register(again.id, again.version, late_start)
    assert dump(svc) == before
