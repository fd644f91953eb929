"""An open deal's life: edits (T6), stages (T7, D5, D6), won (T8, D7), lost (T9), error (T10, D4),
upgrades (T11-T13, D13), P2P terms (D14), and terminal deals refusing every write (T15)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from cosell_tui.domain import (
    Action,
    CloseReason,
    DealType,
    ErrorReason,
    HelpType,
    MarketplaceIntent,
    MicrosoftStatus,
    Substatus,
)
from cosell_tui.domain.views import DealRow
from cosell_tui.service import Service
from cosell_tui.service.errors import (
    ConflictError,
    CosellError,
    NotFoundError,
    RuleRefusal,
    ValidationError,
)
from cosell_tui.service.forms import DetailsEdit, PersonInput, SolutionInput
from tests import factories as f
from tests.service.conftest import advance, dump, rows


def fresh(svc: Service, row: DealRow) -> DealRow:
    return svc.listing.row(row.id)


def test_t6_edit_details_records_changed_fields(svc: Service) -> None:
    row = svc.creation.create_deal(f.draft()).deal
    out = svc.lifecycle.edit_details(
        row.id, row.version, DetailsEdit(name="Renamed", value="60,000.50")
    )
    assert out.deal.name == "Renamed" and out.deal.value == f.Decimal("60000.50")
    assert out.deal.version == row.version + 1
    action, detail = rows(
        svc, "SELECT action, detail FROM history WHERE referral_id = :r ORDER BY id DESC", r=row.id
    )[0]
    assert isinstance(detail, str)
    assert action == "details_edited" and '"name": ["Lakehouse for Contoso", "Renamed"]' in detail


def test_history_names_changed_fields_in_words(svc: Service) -> None:
    """The history the deal screen shows says "close date", "sales stage", never a column."""
    row = svc.creation.create_deal(f.draft()).deal
    row = svc.lifecycle.edit_details(
        row.id, row.version, DetailsEdit(name="Renamed", close_date="2027-02-14")
    ).deal
    row = svc.lifecycle.mark_stage(row.id, row.version, 60).deal
    summaries = [h.summary for h in svc.listing.deal(row.id).history[:2]]
    assert summaries[1] == "Edited details: name, close date."
    assert "sales stage" in summaries[0] and "stage_pct" not in summaries[0]


def test_stages_a_mark_jumped_over_are_skipped_not_done(svc: Service) -> None:
    row = svc.creation.create_deal(f.draft()).deal
    assert svc.listing.deal(row.id).skipped_stages == frozenset()
    row = svc.lifecycle.mark_stage(row.id, row.version, 20).deal
    row = svc.lifecycle.mark_stage(row.id, row.version, 60).deal
    assert svc.listing.deal(row.id).skipped_stages == {40}


def test_edit_with_no_change_writes_nothing(svc: Service) -> None:
    row = svc.creation.create_deal(f.draft()).deal
    before = dump(svc)
    out = svc.lifecycle.edit_details(row.id, row.version, DetailsEdit(name=row.name))
    assert out.message == "Nothing changed." and dump(svc) == before


def test_marketplace_intent_changes_only_from_have_not_decided(svc: Service) -> None:
    row = svc.creation.create_deal(f.draft(marketplace_intent=MarketplaceIntent.UNDECIDED)).deal
    row = svc.lifecycle.edit_details(
        row.id, row.version, DetailsEdit(marketplace_intent="Yes")
    ).deal
    with pytest.raises(ValidationError) as err:
        svc.lifecycle.edit_details(row.id, row.version, DetailsEdit(marketplace_intent="No"))
    assert "marketplace_intent" in err.value.fields


def test_set_team_replaces_the_team(svc: Service) -> None:
    row = svc.creation.create_deal(f.draft()).deal
    out = svc.lifecycle.set_team(row.id, row.version, [f.AVA_PERSON, f.CARA_PERSON])
    assert [p.first_name for p in svc.listing.deal(row.id).team] == ["Ava", "Cara"]
    assert svc.as_user("cara").listing.row(row.id).id == row.id  # now on the team (D10)
    with pytest.raises(ValidationError):
        svc.lifecycle.set_team(row.id, out.deal.version, [])


def test_set_solutions(svc: Service) -> None:
    row = svc.creation.create_deal(f.draft()).deal
    out = svc.lifecycle.set_solutions(
        row.id, row.version, [SolutionInput(f.PLAIN), SolutionInput(f.AZURE_IP)]
    )
    assert [s.solution.id for s in svc.listing.deal(row.id).solutions] == [f.PLAIN, f.AZURE_IP]
    with pytest.raises(ValidationError):
        svc.lifecycle.set_solutions(row.id, out.deal.version, [SolutionInput(f.ASSESSMENT)])


def sa_deal(svc: Service) -> DealRow:
    return svc.creation.create_deal(
        f.draft(solutions=(SolutionInput(f.ASSESSMENT),), assessment_location_id=f.SEATTLE)
    ).deal


def test_solution_assessment_solutions_never_change(svc: Service) -> None:
    row = sa_deal(svc)
    with pytest.raises(RuleRefusal):
        svc.lifecycle.set_solutions(row.id, row.version, [SolutionInput(f.ASSESSMENT_2)])


def test_d6_normal_stages_skip_forward_never_back(svc: Service) -> None:
    row = svc.creation.create_deal(f.draft()).deal
    row = svc.lifecycle.mark_stage(row.id, row.version, 60).deal
    assert row.stage_pct == 60
    with pytest.raises(RuleRefusal):
        svc.lifecycle.mark_stage(row.id, row.version, 40)
    with pytest.raises(RuleRefusal):
        svc.lifecycle.mark_stage(row.id, row.version, 55)


def test_d6_assessment_stages_in_order_before_won(svc: Service) -> None:
    row = sa_deal(svc)
    with pytest.raises(RuleRefusal):
        svc.lifecycle.mark_stage(row.id, row.version, 40)
    with pytest.raises(RuleRefusal):
        svc.lifecycle.won(row.id, row.version)
    for pct in (20, 40, 60, 80):
        row = svc.lifecycle.mark_stage(row.id, row.version, pct).deal
    out = svc.lifecycle.won(row.id, row.version)
    assert out.deal.substatus is Substatus.WON and out.deal.stage_pct == 100
    assert svc.listing.deal(row.id).checklist is None  # SA deals are never registrable


def test_d5_stage_names_in_history(svc: Service) -> None:
    row = sa_deal(svc)
    svc.lifecycle.mark_stage(row.id, row.version, 20)
    assert svc.listing.deal(row.id).history[0].summary.startswith("Marked 'Secure customer LOE'")


def test_d7_no_warning_for_a_deal_that_could_never_be_registered(svc: Service) -> None:
    """No Azure IP co-sell solution: registration is impossible, so no 72-hour advisory."""
    draft = f.draft(visible_to_microsoft=True, solutions=(SolutionInput(f.PLAIN),))
    row = svc.creation.create_deal(draft).deal
    assert not any("72 hours" in w for w in svc.lifecycle.won_preview(row.id).warnings)
    assert svc.listing.deal(row.id).decision.warnings == {}


def test_d7_warns_a_pending_co_sell_deal_microsoft_may_still_accept(svc: Service) -> None:
    row = svc.creation.create_deal(f.co_sell_draft()).deal
    assert any("72 hours" in w for w in svc.lifecycle.won_preview(row.id).warnings)


def test_d7_won_within_72_hours_warns_but_succeeds(svc: Service) -> None:
    row = svc.creation.create_deal(f.draft(visible_to_microsoft=True)).deal
    warnings = svc.lifecycle.won_preview(row.id).warnings
    assert any("72 hours" in w for w in warnings)
    out = svc.lifecycle.won(row.id, row.version)
    assert out.deal.substatus is Substatus.WON
    assert any("72 hours" in w for w in out.warnings)


def test_d7_no_warning_after_72_hours(svc: Service) -> None:
    row = svc.creation.create_deal(f.draft(visible_to_microsoft=True)).deal
    advance(svc, hours=73)
    assert not any("72 hours" in w for w in svc.lifecycle.won_preview(row.id).warnings)


def test_won_with_biz_apps_solution_mentions_isv_connect(svc: Service) -> None:
    row = svc.creation.create_deal(f.draft(solutions=(SolutionInput(f.BIZ_APPS),))).deal
    assert any("ISV Connect" in w for w in svc.lifecycle.won(row.id, row.version).warnings)


def test_won_sets_registration_eligible(svc: Service) -> None:
    eligible = svc.creation.create_deal(f.draft(visible_to_microsoft=True)).deal
    private = svc.creation.create_deal(f.draft()).deal
    svc.lifecycle.won(eligible.id, eligible.version)
    svc.lifecycle.won(private.id, private.version)
    got = {
        pk: flag
        for pk, flag in rows(
            svc,
            "SELECT id, registration_eligible FROM referral WHERE id IN (:a, :b)",
            a=eligible.id,
            b=private.id,
        )
    }
    assert bool(got[eligible.id]) is True and bool(got[private.id]) is False
    checklist = svc.listing.deal(private.id).checklist
    assert checklist is not None and not checklist.eligible


def test_undecidable_eligibility_without_a_rate(svc: Service) -> None:
    row = svc.creation.create_deal(f.draft(visible_to_microsoft=True, currency="BRL")).deal
    svc.lifecycle.won(row.id, row.version)
    checklist = svc.listing.deal(row.id).checklist
    assert checklist is not None and checklist.undecidable
    assert rows(svc, "SELECT registration_eligible FROM referral WHERE id = :r", r=row.id) == [
        (None,)
    ]


def test_t9_lost_needs_a_reason(svc: Service) -> None:
    row = svc.creation.create_deal(f.draft()).deal
    with pytest.raises(ValidationError):
        svc.lifecycle.lost(row.id, row.version, "")  # type: ignore[arg-type]  # no reason, on purpose
    out = svc.lifecycle.lost(row.id, row.version, CloseReason.BUDGET, "No budget")
    assert out.deal.substatus is Substatus.LOST
    assert svc.listing.deal(row.id).status_reason == "Project budget isn't adequate: No budget"


def test_d4_close_as_error_from_any_open_state(svc: Service) -> None:
    row = svc.creation.create_deal(f.draft()).deal
    with pytest.raises(ValidationError) as err:
        svc.lifecycle.close_as_error(row.id, row.version, ErrorReason.OTHERS)
    assert "notes" in err.value.fields
    out = svc.lifecycle.close_as_error(row.id, row.version, ErrorReason.TEST_REFERRAL)
    assert out.deal.substatus is Substatus.ERROR
    received = svc.as_user("jordan").creation.send_referral(f.referral())
    assert received.deal.id
    pending = svc.listing.find_deals("Northwind")[0]
    assert (
        svc.lifecycle.close_as_error(
            pending.id, pending.version, ErrorReason.DATA_ERROR
        ).deal.substatus
        is Substatus.ERROR
    )


def close_won(svc: Service, row: DealRow) -> DealRow:
    return svc.lifecycle.won(row.id, row.version).deal


def close_lost(svc: Service, row: DealRow) -> DealRow:
    return svc.lifecycle.lost(row.id, row.version, CloseReason.BUDGET).deal


def close_error(svc: Service, row: DealRow) -> DealRow:
    return svc.lifecycle.close_as_error(row.id, row.version, ErrorReason.TEST_REFERRAL).deal


WRITES: dict[str, Callable[[Service, DealRow], object]] = {
    "edit_details": lambda s, r: s.lifecycle.edit_details(r.id, r.version, DetailsEdit(name="X")),
    "set_team": lambda s, r: s.lifecycle.set_team(r.id, r.version, [f.CARA_PERSON]),
    "set_solutions": lambda s, r: s.lifecycle.set_solutions(
        r.id, r.version, [SolutionInput(f.PLAIN)]
    ),
    "mark_stage": lambda s, r: s.lifecycle.mark_stage(r.id, r.version, 80),
    "won": lambda s, r: s.lifecycle.won(r.id, r.version),
    "won_preview": lambda s, r: s.lifecycle.won_preview(r.id),
    "lost": lambda s, r: s.lifecycle.lost(r.id, r.version, CloseReason.BUDGET),
    "close_as_error": lambda s, r: s.lifecycle.close_as_error(
        r.id, r.version, ErrorReason.DATA_ERROR
    ),
    "share": lambda s, r: s.sharing.share_with_microsoft(r.id, r.version),
    "request_help": lambda s, r: s.sharing.request_help(
        r.id, r.version, HelpType.GENERAL, "help", f.CONTACT, True
    ),
    "invite": lambda s, r: s.sharing.invite(r.id, r.version, f.invitation()),
    "edit_terms": lambda s, r: s.lifecycle.edit_invitation_terms(
        r.id, r.version, "1", "USD", "2027-01-01"
    ),
    "accept": lambda s, r: s.lifecycle.accept(r.id, r.version, f.accept_form()),
    "decline": lambda s, r: s.lifecycle.decline(r.id, r.version, CloseReason.BUDGET),
}


@pytest.mark.parametrize("close", [close_won, close_lost, close_error])
def test_t15_terminal_deals_refuse_every_write(
    svc: Service, close: Callable[[Service, DealRow], DealRow]
) -> None:
    row = close(svc, svc.creation.create_deal(f.draft()).deal)
    before = dump(svc)
    for name, write in WRITES.items():
        with pytest.raises(RuleRefusal):
            write(svc, row)
        assert dump(svc) == before, name


def test_d13_share_is_one_way(svc: Service) -> None:
    row = svc.creation.create_deal(f.draft()).deal
    out = svc.sharing.share_with_microsoft(row.id, row.version)
    assert out.deal.deal_type is DealType.PARTNER_LED
    with pytest.raises(RuleRefusal):
        svc.sharing.share_with_microsoft(out.deal.id, out.deal.version)


def test_d13_request_help_upgrades_to_co_sell_and_needs_a_contact(svc: Service) -> None:
    """As in the wizard: notes optional, a contact needs the consent tick, and without any
    contact the deal-type rule refuses (its words, not a copy)."""
    row = svc.creation.create_deal(f.draft(visible_to_microsoft=True)).deal
    before = dump(svc)
    with pytest.raises(RuleRefusal, match="needs a customer contact"):
        svc.sharing.request_help(row.id, row.version, HelpType.GENERAL, "")
    with pytest.raises(ValidationError, match="must consent") as err:
        svc.sharing.request_help(row.id, row.version, HelpType.GENERAL, "", f.CONTACT)
    assert "consent" in err.value.fields
    assert dump(svc) == before
    out = svc.sharing.request_help(row.id, row.version, HelpType.GENERAL, "", f.CONTACT, True)
    assert out.deal.deal_type is DealType.CO_SELL
    assert out.deal.microsoft_status is MicrosoftStatus.PENDING
    with pytest.raises(RuleRefusal):
        svc.sharing.request_help(out.deal.id, out.deal.version, HelpType.GENERAL, "again")
    with pytest.raises(RuleRefusal):
        svc.sharing.share_with_microsoft(out.deal.id, out.deal.version)


def test_asking_microsoft_for_help_is_one_rule_everywhere(svc: Service) -> None:
    """The wizard and `deal create` (a draft), inviting Microsoft and the Ask-for-help dialog
    all refuse a deal without a customer contact with deal_type.yaml's words."""
    said: list[str] = []
    draft = f.draft(help_type=HelpType.GENERAL, contact=None, consent=False)
    with pytest.raises(CosellError) as err:
        svc.creation.create_deal(draft)
    said.append(str(err.value))
    checked = svc.creation.validate_draft(draft)
    said.append("; ".join(checked.values()))
    row = svc.creation.create_deal(f.draft(visible_to_microsoft=True)).deal
    for ask in (
        lambda: svc.sharing.request_help(row.id, row.version, HelpType.GENERAL, ""),
        lambda: svc.sharing.invite(row.id, row.version, f.invitation(org_id="microsoft")),
    ):
        with pytest.raises(RuleRefusal) as refused:
            ask()
        said.append(str(refused.value))
    for text in said:
        assert "needs a customer contact" in text and "consent" in text, text


