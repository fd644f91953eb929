"""Reads: opening the service, the deal detail, look-ups and their scope (D2, D10)."""

from __future__ import annotations

import uuid

import pytest

from cosell_tui.domain import AccountKind, DealType, HelpType, MicrosoftStatus, SolutionCategory
from cosell_tui.rules import default_rulebook
from cosell_tui.service import Service, open_service
from cosell_tui.service.errors import NotFoundError
from cosell_tui.service.forms import PersonInput, SolutionInput
from tests import factories as f


def test_open_service_defaults_to_first_entire_company_admin(svc: Service, db_url: str) -> None:
    other = open_service(db_url, now=f.NOW, rules=default_rulebook())
    try:
        assert other.user.username == "ava"
        assert other.clock.now().isoformat().startswith("2026-11-20T12:00")
    finally:
        other.close()


def test_open_service_takes_user_from_environment(
    svc: Service, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COSELL_USER", "ben")
    other = open_service(db_url, now=f.NOW, rules=default_rulebook())
    try:
        assert other.user.username == "ben"
        assert other.user.location_ids == (f.LONDON,)
    finally:
        other.close()


def test_unknown_user_is_not_found(svc: Service) -> None:
    with pytest.raises(NotFoundError):
        svc.as_user("nobody")


def test_deal_detail_has_history_newest_first(svc: Service) -> None:
    deal = svc.creation.create_deal(f.draft()).deal
    svc.lifecycle.mark_stage(deal.id, deal.version, 20)
    detail = svc.listing.deal(deal.id)
    assert [h.action for h in detail.history] == ["stage", "created"]
    assert detail.history[0].who == "Ava Lindqvist"
    assert detail.location_name == "Seattle"
    assert detail.customer.name == "Contoso Private Limited"
    assert detail.checklist is None  # not won


def test_deal_by_referral_guid(svc: Service) -> None:
    deal = svc.creation.create_deal(f.draft()).deal
    assert svc.listing.deal(deal.referral_id).row.id == deal.id
    assert svc.listing.row(str(deal.id)).id == deal.id


@pytest.mark.parametrize(
    "ref", ["\x00", "not-a-guid", "x" * 10_000, "12345678-1234-1234-1234-12345678901\x00"]
)
def test_a_reference_that_is_no_guid_is_not_found_on_every_backend(svc: Service, ref: str) -> None:
    """Found by hypothesis on PostgreSQL: a NUL in an ID reached the driver as a DataError."""
    with pytest.raises(NotFoundError):
        svc.listing.deal(ref)
    with pytest.raises(NotFoundError):
        svc.lifecycle.decline(ref, 1, None)  # type: ignore[arg-type]  # any reason: not found first


def test_microsoft_card_shows_seller_only_once_accepted(svc: Service) -> None:
    deal = svc.creation.create_deal(f.co_sell_draft()).deal
    card = svc.listing.deal(deal.id).microsoft
    assert card.status is MicrosoftStatus.PENDING and card.seller is None
    assert card.expires_at is not None
    svc.as_user("jordan").microsoft.microsoft_answer(deal.id, True)
    card = svc.listing.deal(deal.id).microsoft
    assert card.status is MicrosoftStatus.ACCEPTED
    assert card.seller is not None and card.seller.email == "jordan@microsoft.example"
    assert card.msx_id


def test_d10_location_admin_sees_only_their_locations(svc: Service) -> None:
    seattle = svc.creation.create_deal(f.draft()).deal
    london = svc.creation.create_deal(f.draft(location_id=f.LONDON, name="London deal")).deal
    ben = svc.as_user("ben")
    assert ben.listing.row(london.id).id == london.id
    with pytest.raises(NotFoundError):
        ben.listing.deal(seattle.id)
    assert [r.id for r in ben.listing.find_deals("deal")] == [london.id]


def test_d10_user_sees_only_team_deals_in_scope(svc: Service) -> None:
    mine = svc.creation.create_deal(f.draft(team=(f.CARA_PERSON,), name="Cara's deal")).deal
    not_mine = svc.creation.create_deal(f.draft(name="Ava's deal")).deal
    london = svc.creation.create_deal(
        f.draft(location_id=f.LONDON, team=(f.CARA_PERSON,), name="London team deal")
    ).deal
    cara = svc.as_user("cara")
    assert cara.listing.row(mine.id).id == mine.id
    for hidden in (not_mine.id, london.id):
        with pytest.raises(NotFoundError):
            cara.listing.row(hidden)
    assert {r.id for r in cara.listing.find_deals("deal")} == {mine.id}


def test_other_company_never_sees_our_deals(svc: Service) -> None:
    deal = svc.creation.create_deal(f.draft()).deal
    with pytest.raises(NotFoundError):
        svc.as_user("dan").listing.deal(deal.id)
    with pytest.raises(NotFoundError):
        svc.as_user("dan").listing.deal(deal.referral_id)


def test_find_deals_by_number_and_words(svc: Service) -> None:
    deal = svc.creation.create_deal(f.draft(name="Quantum lakehouse")).deal
    assert [r.id for r in svc.listing.find_deals(str(deal.id))] == [deal.id]
    assert [r.id for r in svc.listing.find_deals("quant")] == [deal.id]
    assert [r.id for r in svc.listing.find_deals(deal.referral_id[:8])] == [deal.id]
    assert svc.listing.find_deals("zzzz") == ()
    assert svc.listing.find_deals("  ") == ()


@pytest.mark.parametrize(
    "guid", ["12345678-1111-4111-8111-111111111111", "abcdefab-cdef-4abc-8def-abcdefabcdef"]
)
def test_find_deals_by_a_referral_id_of_only_digits_or_only_letters(
    svc: Service, monkeypatch: pytest.MonkeyPatch, guid: str
) -> None:
    """A Referral ID's first eight characters find the deal also when they are all digits (they
    were read as a deal number, about 1 ID in 40) or all letters (they were read as words)."""
    monkeypatch.setattr("cosell_tui.service.creation.uuid.uuid4", lambda: uuid.UUID(guid))
    deal = svc.creation.create_deal(f.draft(name="Quantum lakehouse")).deal
    assert deal.referral_id == guid
    assert [r.id for r in svc.listing.find_deals(guid[:8])] == [deal.id]
    assert [r.id for r in svc.listing.find_deals(guid[:8].upper())] == [deal.id]
    if guid[:8].isdigit():
        assert svc.listing.find_deals(f"#{guid[:8]}") == ()  # "#N" is a deal number only


def test_find_deals_by_hash_number_is_that_deal_only(svc: Service) -> None:
    """`#N` in the palette is deal N, never a Referral ID that happens to contain the digits."""
    deal = svc.creation.create_deal(f.draft(name="Quantum lakehouse")).deal
    assert [r.id for r in svc.listing.find_deals(f"#{deal.id}")] == [deal.id]
    assert svc.listing.find_deals("#99999999") == ()
    assert svc.listing.find_deals("9" * 40) == ()  # beyond any id: nothing, not an error
    assert svc.listing.find_deals("²") == ()  # a digit to Python, not a deal number


def test_search_accounts_ignores_legal_suffixes(svc: Service) -> None:
    found = svc.catalog.search_accounts("Contoso Pvt Ltd")
    names = [a.name for a in found[AccountKind.MANAGED]]
    assert "Contoso Private Limited" in names


def test_search_accounts_forgives_a_typo(svc: Service) -> None:
    found = svc.catalog.search_accounts("Northwnd Traders")
    assert [a.id for a in found[AccountKind.UNMANAGED]] == [f.NORTHWIND]


def test_search_accounts_collapses_linked_managed_accounts(svc: Service) -> None:
    managed = svc.catalog.search_accounts("Contoso")[AccountKind.MANAGED]
    assert len(managed) == 1 and managed[0].linked_count == 1
    linked = svc.catalog.linked_accounts("G1")
    assert {a.id for a in linked} == {f.CONTOSO_IN, f.CONTOSO_IN_2}


def test_federal_accounts_only_under_other(svc: Service) -> None:
    found = svc.catalog.search_accounts("Tailspin Federal")
    assert [a.id for a in found[AccountKind.OTHER]] == [f.TAILSPIN_FED]
    assert found[AccountKind.MANAGED] == ()


def test_search_accounts_country_and_wider(svc: Service) -> None:
    assert svc.catalog.search_accounts("Fourth Coffee", country="US")[AccountKind.OTHER] == ()
    assert svc.catalog.search_accounts("Fourth Coffee", country="DE")[AccountKind.OTHER]
    wider = svc.catalog.search_accounts("Fourth Coffee", country="US", wider=True)
    assert [a.id for a in wider[AccountKind.OTHER]] == [f.FOURTH_COFFEE]
    assert all(v == () for v in svc.catalog.search_accounts("x").values())


def test_solution_categories_are_relative_to_the_users_company(svc: Service) -> None:
    mine = svc.catalog.search_solutions(category=SolutionCategory.MINE)
    assert {s.id for s in mine} == {f.AZURE_IP, f.PLAIN, f.BIZ_APPS}
    theirs = svc.as_user("dan").catalog.search_solutions("Fabrikam")
    assert {s.category for s in theirs} == {SolutionCategory.THIRD_PARTY}
    assessments = svc.catalog.search_solutions(category=SolutionCategory.ASSESSMENT)
    assert {s.id for s in assessments} == {f.ASSESSMENT, f.ASSESSMENT_2}
    assert [s.id for s in svc.catalog.search_solutions("virtual")] == [f.PRICED]


def test_search_partners_lists_the_ecosystem_without_us(svc: Service) -> None:
    assert svc.catalog.search_partners() == ((f.ADATUM, "Adatum"),)
    assert svc.catalog.search_partners("lit") == ()


def test_scope_locations_d2(svc: Service) -> None:
    assert [loc[0] for loc in svc.catalog.scope_locations()] == [f.SEATTLE, f.LONDON]
    assert svc.as_user("ben").catalog.scope_locations() == ((f.LONDON, "London", "101"),)


def test_recent_team_members_start_with_the_user(svc: Service) -> None:
    svc.creation.create_deal(
        f.draft(
            team=(f.AVA_PERSON, PersonInput("Zed", "Z", "+12065550199", "zed@fabrikam.example"))
        )
    )
    people = svc.catalog.recent_team_members()
    assert people[0].first_name == "Ava"
    assert "zed@fabrikam.example" in {p.email for p in people}


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({}, DealType.PRIVATE),
        ({"visible_to_microsoft": True}, DealType.PARTNER_LED),
        (
            {"help_type": HelpType.GENERAL, "contact": f.CONTACT, "consent": True},
            DealType.CO_SELL,
        ),
        (
            {"solutions": (SolutionInput(f.ASSESSMENT),), "assessment_location_id": f.SEATTLE},
            DealType.SOLUTION_ASSESSMENT,
        ),
    ],
)
def test_preview_deal_type_follows_the_decision_table(
    svc: Service, overrides: dict[str, object], expected: DealType
) -> None:
    assert svc.creation.preview_deal_type(f.draft(**overrides)).deal_type is expected


