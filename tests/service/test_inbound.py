"""Inbound referrals: sent by Microsoft or a partner (T2), accepted (T3), declined (T4), expired
by the sweep (T5) with the 48-hour reminder, and the bulk actions on them (D11, §2.6)."""

from __future__ import annotations

import pytest

from cosell_tui.domain import (
    Action,
    CloseReason,
    DealType,
    Direction,
    MicrosoftStatus,
    Status,
    Substatus,
)
from cosell_tui.domain.views import DealRow, GridQuery, Tab
from cosell_tui.service import Service
from cosell_tui.service.errors import NotFoundError, RuleRefusal, ValidationError
from cosell_tui.service.forms import AccountInput, PersonInput
from tests import factories as f
from tests.service.conftest import advance, dump, rows, scalar


def inbound(svc: Service, sender: str = "jordan", **overrides: object) -> DealRow:
    """A referral sent to Fabrikam; returns the row as Fabrikam sees it."""
    svc.as_user(sender).creation.send_referral(f.referral(**overrides))
    pk = scalar(
        svc,
        "SELECT max(id) FROM referral WHERE org_id = :o AND direction = 'Incoming'",
        o=f.FABRIKAM,
    )
    assert isinstance(pk, int)
    return svc.listing.row(pk)


def test_t2_microsoft_seller_sends_a_referral_to_inbound(svc: Service) -> None:
    row = inbound(svc)
    assert (row.direction, row.status, row.substatus) == (
        Direction.INCOMING,
        Status.NEW,
        Substatus.PENDING,
    )
    assert row.deal_type is DealType.CO_SELL and row.microsoft_status is MicrosoftStatus.ACCEPTED
    assert row.expires_at is not None
    assert (row.expires_at - row.created_at).days == 14
    detail = svc.listing.deal(row.id)
    assert detail.location_name == "Seattle"  # routed to the US location for a US customer
    assert detail.invited_by == "Jordan Ellis (Microsoft)"


def test_d11_new_inbound_notifies_the_admins_of_the_target_location(svc: Service) -> None:
    inbound(svc)
    recipients = {r[0] for r in rows(svc, "SELECT recipient_email FROM notification")}
    assert recipients == {"ava@fabrikam.example"}  # ben is London-only; cara is no admin
    svc.as_user("dan").creation.send_referral(f.referral(to_location_id=f.LONDON))
    london = rows(
        svc, "SELECT recipient_email FROM notification WHERE id > 1 ORDER BY recipient_email"
    )
    assert london == [("ava@fabrikam.example",), ("ben@fabrikam.example",)]


def test_partner_referral_is_p2p(svc: Service) -> None:
    row = inbound(svc, "dan")
    assert row.p2p and row.microsoft_status is MicrosoftStatus.NONE


def test_send_referral_validates(svc: Service) -> None:
    before = dump(svc)
    with pytest.raises(ValidationError) as err:
        svc.as_user("jordan").creation.send_referral(
            f.referral(to_org_id=f.MICROSOFT, value="x", account_id=None, account=None)
        )
    assert {"to_org_id", "value", "customer"} <= set(err.value.fields)
    assert dump(svc) == before


def test_send_referral_with_manual_customer_and_contact(svc: Service) -> None:
    row = inbound(
        svc,
        "dan",
        account_id=None,
        account=AccountInput("Margie's Travel", "US"),
        contact=PersonInput("Margie", "T", None, "margie@travel.example"),
    )
    assert svc.listing.deal(row.id).contacts[0].email == "margie@travel.example"


def test_t3_accept_requires_the_fields(svc: Service) -> None:
    row = inbound(svc)
    with pytest.raises(ValidationError) as err:
        svc.lifecycle.accept(
            row.id, row.version, f.accept_form(name="", value="", close_date="", notes="")
        )
    assert set(err.value.fields) == {"name", "value", "close_date", "notes"}