def test_t13_invite_a_partner_later(svc: Service) -> None:
    row = svc.creation.create_deal(f.draft()).deal
    out = svc.sharing.invite(row.id, row.version, f.invitation())
    assert out.deal.p2p
    with pytest.raises(RuleRefusal):
        svc.sharing.invite(out.deal.id, out.deal.version, f.invitation())  # already invited


def test_t13_invite_microsoft_later_is_a_help_request(svc: Service) -> None:
    row = svc.creation.create_deal(f.draft(contact=f.CONTACT, consent=True)).deal
    inv = f.invitation(org_id="microsoft", help_type=HelpType.QUOTES_LICENSING, solution_ids=())
    out = svc.sharing.invite(row.id, row.version, inv)
    assert out.deal.deal_type is DealType.CO_SELL
    assert out.deal.microsoft_status is MicrosoftStatus.PENDING


def p2p_pair(svc: Service) -> tuple[DealRow, DealRow]:
    """(inviter's deal, invitee's accepted referral)."""
    inviter = svc.creation.create_deal(f.draft(invitations=(f.invitation(),))).deal
    dan = svc.as_user("dan")
    invitee = dan.listing.find_deals("Lakehouse")[0]
    invitee = dan.lifecycle.accept(
        invitee.id,
        invitee.version,
        f.accept_form(name=invitee.name, value="10000", close_date="2027-02-28"),
    ).deal
    return svc.listing.row(inviter.id), invitee


