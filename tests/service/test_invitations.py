"""Invitations carry what the inviter chose, and what becomes of them when the originating deal
closes (domain.md §1.3 P2P fields, T13, D14, D15)."""

from __future__ import annotations

import pytest

from cosell_tui.domain import HelpType, MicrosoftStatus, Status, Substatus
from cosell_tui.domain.views import DealRow
from cosell_tui.service import Service
from cosell_tui.service.errors import RuleRefusal, ValidationError
from cosell_tui.service.forms import DetailsEdit, SolutionInput
from tests import factories as f
from tests.service.conftest import rows
from tests.service.test_lifecycle import close_error, close_lost, close_won, p2p_pair


def invitee_of(svc: Service) -> DealRow:
    return svc.as_user("dan").listing.find_deals("Lakehouse")[0]


def test_the_invitees_referral_shows_the_help_the_team_and_the_solutions(svc: Service) -> None:
    invitation = f.invitation(help_type=HelpType.PROOF_OF_CONCEPT)
    svc.creation.create_deal(f.draft(team=(f.AVA_PERSON, f.CARA_PERSON), invitations=(invitation,)))
    detail = svc.as_user("dan").listing.deal(invitee_of(svc).id)
    assert detail.help_type is HelpType.PROOF_OF_CONCEPT  # the help asked of them
    assert [(p.full_name, p.email) for p in detail.inviter_contacts] == [
        ("Ava Lindqvist", "ava@fabrikam.example"),
        ("Cara Nguyen", "cara@fabrikam.example"),
    ]
    assert [line.solution.id for line in detail.solutions] == [f.ADATUM_IP]


def test_a_later_invitation_carries_the_team_chosen_for_it(svc: Service) -> None:
    row = svc.creation.create_deal(f.draft(team=(f.AVA_PERSON, f.CARA_PERSON))).deal
    svc.sharing.invite(row.id, row.version, f.invitation(team=(f.CARA_PERSON,)))
    detail = svc.as_user("dan").listing.deal(invitee_of(svc).id)
    assert [p.email for p in detail.inviter_contacts] == ["cara@fabrikam.example"]


def test_the_inviter_picks_the_invited_partners_own_solutions(svc: Service) -> None:
    assert svc.catalog.partner_solutions(f.ADATUM) == ((f.ADATUM_IP, "Adatum Insight"),)
    mine = f.invitation(solution_ids=(f.AZURE_IP,))  # Fabrikam's own: not Adatum's to bring
    with pytest.raises(ValidationError) as err:
        svc.creation.create_deal(f.draft(invitations=(mine,)))
    assert "not one of Adatum's solutions" in err.value.fields["invitations[0].solution_ids"]
    row = svc.creation.create_deal(f.draft()).deal
    with pytest.raises(ValidationError, match="not one of Adatum's solutions"):
        svc.sharing.invite(row.id, row.version, mine)


def test_a_solution_assessment_draft_cannot_invite_microsoft(svc: Service) -> None:
    microsoft = f.invitation(org_id="microsoft", help_type=HelpType.GENERAL, solution_ids=())
    draft = f.draft(
        solutions=(SolutionInput(f.ASSESSMENT),),
        assessment_location_id=f.SEATTLE,
        contact=f.CONTACT,
        consent=True,
        invitations=(microsoft,),
    )
    with pytest.raises((RuleRefusal, ValidationError), match="cannot invite Microsoft"):
        svc.creation.create_deal(draft)
    assert svc.creation.preview_deal_type(draft).problems


def test_a_solution_assessment_deal_cannot_invite_microsoft(svc: Service) -> None:
    row = svc.creation.create_deal(
        f.draft(solutions=(SolutionInput(f.ASSESSMENT),), assessment_location_id=f.SEATTLE)
    ).deal
    microsoft = f.invitation(org_id="microsoft", help_type=HelpType.GENERAL, solution_ids=())
    with pytest.raises(RuleRefusal, match="solution-assessment deal cannot"):
        svc.sharing.invite(row.id, row.version, microsoft)


def test_an_invitation_keeps_the_value_it_was_given(svc: Service) -> None:
    row = svc.creation.create_deal(f.draft(invitations=(f.invitation(value="10000"),))).deal
    svc.lifecycle.edit_details(row.id, row.version, DetailsEdit(value="90000"))
    assert svc.listing.deal(row.id).invitations[0].value == f.Decimal("10000.00")
    assert invitee_of(svc).value == f.Decimal("10000.00")


@pytest.mark.parametrize("close", [close_won, close_lost, close_error])
def test_d15_open_invitations_are_withdrawn_and_the_invitee_told(svc: Service, close) -> None:
    row = svc.creation.create_deal(f.draft(invitations=(f.invitation(),))).deal
    closed = close(svc, row)
    invitee = svc.as_user("dan").listing.deal(invitee_of(svc).id)
    assert (invitee.row.status, invitee.row.substatus) == (Status.CLOSED, Substatus.ERROR)
    assert invitee.status_reason is not None
    assert invitee.status_reason.startswith(
        f"Withdrawn: Fabrikam closed its deal ({closed.substatus.label})"
    )
    assert invitee.history[0].action == "withdrawn"
    told = rows(svc, "SELECT recipient_email, kind FROM notification WHERE kind = 'withdrawn'")
    assert told == [("dan@adatum.example", "withdrawn")]


@pytest.mark.parametrize("close", [close_won, close_lost])
def test_d15_an_accepted_invitation_goes_on_and_the_invitee_is_told(svc: Service, close) -> None:
    inviter, invitee = p2p_pair(svc)
    close(svc, inviter)
    dan = svc.as_user("dan")
    after = dan.listing.deal(invitee.id)
    assert after.row.status is Status.ACTIVE and after.row.substatus is Substatus.ACCEPTED
    assert any(h.action == "originator_closed" for h in after.history)
    body = rows(svc, "SELECT body FROM notification WHERE kind = 'originator_closed'")
    assert len(body) == 1 and "goes on as your own deal" in str(body[0][0])
    dan.lifecycle.mark_stage(after.row.id, after.row.version, 40)  # still theirs to work on


def co_sell_pending(svc: Service) -> DealRow:
    return svc.creation.create_deal(f.co_sell_draft()).deal


@pytest.mark.parametrize("close", [close_lost, close_error])
def test_d15_a_pending_microsoft_request_is_closed(svc: Service, close) -> None:
    row = co_sell_pending(svc)
    closed = close(svc, row)
    assert closed.microsoft_status is MicrosoftStatus.EXPIRED
    request = rows(
        svc,
        "SELECT status, substatus FROM referral WHERE org_id = :ms AND engagement_id = "
        "(SELECT engagement_id FROM referral WHERE id = :id)",
        ms=f.MICROSOFT,
        id=row.id,
    )
    assert request == [("Closed", "Error")]
    jordan = svc.as_user("jordan")
    with pytest.raises(RuleRefusal):
        jordan.microsoft.microsoft_answer(row.id, True)


def test_d9_after_a_win_microsoft_may_still_accept(svc: Service) -> None:
    row = close_won(svc, co_sell_pending(svc))
    assert row.microsoft_status is MicrosoftStatus.PENDING
    svc.as_user("jordan").microsoft.microsoft_answer(row.id, True)
    assert svc.listing.row(row.id).microsoft_status in (
        MicrosoftStatus.ACCEPTED,
        MicrosoftStatus.WON,
    )