def test_t3_accept_moves_to_accepted_and_tells_the_sender(svc: Service) -> None:
    row = inbound(svc)
    out = svc.lifecycle.accept(
        row.id,
        row.version,
        f.accept_form(value="90000", crm_id="CRM-1", contacts=(f.CONTACT,)),
    )
    assert (out.deal.status, out.deal.substatus) == (Status.ACTIVE, Substatus.ACCEPTED)
    assert out.deal.value == f.Decimal("90000.00") and out.deal.expires_at is None
    detail = svc.listing.deal(row.id)
    assert detail.accepted_at is not None and detail.contacts[0].email == "ravi@contoso.example"
    assert ("jordan@microsoft.example", "accepted") in rows(
        svc, "SELECT recipient_email, kind FROM notification"
    )
    sender_history = rows(
        svc, "SELECT action FROM history h JOIN referral r ON r.id = h.referral_id "
        "WHERE r.org_id = :o", o=f.MICROSOFT,
    )  # fmt: skip
    assert ("invitee_accepted",) in sender_history


def test_t3_accept_only_within_the_window(svc: Service) -> None:
    row = inbound(svc)
    advance(svc, days=14, seconds=1)
    with pytest.raises(RuleRefusal):
        svc.lifecycle.accept(row.id, row.version, f.accept_form())


@pytest.mark.parametrize("answer", ["accept", "decline"])
def test_the_window_is_exact_to_the_last_second(svc: Service, answer: str) -> None:
    """Half an hour left (once rounded down to 0 hours and refused) and one second left both
    answer; the expiry instant itself does not."""
    row = inbound(svc)
    advance(svc, days=14, seconds=-1)
    if answer == "accept":
        out = svc.lifecycle.accept(row.id, row.version, f.accept_form())
        assert out.deal.substatus is Substatus.ACCEPTED
    else:
        out = svc.lifecycle.decline(row.id, row.version, CloseReason.BUDGET)
        assert out.deal.substatus is Substatus.DECLINED


def test_half_an_hour_left_is_still_open(svc: Service) -> None:
    row = inbound(svc)
    advance(svc, days=14, minutes=-30)
    assert {Action.ACCEPT, Action.DECLINE} <= svc.listing.deal(row.id).decision.allowed


@pytest.mark.parametrize("answer", ["accept", "decline"])
def test_from_the_expiry_instant_nothing_answers(svc: Service, answer: str) -> None:
    row = inbound(svc)
    advance(svc, days=14)
    with pytest.raises(RuleRefusal, match="closed"):
        if answer == "accept":
            svc.lifecycle.accept(row.id, row.version, f.accept_form())
        else:
            svc.lifecycle.decline(row.id, row.version, CloseReason.BUDGET)


def test_an_overdue_referral_reads_expired_before_the_sweep(svc: Service) -> None:
    row = inbound(svc)
    advance(svc, days=14)
    assert svc.listing.row(row.id).substatus is Substatus.EXPIRED
    detail = svc.listing.deal(row.id)
    assert (detail.row.status, detail.row.substatus) == (Status.CLOSED, Substatus.EXPIRED)
    assert detail.row.closed_at == row.expires_at
    assert detail.decision.allowed == frozenset()
    inbound_page = svc.listing.page(GridQuery(Tab.INBOUND), 0, 50).rows
    assert row.id not in {r.id for r in inbound_page}  # the tabs follow the clock too
    page = svc.listing.page(GridQuery(Tab.CLOSED), 0, 50).rows
    assert [r.substatus for r in page if r.id == row.id] == [Substatus.EXPIRED]
    assert svc.listing.find_deals(str(row.id))[0].substatus is Substatus.EXPIRED
    # nothing was written: the sweep still records it and tells the sender
    assert scalar(svc, "SELECT substatus FROM referral WHERE id = :i", i=row.id) == "Pending"
    assert svc.microsoft.sweep().expired == (row.id,)