def test_d14_inviter_cannot_change_the_invitees_terms(svc: Service) -> None:
    inviter, _ = p2p_pair(svc)
    with pytest.raises(RuleRefusal):
        svc.lifecycle.edit_invitation_terms(inviter.id, inviter.version, "99", "USD", "2027-05-01")
    terms = svc.listing.deal(inviter.id).invitations[0]
    assert terms.value == f.Decimal("10000.00")


def test_d14_invitee_changes_its_terms_after_accepting(svc: Service) -> None:
    inviter, invitee = p2p_pair(svc)
    dan = svc.as_user("dan")
    out = dan.lifecycle.edit_invitation_terms(
        invitee.id, invitee.version, "12500", "EUR", "2027-06-30"
    )
    assert (out.deal.value, out.deal.currency) == (f.Decimal("12500.00"), "EUR")
    assert svc.listing.deal(inviter.id).invitations[0].value == f.Decimal("10000.00")  # frozen
    assert svc.listing.deal(inviter.id).invitations[0].invitee_status is Substatus.ACCEPTED


def test_d14_invitee_cannot_edit_before_accepting(svc: Service) -> None:
    svc.creation.create_deal(f.draft(invitations=(f.invitation(),)))
    dan = svc.as_user("dan")
    pending = dan.listing.find_deals("Lakehouse")[0]
    with pytest.raises(RuleRefusal):
        dan.lifecycle.edit_invitation_terms(pending.id, pending.version, "1", "USD", "2027-01-01")


