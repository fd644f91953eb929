"""Microsoft's side of a co-sell request (domain.md §2.3, D9, D12)."""

from __future__ import annotations

import pytest

from cosell_tui.domain import HelpType, MicrosoftStatus, Substatus
from cosell_tui.domain.views import DealRow
from cosell_tui.service import Service
from cosell_tui.service.errors import NotFoundError, RuleRefusal, ValidationError
from tests import factories as f
from tests.service.conftest import advance, rows


def co_sell(svc: Service) -> DealRow:
    return svc.creation.create_deal(f.co_sell_draft()).deal


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


def test_microsoft_cannot_answer_on_a_closed_partner_deal(svc: Service) -> None:
    row = co_sell(svc)
    svc.lifecycle.won(row.id, row.version)
    with pytest.raises(RuleRefusal):
        svc.as_user("jordan").microsoft.microsoft_answer(row.id, True)


def test_microsoft_sellers_cannot_change_partner_deals(svc: Service) -> None:
    row = co_sell(svc)
    with pytest.raises(NotFoundError):
        svc.as_user("jordan").lifecycle.won(row.id, row.version)