def test_t4_decline_needs_a_reason_and_tells_the_sender(svc: Service) -> None:
    row = inbound(svc, "dan")
    with pytest.raises(ValidationError):
        svc.lifecycle.decline(row.id, row.version, "not-a-reason")  # type: ignore[arg-type]  # on purpose
    out = svc.lifecycle.decline(row.id, row.version, CloseReason.OTHER_VENDOR, "Went elsewhere")
    assert out.deal.substatus is Substatus.DECLINED and out.deal.closed_at is not None
    detail = svc.listing.deal(row.id)
    assert detail.status_reason == "Customer chose another vendor: Went elsewhere"
    assert ("dan@adatum.example", "declined") in rows(
        svc, "SELECT recipient_email, kind FROM notification"
    )


def test_decline_only_inbound(svc: Service) -> None:
    row = svc.creation.create_deal(f.draft()).deal
    with pytest.raises(RuleRefusal):
        svc.lifecycle.decline(row.id, row.version, CloseReason.BUDGET)


def test_t5_sweep_expires_after_14_days_and_tells_the_sender(svc: Service) -> None:
    row = inbound(svc, "dan")
    advance(svc, days=13)
    assert svc.microsoft.sweep().expired == ()
    advance(svc, days=1)
    report = svc.microsoft.sweep()
    assert report.expired == (row.id,)
    assert svc.listing.row(row.id).substatus is Substatus.EXPIRED
    assert ("dan@adatum.example", "expired") in rows(
        svc, "SELECT recipient_email, kind FROM notification"
    )
    history = svc.listing.deal(row.id).history[0]
    assert history.action == "expired" and history.who == "system"


def test_sweep_sends_the_48_hour_reminder_once(svc: Service) -> None:
    row = inbound(svc)
    advance(svc, days=11)
    assert svc.microsoft.sweep().reminded == ()
    advance(svc, days=1, hours=1)
    assert svc.microsoft.sweep().reminded == (row.id,)
    assert svc.microsoft.sweep().reminded == ()
    kinds = [r[0] for r in rows(svc, "SELECT kind FROM notification WHERE kind = 'reminder'")]
    assert kinds == ["reminder"]
    assert svc.listing.row(row.id).version == row.version  # bookkeeping never conflicts with a user


def test_sweep_is_idempotent(svc: Service) -> None:
    inbound(svc)
    advance(svc, days=15)
    first = svc.microsoft.sweep()
    snapshot = dump(svc)
    second = svc.microsoft.sweep()
    assert first.total == 1 and second.total == 0
    assert dump(svc) == snapshot


def test_bulk_accept_reports_each_deal(svc: Service) -> None:
    a = inbound(svc)
    b = inbound(svc, "dan", name="Second")
    own = svc.creation.create_deal(f.draft()).deal
    result = svc.lifecycle.bulk_accept([a.id, b.id, own.id, 9999])
    assert {r.id for r in result.done} == {a.id, b.id}
    refused = {r[0]: r for r in result.refused}
    assert set(refused) == {own.id, 9999}
    assert refused[own.id][1] == own.name and refused[own.id][2]


def test_bulk_decline_each_in_its_own_transaction(svc: Service) -> None:
    a = inbound(svc)
    b = inbound(svc, name="Second")
    svc.lifecycle.decline(b.id, b.version, CloseReason.BUDGET)
    result = svc.lifecycle.bulk_decline([a.id, b.id], CloseReason.NO_RESPONSE)
    assert [r.id for r in result.done] == [a.id]
    assert [r[0] for r in result.refused] == [b.id]


def test_bulk_favorite_and_favorites_are_per_user(svc: Service) -> None:
    a = svc.creation.create_deal(f.draft()).deal
    b = svc.creation.create_deal(f.draft(name="Other")).deal
    result = svc.listing.bulk_favorite([a.id, b.id, 424242])
    assert all(r.favorite for r in result.done) and len(result.refused) == 1
    assert not svc.as_user("cara").listing.bulk_favorite([a.id]).done  # not visible to cara
    assert svc.listing.toggle_favorite(a.id) is False
    assert svc.listing.row(a.id).favorite is False and svc.listing.row(b.id).favorite is True
    with pytest.raises(NotFoundError):
        svc.as_user("dan").listing.set_favorite(a.id, True)
