"""Microsoft's side of a co-sell request (domain.md §2.3, D9, D12)."""

from __future__ import annotations

from typing import Any

import pytest

from cosell_tui.domain import (
    Action,
    CloseReason,
    Direction,
    ErrorReason,
    HelpType,
    MicrosoftStatus,
    Status,
    Substatus,
)
from cosell_tui.domain.views import DealRow, GridQuery, Tab
from cosell_tui.service import Service
from cosell_tui.service.errors import NotFoundError, RuleRefusal, ValidationError
from cosell_tui.service.forms import SolutionInput
from tests import factories as f
from tests.service.conftest import advance, rows


def co_sell(svc: Service, **overrides: Any) -> DealRow:
    return svc.creation.create_deal(f.co_sell_draft(**overrides)).deal


def test_microsoft_accepts_and_becomes_the_seller(svc: Service) -> None:
    row = co_sell(svc)
    out = svc.as_user("jordan").microsoft.microsoft_answer(row.id, True)
    assert out.deal.substatus is Substatus.ACCEPTED  # Microsoft's own referral
    partner = svc.listing.row(row.id)
    assert partner.microsoft_status is MicrosoftStatus.ACCEPTED
    assert partner.version == row.version + 1
    assert ("ava@fabrikam.example", "microsoft_accepted") in rows(
        svc, "SELECT recipient_email, kind FROM notification"
    )
    assert svc.listing.deal(row.id).history[0].action == "microsoft_accepted"


def test_microsoft_declines_with_a_reason(svc: Service) -> None:
    row = co_sell(svc)
    jordan = svc.as_user("jordan")
    with pytest.raises(ValidationError):
        jordan.microsoft.microsoft_answer(row.id, False)
    jordan.microsoft.microsoft_answer(row.id, False, "No capacity in this region")
    card = svc.listing.deal(row.id).microsoft
    assert card.status is MicrosoftStatus.DECLINED and card.seller is None
    assert card.decline_reason == "No capacity in this region"
    with pytest.raises(RuleRefusal):
        jordan.microsoft.microsoft_answer(row.id, True)  # already answered


def test_only_microsoft_sellers_answer(svc: Service) -> None:
    row = co_sell(svc)
    with pytest.raises(RuleRefusal):
        svc.microsoft.microsoft_answer(row.id, True)


def test_no_request_no_answer(svc: Service) -> None:
    row = svc.creation.create_deal(f.draft()).deal
    with pytest.raises(NotFoundError):
        svc.as_user("jordan").microsoft.microsoft_answer(row.id, True)


def test_d9_only_microsofts_side_lapses_after_14_days(svc: Service) -> None:
    row = co_sell(svc)
    advance(svc, days=14, minutes=1)
    report = svc.microsoft.sweep()
    assert report.microsoft_lapsed == (row.id,) and report.expired == ()
    partner = svc.listing.row(row.id)
    assert partner.substatus is Substatus.ACCEPTED  # the partner's deal stays open
    assert partner.microsoft_status is MicrosoftStatus.EXPIRED
    assert svc.microsoft.sweep().total == 0
    again = svc.sharing.request_help(partner.id, partner.version, HelpType.GENERAL, "Once more")
    assert again.deal.microsoft_status is MicrosoftStatus.PENDING


def test_microsoft_may_accept_after_the_partner_won(svc: Service) -> None:
    row = co_sell(svc, solutions=(SolutionInput(f.AZURE_IP),))
    advance(svc, hours=80)
    svc.lifecycle.won(row.id, row.version)
    before = svc.listing.deal(row.id).checklist
    assert before is not None and not before.eligible  # Microsoft has not accepted
    svc.as_user("jordan").microsoft.microsoft_answer(row.id, True)
    won = svc.listing.deal(row.id)
    assert won.microsoft.status is MicrosoftStatus.ACCEPTED
    assert won.checklist is not None and won.checklist.eligible
    assert Action.REGISTER in won.decision.allowed
    assert ("ava@fabrikam.example", "microsoft_accepted") in rows(
        svc, "SELECT recipient_email, kind FROM notification"
    )