def test_d10_user_not_on_team_cannot_write(svc: Service) -> None:
    row = svc.creation.create_deal(f.draft()).deal
    cara = svc.as_user("cara")
    with pytest.raises(NotFoundError):
        cara.lifecycle.edit_details(row.id, row.version, DetailsEdit(name="Mine now"))
    ben = svc.as_user("ben")
    with pytest.raises(NotFoundError):
        ben.lifecycle.won(row.id, row.version)


def test_stale_version_is_a_conflict(svc: Service) -> None:
    row = svc.creation.create_deal(f.draft()).deal
    svc.lifecycle.edit_details(row.id, row.version, DetailsEdit(name="First"))
    before = dump(svc)
    with pytest.raises(ConflictError):
        svc.lifecycle.edit_details(row.id, row.version, DetailsEdit(name="Second"))
    assert dump(svc) == before and svc.listing.row(row.id).name == "First"


def test_user_removing_themselves_from_the_team_is_warned(svc: Service) -> None:
    cara = svc.as_user("cara")
    row = cara.creation.create_deal(f.draft(team=(f.CARA_PERSON,))).deal
    other = PersonInput("Ava", "Lindqvist", "+12065550101", "ava@fabrikam.example")
    out = cara.lifecycle.set_team(row.id, row.version, [other])
    assert out.warnings
    with pytest.raises(NotFoundError):
        cara.listing.row(row.id)