def test_preview_deal_type_flags_p2p(svc: Service) -> None:
    assert svc.creation.preview_deal_type(f.draft(invitations=(f.invitation(),))).p2p


def test_validate_draft_per_step(svc: Service) -> None:
    assert svc.creation.validate_draft(f.draft()) == {}
    bad = f.draft(name="", value="abc", team=(), solutions=(), account_id=None)
    assert set(svc.creation.validate_draft(bad, "details")) == {"name", "value"}
    assert set(svc.creation.validate_draft(bad, "team")) == {"team"}
    assert set(svc.creation.validate_draft(bad, "solutions")) == {"solutions"}
    assert set(svc.creation.validate_draft(bad, "customer")) == {"customer"}
    assert "step" in svc.creation.validate_draft(bad, "nonsense")


def test_recent_team_members_come_from_the_newest_deals_of_every_tab(svc: Service) -> None:
    """The newest deal wins whichever tab it sits in (each tab is read from its own index)."""
    newer = PersonInput("Yan", "Newest", "+12065550198", "yan@fabrikam.example")
    svc.creation.create_deal(f.draft(team=(f.AVA_PERSON, newer)))
    people = svc.catalog.recent_team_members(limit=3)
    assert people[0].first_name == "Ava"
    assert people[1].email == "yan@fabrikam.example"
    assert svc.as_user("cara").catalog.recent_team_members()[0].first_name == "Cara"