@pytest.mark.parametrize("closing", ["lost", "error"])
def test_microsoft_cannot_answer_after_the_partner_lost(svc: Service, closing: str) -> None:
    row = co_sell(svc)
    if closing == "lost":
        svc.lifecycle.lost(row.id, row.version, CloseReason.BUDGET)
    else:
        svc.lifecycle.close_as_error(row.id, row.version, ErrorReason.TEST_REFERRAL)
    jordan = svc.as_user("jordan")
    # D15: the partner's close withdrew Microsoft's pending request, which now reads closed.
    for accept, reason in ((True, ""), (False, "Too late")):
        with pytest.raises(RuleRefusal, match="closed"):
            jordan.microsoft.microsoft_answer(row.id, accept, reason)


def test_microsoft_answers_until_the_last_second_of_the_window(svc: Service) -> None:
    row = co_sell(svc)
    jordan = svc.as_user("jordan")
    advance(svc, days=14, seconds=-1)
    request = jordan.listing.page(GridQuery(Tab.INBOUND), 0, 10).rows[0]
    assert request.substatus is not Substatus.EXPIRED
    assert Action.ACCEPT in jordan.listing.deal(request.id).decision.allowed
    advance(svc, seconds=1)  # the expiry instant: expired, before any sweep
    detail = jordan.listing.deal(request.id)
    assert detail.row.substatus is Substatus.EXPIRED and detail.row.status is Status.CLOSED
    with pytest.raises(RuleRefusal, match="closed"):
        jordan.microsoft.microsoft_answer(row.id, True)


def test_a_microsoft_seller_answers_with_accept_and_decline(svc: Service) -> None:
    """The ordinary accept/decline use cases answer on Microsoft's own referral."""
    row = co_sell(svc)
    jordan = svc.as_user("jordan")
    request = jordan.listing.page(GridQuery(Tab.INBOUND), 0, 10).rows[0]
    assert request.direction is Direction.INCOMING
    allowed = jordan.listing.deal(request.id).decision.allowed
    assert allowed == {Action.ACCEPT, Action.DECLINE}
    out = jordan.microsoft.microsoft_answer(request.id, False, "No capacity", request.version)
    assert out.deal.substatus is Substatus.DECLINED
    assert svc.listing.row(row.id).microsoft_status is MicrosoftStatus.DECLINED


def test_microsoft_sellers_cannot_change_partner_deals(svc: Service) -> None:
    row = co_sell(svc)
    with pytest.raises(NotFoundError):
        svc.as_user("jordan").lifecycle.won(row.id, row.version)


def test_bulk_answers_of_a_microsoft_seller_are_microsofts_answers(svc: Service) -> None:
    """accept/decline (one or in bulk) by a Microsoft seller answer the co-sell request: the
    partner's card follows, as with microsoft_answer."""
    first, second = co_sell(svc), co_sell(svc)
    jordan = svc.as_user("jordan")
    requests = [r.id for r in jordan.listing.page(GridQuery(Tab.INBOUND), 0, 10).rows]
    assert len(requests) == 2
    done = jordan.lifecycle.bulk_accept(requests[:1])
    assert len(done.done) == 1
    jordan.lifecycle.bulk_decline(requests[1:], CloseReason.OTHERS, "No capacity")
    statuses = {
        svc.listing.row(first.id).microsoft_status,
        svc.listing.row(second.id).microsoft_status,
    }
    assert statuses == {MicrosoftStatus.ACCEPTED, MicrosoftStatus.DECLINED}
    declined = next(
        svc.listing.deal(r.id).microsoft
        for r in (first, second)
        if svc.listing.row(r.id).microsoft_status is MicrosoftStatus.DECLINED
    )
    assert declined.decline_reason == "Others: No capacity"