@pytest.mark.parametrize(
    ("typed", "value"),
    [("55k", "55000.00"), ("1.5m", "1500000.00"), ("25,000.50", "25000.50"), ("2K", "2000.00")],
)
def test_amounts_read_as_the_filter_line_reads_them(svc: Service, typed: str, value: str) -> None:
    """One reader for money typed in a form and in the filter line (`value:>=25k`)."""
    row = svc.creation.create_deal(f.draft()).deal
    out = svc.lifecycle.edit_details(row.id, row.version, DetailsEdit(value=typed))
    assert out.deal.value == f.Decimal(value)


def test_a_word_is_still_not_an_amount(svc: Service) -> None:
    row = svc.creation.create_deal(f.draft()).deal
    with pytest.raises(ValidationError) as refused:
        svc.lifecycle.edit_details(row.id, row.version, DetailsEdit(value="55 grand"))
    assert "is not an amount (e.g. 25000.00 or 25k)" in str(refused.value.fields)


def test_customer_contacts_are_edited_until_shared_with_microsoft(svc: Service) -> None:
    """§1.3: contacts are edited with the customer's consent on a deal Microsoft does not see;
    a deal Microsoft sees may get its first one; once shared they are read-only (the rule's
    words), and asking for help then finds the contact."""
    row = svc.creation.create_deal(f.draft()).deal  # private, no contact
    before = dump(svc)
    with pytest.raises(ValidationError, match="must consent"):
        svc.lifecycle.set_contacts(row.id, row.version, (f.CONTACT,), False)
    assert dump(svc) == before
    out = svc.lifecycle.set_contacts(row.id, row.version, (f.CONTACT,), True)
    assert [c.email for c in svc.listing.deal(row.id).contacts] == [f.CONTACT.email]
    assert any(h.action == "contacts_edited" for h in svc.listing.deal(row.id).history)
    out = svc.lifecycle.set_contacts(out.deal.id, out.deal.version, (), False)  # private: none
    assert svc.listing.deal(row.id).contacts == ()
    shared = svc.sharing.share_with_microsoft(out.deal.id, out.deal.version).deal
    assert Action.EDIT_CONTACTS in svc.listing.deal(shared.id).decision.allowed  # a first one
    first = svc.lifecycle.set_contacts(shared.id, shared.version, (f.CONTACT,), True).deal
    why = svc.listing.deal(first.id).decision.why_not(Action.EDIT_CONTACTS)
    assert "shared with Microsoft" in why
    with pytest.raises(RuleRefusal, match="shared with Microsoft"):
        svc.lifecycle.set_contacts(first.id, first.version, (), False)
    help_ = svc.sharing.request_help(first.id, first.version, HelpType.GENERAL, "")
    assert help_.deal.deal_type is DealType.CO_SELL
